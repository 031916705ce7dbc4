//===- KnownTensor.h - Tensor contents known at import time -----*- C++ -*-===//
//
// The ONNX importer evaluates shape computations itself (Shape -> Gather ->
// Concat -> Reshape, ConstantOfShape, Expand's shape, Slice's bounds, ...)
// instead of emitting kiln ops for them: their results are what static
// kiln ops need as attributes. A KnownTensor holds the contents of such a
// small tensor. An element may be unknown: Shape of a tensor with a dynamic
// dimension knows every size but that one, and whatever is computed from it
// stays unknown, so a Reshape to [?, 64, 4, 64] still folds.
//
// The evaluation follows kiln's semantics for the element type (integers
// wrap, integer division truncates, floats round to the element type after
// every operation), so folding gives what the kiln ops would compute.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_KNOWNTENSOR_H
#define KILN_LIB_FRONTEND_ONNX_KNOWNTENSOR_H

#include "kiln/Dialect/Graph/IR/ShapeFunctions.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace kiln::onnx_import {

/// The largest tensor the importer evaluates itself; bigger results are
/// computed by kiln ops at run time.
inline constexpr int64_t kMaxKnownElements = 1 << 16;

struct KnownTensor {
  shapes::Shape shape;
  mlir::Type elementType; // i1, i8, i32, i64, f16, bf16 or f32
  /// One entry per element: ints for integer types (i1 holds 0 or 1),
  /// floats (already rounded to the element type) for float types.
  llvm::SmallVector<int64_t> ints;
  llvm::SmallVector<double> floats;
  /// Empty when every element is known.
  llvm::SmallVector<bool> unknown;

  static KnownTensor ofInts(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<int64_t> values);
  static KnownTensor ofFloats(mlir::Type elementType,
                              llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<double> values);
  /// A splat of `value` (an int or a float, by the element type).
  static KnownTensor splat(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                           double value);
  /// The contents of a dense literal (a splat or not).
  static KnownTensor fromAttr(mlir::DenseElementsAttr attr);

  int64_t size() const;
  bool isFloat() const { return mlir::isa<mlir::FloatType>(elementType); }
  bool isKnown(int64_t i) const { return unknown.empty() || !unknown[i]; }
  bool allKnown() const;
  int64_t getInt(int64_t i) const { return isFloat() ? int64_t(floats[i]) : ints[i]; }
  double getDouble(int64_t i) const { return isFloat() ? floats[i] : double(ints[i]); }
  mlir::RankedTensorType getType() const;
  /// A dense literal of the contents; every element must be known.
  mlir::DenseElementsAttr toAttr() const;
};

using ErrorFn = shapes::ErrorFn;

/// Rounds `v` to the float type `t` (round to nearest even).
double roundToFloatType(double v, mlir::Type t);
/// Wraps `v` to the integer type `t` (two's complement; i1 keeps bit 0).
int64_t wrapToIntType(int64_t v, mlir::Type t);

enum class BinaryKind { Add, Sub, Mul, Div, Max, Min, Pow, Equal };
/// NumPy broadcasting; Equal gives i1, the others the operands' type.
mlir::FailureOr<KnownTensor> foldBinary(BinaryKind kind, const KnownTensor &lhs,
                                        const KnownTensor &rhs, ErrorFn error);

enum class UnaryKind { Neg, Abs, Sqrt, Reciprocal, Relu, Not };
mlir::FailureOr<KnownTensor> foldUnary(UnaryKind kind, const KnownTensor &x,
                                       ErrorFn error);

/// kiln.cast's conversion rules.
KnownTensor foldCast(const KnownTensor &x, mlir::Type to);
KnownTensor foldReshape(const KnownTensor &x, llvm::ArrayRef<int64_t> shape);
mlir::FailureOr<KnownTensor> foldGather(const KnownTensor &data,
                                        const KnownTensor &indices,
                                        int64_t axis, ErrorFn error);
/// `axis` is normalized.
KnownTensor foldConcat(llvm::ArrayRef<const KnownTensor *> inputs, int64_t axis);
/// kiln.slice's normalized bounds (see SliceOp).
KnownTensor foldSlice(const KnownTensor &x, llvm::ArrayRef<int64_t> starts,
                      llvm::ArrayRef<int64_t> limits,
                      llvm::ArrayRef<int64_t> steps);
KnownTensor foldTranspose(const KnownTensor &x, llvm::ArrayRef<int64_t> perm);
mlir::FailureOr<KnownTensor> foldWhere(const KnownTensor &cond,
                                       const KnownTensor &x,
                                       const KnownTensor &y, ErrorFn error);
/// Broadcasts `x` to `shape` (which `x` must broadcast to).
KnownTensor foldBroadcastTo(const KnownTensor &x, llvm::ArrayRef<int64_t> shape);
/// Keeps the lower (upper = false) or upper triangle of the last two
/// dimensions relative to diagonal `k`, zeros elsewhere.
KnownTensor foldTrilu(const KnownTensor &x, bool upper, int64_t k);
/// Cumulative sum along the normalized `axis`.
KnownTensor foldCumSum(const KnownTensor &x, int64_t axis, bool exclusive,
                       bool reverse);

} // namespace kiln::onnx_import

#endif // KILN_LIB_FRONTEND_ONNX_KNOWNTENSOR_H
