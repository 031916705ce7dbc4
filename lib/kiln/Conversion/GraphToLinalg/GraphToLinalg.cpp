//===- GraphToLinalg.cpp - Lower kiln ops to linalg on tensors ------------===//
//
// Every kiln op becomes named linalg ops where upstream has one (matmul,
// batch_matmul, transpose, softmax, fill) and linalg.generic otherwise, plus
// tensor (empty, extract_slice, insert_slice, collapse/expand_shape, extract)
// and arith/math scalar ops. Semantics follow lib/kiln/Interpreter/Ops.cpp;
// see docs/lowering.md for the op-by-op table and the known differences.
//
// f16/bf16 arithmetic is carried out in f32 inside the bodies (accumulators
// of matmul, reductions, norms, attention are f32 tensors) and truncated to
// the result type once at the end, as the reference rounds once.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

namespace kiln {
#define GEN_PASS_DEF_CONVERTKILNTOLINALG
#include "kiln/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using llvm::ArrayRef;
using llvm::SmallVector;

namespace {

using utils::IteratorType;
using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

bool isNarrowFloat(Type t) { return t.isF16() || t.isBF16(); }

/// The type arithmetic is carried out in: f32 for f16/bf16, else `t`.
Type computeType(Type t) {
  return isNarrowFloat(t) ? Float32Type::get(t.getContext()) : t;
}

/// Converts a float scalar between float types (extf or truncf, through f32
/// between f16 and bf16).
Value convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw == tw) { // f16 <-> bf16
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    return arith::TruncFOp::create(b, loc, to, wide);
  }
  if (fw < tw)
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

Value floatConst(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}

Value intConst(OpBuilder &b, Location loc, Type t, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  if (isa<FloatType>(t))
    return floatConst(b, loc, t, 0.0);
  return intConst(b, loc, t, 0);
}

Value toValue(OpBuilder &b, Location loc, OpFoldResult ofr) {
  if (auto v = dyn_cast<Value>(ofr))
    return v;
  return indexConst(b, loc, cast<IntegerAttr>(cast<Attribute>(ofr)).getInt());
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elem) {
  return tensor::EmptyOp::create(b, loc, sizes, elem);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value scalar) {
  Value empty = emptyTensor(b, loc, sizes, scalar.getType());
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

/// `dim` of `v`, static when possible.
OpFoldResult dimOf(OpBuilder &b, Location loc, Value v, int64_t dim) {
  return tensor::getMixedSize(b, loc, v, dim);
}

/// The number of elements of `v` along `dims`, as an index value.
Value countOf(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> dims) {
  RankedTensorType type = tensorType(v);
  int64_t staticCount = 1;
  Value dynamicCount;
  for (int64_t d : dims) {
    if (!type.isDynamicDim(d)) {
      staticCount *= type.getDimSize(d);
      continue;
    }
    Value size = tensor::DimOp::create(b, loc, v, d);
    dynamicCount = dynamicCount
                       ? Value(arith::MulIOp::create(b, loc, dynamicCount, size))
                       : size;
  }
  Value count = indexConst(b, loc, staticCount);
  return dynamicCount ? Value(arith::MulIOp::create(b, loc, dynamicCount, count))
                      : count;
}

/// `count` (an index) as a float scalar of type `t`.
Value indexToFloat(OpBuilder &b, Location loc, Value count, Type t) {
  if (std::optional<int64_t> c = getConstantIntValue(count))
    return floatConst(b, loc, t, double(*c));
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  return arith::SIToFPOp::create(b, loc, t, i64);
}

/// Inserts a tensor.cast when the built value's type is not the op's result
/// type (only static/dynamic dims may differ).
Value matchType(OpBuilder &b, Location loc, Value v, Type expected) {
  if (v.getType() == expected)
    return v;
  return tensor::CastOp::create(b, loc, expected, v);
}

SmallVector<IteratorType> parallel(int64_t n) {
  return SmallVector<IteratorType>(n, IteratorType::parallel);
}

/// Builds a linalg.generic with one result; `body` gets the block arguments
/// (inputs, then the output) and returns the value to yield.
Value buildGeneric(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                   ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iterators,
                   BodyFn body) {
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value result = body(nb, nl, args);
        linalg::YieldOp::create(nb, nl, result);
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

/// The indexing map that reads `operand` (aligned from the right) inside a
/// loop nest over `resultShape`: a size-1 dimension that broadcasts reads
/// index 0.
AffineMap broadcastMap(RankedTensorType operand, ArrayRef<int64_t> resultShape,
                       MLIRContext *ctx) {
  int64_t rank = resultShape.size();
  int64_t offset = rank - operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t k = 0; k < operand.getRank(); ++k) {
    if (operand.getDimSize(k) == 1 && resultShape[k + offset] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(k + offset, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// The sizes of the broadcast of `operands` to `resultShape`: dynamic result
/// dimensions come from an operand whose aligned dimension is dynamic
/// (dynamic dimensions are assumed not to broadcast).
SmallVector<OpFoldResult> broadcastSizes(OpBuilder &b, Location loc,
                                         ArrayRef<int64_t> resultShape,
                                         ValueRange operands) {
  int64_t rank = resultShape.size();
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!ShapedType::isDynamic(resultShape[d])) {
      sizes.push_back(b.getIndexAttr(resultShape[d]));
      continue;
    }
    OpFoldResult size;
    for (Value v : operands) {
      RankedTensorType t = tensorType(v);
      int64_t k = d - (rank - t.getRank());
      if (k >= 0 && t.isDynamicDim(k)) {
        size = dimOf(b, loc, v, k);
        break;
      }
    }
    assert(size && "a dynamic result dim has a dynamic operand dim");
    sizes.push_back(size);
  }
  return sizes;
}

/// An all-parallel linalg.generic over `resultType` reading `inputs` with
/// broadcasting maps; `body` gets the input scalars.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = resultType.getShape();
  Value init = emptyTensor(b, loc, broadcastSizes(b, loc, shape, inputs),
                           resultType.getElementType());
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(tensorType(in), shape, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), ctx));
  Value result = buildGeneric(
      b, loc, inputs, init, maps, parallel(shape.size()),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        return body(nb, nl, args.drop_back());
      });
  return matchType(b, loc, result, resultType);
}

/// Converts every element of float tensor `v` to `elem` (truncation of the
/// f32 accumulators of narrow-float ops).
Value convertTensor(OpBuilder &b, Location loc, Value v, Type elem) {
  RankedTensorType type = tensorType(v);
  if (type.getElementType() == elem)
    return v;
  return buildElementwise(b, loc, type.clone(elem), ValueRange{v},
                          [&](OpBuilder &nb, Location nl, ValueRange args) {
                            return convertFloat(nb, nl, args[0], elem);
                          });
}

//===----------------------------------------------------------------------===//
// Scalar semantics
//===----------------------------------------------------------------------===//

Value sigmoidOf(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value one = floatConst(b, loc, t, 1.0);
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denom);
}

Value geluOf(OpBuilder &b, Location loc, Value x, bool tanhApprox) {
  Type t = x.getType();
  Value half = floatConst(b, loc, t, 0.5);
  Value one = floatConst(b, loc, t, 1.0);
  Value inner;
  if (tanhApprox) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value c = floatConst(b, loc, t, std::sqrt(2.0 / M_PI));
    Value k = floatConst(b, loc, t, 0.044715);
    Value x3 = arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, x), x);
    Value poly =
        arith::AddFOp::create(b, loc, x, arith::MulFOp::create(b, loc, k, x3));
    inner = math::TanhOp::create(b, loc, arith::MulFOp::create(b, loc, c, poly));
  } else {
    // 0.5 x (1 + erf(x / sqrt(2)))
    Value r = floatConst(b, loc, t, M_SQRT1_2);
    inner = math::ErfOp::create(b, loc, arith::MulFOp::create(b, loc, x, r));
  }
  Value sum = arith::AddFOp::create(b, loc, one, inner);
  return arith::MulFOp::create(b, loc,
                               arith::MulFOp::create(b, loc, half, x), sum);
}

/// The cast contract: float->float rounds to nearest even; float->int
/// truncates toward zero, NaN gives 0 and values outside int64 saturate
/// before wrapping to the width; int->int wraps; ->i1 is x != 0; i1-> is 0/1.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat)
    return convertFloat(b, loc, x, to);
  if (fromFloat) {
    if (to.isInteger(1))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   floatConst(b, loc, from, 0.0));
    // Work in f32 at least: 2^63 is exact there, so the bounds are exact.
    Value w = isNarrowFloat(from) ? convertFloat(b, loc, x, b.getF32Type()) : x;
    Type wt = w.getType();
    Type i64 = b.getI64Type();
    Value lim = floatConst(b, loc, wt, 9223372036854775808.0);
    Value negLim = floatConst(b, loc, wt, -9223372036854775808.0);
    Value isNaN =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, w, w);
    Value tooBig =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, w, lim);
    Value tooSmall =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, w, negLim);
    // Clamp first so that fptosi never sees an out-of-range value (poison).
    Value safe = arith::SelectOp::create(
        b, loc, isNaN, floatConst(b, loc, wt, 0.0),
        arith::SelectOp::create(
            b, loc, tooBig, floatConst(b, loc, wt, 0.0),
            arith::SelectOp::create(b, loc, tooSmall,
                                    floatConst(b, loc, wt, 0.0), w)));
    Value v = arith::FPToSIOp::create(b, loc, i64, safe);
    v = arith::SelectOp::create(
        b, loc, tooBig,
        intConst(b, loc, i64, std::numeric_limits<int64_t>::max()), v);
    v = arith::SelectOp::create(
        b, loc, tooSmall,
        intConst(b, loc, i64, std::numeric_limits<int64_t>::min()), v);
    if (to.getIntOrFloatBitWidth() < 64)
      v = arith::TruncIOp::create(b, loc, to, v);
    return v;
  }
  // Integer source.
  if (toFloat) {
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, x);
    return arith::SIToFPOp::create(b, loc, to, x);
  }
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 intConst(b, loc, from, 0));
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, x);
  if (fw < tw)
    return arith::ExtSIOp::create(b, loc, to, x);
  return arith::TruncIOp::create(b, loc, to, x);
}

//===----------------------------------------------------------------------===//
// Op lowerings. Each returns the value replacing the op's result, or
// failure after a diagnostic.
//===----------------------------------------------------------------------===//

enum class Binary { Add, Sub, Mul, Div, Max, Min, Pow };


/// Integer division that cannot trap. The reference interpreter reports a
/// division by zero as an error; compiled code has no way to, and x86's idiv
/// faults on both x / 0 and INT_MIN / -1 (a crash is never acceptable). So
/// x / 0 gives 0 and INT_MIN / -1 wraps to INT_MIN, as in the reference.
static Value buildSafeDivSI(OpBuilder &b, Location loc, Value x, Value y) {
  Type type = y.getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
  Value one = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 1));
  Value minusOne =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, -1));
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value special = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safeDivisor = arith::SelectOp::create(b, loc, special, one, y);
  Value quotient = arith::DivSIOp::create(b, loc, x, safeDivisor);
  Value negated = arith::SubIOp::create(b, loc, zero, x); // Wraps at INT_MIN.
  Value result = arith::SelectOp::create(b, loc, isMinusOne, negated, quotient);
  return arith::SelectOp::create(b, loc, isZero, zero, result);
}

Value binaryScalar(OpBuilder &b, Location loc, Binary kind, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    switch (kind) {
    case Binary::Add:
      return arith::AddFOp::create(b, loc, x, y);
    case Binary::Sub:
      return arith::SubFOp::create(b, loc, x, y);
    case Binary::Mul:
      return arith::MulFOp::create(b, loc, x, y);
    case Binary::Div:
      return arith::DivFOp::create(b, loc, x, y);
    case Binary::Max:
      return arith::MaximumFOp::create(b, loc, x, y); // NaN propagates.
    case Binary::Min:
      return arith::MinimumFOp::create(b, loc, x, y);
    case Binary::Pow:
      return math::PowFOp::create(b, loc, x, y);
    }
  }
  switch (kind) {
  case Binary::Add:
    return arith::AddIOp::create(b, loc, x, y);
  case Binary::Sub:
    return arith::SubIOp::create(b, loc, x, y);
  case Binary::Mul:
    return arith::MulIOp::create(b, loc, x, y);
  case Binary::Div:
    return buildSafeDivSI(b, loc, x, y);
  case Binary::Max:
    return arith::MaxSIOp::create(b, loc, x, y);
  case Binary::Min:
    return arith::MinSIOp::create(b, loc, x, y);
  case Binary::Pow:
    break;
  }
  llvm_unreachable("pow takes floats");
}

Value lowerBinary(OpBuilder &b, Operation *op, Binary kind, Value lhs,
                  Value rhs) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Type elem = resultType.getElementType();
  Type ct = computeType(elem);
  return buildElementwise(
      b, op->getLoc(), resultType, ValueRange{lhs, rhs},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        if (ct == elem)
          return binaryScalar(nb, nl, kind, args[0], args[1]);
        Value x = convertFloat(nb, nl, args[0], ct);
        Value y = convertFloat(nb, nl, args[1], ct);
        return convertFloat(nb, nl, binaryScalar(nb, nl, kind, x, y), elem);
      });
}

using ScalarFn = llvm::function_ref<Value(OpBuilder &, Location, Value)>;

/// The ScalarFn of the unary ops that are one op of the math dialect.
template <typename OpTy>
Value singleOp(OpBuilder &b, Location loc, Value x) {
  return OpTy::create(b, loc, x);
}

/// Unary op: `fn` gets the input in the compute type (f32 for f16/bf16).
Value lowerUnary(OpBuilder &b, Operation *op, Value input, ScalarFn fn) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Type elem = resultType.getElementType();
  Type ct = computeType(elem);
  return buildElementwise(
      b, op->getLoc(), resultType, ValueRange{input},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        if (ct == elem)
          return fn(nb, nl, args[0]);
        Value x = convertFloat(nb, nl, args[0], ct);
        return convertFloat(nb, nl, fn(nb, nl, x), elem);
      });
}

Value lowerConstant(OpBuilder &b, kiln::ConstantOp op) {
  Attribute value = op.getValue();
  // An i1 dense_resource holds one byte per element (docs/dialect.md); LLVM
  // translation wants i1 data bit-packed, which DenseElementsAttr is.
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (resource.getElementType().isInteger(1))
      if (std::optional<ArrayRef<char>> bytes = kiln::getRawElementData(value)) {
        auto type = cast<ShapedType>(resource.getType());
        if (int64_t(bytes->size()) == type.getNumElements()) {
          SmallVector<bool> bits(llvm::map_range(
              *bytes, [](char c) { return c != 0; }));
          value = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
        }
      }
  return arith::ConstantOp::create(b, op.getLoc(), cast<TypedAttr>(value));
}

//--- matmul ------------------------------------------------------------------

Value lowerMatmul(OpBuilder &b, kiln::MatmulOp op, Value lhs, Value rhs) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(op.getType());
  Type elem = resultType.getElementType();
  Type accType = computeType(elem);
  bool ta = op.getTransposeA(), tb = op.getTransposeB();
  RankedTensorType lt = tensorType(lhs), rt = tensorType(rhs);
  int64_t lr = lt.getRank(), rr = rt.getRank(), res = resultType.getRank();
  int64_t nb = res - 2;

  // Result sizes: batch dims broadcast from both operands, M from lhs, N from
  // rhs.
  SmallVector<OpFoldResult> sizes;
  ArrayRef<int64_t> outShape = resultType.getShape();
  for (int64_t d = 0; d < nb; ++d) {
    if (!ShapedType::isDynamic(outShape[d])) {
      sizes.push_back(b.getIndexAttr(outShape[d]));
      continue;
    }
    int64_t kl = d - (nb - (lr - 2)), kr = d - (nb - (rr - 2));
    if (kl >= 0 && lt.isDynamicDim(kl))
      sizes.push_back(dimOf(b, loc, lhs, kl));
    else
      sizes.push_back(dimOf(b, loc, rhs, kr));
  }
  sizes.push_back(dimOf(b, loc, lhs, ta ? lr - 1 : lr - 2));
  sizes.push_back(dimOf(b, loc, rhs, tb ? rr - 2 : rr - 1));
  auto makeInit = [&] {
    return filledTensor(b, loc, sizes, zeroOf(b, loc, accType));
  };

  auto finish = [&](Value acc) {
    return matchType(b, loc, convertTensor(b, loc, acc, elem), resultType);
  };

  if (!ta && !tb) {
    // [M, K] x [K, N]: linalg.matmul.
    if (lr == 2 && rr == 2) {
      Value init = makeInit();
      return finish(linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                             ValueRange{lhs, rhs},
                                             ValueRange{init})
                        .getResult(0));
    }
    // [B..., M, K] x [K, N] with a static lhs: collapse the rows of lhs and
    // use one linalg.matmul, then expand the result.
    if (rr == 2 && lt.hasStaticShape()) {
      ReassociationIndices rows;
      for (int64_t d = 0; d < lr - 1; ++d)
        rows.push_back(d);
      SmallVector<ReassociationIndices> reassoc = {rows, {lr - 1}};
      Value flat = tensor::CollapseShapeOp::create(b, loc, lhs, reassoc);
      int64_t m = tensorType(flat).getDimSize(0);
      Value flatInit = filledTensor(
          b, loc, {b.getIndexAttr(m), dimOf(b, loc, rhs, 1)},
          zeroOf(b, loc, accType));
      Value mm = linalg::MatmulOp::create(b, loc, TypeRange{flatInit.getType()},
                                          ValueRange{flat, rhs},
                                          ValueRange{flatInit})
                     .getResult(0);
      SmallVector<int64_t> expandedShape;
      for (OpFoldResult s : sizes)
        expandedShape.push_back(
            getConstantIntValue(s).value_or(ShapedType::kDynamic));
      auto expandedType = RankedTensorType::get(expandedShape, accType);
      Value expanded = tensor::ExpandShapeOp::create(b, loc, expandedType, mm,
                                                     reassoc, sizes);
      return finish(expanded);
    }
    // [B, M, K] x [B, K, N] with the same static batch: linalg.batch_matmul.
    if (lr == 3 && rr == 3 && !lt.isDynamicDim(0) &&
        lt.getDimSize(0) == rt.getDimSize(0)) {
      Value init = makeInit();
      return finish(linalg::BatchMatmulOp::create(
                        b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
                        ValueRange{init})
                        .getResult(0));
    }
  }

  // General case: a linalg.generic contraction over (batch..., m, n, k) with
  // broadcast batch dims and transposes folded into the indexing maps.
  int64_t loops = nb + 3;
  AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
             k = getAffineDimExpr(nb + 2, ctx);
  auto operandMap = [&](RankedTensorType t, AffineExpr r0, AffineExpr r1) {
    SmallVector<AffineExpr> exprs;
    int64_t rank = t.getRank(), offset = nb - (rank - 2);
    for (int64_t d = 0; d < rank - 2; ++d) {
      if (t.getDimSize(d) == 1 && outShape[d + offset] != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(d + offset, ctx));
    }
    exprs.push_back(r0);
    exprs.push_back(r1);
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < nb + 2; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {
      ta ? operandMap(lt, k, m) : operandMap(lt, m, k),
      tb ? operandMap(rt, n, k) : operandMap(rt, k, n),
      AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<IteratorType> iterators = parallel(nb + 2);
  iterators.push_back(IteratorType::reduction);
  Value init = makeInit();
  Value acc = buildGeneric(
      b, loc, ValueRange{lhs, rhs}, init, maps, iterators,
      [&](OpBuilder &nb2, Location nl, ValueRange args) -> Value {
        if (isa<FloatType>(accType)) {
          Value x = convertFloat(nb2, nl, args[0], accType);
          Value y = convertFloat(nb2, nl, args[1], accType);
          return arith::AddFOp::create(nb2, nl, args[2],
                                       arith::MulFOp::create(nb2, nl, x, y));
        }
        return arith::AddIOp::create(
            nb2, nl, args[2], arith::MulIOp::create(nb2, nl, args[0], args[1]));
      });
  return finish(acc);
}

//--- where, cast ---------------------------------------------------------------

Value lowerWhere(OpBuilder &b, kiln::WhereOp op, Value c, Value t, Value f) {
  return buildElementwise(b, op.getLoc(),
                          cast<RankedTensorType>(op.getType()),
                          ValueRange{c, t, f},
                          [&](OpBuilder &nb, Location nl, ValueRange args) {
                            return arith::SelectOp::create(nb, nl, args[0],
                                                           args[1], args[2]);
                          });
}

Value lowerCast(OpBuilder &b, kiln::CastOp op, Value input) {
  auto resultType = cast<RankedTensorType>(op.getType());
  if (tensorType(input) == resultType)
    return input;
  Type to = resultType.getElementType();
  return buildElementwise(b, op.getLoc(), resultType, ValueRange{input},
                          [&](OpBuilder &nb, Location nl, ValueRange args) {
                            return castScalar(nb, nl, args[0], to);
                          });
}

//--- softmax -------------------------------------------------------------------

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

Value lowerSoftmax(OpBuilder &b, kiln::SoftmaxOp op, Value input) {
  Location loc = op.getLoc();
  RankedTensorType type = tensorType(input);
  int64_t axis = normalizeAxis(int64_t(op.getAxis()), type.getRank());
  Type elem = type.getElementType(), ct = computeType(elem);
  Value x = ct == elem ? input : convertTensor(b, loc, input, ct);
  Value init =
      emptyTensor(b, loc, tensor::getMixedSizes(b, loc, input), ct);
  Value y = linalg::SoftmaxOp::create(b, loc, TypeRange{init.getType()}, x,
                                      init, uint64_t(axis))
                .getResult()[0];
  return matchType(b, loc, convertTensor(b, loc, y, elem), op.getType());
}

//--- layer_norm, rms_norm ------------------------------------------------------

Value lowerNorm(OpBuilder &b, Operation *op, Value input, Value scale,
                Value bias, int64_t axisAttr, double epsilon, bool rms) {
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorType(input);
  int64_t rank = type.getRank();
  int64_t axis = normalizeAxis(axisAttr, rank);
  Type elem = type.getElementType(), ct = computeType(elem);

  SmallVector<int64_t> normDims;
  for (int64_t d = axis; d < rank; ++d)
    normDims.push_back(d);
  Value count = indexToFloat(b, loc, countOf(b, loc, input, normDims), ct);

  // Statistics are [rows...] tensors in the compute type.
  SmallVector<OpFoldResult> rowSizes;
  SmallVector<AffineExpr> rowExprs;
  for (int64_t d = 0; d < axis; ++d) {
    rowSizes.push_back(dimOf(b, loc, input, d));
    rowExprs.push_back(getAffineDimExpr(d, ctx));
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap rowMap = AffineMap::get(rank, 0, rowExprs, ctx);
  SmallVector<IteratorType> reduceIters = parallel(axis);
  reduceIters.append(rank - axis, IteratorType::reduction);

  // Pass 1 (layer_norm): sum(x).
  Value sum;
  if (!rms)
    sum = buildGeneric(
        b, loc, ValueRange{input}, filledTensor(b, loc, rowSizes, zeroOf(b, loc, ct)),
        {identity, rowMap}, reduceIters,
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value x = convertFloat(nb, nl, args[0], ct);
          return arith::AddFOp::create(nb, nl, args[1], x);
        });

  // Pass 2: sum((x - mean)^2), or sum(x^2) for rms_norm.
  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {identity};
  if (!rms) {
    inputs.push_back(sum);
    maps.push_back(rowMap);
  }
  maps.push_back(rowMap);
  Value sq = buildGeneric(
      b, loc, inputs, filledTensor(b, loc, rowSizes, zeroOf(b, loc, ct)), maps,
      reduceIters, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value x = convertFloat(nb, nl, args[0], ct);
        if (!rms)
          x = arith::SubFOp::create(nb, nl, x,
                                    arith::DivFOp::create(nb, nl, args[1], count));
        return arith::AddFOp::create(nb, nl, args.back(),
                                     arith::MulFOp::create(nb, nl, x, x));
      });

  // The statistics passes iterate over the norm's domain (the norm axes a
  // reduction): the norm's schedule applies to them too, so they run on the
  // same threads (its level 0 splits rows only). Pass 3 gets it from
  // propagateSchedule.
  if (Attribute schedule = op->getAttr("kiln.schedule"))
    for (Value stat : {sum, sq})
      if (stat)
        stat.getDefiningOp()->setAttr("kiln.schedule", schedule);

  // Pass 3: (x - mean) / sqrt(var + eps) * scale + bias.
  SmallVector<AffineExpr> paramExprs;
  for (int64_t d = axis; d < rank; ++d)
    paramExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap paramMap = AffineMap::get(rank, 0, paramExprs, ctx);
  inputs = {input};
  maps = {identity};
  int64_t sumIdx = -1, sqIdx, scaleIdx = -1, biasIdx = -1;
  if (!rms) {
    sumIdx = inputs.size();
    inputs.push_back(sum);
    maps.push_back(rowMap);
  }
  sqIdx = inputs.size();
  inputs.push_back(sq);
  maps.push_back(rowMap);
  if (scale) {
    scaleIdx = inputs.size();
    inputs.push_back(scale);
    maps.push_back(paramMap);
  }
  if (bias) {
    biasIdx = inputs.size();
    inputs.push_back(bias);
    maps.push_back(paramMap);
  }
  maps.push_back(identity);
  Value init = emptyTensor(b, loc, tensor::getMixedSizes(b, loc, input), elem);
  Value eps = floatConst(b, loc, ct, epsilon);
  Value result = buildGeneric(
      b, loc, inputs, init, maps, parallel(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value x = convertFloat(nb, nl, args[0], ct);
        if (!rms)
          x = arith::SubFOp::create(
              nb, nl, x, arith::DivFOp::create(nb, nl, args[sumIdx], count));
        Value var = arith::DivFOp::create(nb, nl, args[sqIdx], count);
        Value denom = math::SqrtOp::create(
            nb, nl, arith::AddFOp::create(nb, nl, var, eps));
        Value y = arith::DivFOp::create(nb, nl, x, denom);
        if (scaleIdx >= 0)
          y = arith::MulFOp::create(nb, nl, y,
                                    convertFloat(nb, nl, args[scaleIdx], ct));
        if (biasIdx >= 0)
          y = arith::AddFOp::create(nb, nl, y,
                                    convertFloat(nb, nl, args[biasIdx], ct));
        return convertFloat(nb, nl, y, elem);
      });
  return matchType(b, loc, result, op->getResult(0).getType());
}

//--- reduce --------------------------------------------------------------------

Value lowerReduce(OpBuilder &b, kiln::ReduceOp op, Value input) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorType(input);
  int64_t rank = type.getRank();
  Type elem = type.getElementType(), ct = computeType(elem);
  bool isFloat = isa<FloatType>(elem);
  kiln::ReduceKind kind = op.getKind();

  SmallVector<bool> reduced(rank, false);
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes()) {
    reduced[normalizeAxis(a, rank)] = true;
    axes.push_back(normalizeAxis(a, rank));
  }
  SmallVector<OpFoldResult> outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d) {
    iters.push_back(reduced[d] ? IteratorType::reduction
                               : IteratorType::parallel);
    if (!reduced[d]) {
      outSizes.push_back(dimOf(b, loc, input, d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }

  Value initValue;
  switch (kind) {
  case kiln::ReduceKind::sum:
  case kiln::ReduceKind::mean:
    initValue = zeroOf(b, loc, ct);
    break;
  case kiln::ReduceKind::max:
    initValue =
        isFloat ? floatConst(b, loc, ct, -INFINITY)
                : intConst(b, loc, ct,
                           APInt::getSignedMinValue(ct.getIntOrFloatBitWidth())
                               .getSExtValue());
    break;
  case kiln::ReduceKind::min:
    initValue =
        isFloat ? floatConst(b, loc, ct, INFINITY)
                : intConst(b, loc, ct,
                           APInt::getSignedMaxValue(ct.getIntOrFloatBitWidth())
                               .getSExtValue());
    break;
  }
  Value init = filledTensor(b, loc, outSizes, initValue);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  Value acc = buildGeneric(
      b, loc, ValueRange{input}, init, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value x = isFloat ? convertFloat(nb, nl, args[0], ct) : args[0];
        Value a = args[1];
        switch (kind) {
        case kiln::ReduceKind::sum:
        case kiln::ReduceKind::mean:
          return isFloat ? Value(arith::AddFOp::create(nb, nl, a, x))
                         : Value(arith::AddIOp::create(nb, nl, a, x));
        case kiln::ReduceKind::max:
          return isFloat ? Value(arith::MaximumFOp::create(nb, nl, a, x))
                         : Value(arith::MaxSIOp::create(nb, nl, a, x));
        case kiln::ReduceKind::min:
          return isFloat ? Value(arith::MinimumFOp::create(nb, nl, a, x))
                         : Value(arith::MinSIOp::create(nb, nl, a, x));
        }
        llvm_unreachable("unknown reduce kind");
      });

  RankedTensorType accType = tensorType(acc);
  if (kind == kiln::ReduceKind::mean) {
    Value count = countOf(b, loc, input, axes);
    Value divisor;
    if (isFloat) {
      divisor = indexToFloat(b, loc, count, ct);
    } else {
      // An empty reduction keeps 0 (sum 0 / 1).
      Value one = indexConst(b, loc, 1);
      Value nonZero = arith::MaxSIOp::create(b, loc, count, one);
      divisor = arith::IndexCastOp::create(b, loc, ct, nonZero);
    }
    acc = buildElementwise(b, loc, accType, ValueRange{acc},
                           [&](OpBuilder &nb, Location nl, ValueRange args) {
                             return isFloat
                                        ? Value(arith::DivFOp::create(
                                              nb, nl, args[0], divisor))
                                        : Value(arith::DivSIOp::create(
                                              nb, nl, args[0], divisor));
                           });
  }
  if (isFloat)
    acc = convertTensor(b, loc, acc, elem);

  auto resultType = cast<RankedTensorType>(op.getType());
  if (op.getKeepdims()) {
    // Each reduced (size-1) dim joins the group of the next kept dim, or the
    // last group.
    SmallVector<ReassociationIndices> reassoc;
    ReassociationIndices pending;
    SmallVector<OpFoldResult> keptSizes;
    int64_t outDim = 0;
    for (int64_t d = 0; d < rank; ++d) {
      pending.push_back(d);
      if (reduced[d]) {
        keptSizes.push_back(b.getIndexAttr(1));
        continue;
      }
      keptSizes.push_back(outSizes[outDim++]);
      reassoc.push_back(pending);
      pending.clear();
    }
    if (!pending.empty() && !reassoc.empty())
      reassoc.back().append(pending.begin(), pending.end());
    SmallVector<int64_t> keptShape;
    for (OpFoldResult s : keptSizes)
      keptShape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
    acc = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(keptShape, elem), acc, reassoc,
        keptSizes);
  }
  return matchType(b, loc, acc, resultType);
}

//--- data movement -------------------------------------------------------------

Value lowerTranspose(OpBuilder &b, kiln::TransposeOp op, Value input) {
  Location loc = op.getLoc();
  ArrayRef<int64_t> perm = op.getPerm();
  SmallVector<OpFoldResult> sizes;
  for (int64_t p : perm)
    sizes.push_back(dimOf(b, loc, input, p));
  Value init =
      emptyTensor(b, loc, sizes, tensorType(input).getElementType());
  Value result =
      linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
  return matchType(b, loc, result, op.getType());
}

Value lowerReshape(OpBuilder &b, kiln::ReshapeOp op, Value input) {
  Location loc = op.getLoc();
  RankedTensorType src = tensorType(input);
  auto dst = cast<RankedTensorType>(op.getType());
  if (src == dst)
    return input;
  if (src.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, dst, input,
                                         ArrayRef<ReassociationIndices>{});
  if (dst.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, dst, input,
                                           ArrayRef<ReassociationIndices>{});
  if (src.getRank() != dst.getRank()) {
    if (std::optional<SmallVector<ReassociationIndices>> reassoc =
            getReassociationIndicesForReshape(src, dst)) {
      if (src.getRank() > dst.getRank())
        return tensor::CollapseShapeOp::create(b, loc, dst, input, *reassoc);
      return tensor::ExpandShapeOp::create(b, loc, dst, input, *reassoc);
    }
  }
  // Neither a pure collapse nor a pure expand: through a 1-D tensor.
  ReassociationIndices all;
  for (int64_t d = 0; d < src.getRank(); ++d)
    all.push_back(d);
  Value flat = input;
  if (src.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(b, loc, input,
                                           ArrayRef<ReassociationIndices>{all});
  if (dst.getRank() == 1)
    return flat;
  all.clear();
  for (int64_t d = 0; d < dst.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, dst, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

Value lowerConcat(OpBuilder &b, kiln::ConcatOp op, ValueRange inputs) {
  Location loc = op.getLoc();
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = resultType.getRank();
  int64_t axis = normalizeAxis(int64_t(op.getAxis()), rank);
  if (inputs.size() == 1)
    return matchType(b, loc, inputs[0], resultType);
  // Sizes: every dim but `axis` from the first input; `axis` is the sum.
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, inputs[0]);
  SmallVector<OpFoldResult> offsets;
  Value total = indexConst(b, loc, 0);
  int64_t staticTotal = 0;
  bool allStatic = true;
  for (Value in : inputs) {
    OpFoldResult size = dimOf(b, loc, in, axis);
    offsets.push_back(allStatic ? OpFoldResult(b.getIndexAttr(staticTotal))
                                : OpFoldResult(total));
    if (std::optional<int64_t> s = getConstantIntValue(size); s && allStatic) {
      staticTotal += *s;
      continue;
    }
    if (allStatic)
      total = indexConst(b, loc, staticTotal);
    allStatic = false;
    total = arith::AddIOp::create(b, loc, total, toValue(b, loc, size));
  }
  sizes[axis] = allStatic ? OpFoldResult(b.getIndexAttr(staticTotal))
                          : OpFoldResult(total);
  Value result = emptyTensor(b, loc, sizes, resultType.getElementType());
  for (auto [in, offset] : llvm::zip(inputs, offsets)) {
    SmallVector<OpFoldResult> offs(rank, b.getIndexAttr(0));
    offs[axis] = offset;
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    result = tensor::InsertSliceOp::create(b, loc, in, result, offs,
                                           tensor::getMixedSizes(b, loc, in),
                                           strides);
  }
  return matchType(b, loc, result, resultType);
}

Value lowerSlice(OpBuilder &b, kiln::SliceOp op, Value input) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = resultType.getRank();
  ArrayRef<int64_t> starts = op.getStarts();
  SmallVector<int64_t> steps(rank, 1);
  if (std::optional<ArrayRef<int64_t>> s = op.getSteps())
    steps.assign(s->begin(), s->end());
  // An empty window reads nothing; its start may be the dimension's size,
  // which tensor.extract_slice rejects as out of bounds.
  if (llvm::is_contained(resultType.getShape(), 0))
    return tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                   resultType.getElementType());
  bool anyNegative = llvm::any_of(steps, [](int64_t s) { return s < 0; });
  if (!anyNegative) {
    SmallVector<OpFoldResult> offs, sizes, strides;
    for (int64_t d = 0; d < rank; ++d) {
      offs.push_back(b.getIndexAttr(starts[d]));
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      strides.push_back(b.getIndexAttr(steps[d]));
    }
    return tensor::ExtractSliceOp::create(b, loc, resultType, input, offs,
                                          sizes, strides);
  }
  // Negative steps: a copy whose input map is start + step * d.
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    exprs.push_back(getAffineConstantExpr(starts[d], ctx) +
                    getAffineDimExpr(d, ctx) * steps[d]);
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, exprs, ctx),
      AffineMap::getMultiDimIdentityMap(rank, ctx)};
  Value init = emptyTensor(b, loc,
                           getAsIndexOpFoldResult(ctx, resultType.getShape()),
                           resultType.getElementType());
  return buildGeneric(b, loc, ValueRange{input}, init, maps, parallel(rank),
                      [](OpBuilder &, Location, ValueRange args) {
                        return args[0];
                      });
}

Value lowerGather(OpBuilder &b, kiln::GatherOp op, Value data, Value indices) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(op.getType());
  RankedTensorType dt = tensorType(data), it = tensorType(indices);
  int64_t axis = normalizeAxis(int64_t(op.getAxis()), dt.getRank());
  int64_t ir = it.getRank(), rr = resultType.getRank();

  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < axis; ++d)
    sizes.push_back(dimOf(b, loc, data, d));
  for (int64_t d = 0; d < ir; ++d)
    sizes.push_back(dimOf(b, loc, indices, d));
  for (int64_t d = axis + 1; d < dt.getRank(); ++d)
    sizes.push_back(dimOf(b, loc, data, d));
  Value init = emptyTensor(b, loc, sizes, resultType.getElementType());

  SmallVector<AffineExpr> idxExprs;
  for (int64_t d = 0; d < ir; ++d)
    idxExprs.push_back(getAffineDimExpr(axis + d, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(rr, 0, idxExprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(rr, ctx)};
  Value dim = toValue(b, loc, dimOf(b, loc, data, axis));
  Value zero = indexConst(b, loc, 0);
  Value last = arith::SubIOp::create(b, loc, dim, indexConst(b, loc, 1));
  Value result = buildGeneric(
      b, loc, ValueRange{indices}, init, maps, parallel(rr),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value i = arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
        // Negative indices count from the back; out-of-range indices (an
        // error in the reference) are clamped so the read stays in bounds.
        Value negative =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, i, zero);
        i = arith::SelectOp::create(nb, nl, negative,
                                    arith::AddIOp::create(nb, nl, i, dim), i);
        i = arith::MaxSIOp::create(nb, nl, i, zero);
        i = arith::MinSIOp::create(nb, nl, i, last);
        SmallVector<Value> coords;
        for (int64_t d = 0; d < axis; ++d)
          coords.push_back(linalg::IndexOp::create(nb, nl, d));
        coords.push_back(i);
        for (int64_t d = axis + ir; d < rr; ++d)
          coords.push_back(linalg::IndexOp::create(nb, nl, d));
        return tensor::ExtractOp::create(nb, nl, data, coords);
      });
  return matchType(b, loc, result, resultType);
}

//--- attention -----------------------------------------------------------------

/// With static shapes the two contractions of attention are batch matmuls
/// over `[B * Hkv, group * Sq, ...]` (the query heads of one key/value head
/// are consecutive rows), so the CPU tiles and vectorizes them like any
/// matmul. Their schedules follow from the attention's (threads over the
/// heads, the query block, the `mr x nr` register tile): a mechanical
/// mapping of the decision, not a new one.
static Attribute attentionPartSchedule(Attribute attr, int64_t batch,
                                       int64_t kvHeads, int64_t group,
                                       bool valueProduct) {
  auto s = dyn_cast_or_null<kiln::ScheduleAttr>(attr);
  if (!s || s.getNumLevels() != 3 || s.getNumLoops() != 5)
    return {};
  ArrayRef<int64_t> l0 = s.getLevel(0), l1 = s.getLevel(1),
                    l2 = s.getLevel(2);
  int64_t bh0 = 0;
  if (l0[0] > 0)
    bh0 = l0[0] * kvHeads;
  else if (l0[1] > 0 && batch == 1)
    bh0 = std::max<int64_t>(1, l0[1] / group);
  int64_t rows0 = group == 1 ? l0[2] : 0, rows1 = group == 1 ? l1[2] : 0;
  SmallVector<SmallVector<int64_t>> tiles = {
      {bh0, rows0, 0, 0},
      {1, rows1, 0, valueProduct ? l1[3] : 0},
      {1, l2[2], l2[4], 1}};
  return kiln::ScheduleAttr::get(s.getContext(), tiles, {}, {}, std::nullopt);
}

/// The schedule of attention's row-wise parts over `[B, H, rows, cols]`
/// (the scaled and masked scores and the softmax over them, or k^T): the
/// attention's thread chunks over batch, heads and query rows, one head per
/// cache block, and vectors of the register tile's `nr` columns (halved
/// until they divide `cols`). A mechanical mapping, like
/// attentionPartSchedule.
static Attribute attentionRowSchedule(Attribute attr, int64_t cols,
                                      bool splitRows) {
  auto s = dyn_cast_or_null<kiln::ScheduleAttr>(attr);
  if (!s || s.getNumLevels() != 3 || s.getNumLoops() != 5)
    return {};
  ArrayRef<int64_t> l0 = s.getLevel(0), l2 = s.getLevel(2);
  int64_t vector = std::max<int64_t>(1, l2[4]);
  while (vector > 1 && cols % vector != 0)
    vector /= 2;
  SmallVector<SmallVector<int64_t>> tiles = {
      {l0[0], l0[1], splitRows ? l0[2] : 0, 0},
      {1, 1, 0, 0},
      {1, 1, 1, vector}};
  return kiln::ScheduleAttr::get(s.getContext(), tiles, {}, {}, std::nullopt);
}

Value lowerAttention(OpBuilder &b, kiln::AttentionOp op, Value q, Value k,
                     Value v, Value mask) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(op.getType());
  Type elem = resultType.getElementType(), ct = computeType(elem);
  RankedTensorType qt = tensorType(q), kt = tensorType(k);
  int64_t group = qt.getDimSize(1) / kt.getDimSize(1); // Checked static.

  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
             d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx),
             d4 = getAffineDimExpr(4, ctx);
  AffineExpr kvHead = group == 1 ? d1 : d1.floorDiv(group);
  Value zero = zeroOf(b, loc, ct);

  // scores[b, h, i, j] = sum_c q[b, h, i, c] * k[b, h / group, j, c]
  OpFoldResult sB = dimOf(b, loc, q, 0), sH = dimOf(b, loc, q, 1),
               sQ = dimOf(b, loc, q, 2), sK = dimOf(b, loc, k, 2);
  RankedTensorType vt = tensorType(v);
  bool batched = qt.hasStaticShape() && kt.hasStaticShape() &&
                 vt.hasStaticShape() && qt.getElementType() == ct;
  int64_t B = qt.getDimSize(0), Hq = qt.getDimSize(1), Sq = qt.getDimSize(2),
          D = qt.getDimSize(3), Hk = kt.getDimSize(1), Sk = kt.getDimSize(2),
          Dv = vt.getDimSize(3);
  Attribute schedule = op->getAttr("kiln.schedule");
  // [B, Hq, S, X] <-> [B * Hkv, group * S, X].
  auto toBatched = [&](Value t, int64_t heads, int64_t rows, int64_t cols) {
    auto type = RankedTensorType::get({B * heads, rows, cols}, ct);
    if (heads == Hk && rows != tensorType(t).getDimSize(2)) {
      // Query-like: [B, Hk * group, S, X] -> [B, Hk, group, S, X] -> ...
      auto five = RankedTensorType::get({B, Hk, group, Sq, cols}, ct);
      Value e = tensor::ExpandShapeOp::create(
          b, loc, five, t, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      return tensor::CollapseShapeOp::create(
                 b, loc, type, e,
                 SmallVector<ReassociationIndices>{{0, 1}, {2, 3}, {4}})
          .getResult();
    }
    return tensor::CollapseShapeOp::create(
               b, loc, type, t,
               SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}})
        .getResult();
  };
  auto fromBatched = [&](Value t, int64_t cols) -> Value {
    auto five = RankedTensorType::get({B, Hk, group, Sq, cols}, ct);
    Value e = tensor::ExpandShapeOp::create(
        b, loc, five, t, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}, {4}});
    return tensor::CollapseShapeOp::create(
               b, loc, RankedTensorType::get({B, Hq, Sq, cols}, ct), e,
               SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}})
        .getResult();
  };
  auto batchMatmul = [&](Value lhs, Value rhs, int64_t m, int64_t n,
                         bool valueProduct) -> Value {
    Value init = filledTensor(
        b, loc,
        {b.getIndexAttr(B * Hk), b.getIndexAttr(m), b.getIndexAttr(n)}, zero);
    auto mm = linalg::BatchMatmulOp::create(b, loc, TypeRange{init.getType()},
                                            ValueRange{lhs, rhs},
                                            ValueRange{init});
    if (Attribute part =
            attentionPartSchedule(schedule, B, Hk, group, valueProduct))
      mm->setAttr("kiln.schedule", part);
    return mm.getResult(0);
  };

  Value scores;
  if (batched) {
    // k^T once ([B, Hk, D, Sk]), then one batch matmul.
    auto transpose = linalg::TransposeOp::create(
        b, loc, k,
        tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{B, Hk, D, Sk}, ct),
        ArrayRef<int64_t>{0, 1, 3, 2});
    // Threads over the key/value heads only (group query heads share one).
    if (group == 1)
      if (Attribute part = attentionRowSchedule(schedule, Sk, false))
        transpose->setAttr("kiln.schedule", part);
    Value kT = transpose.getResult()[0];
    scores = fromBatched(
        batchMatmul(toBatched(q, Hk, group * Sq, D), toBatched(kT, Hk, D, Sk),
                    group * Sq, Sk, /*valueProduct=*/false),
        Sk);
  }

  SmallVector<IteratorType> iters = parallel(4);
  iters.push_back(IteratorType::reduction);
  auto dot = [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
    Value x = convertFloat(nb, nl, args[0], ct);
    Value y = convertFloat(nb, nl, args[1], ct);
    return arith::AddFOp::create(nb, nl, args[2],
                                 arith::MulFOp::create(nb, nl, x, y));
  };
  if (!scores)
    scores = buildGeneric(
      b, loc, ValueRange{q, k}, filledTensor(b, loc, {sB, sH, sQ, sK}, zero),
      {AffineMap::get(5, 0, {d0, d1, d2, d4}, ctx),
       AffineMap::get(5, 0, {d0, kvHead, d3, d4}, ctx),
       AffineMap::get(5, 0, {d0, d1, d2, d3}, ctx)},
      iters, dot);

  // Scale, mask, causal mask in one elementwise pass.
  Value scale;
  if (std::optional<APFloat> s = op.getScale()) {
    scale = floatConst(b, loc, ct, s->convertToDouble());
  } else if (!qt.isDynamicDim(3)) {
    scale = floatConst(b, loc, ct, 1.0 / std::sqrt(double(qt.getDimSize(3))));
  } else {
    Value d = indexToFloat(b, loc, toValue(b, loc, dimOf(b, loc, q, 3)), ct);
    scale = math::RsqrtOp::create(b, loc, d);
  }
  Value negInf = floatConst(b, loc, ct, -INFINITY);
  Value offset;
  if (op.getCausal())
    offset = arith::SubIOp::create(b, loc, toValue(b, loc, sK),
                                   toValue(b, loc, sQ));
  RankedTensorType scoresType = tensorType(scores);
  SmallVector<Value> inputs = {scores};
  if (mask)
    inputs.push_back(mask);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(4, ctx)};
  if (mask)
    maps.push_back(broadcastMap(tensorType(mask), scoresType.getShape(), ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
  Value masked = buildGeneric(
      b, loc, inputs, emptyTensor(b, loc, {sB, sH, sQ, sK}, ct), maps,
      parallel(4), [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value s = arith::MulFOp::create(nb, nl, args[0], scale);
        if (mask) {
          Value m = args[1];
          if (m.getType().isInteger(1))
            s = arith::SelectOp::create(nb, nl, m, s, negInf);
          else
            s = arith::AddFOp::create(nb, nl, s, convertFloat(nb, nl, m, ct));
        }
        if (offset) {
          // Bottom-right aligned: key j is hidden from query i when
          // j > i + (Sk - Sq).
          Value i = linalg::IndexOp::create(nb, nl, 2);
          Value j = linalg::IndexOp::create(nb, nl, 3);
          Value limit = arith::AddIOp::create(nb, nl, i, offset);
          Value hidden = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::sgt, j, limit);
          s = arith::SelectOp::create(nb, nl, hidden, negInf, s);
        }
        return s;
      });

  auto softmax = linalg::SoftmaxOp::create(
      b, loc, TypeRange{masked.getType()}, masked,
      emptyTensor(b, loc, {sB, sH, sQ, sK}, ct), uint64_t(3));
  Value probs = softmax.getResult()[0];
  if (batched)
    if (Attribute part = attentionRowSchedule(schedule, Sk, true)) {
      masked.getDefiningOp()->setAttr("kiln.schedule", part);
      softmax->setAttr("kiln.schedule", part);
    }

  // out[b, h, i, e] = sum_j p[b, h, i, j] * v[b, h / group, j, e]
  if (batched) {
    Value out = fromBatched(
        batchMatmul(toBatched(probs, Hk, group * Sq, Sk),
                    toBatched(v, Hk, Sk, Dv), group * Sq, Dv,
                    /*valueProduct=*/true),
        Dv);
    return matchType(b, loc, convertTensor(b, loc, out, elem), resultType);
  }
  Value outInit =
      filledTensor(b, loc, {sB, sH, sQ, dimOf(b, loc, v, 3)}, zero);
  Value out = buildGeneric(
      b, loc, ValueRange{probs, v}, outInit,
      {AffineMap::get(5, 0, {d0, d1, d2, d4}, ctx),
       AffineMap::get(5, 0, {d0, kvHead, d4, d3}, ctx),
       AffineMap::get(5, 0, {d0, d1, d2, d3}, ctx)},
      iters, dot);
  return matchType(b, loc, convertTensor(b, loc, out, elem), resultType);
}

//--- rope ----------------------------------------------------------------------

Value lowerRope(OpBuilder &b, kiln::RopeOp op, Value input, Value cos,
                Value sin) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorType(input);
  int64_t rank = type.getRank();
  int64_t d = type.getDimSize(rank - 1), half = d / 2; // Checked static.
  bool interleaved = op.getInterleaved();
  Type elem = type.getElementType(), ct = computeType(elem);
  AffineExpr last = getAffineDimExpr(rank - 1, ctx);

  // The partner of element `last` in its pair: (i, i + D/2) or (2i, 2i + 1).
  SmallVector<AffineExpr> partner;
  for (int64_t k = 0; k < rank - 1; ++k)
    partner.push_back(getAffineDimExpr(k, ctx));
  partner.push_back(interleaved ? last + 1 - last % 2 * 2 : (last + half) % d);

  // cos/sin broadcast to [..., S, D/2]; the pair index is last mod D/2 or
  // last floordiv 2.
  SmallVector<int64_t> tableShape(type.getShape());
  tableShape.back() = half;
  auto tableMap = [&](Value table) {
    RankedTensorType t = tensorType(table);
    AffineMap m = broadcastMap(t, tableShape, ctx);
    SmallVector<AffineExpr> exprs(m.getResults());
    if (!exprs.empty() && t.getDimSize(t.getRank() - 1) != 1 &&
        t.getRank() > 0)
      exprs.back() = interleaved ? last.floorDiv(2) : last % half;
    else if (!exprs.empty() && half == 1)
      exprs.back() = getAffineConstantExpr(0, ctx);
    return AffineMap::get(rank, 0, exprs, ctx);
  };
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<AffineMap> maps = {identity,
                                 AffineMap::get(rank, 0, partner, ctx),
                                 tableMap(cos), tableMap(sin), identity};
  Value init = emptyTensor(b, loc, tensor::getMixedSizes(b, loc, input), elem);
  Value halfIdx = indexConst(b, loc, half);
  Value twoIdx = indexConst(b, loc, 2);
  Value zeroIdx = indexConst(b, loc, 0);
  Value result = buildGeneric(
      b, loc, ValueRange{input, input, cos, sin}, init, maps, parallel(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value x = convertFloat(nb, nl, args[0], ct);
        Value p = convertFloat(nb, nl, args[1], ct);
        Value c = convertFloat(nb, nl, args[2], ct);
        Value s = convertFloat(nb, nl, args[3], ct);
        Value idx = linalg::IndexOp::create(nb, nl, rank - 1);
        Value first =
            interleaved
                ? Value(arith::CmpIOp::create(
                      nb, nl, arith::CmpIPredicate::eq,
                      arith::RemUIOp::create(nb, nl, idx, twoIdx), zeroIdx))
                : Value(arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult,
                                              idx, halfIdx));
        // first: x1 * cos - x2 * sin; second: x2 * cos + x1 * sin.
        Value xc = arith::MulFOp::create(nb, nl, x, c);
        Value ps = arith::MulFOp::create(nb, nl, p, s);
        Value y = arith::SelectOp::create(
            nb, nl, first, arith::SubFOp::create(nb, nl, xc, ps),
            arith::AddFOp::create(nb, nl, xc, ps));
        return convertFloat(nb, nl, y, elem);
      });
  return matchType(b, loc, result, op.getType());
}

//===----------------------------------------------------------------------===//
// Support checks (run before the conversion, so that an unsupported op gets
// exactly one clear diagnostic).
//===----------------------------------------------------------------------===//

LogicalResult checkSupported(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([](kiln::ReshapeOp r) -> LogicalResult {
        if (!r.getInput().getType().hasStaticShape() ||
            !r.getType().hasStaticShape())
          return r.emitOpError(
              "with a dynamic dimension cannot be lowered to linalg yet: the "
              "lowering needs static shapes to pick a collapse/expand "
              "reassociation");
        return success();
      })
      .Case([](kiln::AttentionOp a) -> LogicalResult {
        auto qt = cast<RankedTensorType>(a.getQuery().getType());
        auto kt = cast<RankedTensorType>(a.getKey().getType());
        if (qt.isDynamicDim(1) || kt.isDynamicDim(1))
          return a.emitOpError(
              "with a dynamic number of heads cannot be lowered to linalg: "
              "the grouped-query head mapping h floordiv (Hq/Hkv) needs "
              "static head counts");
        return success();
      })
      .Case([](kiln::RopeOp r) -> LogicalResult {
        auto t = cast<RankedTensorType>(r.getInput().getType());
        if (t.isDynamicDim(t.getRank() - 1))
          return r.emitOpError(
              "with a dynamic last (head) dimension cannot be lowered to "
              "linalg: the pair indexing maps need a static D");
        return success();
      })
      .Default([](Operation *) { return success(); });
}

//===----------------------------------------------------------------------===//
// The conversion pattern and pass
//===----------------------------------------------------------------------===//

/// Copies kiln.schedule and kiln.predicted_time_us (docs/schedules.md) from
/// a kiln op onto the root linalg op of its lowering, so that the tiling
/// pass finds them: the op that defines `result`, looking through the
/// tensor reshapes and casts that follow it (expand_shape after a flattened
/// matmul, the keepdims expand after a reduction, element type
/// conversions are linalg ops themselves and count as the root only when
/// nothing else is).
static void propagateSchedule(Operation *op, Value result) {
  Attribute schedule = op->getAttr("kiln.schedule");
  Attribute time = op->getAttr("kiln.predicted_time_us");
  if (!schedule && !time)
    return;
  Operation *root = result.getDefiningOp();
  Operation *fallback = nullptr;
  while (root) {
    if (isa<linalg::SoftmaxOp>(root))
      break;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(root)) {
      // A generic that only converts the element type of the root's result
      // (f16 matmul accumulating in f32) is not the root.
      bool onlyConverts =
          isa<linalg::GenericOp>(root) && linalgOp.getNumDpsInputs() == 1 &&
          root->getOperand(0).getDefiningOp<linalg::LinalgOp>() &&
          llvm::all_of(cast<linalg::GenericOp>(root).getBody()->without_terminator(),
                       [](Operation &o) {
                         return isa<arith::ExtFOp, arith::TruncFOp,
                                    arith::ExtSIOp, arith::TruncIOp>(o);
                       });
      if (!onlyConverts)
        break;
      fallback = fallback ? fallback : root;
      root = root->getOperand(0).getDefiningOp();
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(
            root)) {
      root = root->getOperand(0).getDefiningOp();
      continue;
    }
    root = nullptr;
  }
  if (!root)
    root = fallback;
  if (!root)
    return;
  // A lowering that scheduled its parts itself (static attention's batch
  // matmuls) keeps them.
  if (schedule && !root->hasAttr("kiln.schedule"))
    root->setAttr("kiln.schedule", schedule);
  if (time)
    root->setAttr("kiln.predicted_time_us", time);
}

/// Lowers any kiln op; the adaptor operands replace the op's operands.
struct LowerKilnOp : ConversionPattern {
  explicit LowerKilnOp(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<kiln::KilnDialect>(op->getDialect()))
      return failure();
    OpBuilder &b = rewriter;
    auto binary = [&](Binary kind) {
      return lowerBinary(b, op, kind, operands[0], operands[1]);
    };
    auto unary = [&](ScalarFn fn) {
      return lowerUnary(b, op, operands[0], fn);
    };
    auto isF = [](Value x) { return isa<FloatType>(x.getType()); };
    Value result =
        llvm::TypeSwitch<Operation *, Value>(op)
            .Case([&](kiln::ConstantOp c) { return lowerConstant(b, c); })
            .Case([&](kiln::MatmulOp m) {
              return lowerMatmul(b, m, operands[0], operands[1]);
            })
            .Case([&](kiln::AddOp) { return binary(Binary::Add); })
            .Case([&](kiln::SubOp) { return binary(Binary::Sub); })
            .Case([&](kiln::MulOp) { return binary(Binary::Mul); })
            .Case([&](kiln::DivOp) { return binary(Binary::Div); })
            .Case([&](kiln::MaxOp) { return binary(Binary::Max); })
            .Case([&](kiln::MinOp) { return binary(Binary::Min); })
            .Case([&](kiln::PowOp) { return binary(Binary::Pow); })
            .Case([&](kiln::ExpOp) { return unary(singleOp<math::ExpOp>); })
            .Case([&](kiln::LogOp) { return unary(singleOp<math::LogOp>); })
            .Case([&](kiln::TanhOp) { return unary(singleOp<math::TanhOp>); })
            .Case([&](kiln::ErfOp) { return unary(singleOp<math::ErfOp>); })
            .Case([&](kiln::SqrtOp) { return unary(singleOp<math::SqrtOp>); })
            .Case([&](kiln::RsqrtOp) { return unary(singleOp<math::RsqrtOp>); })
            .Case([&](kiln::NegOp) {
              return unary([&](OpBuilder &nb, Location nl, Value x) -> Value {
                if (isF(x))
                  return arith::NegFOp::create(nb, nl, x);
                return arith::SubIOp::create(
                    nb, nl, intConst(nb, nl, x.getType(), 0), x);
              });
            })
            .Case([&](kiln::AbsOp) {
              return unary([&](OpBuilder &nb, Location nl, Value x) -> Value {
                if (isF(x))
                  return math::AbsFOp::create(nb, nl, x);
                return math::AbsIOp::create(nb, nl, x);
              });
            })
            .Case([&](kiln::ReluOp) {
              return unary([&](OpBuilder &nb, Location nl, Value x) -> Value {
                Value zero = zeroOf(nb, nl, x.getType());
                if (isF(x)) // NaN stays NaN.
                  return arith::MaximumFOp::create(nb, nl, x, zero);
                return arith::MaxSIOp::create(nb, nl, x, zero);
              });
            })
            .Case([&](kiln::SigmoidOp) {
              return unary([](OpBuilder &nb, Location nl, Value x) {
                return sigmoidOf(nb, nl, x);
              });
            })
            .Case([&](kiln::SiluOp) {
              return unary([](OpBuilder &nb, Location nl, Value x) -> Value {
                return arith::MulFOp::create(nb, nl, x, sigmoidOf(nb, nl, x));
              });
            })
            .Case([&](kiln::GeluOp g) {
              bool approx =
                  g.getApproximate() == kiln::GeluApproximation::tanh;
              return unary([&](OpBuilder &nb, Location nl, Value x) {
                return geluOf(nb, nl, x, approx);
              });
            })
            .Case([&](kiln::SoftmaxOp s) {
              return lowerSoftmax(b, s, operands[0]);
            })
            .Case([&](kiln::LayerNormOp n) {
              kiln::LayerNormOp::Adaptor a(operands, n);
              return lowerNorm(b, n, a.getInput(), a.getScale(), a.getBias(),
                               int64_t(n.getAxis()),
                               n.getEpsilon().convertToDouble(), false);
            })
            .Case([&](kiln::RmsNormOp n) {
              kiln::RmsNormOp::Adaptor a(operands, n);
              return lowerNorm(b, n, a.getInput(), a.getScale(), Value(),
                               int64_t(n.getAxis()),
                               n.getEpsilon().convertToDouble(), true);
            })
            .Case([&](kiln::ReduceOp r) {
              return lowerReduce(b, r, operands[0]);
            })
            .Case([&](kiln::TransposeOp t) {
              return lowerTranspose(b, t, operands[0]);
            })
            .Case([&](kiln::ReshapeOp r) {
              return lowerReshape(b, r, operands[0]);
            })
            .Case([&](kiln::ConcatOp c) {
              return lowerConcat(b, c, operands);
            })
            .Case([&](kiln::SliceOp s) {
              return lowerSlice(b, s, operands[0]);
            })
            .Case([&](kiln::GatherOp g) {
              return lowerGather(b, g, operands[0], operands[1]);
            })
            .Case([&](kiln::WhereOp w) {
              return lowerWhere(b, w, operands[0], operands[1], operands[2]);
            })
            .Case([&](kiln::CastOp c) {
              return lowerCast(b, c, operands[0]);
            })
            .Case([&](kiln::AttentionOp a) {
              kiln::AttentionOp::Adaptor ad(operands, a);
              return lowerAttention(b, a, ad.getQuery(), ad.getKey(),
                                    ad.getValue(), ad.getMask());
            })
            .Case([&](kiln::RopeOp r) {
              return lowerRope(b, r, operands[0], operands[1], operands[2]);
            })
            .Default([](Operation *) { return Value(); });
    if (!result)
      return rewriter.notifyMatchFailure(op, "no lowering for this kiln op");
    propagateSchedule(op, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertKilnToLinalg
    : kiln::impl::ConvertKilnToLinalgBase<ConvertKilnToLinalg> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    module.walk([&](Operation *op) {
      if (isa<kiln::KilnDialect>(op->getDialect()) &&
          failed(checkSupported(op)))
        ok = false;
    });
    if (!ok)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<kiln::KilnDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<LowerKilnOp>(ctx);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
