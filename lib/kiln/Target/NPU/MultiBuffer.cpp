//===- MultiBuffer.cpp - kiln-npu-multi-buffer ----------------------------===//
//
// Upstream memref::multiBuffer does the rewrite: an alloc marked
// `npu.buffers = N` inside a loop becomes N copies hoisted before the loop,
// iteration i using copy (i - lb) / step mod N. The tokens inserted before
// (kiln-npu-insert-tokens) already allow N tiles in flight.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Target/NPU/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNNPUMULTIBUFFER
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct MultiBuffer : kiln::impl::KilnNPUMultiBufferBase<MultiBuffer> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp a) {
      auto n = a->getAttrOfType<IntegerAttr>(npu::kBuffersAttrName);
      if (n && n.getInt() > 1)
        allocs.push_back(a);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocOp alloc : allocs) {
      unsigned n = alloc->getAttrOfType<IntegerAttr>(npu::kBuffersAttrName)
                       .getInt();
      // memref::multiBuffer wants the alloc before the loop whose
      // iterations rotate through the copies (it has no operands: legal).
      auto loop = dyn_cast<scf::ForOp>(alloc->getParentOp());
      if (!loop) {
        alloc.emitOpError() << "npu.buffers needs the alloc directly in an "
                               "scf.for";
        return signalPassFailure();
      }
      alloc->moveBefore(loop);
      rewriter.setInsertionPoint(alloc);
      // The lowering writes every tile in full before reading it, so the
      // override analysis (which only knows upstream ops) is skipped.
      FailureOr<memref::AllocOp> multi =
          memref::multiBuffer(rewriter, alloc, n, /*skipOverrideAnalysis=*/true);
      if (failed(multi)) {
        alloc.emitOpError() << "could not be multi-buffered (" << n
                            << " copies): it must sit directly in an scf.for "
                               "with loop-invariant bounds";
        return signalPassFailure();
      }
      // The copies are in the shape now.
      (*multi)->removeAttr(npu::kBuffersAttrName);
    }
  }
};
} // namespace
