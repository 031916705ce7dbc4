//===- ImportMath.cpp - Arithmetic and neural-network ONNX ops ------------===//
//
// Elementwise arithmetic, comparisons, MatMul/Gemm, Softmax,
// LayerNormalization, reductions and CumSum. Ops without a kiln
// counterpart are written with kiln ops exactly (docs/onnx.md):
// Equal and Not with sub/cast/where, CumSum as a product with a triangular
// matrix of ones, Reciprocal as a division.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

namespace {

bool smallEnough(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      return false;
    n *= d;
  }
  return n <= kMaxKnownElements;
}

/// The broadcast shape of `a` and `b`, or nullopt (quietly) when they do not
/// broadcast.
std::optional<shapes::Shape> broadcastShape(ArrayRef<int64_t> a,
                                            ArrayRef<int64_t> b) {
  FailureOr<shapes::Shape> s =
      shapes::broadcast({a, b}, {"lhs", "rhs"}, [](const llvm::Twine &) {});
  if (failed(s))
    return std::nullopt;
  return *s;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

FailureOr<Value> buildBinary(GraphImporter &g, BinaryKind kind, Value lhs,
                             Value rhs) {
  switch (kind) {
  case BinaryKind::Add: return g.create<AddOp>(lhs, rhs);
  case BinaryKind::Sub: return g.create<SubOp>(lhs, rhs);
  case BinaryKind::Mul: return g.create<MulOp>(lhs, rhs);
  case BinaryKind::Div: return g.create<DivOp>(lhs, rhs);
  case BinaryKind::Max: return g.create<MaxOp>(lhs, rhs);
  case BinaryKind::Min: return g.create<MinOp>(lhs, rhs);
  case BinaryKind::Pow: return g.create<PowOp>(lhs, rhs);
  case BinaryKind::Equal: break;
  }
  llvm_unreachable("Equal is built by buildEqual");
}

/// where(x, false, true): logical not of an i1 tensor.
FailureOr<Value> buildNot(GraphImporter &g, Value x) {
  Type i1 = g.builder.getI1Type();
  return g.create<WhereOp>(x, g.scalar(i1, 0), g.scalar(i1, 1));
}

/// `lhs == rhs` without a comparison op: integers compare their difference
/// with zero (exact under wrapping), booleans select, floats substitute
/// +-1 for infinities on both sides first so that inf == inf.
FailureOr<Value> buildEqual(GraphImporter &g, Value lhs, Value rhs) {
  Type element = cast<RankedTensorType>(lhs.getType()).getElementType();
  Type i1 = g.builder.getI1Type();
  if (element.isInteger(1)) {
    FailureOr<Value> notRhs = buildNot(g, rhs);
    if (failed(notRhs))
      return failure();
    return g.create<WhereOp>(lhs, rhs, *notRhs);
  }
  // Non-zero (NaN included) casts to true.
  auto nonZero = [&](Value x) -> FailureOr<Value> {
    return g.castTo(x, i1);
  };
  if (isa<FloatType>(element)) {
    // x - x is NaN exactly when x is inf or NaN.
    auto nonFinite = [&](Value x) -> FailureOr<Value> {
      FailureOr<Value> d = g.create<SubOp>(x, x);
      if (failed(d))
        return failure();
      return nonZero(*d);
    };
    FailureOr<Value> lhsNF = nonFinite(lhs), rhsNF = nonFinite(rhs);
    if (failed(lhsNF) || failed(rhsNF))
      return failure();
    FailureOr<Value> both = g.create<WhereOp>(*lhsNF, *rhsNF, g.scalar(i1, 0));
    if (failed(both))
      return failure();
    // Where both are non-finite: clamp(x, -1, 1) keeps the sign of an
    // infinity and NaN stays NaN.
    auto substitute = [&](Value x) -> FailureOr<Value> {
      FailureOr<Value> hi = g.create<MaxOp>(x, g.scalar(element, -1));
      if (failed(hi))
        return failure();
      FailureOr<Value> clamped = g.create<MinOp>(*hi, g.scalar(element, 1));
      if (failed(clamped))
        return failure();
      return g.create<WhereOp>(*both, *clamped, x);
    };
    FailureOr<Value> l = substitute(lhs), r = substitute(rhs);
    if (failed(l) || failed(r))
      return failure();
    lhs = *l;
    rhs = *r;
  }
  FailureOr<Value> diff = g.create<SubOp>(lhs, rhs);
  if (failed(diff))
    return failure();
  FailureOr<Value> differ = nonZero(*diff);
  if (failed(differ))
    return failure();
  return buildNot(g, *differ);
}

LogicalResult importBinary(GraphImporter &g, BinaryKind kind) {
  const KnownTensor *a = g.known(0), *b = g.known(1);
  RankedTensorType lhsType = g.inputType(0), rhsType = g.inputType(1);
  // Pow takes an exponent of another type (cast to the base's).
  if (kind == BinaryKind::Pow && !isa<FloatType>(lhsType.getElementType())) {
    g.emitNodeError() << "the base has element type " << lhsType.getElementType()
                      << "; kiln.pow takes floats (f32, f16, bf16)";
    return failure();
  }
  if (a && b) {
    std::optional<shapes::Shape> shape =
        broadcastShape(lhsType.getShape(), rhsType.getShape());
    if (shape && smallEnough(*shape)) {
      KnownTensor exponent;
      if (kind == BinaryKind::Pow && b->elementType != a->elementType) {
        exponent = foldCast(*b, a->elementType);
        b = &exponent;
      }
      if (a->elementType == b->elementType) {
        FailureOr<KnownTensor> r = foldBinary(kind, *a, *b, nodeErrors(g));
        return g.setFirstOutput(std::move(r));
      }
    }
  }
  FailureOr<Value> lhs = g.input(0), rhs;
  if (kind == BinaryKind::Pow && b && b->elementType != lhsType.getElementType()) {
    // A constant exponent of another type is converted now.
    rhs = g.constant(makeElementsAttr(foldCast(*b, lhsType.getElementType()),
                                      g.inputName(1)));
  } else {
    rhs = g.input(1);
  }
  if (failed(lhs) || failed(rhs))
    return failure();
  if (kind == BinaryKind::Pow) {
    rhs = g.castTo(*rhs, lhsType.getElementType());
    if (failed(rhs))
      return failure();
  }
  FailureOr<Value> result = kind == BinaryKind::Equal
                                ? buildEqual(g, *lhs, *rhs)
                                : buildBinary(g, kind, *lhs, *rhs);
  return g.setFirstOutput(result);
}

/// Max and Min take one or more inputs.
LogicalResult importVariadic(GraphImporter &g, BinaryKind kind) {
  SmallVector<unsigned> given;
  for (unsigned i = 0; i < g.numInputs(); ++i)
    if (g.hasInput(i))
      given.push_back(i);
  if (given.empty()) {
    g.emitNodeError() << "needs at least one input";
    return failure();
  }
  // Evaluated when every input is known and the result small.
  if (llvm::all_of(given, [&](unsigned i) { return g.known(i); })) {
    std::optional<KnownTensor> acc = *g.known(given.front());
    for (unsigned i : llvm::drop_begin(given)) {
      std::optional<shapes::Shape> shape =
          broadcastShape(acc->shape, g.known(i)->shape);
      if (!shape || !smallEnough(*shape) ||
          acc->elementType != g.known(i)->elementType) {
        acc.reset();
        break;
      }
      FailureOr<KnownTensor> next =
          foldBinary(kind, *acc, *g.known(i), nodeErrors(g));
      if (failed(next))
        return failure();
      acc = std::move(*next);
    }
    if (acc) {
      g.setOutput(0, std::move(*acc));
      return success();
    }
  }
  FailureOr<Value> acc = g.input(given.front());
  for (unsigned i : llvm::drop_begin(given)) {
    FailureOr<Value> next = g.input(i);
    if (failed(acc) || failed(next))
      return failure();
    acc = buildBinary(g, kind, *acc, *next);
  }
  return g.setFirstOutput(acc);
}

template <typename OpTy>
LogicalResult importUnary(GraphImporter &g) {
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = g.create<OpTy>(*x);
  return g.setFirstOutput(y);
}

/// Unary ops that shape computations use are evaluated when their input
/// is known: the node's result, or std::nullopt when it is not known.
std::optional<LogicalResult> foldKnownUnary(GraphImporter &g, UnaryKind kind) {
  const KnownTensor *k = g.known(0);
  if (!k)
    return std::nullopt;
  FailureOr<KnownTensor> r = foldUnary(kind, *k, nodeErrors(g));
  return g.setFirstOutput(std::move(r));
}

template <typename OpTy>
LogicalResult importFoldableUnary(GraphImporter &g, UnaryKind kind) {
  if (std::optional<LogicalResult> folded = foldKnownUnary(g, kind))
    return *folded;
  return importUnary<OpTy>(g);
}

LogicalResult importReciprocal(GraphImporter &g) {
  if (std::optional<LogicalResult> folded =
          foldKnownUnary(g, UnaryKind::Reciprocal))
    return *folded;
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  Type element = g.inputType(0).getElementType();
  FailureOr<Value> y = g.create<DivOp>(g.scalar(element, 1), *x);
  return g.setFirstOutput(y);
}

LogicalResult importNot(GraphImporter &g) {
  if (std::optional<LogicalResult> folded =
          foldKnownUnary(g, UnaryKind::Not))
    return *folded;
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = buildNot(g, *x);
  return g.setFirstOutput(y);
}

LogicalResult importWhere(GraphImporter &g) {
  const KnownTensor *c = g.known(0), *x = g.known(1), *y = g.known(2);
  if (c && x && y) {
    FailureOr<shapes::Shape> shape = shapes::broadcast(
        {c->shape, x->shape, y->shape}, {"c", "x", "y"},
        [](const llvm::Twine &) {});
    if (succeeded(shape) && smallEnough(*shape)) {
      FailureOr<KnownTensor> r = foldWhere(*c, *x, *y, nodeErrors(g));
      return g.setFirstOutput(std::move(r));
    }
  }
  FailureOr<Value> cond = g.input(0), t = g.input(1), f = g.input(2);
  if (failed(cond) || failed(t) || failed(f))
    return failure();
  FailureOr<Value> r = g.create<WhereOp>(*cond, *t, *f);
  return g.setFirstOutput(r);
}

LogicalResult importCast(GraphImporter &g) {
  Type to = kilnElementType(int32_t(g.intAttr("to", 0)), g.getContext());
  if (!to) { // checkCoverage reports these first.
    g.emitNodeError() << "cannot cast to " << onnxTypeName(int32_t(g.intAttr("to", 0)));
    return failure();
  }
  if (const KnownTensor *k = g.known(0)) {
    g.setOutput(0, foldCast(*k, to));
    return success();
  }
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = g.castTo(*x, to);
  return g.setFirstOutput(y);
}

//===----------------------------------------------------------------------===//
// MatMul, Gemm
//===----------------------------------------------------------------------===//

/// NumPy matmul: a 1-D lhs is a row vector, a 1-D rhs a column vector, and
/// the added dimension is removed from the result.
LogicalResult importMatMul(GraphImporter &g) {
  FailureOr<Value> lhs = g.input(0), rhs = g.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  RankedTensorType a = g.inputType(0), b = g.inputType(1);
  if (a.getRank() == 0 || b.getRank() == 0) {
    g.emitNodeError() << "MatMul operands must have rank 1 or more, got "
                      << a << " and " << b;
    return failure();
  }
  if (a.getRank() == 1)
    lhs = g.reshape(*lhs, {1, a.getDimSize(0)});
  if (b.getRank() == 1)
    rhs = g.reshape(*rhs, {b.getDimSize(0), 1});
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> y = g.create<MatmulOp>(*lhs, *rhs, false, false);
  if (failed(y))
    return failure();
  if (a.getRank() == 1 || b.getRank() == 1) {
    auto type = cast<RankedTensorType>(y->getType());
    SmallVector<int64_t> shape(type.getShape());
    if (b.getRank() == 1)
      shape.erase(shape.end() - 1);
    if (a.getRank() == 1)
      shape.erase(shape.end() - (b.getRank() == 1 ? 1 : 2));
    y = g.reshape(*y, shape);
    if (failed(y))
      return failure();
  }
  g.setOutput(0, *y);
  return success();
}

/// Scales `v` by `factor` unless it is 1 (integers take integral factors).
FailureOr<Value> scaleBy(GraphImporter &g, Value v, double factor,
                         StringRef name) {
  if (factor == 1.0)
    return v;
  Type element = cast<RankedTensorType>(v.getType()).getElementType();
  if (!isa<FloatType>(element) && factor != std::trunc(factor)) {
    g.emitNodeError() << name << " = " << factor
                      << " is not an integer, but the operands have element "
                         "type "
                      << element;
    return failure();
  }
  return g.create<MulOp>(v, g.scalar(element, factor));
}

/// Y = alpha * A' B' + beta * C.
LogicalResult importGemm(GraphImporter &g) {
  FailureOr<Value> a = g.input(0), b = g.input(1);
  if (failed(a) || failed(b))
    return failure();
  if (g.inputType(0).getRank() != 2 || g.inputType(1).getRank() != 2) {
    g.emitNodeError() << "Gemm operands must be 2-D, got " << g.inputType(0)
                      << " and " << g.inputType(1);
    return failure();
  }
  FailureOr<Value> y = g.create<MatmulOp>(*a, *b, g.intAttr("transA", 0) != 0,
                                          g.intAttr("transB", 0) != 0);
  if (failed(y))
    return failure();
  y = scaleBy(g, *y, g.floatAttr("alpha", 1.0), "alpha");
  if (failed(y))
    return failure();
  if (g.hasInput(2)) {
    double beta = g.floatAttr("beta", 1.0);
    FailureOr<Value> c;
    const KnownTensor *known = g.known(2);
    if (known && known->isFloat()) {
      // A constant bias is scaled now.
      KnownTensor factor = KnownTensor::splat(known->elementType, {}, beta);
      FailureOr<KnownTensor> scaled =
          foldBinary(BinaryKind::Mul, *known, factor, nodeErrors(g));
      if (failed(scaled))
        return failure();
      c = g.constant(makeElementsAttr(*scaled, g.inputName(2)));
    } else {
      c = g.input(2);
      if (failed(c))
        return failure();
      c = scaleBy(g, *c, beta, "beta");
    }
    if (failed(c))
      return failure();
    Type yType = y->getType();
    y = g.create<AddOp>(*y, *c);
    if (failed(y))
      return failure();
    if (y->getType() != yType) {
      g.emitNodeError() << "C (" << c->getType()
                        << ") does not broadcast to the product " << yType;
      return failure();
    }
  }
  g.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNormalization, reductions
//===----------------------------------------------------------------------===//

LogicalResult importSoftmax(GraphImporter &g) {
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = g.create<SoftmaxOp>(
      *x, g.builder.getI64IntegerAttr(g.intAttr("axis", -1)));
  return g.setFirstOutput(y);
}

/// The reduction axes of ReduceX: from the `axes` input (ReduceSum from
/// opset 13) or attribute; nullopt after an error. Empty means "none given".
std::optional<SmallVector<int64_t>> reduceAxes(GraphImporter &g,
                                               bool axesInput) {
  if (axesInput) {
    if (!g.hasInput(1))
      return SmallVector<int64_t>();
    FailureOr<SmallVector<int64_t>> axes = g.requireInts(1, "axes");
    if (failed(axes))
      return std::nullopt;
    return *axes;
  }
  return g.intsAttr("axes").value_or(SmallVector<int64_t>());
}

LogicalResult importReduce(GraphImporter &g, ReduceKind kind) {
  bool axesInput = kind == ReduceKind::sum && g.getOpset() >= 13;
  std::optional<SmallVector<int64_t>> axes = reduceAxes(g, axesInput);
  if (!axes)
    return failure();
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  int64_t rank = g.inputType(0).getRank();
  if (axes->empty()) {
    // ReduceSum-13's noop_with_empty_axes: no axes is the identity.
    if (g.intAttr("noop_with_empty_axes", 0) != 0 || rank == 0) {
      g.setOutput(0, *x);
      return success();
    }
    axes->resize(rank);
    std::iota(axes->begin(), axes->end(), 0);
  }
  bool keepdims = g.intAttr("keepdims", 1) != 0;
  FailureOr<Value> y = g.create<ReduceOp>(kind, *x, *axes, keepdims);
  return g.setFirstOutput(y);
}

/// Gives `param` exactly the normalized shape (kiln's norms do not
/// broadcast scale and bias; ONNX allows a broadcastable one).
FailureOr<Value> toNormShape(GraphImporter &g, Value param,
                             ArrayRef<int64_t> normShape, StringRef name) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getShape() == normShape)
    return param;
  if (type.hasStaticShape() && llvm::none_of(normShape, ShapedType::isDynamic) &&
      type.getNumElements() == ShapedType::getNumElements(normShape))
    return g.reshape(param, normShape);
  if (shapes::broadcastsTo(type.getShape(), normShape) &&
      type.getRank() <= int64_t(normShape.size()))
    return g.broadcastTo(param, normShape);
  g.emitNodeError() << name << " has shape " << shapes::format(type.getShape())
                    << ", which does not broadcast to the normalized shape "
                    << shapes::format(normShape);
  return failure();
}

LogicalResult importLayerNorm(GraphImporter &g) {
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  RankedTensorType type = g.inputType(0);
  int64_t rank = type.getRank();
  int64_t axis = g.intAttr("axis", -1);
  FailureOr<int64_t> a =
      shapes::normalizeAxis(axis, rank, "axis", nodeErrors(g));
  if (failed(a))
    return failure();
  ArrayRef<int64_t> normShape = type.getShape().drop_front(*a);
  Value scale, bias;
  if (g.hasInput(1)) {
    FailureOr<Value> s = g.input(1);
    if (failed(s) || failed(s = toNormShape(g, *s, normShape, "Scale")))
      return failure();
    scale = *s;
  }
  if (g.hasInput(2)) {
    FailureOr<Value> b = g.input(2);
    if (failed(b) || failed(b = toNormShape(g, *b, normShape, "B")))
      return failure();
    bias = *b;
  }
  double epsilon = g.floatAttr("epsilon", 1e-5);
  FailureOr<Value> y = g.create<LayerNormOp>(
      *x, scale, bias, g.builder.getI64IntegerAttr(*a),
      g.builder.getF64FloatAttr(epsilon));
  if (failed(y))
    return failure();
  g.setOutput(0, *y);

  // The optional Mean and InvStdDev outputs, over the same axes.
  if (!g.hasOutput(1) && !g.hasOutput(2))
    return success();
  SmallVector<int64_t> axes;
  for (int64_t d = *a; d < rank; ++d)
    axes.push_back(d);
  FailureOr<Value> mean = g.create<ReduceOp>(ReduceKind::mean, *x, axes, true);
  if (failed(mean))
    return failure();
  if (g.hasOutput(1))
    g.setOutput(1, *mean);
  if (!g.hasOutput(2))
    return success();
  FailureOr<Value> d = g.create<SubOp>(*x, *mean);
  FailureOr<Value> sq = failed(d) ? d : g.create<MulOp>(*d, *d);
  FailureOr<Value> var =
      failed(sq) ? sq : g.create<ReduceOp>(ReduceKind::mean, *sq, axes, true);
  FailureOr<Value> shifted =
      failed(var) ? var
                  : g.create<AddOp>(*var, g.scalar(type.getElementType(), epsilon));
  FailureOr<Value> inv = failed(shifted) ? shifted : g.create<RsqrtOp>(*shifted);
  if (failed(inv))
    return failure();
  g.setOutput(2, *inv);
  return success();
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// cumsum along an axis of size n is a product with an n x n matrix of
/// zeros and ones: T @ x viewed as [before, n, after]. Exact for integers;
/// floats are summed with the matmul's accumulation.
LogicalResult importCumSum(GraphImporter &g) {
  FailureOr<SmallVector<int64_t>> axisValue = g.requireInts(1, "axis");
  if (failed(axisValue))
    return failure();
  if (axisValue->size() != 1) {
    g.emitNodeError() << "axis must hold one value, got "
                      << axisValue->size();
    return failure();
  }
  RankedTensorType type = g.inputType(0);
  FailureOr<int64_t> axis = shapes::normalizeAxis(
      axisValue->front(), type.getRank(), "axis", nodeErrors(g));
  if (failed(axis))
    return failure();
  bool exclusive = g.intAttr("exclusive", 0) != 0;
  bool reverse = g.intAttr("reverse", 0) != 0;
  if (const KnownTensor *k = g.known(0)) {
    g.setOutput(0, foldCumSum(*k, *axis, exclusive, reverse));
    return success();
  }
  if (!type.hasStaticShape()) {
    g.emitNodeError() << "CumSum of " << type
                      << " needs a static shape; give the graph inputs' "
                         "symbolic dimensions sizes (--onnx-dim=NAME=SIZE)";
    return failure();
  }
  Type element = type.getElementType();
  if (element.isInteger(1) || element.isInteger(8)) {
    g.emitNodeError() << "CumSum of " << element
                      << " is not supported (floats, i32 and i64 are)";
    return failure();
  }
  int64_t n = type.getDimSize(*axis);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t before = ShapedType::getNumElements(shape.take_front(*axis));
  int64_t after = ShapedType::getNumElements(shape.drop_front(*axis + 1));
  // Row i of T sums the elements j that output i includes.
  SmallVector<int64_t> ones;
  ones.reserve(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      ones.push_back(reverse ? (exclusive ? j > i : j >= i)
                             : (exclusive ? j < i : j <= i));
  KnownTensor triangle =
      isa<FloatType>(element)
          ? foldCast(KnownTensor::ofInts(g.builder.getI64Type(), {n, n}, ones),
                     element)
          : KnownTensor::ofInts(element, {n, n}, ones);
  Value t = g.constant(makeElementsAttr(triangle, "cumsum_triangle"));
  FailureOr<Value> x = g.input(0);
  if (failed(x) || failed(x = g.reshape(*x, {before, n, after})))
    return failure();
  FailureOr<Value> y = g.create<MatmulOp>(t, *x, false, false);
  if (failed(y) || failed(y = g.reshape(*y, shape)))
    return failure();
  g.setOutput(0, *y);
  return success();
}

} // namespace

void kiln::onnx_import::addMathImporters(llvm::StringMap<OpImporter> &table) {
  table["Add"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Add); }, 2};
  table["Sub"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Sub); }, 2};
  table["Mul"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Mul); }, 2};
  table["Div"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Div); }, 2};
  table["Pow"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Pow); }, 2};
  table["Equal"] = {[](GraphImporter &g) { return importBinary(g, BinaryKind::Equal); }, 2};
  table["Max"] = {[](GraphImporter &g) { return importVariadic(g, BinaryKind::Max); }, 1};
  table["Min"] = {[](GraphImporter &g) { return importVariadic(g, BinaryKind::Min); }, 1};
  table["Not"] = {importNot, 1};
  table["Where"] = {importWhere, 3};
  table["Cast"] = {importCast, 1};
  table["Sqrt"] = {[](GraphImporter &g) {
    return importFoldableUnary<SqrtOp>(g, UnaryKind::Sqrt);
  }, 1};
  table["Neg"] = {[](GraphImporter &g) {
    return importFoldableUnary<NegOp>(g, UnaryKind::Neg);
  }, 1};
  table["Abs"] = {[](GraphImporter &g) {
    return importFoldableUnary<AbsOp>(g, UnaryKind::Abs);
  }, 1};
  table["Relu"] = {[](GraphImporter &g) {
    return importFoldableUnary<ReluOp>(g, UnaryKind::Relu);
  }, 1};
  table["Reciprocal"] = {importReciprocal, 1};
  table["Erf"] = {importUnary<ErfOp>, 1};
  table["Tanh"] = {importUnary<TanhOp>, 1};
  table["Sigmoid"] = {importUnary<SigmoidOp>, 1};
  table["Exp"] = {importUnary<ExpOp>, 1};
  table["Log"] = {importUnary<LogOp>, 1};
  table["MatMul"] = {importMatMul, 2};
  table["Gemm"] = {importGemm, 2};
  table["Softmax"] = {importSoftmax, 1};
  table["LayerNormalization"] = {importLayerNorm, 1};
  table["ReduceMean"] = {[](GraphImporter &g) { return importReduce(g, ReduceKind::mean); }, 1};
  table["ReduceSum"] = {[](GraphImporter &g) { return importReduce(g, ReduceKind::sum); }, 1};
  table["ReduceMax"] = {[](GraphImporter &g) { return importReduce(g, ReduceKind::max); }, 1};
  table["CumSum"] = {importCumSum, 2};
}
