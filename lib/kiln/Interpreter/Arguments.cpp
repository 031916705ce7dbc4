//===- Arguments.cpp - Check host tensors against a function signature ----===//
//
// Shared by the interpreter and by every execution target, so a wrong input
// reads the same whatever runs it.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

LogicalResult
kiln::checkArguments(func::FuncOp function, ArrayRef<HostTensor> inputs,
                     llvm::function_ref<std::string(unsigned)> describeInput) {
  ArrayRef<Type> params = function.getArgumentTypes();
  if (params.size() != inputs.size())
    return function.emitError("@")
           << function.getSymName() << " takes " << params.size()
           << " input" << (params.size() == 1 ? "" : "s") << " but "
           << inputs.size() << (inputs.size() == 1 ? " was" : " were")
           << " given";
  bool ok = true;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(params, inputs))) {
    auto [paramType, input] = pair;
    auto tensorType = dyn_cast<RankedTensorType>(paramType);
    std::optional<DType> dtype =
        tensorType ? dtypeOf(tensorType.getElementType()) : std::nullopt;
    std::string source = describeInput ? " (" + describeInput(i) + ")" : "";
    if (!dtype) {
      function.emitError("argument ")
          << i << " of @" << function.getSymName() << " has type "
          << paramType << ", which has no host representation";
      ok = false;
      continue;
    }
    bool shapeOk = int64_t(input.shape().size()) == tensorType.getRank();
    for (int64_t d = 0; shapeOk && d < tensorType.getRank(); ++d)
      shapeOk = tensorType.isDynamicDim(d) ||
                tensorType.getDimSize(d) == input.shape()[d];
    if (*dtype != input.dtype() || !shapeOk) {
      InFlightDiagnostic diag = function.emitError("input ");
      diag << i << source << " is " << input.typeString() << " but argument "
           << i << " of @" << function.getSymName() << " is " << paramType;
      if (*dtype != input.dtype())
        diag.attachNote() << "convert the data to " << dtypeName(*dtype)
                          << (*dtype == DType::F32
                                  ? " (e.g. numpy's a.astype(np.float32))"
                                  : "");
      ok = false;
    }
  }
  return success(ok);
}
