//===- PrepareEntryPoints.cpp - Mark C-callable entry points ----------------===//
//
// Entry points get a C interface for the JIT and AOT callers, read-only
// inputs, and distinct buffers for every result.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
      fn.walk([](func::ReturnOp ret) { copyRepeatedResults(ret); });
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
