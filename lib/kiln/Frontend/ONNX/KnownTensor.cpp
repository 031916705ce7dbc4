//===- KnownTensor.cpp - Evaluating small tensors at import time ----------===//

#include "KnownTensor.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

namespace {

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// For every element of `to` (row-major), the flat index of the element of
/// `from` that broadcasts onto it.
SmallVector<int64_t> broadcastSources(ArrayRef<int64_t> from,
                                      ArrayRef<int64_t> to) {
  SmallVector<int64_t> fromStrides = stridesOf(from);
  int64_t offset = int64_t(to.size()) - int64_t(from.size());
  int64_t n = numElements(to);
  SmallVector<int64_t> sources(n);
  SmallVector<int64_t> index(to.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < from.size(); ++d)
      if (from[d] != 1)
        src += index[d + offset] * fromStrides[d];
    sources[i] = src;
    for (int64_t d = int64_t(to.size()) - 1; d >= 0; --d) {
      if (++index[d] < to[d])
        break;
      index[d] = 0;
    }
  }
  return sources;
}

/// A tensor of `shape` and `elementType` whose elements are still to be
/// filled in.
KnownTensor withoutElements(Type elementType, ArrayRef<int64_t> shape) {
  KnownTensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  return t;
}

/// An empty tensor of `shape` and `elementType`, every element known.
KnownTensor makeLike(Type elementType, ArrayRef<int64_t> shape) {
  KnownTensor t = withoutElements(elementType, shape);
  int64_t n = numElements(shape);
  if (isa<FloatType>(elementType))
    t.floats.assign(n, 0.0);
  else
    t.ints.assign(n, 0);
  return t;
}

void markUnknown(KnownTensor &t, int64_t i) {
  if (t.unknown.empty())
    t.unknown.assign(t.size(), false);
  t.unknown[i] = true;
}

/// Copies element `from` of `src` to element `to` of `dst` (same type).
void copyElement(const KnownTensor &src, int64_t from, KnownTensor &dst,
                 int64_t to) {
  if (src.isFloat())
    dst.floats[to] = src.floats[from];
  else
    dst.ints[to] = src.ints[from];
  if (!src.isKnown(from))
    markUnknown(dst, to);
}

const llvm::fltSemantics &semanticsOf(Type t) {
  return cast<FloatType>(t).getFloatSemantics();
}

/// `v` rounded (to nearest even) to the float type `t`.
llvm::APFloat toFloatType(double v, Type t) {
  llvm::APFloat f(v);
  bool lostInfo;
  f.convert(semanticsOf(t), llvm::APFloat::rmNearestTiesToEven, &lostInfo);
  return f;
}

} // namespace

double kiln::onnx_import::roundToFloatType(double v, Type t) {
  return toFloatType(v, t).convertToDouble();
}

int64_t kiln::onnx_import::wrapToIntType(int64_t v, Type t) {
  unsigned width = t.getIntOrFloatBitWidth();
  if (width == 1)
    return v & 1;
  if (width >= 64)
    return v;
  uint64_t shift = 64 - width;
  return int64_t(uint64_t(v) << shift) >> shift;
}

KnownTensor KnownTensor::ofInts(Type elementType, ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> values) {
  KnownTensor t = withoutElements(elementType, shape);
  for (int64_t v : values)
    t.ints.push_back(wrapToIntType(v, elementType));
  return t;
}

KnownTensor KnownTensor::ofFloats(Type elementType, ArrayRef<int64_t> shape,
                                  ArrayRef<double> values) {
  KnownTensor t = withoutElements(elementType, shape);
  for (double v : values)
    t.floats.push_back(roundToFloatType(v, elementType));
  return t;
}

KnownTensor KnownTensor::splat(Type elementType, ArrayRef<int64_t> shape,
                               double value) {
  KnownTensor t = makeLike(elementType, shape);
  if (t.isFloat())
    t.floats.assign(t.floats.size(), roundToFloatType(value, elementType));
  else
    t.ints.assign(t.ints.size(), wrapToIntType(int64_t(value), elementType));
  return t;
}

KnownTensor KnownTensor::fromAttr(DenseElementsAttr attr) {
  auto type = cast<RankedTensorType>(attr.getType());
  KnownTensor t = withoutElements(type.getElementType(), type.getShape());
  if (t.isFloat()) {
    for (const llvm::APFloat &v : attr.getValues<llvm::APFloat>())
      t.floats.push_back(v.convertToDouble());
  } else {
    bool isBool = t.elementType.isInteger(1);
    for (const llvm::APInt &v : attr.getValues<llvm::APInt>())
      t.ints.push_back(isBool ? int64_t(v.getZExtValue()) : v.getSExtValue());
  }
  return t;
}

int64_t KnownTensor::size() const { return numElements(shape); }

bool KnownTensor::allKnown() const {
  return llvm::none_of(unknown, [](bool u) { return u; });
}

RankedTensorType KnownTensor::getType() const {
  return RankedTensorType::get(shape, elementType);
}

DenseElementsAttr KnownTensor::toAttr() const {
  RankedTensorType type = getType();
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (int64_t v : ints)
      values.push_back(v != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (isFloat()) {
    SmallVector<llvm::APFloat> values;
    for (double v : floats)
      values.push_back(toFloatType(v, elementType));
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<llvm::APInt> values;
  for (int64_t v : ints)
    values.push_back(llvm::APInt(width, uint64_t(v), /*isSigned=*/true,
                                 /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static const char *binaryName(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Add: return "add";
  case BinaryKind::Sub: return "sub";
  case BinaryKind::Mul: return "mul";
  case BinaryKind::Div: return "div";
  case BinaryKind::Max: return "max";
  case BinaryKind::Min: return "min";
  case BinaryKind::Pow: return "pow";
  case BinaryKind::Equal: return "equal";
  }
  return "";
}

FailureOr<KnownTensor> kiln::onnx_import::foldBinary(BinaryKind kind,
                                                     const KnownTensor &lhs,
                                                     const KnownTensor &rhs,
                                                     ErrorFn error) {
  FailureOr<shapes::Shape> shape =
      shapes::broadcast({lhs.shape, rhs.shape}, {"lhs", "rhs"}, error);
  if (failed(shape))
    return failure();
  Type elementType = lhs.elementType;
  Type resultType = kind == BinaryKind::Equal
                        ? IntegerType::get(elementType.getContext(), 1)
                        : elementType;
  KnownTensor result = makeLike(resultType, *shape);
  SmallVector<int64_t> ls = broadcastSources(lhs.shape, *shape);
  SmallVector<int64_t> rs = broadcastSources(rhs.shape, *shape);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    int64_t l = ls[i], r = rs[i];
    if (!lhs.isKnown(l) || !rhs.isKnown(r)) {
      markUnknown(result, i);
      continue;
    }
    if (lhs.isFloat()) {
      double a = lhs.floats[l], b = rhs.floats[r], v = 0;
      switch (kind) {
      case BinaryKind::Add: v = a + b; break;
      case BinaryKind::Sub: v = a - b; break;
      case BinaryKind::Mul: v = a * b; break;
      case BinaryKind::Div: v = a / b; break;
      case BinaryKind::Max: v = std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); break;
      case BinaryKind::Min: v = std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); break;
      case BinaryKind::Pow: v = std::pow(a, b); break;
      case BinaryKind::Equal: result.ints[i] = a == b; continue;
      }
      result.floats[i] = roundToFloatType(v, elementType);
      continue;
    }
    int64_t a = lhs.ints[l], b = rhs.ints[r], v = 0;
    // Unsigned arithmetic wraps instead of overflowing (kiln's integers wrap).
    switch (kind) {
    case BinaryKind::Add: v = int64_t(uint64_t(a) + uint64_t(b)); break;
    case BinaryKind::Sub: v = int64_t(uint64_t(a) - uint64_t(b)); break;
    case BinaryKind::Mul: v = int64_t(uint64_t(a) * uint64_t(b)); break;
    case BinaryKind::Div:
      if (b == 0) {
        error(llvm::Twine("integer division by zero (element ") + llvm::Twine(i) + ")");
        return failure();
      }
      v = (a == std::numeric_limits<int64_t>::min() && b == -1) ? a : a / b;
      break;
    case BinaryKind::Max: v = std::max(a, b); break;
    case BinaryKind::Min: v = std::min(a, b); break;
    case BinaryKind::Pow:
      error(llvm::Twine(binaryName(kind)) + " of integers");
      return failure();
    case BinaryKind::Equal: v = a == b; break;
    }
    result.ints[i] = wrapToIntType(v, resultType);
  }
  return result;
}

FailureOr<KnownTensor> kiln::onnx_import::foldUnary(UnaryKind kind,
                                                    const KnownTensor &x,
                                                    ErrorFn error) {
  KnownTensor result = x;
  for (int64_t i = 0, e = x.size(); i < e; ++i) {
    if (!x.isKnown(i))
      continue;
    if (x.isFloat()) {
      double a = x.floats[i], v = a;
      switch (kind) {
      case UnaryKind::Neg: v = -a; break;
      case UnaryKind::Abs: v = std::fabs(a); break;
      case UnaryKind::Sqrt: v = std::sqrt(a); break;
      case UnaryKind::Reciprocal: v = 1.0 / a; break;
      case UnaryKind::Relu: v = std::isnan(a) ? a : std::max(a, 0.0); break;
      case UnaryKind::Not:
        error("not of a float tensor");
        return failure();
      }
      result.floats[i] = roundToFloatType(v, x.elementType);
      continue;
    }
    int64_t a = x.ints[i], v = a;
    switch (kind) {
    case UnaryKind::Neg: v = int64_t(0 - uint64_t(a)); break;
    case UnaryKind::Abs: v = a < 0 ? int64_t(0 - uint64_t(a)) : a; break;
    case UnaryKind::Relu: v = std::max<int64_t>(a, 0); break;
    case UnaryKind::Not: v = !a; break;
    case UnaryKind::Sqrt:
    case UnaryKind::Reciprocal:
      error("sqrt or reciprocal of an integer tensor");
      return failure();
    }
    result.ints[i] = wrapToIntType(v, x.elementType);
  }
  return result;
}

KnownTensor kiln::onnx_import::foldCast(const KnownTensor &x, Type to) {
  KnownTensor result = makeLike(to, x.shape);
  result.unknown = x.unknown;
  bool toFloat = isa<FloatType>(to);
  for (int64_t i = 0, e = x.size(); i < e; ++i) {
    if (!x.isKnown(i))
      continue;
    if (x.isFloat()) {
      double v = x.floats[i];
      if (toFloat) {
        result.floats[i] = roundToFloatType(v, to);
      } else if (to.isInteger(1)) {
        result.ints[i] = v != 0; // NaN is true, as numpy's astype(bool).
      } else {
        int64_t n;
        if (std::isnan(v))
          n = 0;
        else if (v >= 9223372036854775808.0)
          n = std::numeric_limits<int64_t>::max();
        else if (v < -9223372036854775808.0)
          n = std::numeric_limits<int64_t>::min();
        else
          n = int64_t(v); // Truncates toward zero.
        result.ints[i] = wrapToIntType(n, to);
      }
      continue;
    }
    int64_t v = x.ints[i];
    if (toFloat) {
      // One rounding straight from the integer, even above 2^53.
      llvm::APFloat f(semanticsOf(to));
      f.convertFromAPInt(llvm::APInt(64, uint64_t(v), /*isSigned=*/true),
                         /*IsSigned=*/true, llvm::APFloat::rmNearestTiesToEven);
      result.floats[i] = f.convertToDouble();
    } else if (to.isInteger(1)) {
      result.ints[i] = v != 0;
    } else {
      result.ints[i] = wrapToIntType(v, to);
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

KnownTensor kiln::onnx_import::foldReshape(const KnownTensor &x,
                                           ArrayRef<int64_t> shape) {
  KnownTensor result = x;
  result.shape.assign(shape.begin(), shape.end());
  return result;
}

FailureOr<KnownTensor> kiln::onnx_import::foldGather(const KnownTensor &data,
                                                     const KnownTensor &indices,
                                                     int64_t axis,
                                                     ErrorFn error) {
  int64_t dim = data.shape[axis];
  shapes::Shape shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(indices.shape.begin(), indices.shape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  KnownTensor result = makeLike(data.elementType, shape);
  int64_t outer = numElements(ArrayRef<int64_t>(data.shape).take_front(axis));
  int64_t inner = numElements(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
  int64_t count = indices.size();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < count; ++j) {
      int64_t index = indices.ints[j];
      if (index < -dim || index >= dim) {
        error(llvm::Twine("index ") + llvm::Twine(index) +
              " is out of range for a dimension of size " + llvm::Twine(dim));
        return failure();
      }
      if (index < 0)
        index += dim;
      for (int64_t r = 0; r < inner; ++r) {
        int64_t to = (o * count + j) * inner + r;
        copyElement(data, (o * dim + index) * inner + r, result, to);
        if (!indices.isKnown(j))
          markUnknown(result, to);
      }
    }
  }
  return result;
}

KnownTensor kiln::onnx_import::foldConcat(ArrayRef<const KnownTensor *> inputs,
                                          int64_t axis) {
  shapes::Shape shape = inputs.front()->shape;
  shape[axis] = 0;
  for (const KnownTensor *in : inputs)
    shape[axis] += in->shape[axis];
  KnownTensor result = makeLike(inputs.front()->elementType, shape);
  int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
  int64_t to = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (const KnownTensor *in : inputs) {
      int64_t chunk =
          numElements(ArrayRef<int64_t>(in->shape).drop_front(axis));
      for (int64_t k = 0; k < chunk; ++k)
        copyElement(*in, o * chunk + k, result, to++);
    }
  }
  return result;
}

KnownTensor kiln::onnx_import::foldSlice(const KnownTensor &x,
                                         ArrayRef<int64_t> starts,
                                         ArrayRef<int64_t> limits,
                                         ArrayRef<int64_t> steps) {
  size_t rank = x.shape.size();
  shapes::Shape shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t step = steps[d];
    int64_t span = limits[d] - starts[d];
    int64_t n = step > 0 ? (span + step - 1) / step : (span + step + 1) / step;
    shape[d] = std::max<int64_t>(0, n);
  }
  KnownTensor result = makeLike(x.elementType, shape);
  SmallVector<int64_t> strides = stridesOf(x.shape);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += (starts[d] + index[d] * steps[d]) * strides[d];
    copyElement(x, src, result, i);
    for (int64_t d = int64_t(rank) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

KnownTensor kiln::onnx_import::foldTranspose(const KnownTensor &x,
                                             ArrayRef<int64_t> perm) {
  size_t rank = x.shape.size();
  shapes::Shape shape(rank);
  for (size_t d = 0; d < rank; ++d)
    shape[d] = x.shape[perm[d]];
  KnownTensor result = makeLike(x.elementType, shape);
  SmallVector<int64_t> strides = stridesOf(x.shape);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += index[d] * strides[perm[d]];
    copyElement(x, src, result, i);
    for (int64_t d = int64_t(rank) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

FailureOr<KnownTensor> kiln::onnx_import::foldWhere(const KnownTensor &cond,
                                                    const KnownTensor &x,
                                                    const KnownTensor &y,
                                                    ErrorFn error) {
  FailureOr<shapes::Shape> shape = shapes::broadcast(
      {cond.shape, x.shape, y.shape}, {"condition", "true_value", "false_value"},
      error);
  if (failed(shape))
    return failure();
  KnownTensor result = makeLike(x.elementType, *shape);
  SmallVector<int64_t> cs = broadcastSources(cond.shape, *shape);
  SmallVector<int64_t> xs = broadcastSources(x.shape, *shape);
  SmallVector<int64_t> ys = broadcastSources(y.shape, *shape);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    if (!cond.isKnown(cs[i])) {
      markUnknown(result, i);
      continue;
    }
    if (cond.ints[cs[i]])
      copyElement(x, xs[i], result, i);
    else
      copyElement(y, ys[i], result, i);
  }
  return result;
}

KnownTensor kiln::onnx_import::foldBroadcastTo(const KnownTensor &x,
                                               ArrayRef<int64_t> shape) {
  KnownTensor result = makeLike(x.elementType, shape);
  SmallVector<int64_t> sources = broadcastSources(x.shape, shape);
  for (int64_t i = 0, e = result.size(); i < e; ++i)
    copyElement(x, sources[i], result, i);
  return result;
}

KnownTensor kiln::onnx_import::foldTrilu(const KnownTensor &x, bool upper,
                                         int64_t k) {
  KnownTensor result = x;
  size_t rank = x.shape.size();
  int64_t rows = x.shape[rank - 2], cols = x.shape[rank - 1];
  for (int64_t i = 0, e = x.size(); i < e; ++i) {
    int64_t c = i % cols, r = (i / cols) % rows;
    bool keep = upper ? c - r >= k : c - r <= k;
    if (keep)
      continue;
    if (result.isFloat())
      result.floats[i] = 0;
    else
      result.ints[i] = 0;
    if (!result.unknown.empty())
      result.unknown[i] = false;
  }
  return result;
}

KnownTensor kiln::onnx_import::foldCumSum(const KnownTensor &x, int64_t axis,
                                          bool exclusive, bool reverse) {
  KnownTensor result = x;
  result.unknown.clear();
  int64_t n = x.shape[axis];
  int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t r = 0; r < inner; ++r) {
      double fsum = 0;
      int64_t isum = 0;
      bool known = true;
      for (int64_t s = 0; s < n; ++s) {
        int64_t j = reverse ? n - 1 - s : s;
        int64_t at = (o * n + j) * inner + r;
        auto store = [&] {
          if (x.isFloat())
            result.floats[at] = fsum;
          else
            result.ints[at] = wrapToIntType(isum, x.elementType);
          if (!known)
            markUnknown(result, at);
        };
        if (exclusive)
          store();
        known &= x.isKnown(at);
        if (x.isFloat())
          fsum = roundToFloatType(fsum + x.floats[at], x.elementType);
        else
          isum = int64_t(uint64_t(isum) + uint64_t(x.ints[at]));
        if (!exclusive)
          store();
      }
    }
  }
  return result;
}
