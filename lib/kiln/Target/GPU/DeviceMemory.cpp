//===- DeviceMemory.cpp - kiln-gpu-device-memory --------------------------===//
//
// Kernels read and write device memory only, so after bufferization every
// buffer the host code creates is put there: allocations become gpu.alloc,
// constants (memref.get_global) are copied into device buffers, and copies
// become gpu.memcpy (contiguous) or linalg.copy (a kernel).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUDEVICEMEMORY
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Inside a loop that becomes a kernel.
bool inLoop(Operation *op) {
  return op->getParentOfType<scf::ForallOp>() ||
         op->getParentOfType<scf::ParallelOp>();
}

bool inKernel(Operation *op) {
  return op->getParentOfType<gpu::GPUModuleOp>() ||
         op->getParentOfType<gpu::LaunchOp>();
}

/// A constant upper bound of an index value. Thread tiles of partial
/// blocks are sized `max(min(tile, rest), 0)`: the value-bounds analysis
/// cannot bound an affine.max from above, so min/max are taken apart here.
std::optional<int64_t> upperBound(Value v) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c;
  auto boundOf = [&](AffineExpr e, ValueRange operands,
                     unsigned numDims) -> std::optional<int64_t> {
    if (auto c = dyn_cast<AffineConstantExpr>(e))
      return c.getValue();
    if (auto d = dyn_cast<AffineDimExpr>(e))
      return upperBound(operands[d.getPosition()]);
    if (auto s = dyn_cast<AffineSymbolExpr>(e))
      return upperBound(operands[numDims + s.getPosition()]);
    return std::nullopt;
  };
  if (auto min = v.getDefiningOp<affine::AffineMinOp>()) {
    std::optional<int64_t> best;
    for (AffineExpr e : min.getAffineMap().getResults())
      if (std::optional<int64_t> b = boundOf(e, min.getOperands(),
                                             min.getAffineMap().getNumDims()))
        best = best ? std::min(*best, *b) : *b;
    if (best)
      return best;
  }
  if (auto max = v.getDefiningOp<affine::AffineMaxOp>()) {
    std::optional<int64_t> best;
    for (AffineExpr e : max.getAffineMap().getResults()) {
      std::optional<int64_t> b =
          boundOf(e, max.getOperands(), max.getAffineMap().getNumDims());
      if (!b) {
        best.reset();
        break;
      }
      best = best ? std::max(*best, *b) : *b;
    }
    if (best)
      return best;
  }
  FailureOr<int64_t> ub = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::UB, v, /*stopCondition=*/nullptr,
      /*closedUB=*/true);
  if (succeeded(ub))
    return *ub;
  return std::nullopt;
}

struct DeviceMemoryPass
    : kiln::impl::KilnGPUDeviceMemoryBase<DeviceMemoryPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal() || inKernel(fn))
      return;
    IRRewriter rewriter(&getContext());
    bool failedAny = false;
    SmallVector<Operation *> ops;
    fn.walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp,
              memref::CopyOp, memref::AllocaOp>(op))
        ops.push_back(op);
    });
    SmallVector<Value> constantBuffers;
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (Operation *op : ops) {
      if (erased.contains(op))
        continue;
      Location loc = op->getLoc();
      rewriter.setInsertionPoint(op);
      if (auto alloc = dyn_cast<memref::AllocOp>(op);
          alloc && inLoop(alloc) && alloc.getType().getLayout().isIdentity()) {
        // A temporary of one thread's tile (a fused producer's result):
        // the thread's own stack, sized by the tile's largest extent
        // (partial tiles have dynamic sizes); its deallocations go.
        MemRefType type = alloc.getType();
        SmallVector<int64_t> bound(type.getShape());
        bool bounded = true;
        unsigned dynamicIndex = 0;
        for (int64_t &d : bound) {
          if (!ShapedType::isDynamic(d))
            continue;
          std::optional<int64_t> ub =
              upperBound(alloc.getDynamicSizes()[dynamicIndex++]);
          if (!ub || *ub <= 0) {
            bounded = false;
            break;
          }
          d = *ub;
        }
        if (!bounded) {
          alloc.emitError("kiln-gpu-device-memory: a buffer inside a kernel "
                          "has a size with no constant upper bound");
          failedAny = true;
          continue;
        }
        for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
          if (isa<memref::DeallocOp>(user)) {
            erased.insert(user);
            rewriter.eraseOp(user);
          }
        // One flat stack buffer of the bound's size, viewed with the
        // allocation's own (identity-layout) type.
        int64_t elements = 1;
        for (int64_t d : bound)
          elements *= d;
        auto stack = memref::AllocaOp::create(
            rewriter, loc, MemRefType::get({elements}, type.getElementType()),
            alloc.getAlignmentAttr());
        SmallVector<OpFoldResult> sizes;
        dynamicIndex = 0;
        for (int64_t d : type.getShape())
          sizes.push_back(ShapedType::isDynamic(d)
                              ? OpFoldResult(alloc.getDynamicSizes()[dynamicIndex++])
                              : OpFoldResult(rewriter.getIndexAttr(d)));
        SmallVector<OpFoldResult> strides(type.getRank());
        OpFoldResult stride = rewriter.getIndexAttr(1);
        for (int64_t i = type.getRank() - 1; i >= 0; --i) {
          strides[i] = stride;
          if (i > 0)
            stride = affine::makeComposedFoldedAffineApply(
                rewriter, loc,
                rewriter.getAffineSymbolExpr(0) * rewriter.getAffineSymbolExpr(1),
                {stride, sizes[i]});
        }
        rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
            alloc, type, stack, rewriter.getIndexAttr(0), sizes, strides);
      } else if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        auto dev = gpu::AllocOp::create(
            rewriter, loc, alloc.getType(), /*asyncToken=*/Type(),
            /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
            alloc.getSymbolOperands(), /*hostShared=*/false);
        rewriter.replaceOp(alloc, dev.getMemref());
      } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(),
                               ValueRange(), dealloc.getMemref());
        rewriter.eraseOp(dealloc);
      } else if (auto global = dyn_cast<memref::GetGlobalOp>(op)) {
        // The constant lives in host memory: a device copy per call.
        auto type = cast<MemRefType>(global.getType());
        if (!type.getLayout().isIdentity()) {
          global.emitError("kiln-gpu-device-memory: a global with a "
                           "non-identity layout cannot be copied to the "
                           "device");
          failedAny = true;
          continue;
        }
        rewriter.setInsertionPointAfter(global);
        auto dev = gpu::AllocOp::create(rewriter, loc, type, Type(),
                                        ValueRange(), ValueRange(),
                                        ValueRange(), false);
        rewriter.replaceAllUsesWith(global.getResult(), dev.getMemref());
        gpu::MemcpyOp::create(rewriter, loc, TypeRange(), ValueRange(),
                              dev.getMemref(), global.getResult());
        constantBuffers.push_back(dev.getMemref());
      } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        auto src = cast<MemRefType>(copy.getSource().getType());
        auto dst = cast<MemRefType>(copy.getTarget().getType());
        if (src.getLayout().isIdentity() && dst.getLayout().isIdentity()) {
          gpu::MemcpyOp::create(rewriter, loc, TypeRange(), ValueRange(),
                                copy.getTarget(), copy.getSource());
        } else {
          linalg::CopyOp::create(rewriter, loc, copy.getSource(),
                                 copy.getTarget());
        }
        rewriter.eraseOp(copy);
      } else if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
        // A host stack buffer is unreachable from kernels.
        if (!inLoop(alloca)) {
          alloca.emitError("kiln-gpu-device-memory: a host stack buffer "
                           "(memref.alloca) outside any parallel loop "
                           "cannot be used by a kernel");
          failedAny = true;
        }
      }
    }
    // The constants' device copies are freed before every return.
    fn.walk([&](func::ReturnOp ret) {
      rewriter.setInsertionPoint(ret);
      for (Value buffer : constantBuffers)
        gpu::DeallocOp::create(rewriter, ret.getLoc(), Type(), ValueRange(),
                               buffer);
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
