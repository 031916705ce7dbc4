//===- ShapeFunctions.h - Result shapes of kiln ops -------------*- C++ -*-===//
//
// One shape function per op family. The dialect's type inference and
// verifiers call them with static or dynamic (ShapedType::kDynamic) dims;
// the reference interpreter calls them again with the concrete shapes it
// sees at run time, so both report the same errors in the same words.
//
// A function reports a problem through `error` (a message without the op
// name; the caller adds it and the location) and returns failure.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_GRAPH_IR_SHAPEFUNCTIONS_H
#define KILN_DIALECT_GRAPH_IR_SHAPEFUNCTIONS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include <optional>
#include <string>

namespace kiln::shapes {

using Shape = llvm::SmallVector<int64_t, 6>;
using ErrorFn = llvm::function_ref<void(const llvm::Twine &)>;

/// "[2, ?, 8]": how shapes appear in diagnostics.
std::string format(llvm::ArrayRef<int64_t> shape);

/// Maps `axis` in [-rank, rank) to [0, rank). `what` names the attribute.
mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                       llvm::StringRef what, ErrorFn error);

/// NumPy broadcasting of several shapes; `names` name the operands.
mlir::FailureOr<Shape> broadcast(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                                 llvm::ArrayRef<llvm::StringRef> names,
                                 ErrorFn error);

/// True when `from` broadcasts to exactly `to` (same or lower rank, each dim
/// equal or 1). Dynamic dims are assumed to fit.
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

mlir::FailureOr<Shape> matmul(llvm::ArrayRef<int64_t> lhs,
                              llvm::ArrayRef<int64_t> rhs, bool transposeA,
                              bool transposeB, ErrorFn error);

/// Checks the trailing-dims normalization operands of layer_norm/rms_norm:
/// `param` (named `name`) must have shape input[axis:].
mlir::LogicalResult normParameter(llvm::ArrayRef<int64_t> input, int64_t axis,
                                  llvm::ArrayRef<int64_t> param,
                                  llvm::StringRef name, ErrorFn error);

mlir::FailureOr<Shape> reduce(llvm::ArrayRef<int64_t> input,
                              llvm::ArrayRef<int64_t> axes, bool keepDims,
                              ErrorFn error);

mlir::FailureOr<Shape> transpose(llvm::ArrayRef<int64_t> input,
                                 llvm::ArrayRef<int64_t> perm, ErrorFn error);

/// Resolves the (at most one) dynamic dim of `result` against `input`'s
/// element count when that is known, and checks the counts agree.
mlir::FailureOr<Shape> reshape(llvm::ArrayRef<int64_t> input,
                               llvm::ArrayRef<int64_t> result, ErrorFn error);

mlir::FailureOr<Shape> concat(llvm::ArrayRef<llvm::ArrayRef<int64_t>> inputs,
                              int64_t axis, ErrorFn error);

/// `steps` may be empty (all ones).
mlir::FailureOr<Shape> slice(llvm::ArrayRef<int64_t> input,
                             llvm::ArrayRef<int64_t> starts,
                             llvm::ArrayRef<int64_t> limits,
                             llvm::ArrayRef<int64_t> steps, ErrorFn error);

mlir::FailureOr<Shape> gather(llvm::ArrayRef<int64_t> data,
                              llvm::ArrayRef<int64_t> indices, int64_t axis,
                              ErrorFn error);

mlir::FailureOr<Shape>
attention(llvm::ArrayRef<int64_t> query, llvm::ArrayRef<int64_t> key,
          llvm::ArrayRef<int64_t> value,
          std::optional<llvm::ArrayRef<int64_t>> mask, ErrorFn error);

mlir::FailureOr<Shape> rope(llvm::ArrayRef<int64_t> input,
                            llvm::ArrayRef<int64_t> cos,
                            llvm::ArrayRef<int64_t> sin, ErrorFn error);

} // namespace kiln::shapes

#endif // KILN_DIALECT_GRAPH_IR_SHAPEFUNCTIONS_H
