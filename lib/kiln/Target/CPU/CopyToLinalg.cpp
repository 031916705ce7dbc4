//===- CopyToLinalg.cpp - memref.copy to linalg.copy ------------------------===//
//
// A memref.copy between non-identity layouts lowers to a call into the MLIR
// runtime library; as linalg.copy it becomes loops and needs no library.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUCOPYTOLINALG
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct CopyToLinalgPass
    : kiln::impl::KilnCPUCopyToLinalgBase<CopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp op) { copies.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp op : copies) {
      auto source = dyn_cast<MemRefType>(op.getSource().getType());
      auto target = dyn_cast<MemRefType>(op.getTarget().getType());
      if (source && target && source.getLayout().isIdentity() &&
          target.getLayout().isIdentity())
        continue; // Lowers to a plain memcpy.
      rewriter.setInsertionPoint(op);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                  op.getTarget());
    }
  }
};

} // namespace
