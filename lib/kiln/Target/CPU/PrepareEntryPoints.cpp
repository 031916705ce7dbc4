//===- PrepareEntryPoints.cpp - Mark C-callable entry points ----------------===//
//
// Entry points get a C interface for the JIT and AOT callers, read-only
// inputs, distinct buffers for every result, and results that reshapes
// return are computed in the result's own shape (so bufferization writes
// them straight into the caller's out-parameter).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUPREPAREENTRYPOINTS
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct PrepareEntryPointsPass
    : kiln::impl::KilnCPUPrepareEntryPointsBase<PrepareEntryPointsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      if (fn.isPublic() ||
          fn->hasAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName()))
        kiln::markCPUEntryPoint(fn);
      fn.walk([](func::ReturnOp ret) {
        copyRepeatedResults(ret);
        computeReshapedResultsInPlace(ret);
      });
    }
  }

  /// `return %y, %y` would give two out-parameters one buffer, which
  /// buffer-results-to-out-params does not handle (it crashes when it hoists
  /// the allocation); every repeat returns a copy instead.
  static void copyRepeatedResults(func::ReturnOp ret) {
    llvm::SmallPtrSet<Value, 4> seen;
    OpBuilder builder(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value value = operand.get();
      auto type = dyn_cast<RankedTensorType>(value.getType());
      if (!type || seen.insert(value).second)
        continue;
      Location loc = ret.getLoc();
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(builder, loc, value);
      Value init =
          tensor::EmptyOp::create(builder, loc, sizes, type.getElementType());
      operand.set(
          linalg::CopyOp::create(builder, loc, value, init).getResult(0));
    }
  }

  /// The empty tensor a destination chain (DPS ops, scf.for / scf.forall
  /// through their inits) writes into, or null.
  static tensor::EmptyOp destinationRoot(Value value) {
    while (auto result = dyn_cast<OpResult>(value)) {
      Operation *def = result.getOwner();
      unsigned i = result.getResultNumber();
      if (auto empty = dyn_cast<tensor::EmptyOp>(def))
        return empty;
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
        value = dps.getDpsInitOperand(i)->get();
      else if (auto forall = dyn_cast<scf::ForallOp>(def))
        value = forall.getOutputs()[i];
      else if (auto loop = dyn_cast<scf::ForOp>(def))
        value = loop.getInitArgs()[i];
      else
        return {};
    }
    return {};
  }

  /// `return collapse_shape(%t)` where %t is written into `tensor.empty`
  /// (an unpacked matmul result is [M/m0, m0, N/n0, n0]): bufferization
  /// gives %t its own allocation, the collapse is a view of it, and the
  /// view cannot become the out-parameter, so the whole result was copied
  /// once more (4 MB for a 1024x1024 SGEMM). The empty tensor becomes an
  /// expand_shape of an empty tensor of the returned shape instead; the
  /// collapse of the expand then folds to that allocation.
  static void computeReshapedResultsInPlace(func::ReturnOp ret) {
    for (Value value : ret->getOperands()) {
      auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
      if (!collapse || !collapse.getResultType().hasStaticShape())
        continue;
      tensor::EmptyOp empty = destinationRoot(collapse.getSrc());
      if (!empty || !empty->hasOneUse() || !empty.getType().hasStaticShape())
        continue;
      OpBuilder builder(empty);
      Location loc = empty.getLoc();
      Value flat = tensor::EmptyOp::create(
          builder, loc, collapse.getResultType().getShape(),
          empty.getType().getElementType());
      Value expanded = tensor::ExpandShapeOp::create(
          builder, loc, empty.getType(), flat,
          collapse.getReassociationIndices());
      empty.replaceAllUsesWith(expanded);
      empty.erase();
    }
  }
};

} // namespace

void kiln::markCPUEntryPoint(func::FuncOp fn) {
  MLIRContext *context = fn.getContext();
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
              UnitAttr::get(context));
  for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
    if (isa<TensorType>(fn.getArgumentTypes()[i]))
      fn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                    BoolAttr::get(context, false));
}
