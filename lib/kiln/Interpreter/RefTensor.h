//===- RefTensor.h - Tensors inside the reference interpreter ---*- C++ -*-===//
//
// Internal to lib/kiln/Interpreter. While a function runs, every SSA value
// holds a RefTensor: its shape plus its elements widened to double (float
// dtypes) or int64 (integer dtypes, i1 as 0/1). Ops compute in the wide type
// and the driver narrows each result once to its dtype (roundToDType), which
// is how PyTorch's CPU kernels round f16/bf16 results per op.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_INTERPRETER_REFTENSOR_H
#define KILN_LIB_INTERPRETER_REFTENSOR_H

#include "kiln/Dialect/Graph/IR/ShapeFunctions.h"
#include "kiln/Support/HostTensor.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::interp {

using shapes::Shape;

struct RefTensor {
  DType dtype = DType::F32;
  Shape shape;
  std::vector<double> floats; // The elements when isFloat().
  std::vector<int64_t> ints;  // The elements otherwise.

  RefTensor() = default;
  /// A zero-filled tensor.
  RefTensor(DType dtype, llvm::ArrayRef<int64_t> shape);

  bool isFloat() const { return isFloatDType(dtype); }
  int64_t numElements() const {
    return isFloat() ? int64_t(floats.size()) : int64_t(ints.size());
  }
};

/// The elements of `t` as the wide type T (double or int64_t).
template <typename T> std::vector<T> &elements(RefTensor &t);
template <typename T> const std::vector<T> &elements(const RefTensor &t);
template <> inline std::vector<double> &elements<double>(RefTensor &t) {
  return t.floats;
}
template <> inline std::vector<int64_t> &elements<int64_t>(RefTensor &t) {
  return t.ints;
}
template <>
inline const std::vector<double> &elements<double>(const RefTensor &t) {
  return t.floats;
}
template <>
inline const std::vector<int64_t> &elements<int64_t>(const RefTensor &t) {
  return t.ints;
}

using ValueMap = llvm::DenseMap<mlir::Value, RefTensor>;

/// Product of the dims (1 for a scalar).
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Row-major strides: the last dim has stride 1.
Shape rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// For every element of `shape` in row-major order, the flat index
/// `base + sum(index[d] * strides[d])` into some source tensor. Broadcasts,
/// transposes and slices are all such strided views of their input.
std::vector<int64_t> stridedIndices(llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<int64_t> strides,
                                    int64_t base = 0);

/// The flat index into a tensor of shape `from` for every element of the
/// NumPy-broadcast shape `to` (missing and size-1 dims repeat).
std::vector<int64_t> broadcastIndices(llvm::ArrayRef<int64_t> from,
                                      llvm::ArrayRef<int64_t> to);

/// A tensor of `shape` whose element i is `source`'s element indices[i].
RefTensor takeElements(const RefTensor &source, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<int64_t> indices);

/// "[1, 0, 2]": the multi-index of flat element `flat` of `shape`.
std::string formatIndex(llvm::ArrayRef<int64_t> shape, int64_t flat);

/// Rounds (floats, nearest even) or wraps (integers) every element to the
/// precision of `t.dtype`.
void roundToDType(RefTensor &t);

RefTensor fromHost(const HostTensor &tensor);
HostTensor toHost(const RefTensor &tensor);

/// Evaluates one kiln op whose operands are in `values`. Emits a diagnostic
/// on the op and fails for run-time errors (shape mismatches of dynamic
/// dims, out-of-range gather indices, integer division by zero).
mlir::FailureOr<RefTensor> evaluate(mlir::Operation *op,
                                    const ValueMap &values);

} // namespace kiln::interp

#endif // KILN_LIB_INTERPRETER_REFTENSOR_H
