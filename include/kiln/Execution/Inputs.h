//===- Inputs.h - Inputs for running a function -----------------*- C++ -*-===//

#ifndef KILN_EXECUTION_INPUTS_H
#define KILN_EXECUTION_INPUTS_H

#include "kiln/Support/HostTensor.h"

#include "mlir/Support/LLVM.h"

#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace kiln {

/// Reproducible random inputs for `function`'s arguments (same seed, same
/// data on every machine: Kiln's own generator, not <random>'s
/// distributions). Floats are uniform in [-1, 1); an integer argument that
/// feeds kiln.gather indices is uniform over the gathered dimension, other
/// integers are 0 or 1 (mask-like), i1 is true or false. A dynamic
/// dimension has no size to draw: that is an error on the function.
mlir::FailureOr<std::vector<HostTensor>>
generateRandomInputs(mlir::func::FuncOp function, uint64_t seed);

/// Adapts a tensor read from a file to the dtype of the argument it is bound
/// to where that is lossless by convention: NumPy has no bfloat16, so a bf16
/// argument takes float32 data (rounded to nearest even). Anything else is
/// returned unchanged, for the signature check to judge.
HostTensor adaptInputToArgument(HostTensor input, DType argumentDType);

} // namespace kiln

#endif // KILN_EXECUTION_INPUTS_H
