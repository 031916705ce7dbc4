//===- Interpreter.h - Reference interpreter for kiln IR --------*- C++ -*-===//
//
// Executes a func.func made of kiln ops on host tensors with plain,
// obviously-correct loops. It is the numerical ground truth every compiled
// target is checked against, so it favours clarity and exactness over speed:
//
// - floating-point ops compute in double and round once to the result's
//   element type (f32, f16 or bf16, round-to-nearest-even); reductions,
//   matmul and attention accumulate in double;
// - integer ops compute in int64 and wrap to the result's width.
//
// Shapes are checked at run time with the same shape functions the dialect's
// verifier uses, so dynamic dimensions (`?`) work and mismatches produce the
// same messages.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERPRETER_INTERPRETER_H
#define KILN_INTERPRETER_INTERPRETER_H

#include "kiln/Support/HostTensor.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <vector>

namespace mlir {
class MLIRContext;
class Type;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace kiln {

/// Runs `function` on `inputs` (one per argument, in order). Problems
/// (argument count, dtype or shape that disagrees with the signature, an
/// out-of-range gather index, an op the interpreter does not know) are
/// emitted as MLIR diagnostics on the function or the offending op, and the
/// result is failure; nothing aborts.
mlir::FailureOr<std::vector<HostTensor>>
interpret(mlir::func::FuncOp function, llvm::ArrayRef<HostTensor> inputs);

/// Checks `inputs` against `function`'s signature: count, dtype, and shape
/// (a dynamic dimension accepts any size). Reports each problem as an error
/// on the function, naming the argument, its expected type and what was
/// given; `describeInput(i)` (optional) says where input i came from, e.g.
/// "'x.npy'".
mlir::LogicalResult
checkArguments(mlir::func::FuncOp function, llvm::ArrayRef<HostTensor> inputs,
               llvm::function_ref<std::string(unsigned)> describeInput = {});

/// The host dtype of a kiln element type (f32 f16 bf16 i64 i32 i8 i1).
std::optional<DType> dtypeOf(mlir::Type elementType);

/// The MLIR element type of a host dtype.
mlir::Type elementTypeOf(mlir::MLIRContext *context, DType dtype);

/// The contents of a constant (dense literal, splat or dense_resource blob)
/// as a host tensor; emits an error at `loc` and fails when the attribute
/// cannot be read.
mlir::FailureOr<HostTensor> tensorFromElements(mlir::ElementsAttr value,
                                               mlir::Location loc);

} // namespace kiln

#endif // KILN_INTERPRETER_INTERPRETER_H
