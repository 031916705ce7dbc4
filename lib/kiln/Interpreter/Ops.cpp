//===- Ops.cpp - Reference semantics of the kiln ops ----------------------===//
//
// One function per op family, written as plain loops over RefTensors. Result
// shapes come from the dialect's shape functions applied to the concrete
// run-time shapes, so dynamic dims are checked with the verifier's words.
// Results are computed in double / int64 and narrowed by the caller.
//
//===----------------------------------------------------------------------===//

#include "RefTensor.h"

#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Interpreter/Interpreter.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using llvm::ArrayRef;
using llvm::StringRef;
using llvm::Twine;

namespace kiln::interp {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

/// Sends a shape function's message to the op, like its verifier does.
struct OpReporter {
  Operation *op;
  void operator()(const Twine &message) const {
    (void)op->emitOpError(message);
  }
};

/// The dtype of the op's (single) result; the driver has checked it exists.
DType resultDType(Operation *op) {
  auto type = cast<ShapedType>(op->getResult(0).getType());
  return *dtypeOf(type.getElementType());
}

//===----------------------------------------------------------------------===//
// Integer arithmetic modulo 2^64: signed overflow is undefined in C++, and
// the result is wrapped to its dtype's width afterwards anyway.
//===----------------------------------------------------------------------===//

int64_t wrapAdd(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) + uint64_t(b));
}
int64_t wrapSub(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) - uint64_t(b));
}
int64_t wrapMul(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) * uint64_t(b));
}
int64_t wrapNeg(int64_t a) { return int64_t(0 - uint64_t(a)); }

// Overloads so that templates over the wide element type read naturally.
double addOf(double a, double b) { return a + b; }
int64_t addOf(int64_t a, int64_t b) { return wrapAdd(a, b); }
double mulOf(double a, double b) { return a * b; }
int64_t mulOf(int64_t a, int64_t b) { return wrapMul(a, b); }

/// Splits `shape` around `axis` into [outer, length, inner] element counts.
void splitAtAxis(ArrayRef<int64_t> shape, int64_t axis, int64_t &outer,
                 int64_t &length, int64_t &inner) {
  outer = numElements(shape.take_front(axis));
  length = shape[axis];
  inner = numElements(shape.drop_front(axis + 1));
}

void copyElements(const RefTensor &src, int64_t from, RefTensor &dst,
                  int64_t to, int64_t count) {
  if (src.isFloat())
    std::copy_n(src.floats.begin() + from, count, dst.floats.begin() + to);
  else
    std::copy_n(src.ints.begin() + from, count, dst.ints.begin() + to);
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

/// A rows x cols row-major copy of the matrix at `src`, which is stored as
/// cols x rows when `transposed`.
template <typename T>
std::vector<T> packMatrix(const T *src, int64_t rows, int64_t cols,
                          bool transposed) {
  std::vector<T> result(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      result[r * cols + c] = transposed ? src[c * rows + r] : src[r * cols + c];
  return result;
}

template <typename T>
void matmulBatches(const RefTensor &lhs, const RefTensor &rhs, RefTensor &out,
                   bool transposeA, bool transposeB, int64_t m, int64_t k,
                   int64_t n) {
  ArrayRef<int64_t> outBatch = ArrayRef<int64_t>(out.shape).drop_back(2);
  std::vector<int64_t> lhsBatch =
      broadcastIndices(ArrayRef<int64_t>(lhs.shape).drop_back(2), outBatch);
  std::vector<int64_t> rhsBatch =
      broadcastIndices(ArrayRef<int64_t>(rhs.shape).drop_back(2), outBatch);
  const std::vector<T> &a = elements<T>(lhs);
  const std::vector<T> &b = elements<T>(rhs);
  std::vector<T> &c = elements<T>(out);
  for (size_t batch = 0; batch < lhsBatch.size(); ++batch) {
    std::vector<T> am =
        packMatrix(a.data() + lhsBatch[batch] * m * k, m, k, transposeA);
    std::vector<T> bm =
        packMatrix(b.data() + rhsBatch[batch] * k * n, k, n, transposeB);
    T *cm = c.data() + batch * m * n;
    // i-k-j order: the innermost loop runs along contiguous rows of bm and
    // cm. Accumulating in double rounds once per result element.
    for (int64_t i = 0; i < m; ++i) {
      T *cRow = cm + i * n;
      for (int64_t p = 0; p < k; ++p) {
        T aip = am[i * k + p];
        const T *bRow = bm.data() + p * n;
        for (int64_t j = 0; j < n; ++j)
          cRow[j] = addOf(cRow[j], mulOf(aip, bRow[j]));
      }
    }
  }
}

FailureOr<RefTensor> evalMatmul(MatmulOp op, const RefTensor &lhs,
                                const RefTensor &rhs) {
  OpReporter report{op};
  bool ta = op.getTransposeA(), tb = op.getTransposeB();
  FailureOr<Shape> shape = shapes::matmul(lhs.shape, rhs.shape, ta, tb, report);
  if (failed(shape))
    return failure();
  int64_t lr = lhs.shape.size();
  int64_t m = ta ? lhs.shape[lr - 1] : lhs.shape[lr - 2];
  int64_t k = ta ? lhs.shape[lr - 2] : lhs.shape[lr - 1];
  int64_t n = shape->back();
  RefTensor out(resultDType(op), *shape);
  if (out.isFloat())
    matmulBatches<double>(lhs, rhs, out, ta, tb, m, k, n);
  else
    matmulBatches<int64_t>(lhs, rhs, out, ta, tb, m, k, n);
  return out;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops and where
//===----------------------------------------------------------------------===//

enum class BinaryKind { Add, Sub, Mul, Div, Max, Min, Pow };

double binaryFloat(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::Add:
    return a + b;
  case BinaryKind::Sub:
    return a - b;
  case BinaryKind::Mul:
    return a * b;
  case BinaryKind::Div:
    return a / b;
  case BinaryKind::Max:
    // NaN propagates (torch.maximum), unlike std::max or fmax.
    if (std::isnan(a) || std::isnan(b))
      return kNaN;
    return a < b ? b : a;
  case BinaryKind::Min:
    if (std::isnan(a) || std::isnan(b))
      return kNaN;
    return b < a ? b : a;
  case BinaryKind::Pow:
    return std::pow(a, b);
  }
  llvm_unreachable("unknown binary kind");
}

/// Computes `a kind b` for integers; false on division by zero.
bool binaryInt(BinaryKind kind, int64_t a, int64_t b, int64_t &result) {
  switch (kind) {
  case BinaryKind::Add:
    result = wrapAdd(a, b);
    return true;
  case BinaryKind::Sub:
    result = wrapSub(a, b);
    return true;
  case BinaryKind::Mul:
    result = wrapMul(a, b);
    return true;
  case BinaryKind::Div:
    if (b == 0)
      return false;
    // INT64_MIN / -1 overflows in C++; modulo 2^64 it is INT64_MIN.
    result = (a == kInt64Min && b == -1) ? kInt64Min : a / b; // Truncates.
    return true;
  case BinaryKind::Max:
    result = std::max(a, b);
    return true;
  case BinaryKind::Min:
    result = std::min(a, b);
    return true;
  case BinaryKind::Pow:
    break; // The verifier admits only float operands.
  }
  llvm_unreachable("pow takes float operands only");
}

FailureOr<RefTensor> evalBinary(Operation *op, BinaryKind kind,
                                const RefTensor &lhs, const RefTensor &rhs) {
  OpReporter report{op};
  ArrayRef<int64_t> shapeList[] = {lhs.shape, rhs.shape};
  StringRef names[] = {"lhs", "rhs"};
  FailureOr<Shape> shape = shapes::broadcast(shapeList, names, report);
  if (failed(shape))
    return failure();
  std::vector<int64_t> li = broadcastIndices(lhs.shape, *shape);
  std::vector<int64_t> ri = broadcastIndices(rhs.shape, *shape);
  RefTensor out(resultDType(op), *shape);
  int64_t n = out.numElements();
  if (out.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      out.floats[i] = binaryFloat(kind, lhs.floats[li[i]], rhs.floats[ri[i]]);
    return out;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!binaryInt(kind, lhs.ints[li[i]], rhs.ints[ri[i]], out.ints[i]))
      return op->emitOpError("integer division by zero at result index ")
             << formatIndex(*shape, i) << " (dividend " << lhs.ints[li[i]]
             << ")";
  }
  return out;
}

FailureOr<RefTensor> evalWhere(WhereOp op, const RefTensor &cond,
                               const RefTensor &onTrue,
                               const RefTensor &onFalse) {
  OpReporter report{op};
  ArrayRef<int64_t> shapeList[] = {cond.shape, onTrue.shape, onFalse.shape};
  StringRef names[] = {"condition", "true_value", "false_value"};
  FailureOr<Shape> shape = shapes::broadcast(shapeList, names, report);
  if (failed(shape))
    return failure();
  std::vector<int64_t> ci = broadcastIndices(cond.shape, *shape);
  std::vector<int64_t> ti = broadcastIndices(onTrue.shape, *shape);
  std::vector<int64_t> fi = broadcastIndices(onFalse.shape, *shape);
  RefTensor out(resultDType(op), *shape);
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    bool pick = cond.ints[ci[i]] != 0;
    if (out.isFloat())
      out.floats[i] = pick ? onTrue.floats[ti[i]] : onFalse.floats[fi[i]];
    else
      out.ints[i] = pick ? onTrue.ints[ti[i]] : onFalse.ints[fi[i]];
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

using FloatFn = double (*)(double);
using IntFn = int64_t (*)(int64_t);

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double geluErf(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

double geluTanh(double x) {
  const double c = std::sqrt(2.0 / llvm::numbers::pi);
  return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
}

/// Applies `floatFn` or `intFn` (for ops that take integers) elementwise.
RefTensor evalUnary(const RefTensor &in, FloatFn floatFn,
                    IntFn intFn = nullptr) {
  RefTensor out = in;
  if (out.isFloat()) {
    for (double &v : out.floats)
      v = floatFn(v);
  } else {
    assert(intFn && "the verifier admits only float operands");
    for (int64_t &v : out.ints)
      v = intFn(v);
  }
  return out;
}

double relu(double x) { return std::isnan(x) ? x : (x > 0 ? x : 0.0); }

//===----------------------------------------------------------------------===//
// softmax, layer_norm, rms_norm
//===----------------------------------------------------------------------===//

FailureOr<RefTensor> evalSoftmax(SoftmaxOp op, const RefTensor &in) {
  OpReporter report{op};
  FailureOr<int64_t> axis = shapes::normalizeAxis(
      int64_t(op.getAxis()), in.shape.size(), "axis", report);
  if (failed(axis))
    return failure();
  int64_t outer, length, inner;
  splitAtAxis(in.shape, *axis, outer, length, inner);
  RefTensor out = in;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t r = 0; r < inner; ++r) {
      const double *x = in.floats.data() + o * length * inner + r;
      double *y = out.floats.data() + o * length * inner + r;
      // Subtracting the max keeps exp in range; an all -inf row gives
      // -inf - -inf = NaN, as PyTorch does.
      // (A NaN input makes its whole row NaN through the sum.)
      double max = -kInf;
      for (int64_t j = 0; j < length; ++j)
        max = std::max(max, x[j * inner]);
      double sum = 0;
      for (int64_t j = 0; j < length; ++j) {
        y[j * inner] = std::exp(x[j * inner] - max);
        sum += y[j * inner];
      }
      for (int64_t j = 0; j < length; ++j)
        y[j * inner] /= sum;
    }
  }
  return out;
}

/// layer_norm (`rms` false) and rms_norm (`rms` true) over dims [axis, rank).
FailureOr<RefTensor> evalNorm(Operation *op, const RefTensor &in,
                              const RefTensor *scale, const RefTensor *bias,
                              int64_t axisAttr, double epsilon, bool rms) {
  OpReporter report{op};
  FailureOr<int64_t> axis =
      shapes::normalizeAxis(axisAttr, in.shape.size(), "axis", report);
  if (failed(axis))
    return failure();
  if (scale && failed(shapes::normParameter(in.shape, *axis, scale->shape,
                                            "scale", report)))
    return failure();
  if (bias && failed(shapes::normParameter(in.shape, *axis, bias->shape, "bias",
                                           report)))
    return failure();
  int64_t rows = numElements(ArrayRef<int64_t>(in.shape).take_front(*axis));
  int64_t size = numElements(ArrayRef<int64_t>(in.shape).drop_front(*axis));
  RefTensor out = in;
  for (int64_t r = 0; r < rows; ++r) {
    const double *x = in.floats.data() + r * size;
    double *y = out.floats.data() + r * size;
    double mean = 0;
    if (!rms) {
      for (int64_t j = 0; j < size; ++j)
        mean += x[j];
      mean /= double(size);
    }
    // Biased variance (divide by N) for layer_norm; mean of squares for
    // rms_norm (where mean stays 0).
    double var = 0;
    for (int64_t j = 0; j < size; ++j)
      var += (x[j] - mean) * (x[j] - mean);
    var /= double(size);
    double denom = std::sqrt(var + epsilon);
    for (int64_t j = 0; j < size; ++j) {
      double v = (x[j] - mean) / denom;
      if (scale)
        v *= scale->floats[j];
      if (bias)
        v += bias->floats[j];
      y[j] = v;
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------===//

FailureOr<RefTensor> evalReduce(ReduceOp op, const RefTensor &in) {
  OpReporter report{op};
  ArrayRef<int64_t> axes = op.getAxes();
  bool keepDims = op.getKeepdims();
  FailureOr<Shape> shape = shapes::reduce(in.shape, axes, keepDims, report);
  if (failed(shape))
    return failure();
  int64_t rank = in.shape.size();
  // The output seen with every reduced dim kept as 1: walking the input with
  // its strides (0 along reduced dims) gives each element's output slot.
  Shape kept(in.shape);
  int64_t count = 1;
  for (int64_t a : axes) {
    int64_t axis = a < 0 ? a + rank : a;
    count *= in.shape[axis];
    kept[axis] = 1;
  }
  Shape strides = rowMajorStrides(kept);
  for (int64_t d = 0; d < rank; ++d)
    if (kept[d] != in.shape[d])
      strides[d] = 0;
  std::vector<int64_t> slot = stridedIndices(in.shape, strides);

  ReduceKind kind = op.getKind();
  RefTensor out(resultDType(op), *shape);
  int64_t n = in.numElements();
  if ((kind == ReduceKind::max || kind == ReduceKind::min) && count == 0 &&
      out.numElements() > 0)
    return op->emitOpError("cannot compute ")
           << stringifyReduceKind(kind) << " over zero elements (input "
           << shapes::format(in.shape) << ")";

  if (out.isFloat()) {
    double init = kind == ReduceKind::max   ? -kInf
                  : kind == ReduceKind::min ? kInf
                                            : 0.0;
    std::fill(out.floats.begin(), out.floats.end(), init);
    for (int64_t i = 0; i < n; ++i) {
      double x = in.floats[i];
      double &acc = out.floats[slot[i]];
      if (kind == ReduceKind::sum || kind == ReduceKind::mean)
        acc += x;
      else if (std::isnan(x) || std::isnan(acc)) // NaN propagates.
        acc = kNaN;
      else
        acc = kind == ReduceKind::max ? std::max(acc, x) : std::min(acc, x);
    }
    if (kind == ReduceKind::mean)
      for (double &v : out.floats)
        v /= double(count); // 0/0 = NaN for an empty reduction.
    return out;
  }

  int64_t init = kind == ReduceKind::max   ? kInt64Min
                 : kind == ReduceKind::min ? kInt64Max
                                           : 0;
  std::fill(out.ints.begin(), out.ints.end(), init);
  for (int64_t i = 0; i < n; ++i) {
    int64_t x = in.ints[i];
    int64_t &acc = out.ints[slot[i]];
    if (kind == ReduceKind::sum || kind == ReduceKind::mean)
      acc = wrapAdd(acc, x);
    else
      acc = kind == ReduceKind::max ? std::max(acc, x) : std::min(acc, x);
  }
  // Integer division truncates toward zero; an empty reduction keeps 0.
  if (kind == ReduceKind::mean && count > 0)
    for (int64_t &v : out.ints)
      v /= count;
  return out;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

FailureOr<RefTensor> evalTranspose(TransposeOp op, const RefTensor &in) {
  OpReporter report{op};
  ArrayRef<int64_t> perm = op.getPerm();
  FailureOr<Shape> shape = shapes::transpose(in.shape, perm, report);
  if (failed(shape))
    return failure();
  // Result dim i walks input dim perm[i].
  Shape inStrides = rowMajorStrides(in.shape);
  Shape strides;
  for (int64_t p : perm)
    strides.push_back(inStrides[p]);
  return takeElements(in, *shape, stridedIndices(*shape, strides));
}

FailureOr<RefTensor> evalReshape(ReshapeOp op, const RefTensor &in) {
  OpReporter report{op};
  FailureOr<Shape> shape =
      shapes::reshape(in.shape, op.getType().getShape(), report);
  if (failed(shape))
    return failure();
  RefTensor out = in; // Row-major elements are unchanged.
  out.shape = *shape;
  return out;
}

FailureOr<RefTensor> evalConcat(ConcatOp op,
                                ArrayRef<const RefTensor *> inputs) {
  OpReporter report{op};
  SmallVector<ArrayRef<int64_t>> shapeList;
  for (const RefTensor *in : inputs)
    shapeList.push_back(in->shape);
  int64_t axisAttr = int64_t(op.getAxis());
  FailureOr<Shape> shape = shapes::concat(shapeList, axisAttr, report);
  if (failed(shape))
    return failure();
  int64_t axis = axisAttr < 0 ? axisAttr + int64_t(shape->size()) : axisAttr;
  int64_t outer, length, inner;
  splitAtAxis(*shape, axis, outer, length, inner);
  RefTensor out(resultDType(op), *shape);
  // Each outer index holds, in order, one contiguous chunk of every input.
  int64_t to = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (const RefTensor *in : inputs) {
      int64_t chunk = in->shape[axis] * inner;
      copyElements(*in, o * chunk, out, to, chunk);
      to += chunk;
    }
  }
  return out;
}

FailureOr<RefTensor> evalSlice(SliceOp op, const RefTensor &in) {
  OpReporter report{op};
  ArrayRef<int64_t> starts = op.getStarts();
  ArrayRef<int64_t> steps = op.getSteps().value_or(ArrayRef<int64_t>());
  FailureOr<Shape> shape =
      shapes::slice(in.shape, starts, op.getLimits(), steps, report);
  if (failed(shape))
    return failure();
  // Result index r along dim d reads input index start + r * step.
  Shape inStrides = rowMajorStrides(in.shape);
  Shape strides;
  int64_t base = 0;
  for (size_t d = 0; d < in.shape.size(); ++d) {
    int64_t step = steps.empty() ? 1 : steps[d];
    base += starts[d] * inStrides[d];
    strides.push_back(step * inStrides[d]);
  }
  return takeElements(in, *shape, stridedIndices(*shape, strides, base));
}

FailureOr<RefTensor> evalGather(GatherOp op, const RefTensor &data,
                                const RefTensor &indices) {
  OpReporter report{op};
  int64_t axisAttr = int64_t(op.getAxis());
  FailureOr<Shape> shape =
      shapes::gather(data.shape, indices.shape, axisAttr, report);
  if (failed(shape))
    return failure();
  int64_t axis =
      axisAttr < 0 ? axisAttr + int64_t(data.shape.size()) : axisAttr;
  int64_t outer, dim, inner;
  splitAtAxis(data.shape, axis, outer, dim, inner);
  // Negative indices count from the back once; anything else outside
  // [-dim, dim) is an error naming the offending index.
  std::vector<int64_t> rows(indices.ints.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t index = indices.ints[i];
    if (index < -dim || index >= dim)
      return op->emitOpError("index ")
             << index << " at indices" << formatIndex(indices.shape, i)
             << " is out of range for axis " << axis << " of size " << dim
             << " (expected a value in [" << -dim << ", " << dim << "))";
    rows[i] = index < 0 ? index + dim : index;
  }
  std::vector<int64_t> source;
  source.reserve(outer * rows.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t row : rows)
      for (int64_t r = 0; r < inner; ++r)
        source.push_back((o * dim + row) * inner + r);
  return takeElements(data, *shape, source);
}

/// Conversion rules are HostTensor::convertTo's, which implement the cast
/// contract (RNE to floats, truncation + saturation + wrap to integers, !=0
/// to i1) with exactly one rounding even from large int64 values.
RefTensor evalCast(CastOp op, const RefTensor &in) {
  return fromHost(toHost(in).convertTo(resultDType(op)));
}

//===----------------------------------------------------------------------===//
// attention, rope
//===----------------------------------------------------------------------===//

FailureOr<RefTensor> evalAttention(AttentionOp op, const RefTensor &q,
                                   const RefTensor &k, const RefTensor &v,
                                   const RefTensor *mask) {
  OpReporter report{op};
  std::optional<ArrayRef<int64_t>> maskShape;
  if (mask)
    maskShape = ArrayRef<int64_t>(mask->shape);
  FailureOr<Shape> shape =
      shapes::attention(q.shape, k.shape, v.shape, maskShape, report);
  if (failed(shape))
    return failure();
  int64_t batch = q.shape[0], hq = q.shape[1], sq = q.shape[2], d = q.shape[3];
  int64_t hkv = k.shape[1], sk = k.shape[2], dv = v.shape[3];
  int64_t group = hq / hkv; // The shape function checked hq % hkv == 0.
  double scale = 1.0 / std::sqrt(double(d));
  if (std::optional<APFloat> s = op.getScale())
    scale = s->convertToDouble();
  bool causal = op.getCausal();
  std::vector<int64_t> maskIndex;
  if (mask)
    maskIndex = broadcastIndices(mask->shape, {batch, hq, sq, sk});

  RefTensor out(resultDType(op), *shape);
  std::vector<double> scores(sk);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < hq; ++h) {
      int64_t kvHead = h / group; // Grouped-query: `group` heads share one.
      const double *qh = q.floats.data() + (b * hq + h) * sq * d;
      const double *kh = k.floats.data() + (b * hkv + kvHead) * sk * d;
      const double *vh = v.floats.data() + (b * hkv + kvHead) * sk * dv;
      double *oh = out.floats.data() + (b * hq + h) * sq * dv;
      for (int64_t i = 0; i < sq; ++i) {
        for (int64_t j = 0; j < sk; ++j) {
          // Causal masking is aligned to the bottom right.
          if (causal && j > i + (sk - sq)) {
            scores[j] = -kInf;
            continue;
          }
          double dot = 0;
          for (int64_t c = 0; c < d; ++c)
            dot += qh[i * d + c] * kh[j * d + c];
          double s = dot * scale;
          if (mask) {
            int64_t m = maskIndex[((b * hq + h) * sq + i) * sk + j];
            if (mask->isFloat())
              s += mask->floats[m];
            else if (mask->ints[m] == 0)
              s = -kInf;
          }
          scores[j] = s;
        }
        // Softmax in double; a fully masked row gives NaN like PyTorch.
        double max = -kInf;
        for (double s : scores)
          max = std::max(max, s);
        double sum = 0;
        for (double &s : scores) {
          s = std::exp(s - max);
          sum += s;
        }
        double *row = oh + i * dv;
        for (int64_t j = 0; j < sk; ++j) {
          double p = scores[j] / sum;
          for (int64_t c = 0; c < dv; ++c)
            row[c] += p * vh[j * dv + c];
        }
      }
    }
  }
  return out;
}

FailureOr<RefTensor> evalRope(RopeOp op, const RefTensor &in,
                              const RefTensor &cos, const RefTensor &sin) {
  OpReporter report{op};
  if (failed(shapes::rope(in.shape, cos.shape, sin.shape, report)))
    return failure();
  int64_t d = in.shape.back(), half = d / 2;
  Shape table(in.shape);
  table.back() = half;
  std::vector<int64_t> cosIndex = broadcastIndices(cos.shape, table);
  std::vector<int64_t> sinIndex = broadcastIndices(sin.shape, table);
  bool interleaved = op.getInterleaved();
  RefTensor out = in;
  // Element t of the half-width table is pair i of row t / half.
  for (int64_t t = 0, n = numElements(table); t < n; ++t) {
    int64_t row = t / half, i = t % half;
    int64_t first = interleaved ? row * d + 2 * i : row * d + i;
    int64_t second = interleaved ? first + 1 : first + half;
    double x1 = in.floats[first], x2 = in.floats[second];
    double c = cos.floats[cosIndex[t]], s = sin.floats[sinIndex[t]];
    out.floats[first] = x1 * c - x2 * s;
    out.floats[second] = x2 * c + x1 * s;
  }
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

FailureOr<RefTensor> evaluate(Operation *op, const ValueMap &values) {
  auto get = [&](Value v) -> const RefTensor & {
    return values.find(v)->second;
  };
  auto getOptional = [&](Value v) -> const RefTensor * {
    return v ? &get(v) : nullptr;
  };
  auto binary = [&](BinaryKind kind) {
    return evalBinary(op, kind, get(op->getOperand(0)), get(op->getOperand(1)));
  };
  auto unary = [&](FloatFn floatFn, IntFn intFn = nullptr) {
    return FailureOr<RefTensor>(
        evalUnary(get(op->getOperand(0)), floatFn, intFn));
  };
  using Result = FailureOr<RefTensor>;

  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](ConstantOp c) -> Result {
        FailureOr<HostTensor> value =
            tensorFromElements(c.getValue(), c.getLoc());
        if (failed(value))
          return failure();
        return fromHost(*value);
      })
      .Case([&](MatmulOp m) {
        return evalMatmul(m, get(m.getLhs()), get(m.getRhs()));
      })
      .Case([&](AddOp) { return binary(BinaryKind::Add); })
      .Case([&](SubOp) { return binary(BinaryKind::Sub); })
      .Case([&](MulOp) { return binary(BinaryKind::Mul); })
      .Case([&](DivOp) { return binary(BinaryKind::Div); })
      .Case([&](MaxOp) { return binary(BinaryKind::Max); })
      .Case([&](MinOp) { return binary(BinaryKind::Min); })
      .Case([&](PowOp) { return binary(BinaryKind::Pow); })
      .Case([&](ExpOp) { return unary([](double x) { return std::exp(x); }); })
      .Case([&](LogOp) { return unary([](double x) { return std::log(x); }); })
      .Case(
          [&](TanhOp) { return unary([](double x) { return std::tanh(x); }); })
      .Case([&](ErfOp) { return unary([](double x) { return std::erf(x); }); })
      .Case(
          [&](SqrtOp) { return unary([](double x) { return std::sqrt(x); }); })
      .Case([&](RsqrtOp) {
        return unary([](double x) { return 1.0 / std::sqrt(x); });
      })
      .Case([&](NegOp) { return unary([](double x) { return -x; }, wrapNeg); })
      .Case([&](AbsOp) {
        return unary([](double x) { return std::fabs(x); },
                     [](int64_t x) { return x < 0 ? wrapNeg(x) : x; });
      })
      .Case([&](ReluOp) {
        return unary(relu, [](int64_t x) { return std::max<int64_t>(x, 0); });
      })
      .Case([&](SigmoidOp) { return unary(sigmoid); })
      .Case([&](SiluOp) {
        return unary([](double x) { return x * sigmoid(x); });
      })
      .Case([&](GeluOp g) {
        return unary(g.getApproximate() == GeluApproximation::tanh ? geluTanh
                                                                   : geluErf);
      })
      .Case([&](SoftmaxOp s) { return evalSoftmax(s, get(s.getInput())); })
      .Case([&](LayerNormOp n) {
        return evalNorm(n, get(n.getInput()), getOptional(n.getScale()),
                        getOptional(n.getBias()), int64_t(n.getAxis()),
                        n.getEpsilon().convertToDouble(), /*rms=*/false);
      })
      .Case([&](RmsNormOp n) {
        return evalNorm(n, get(n.getInput()), getOptional(n.getScale()),
                        /*bias=*/nullptr, int64_t(n.getAxis()),
                        n.getEpsilon().convertToDouble(), /*rms=*/true);
      })
      .Case([&](ReduceOp r) { return evalReduce(r, get(r.getInput())); })
      .Case([&](TransposeOp t) { return evalTranspose(t, get(t.getInput())); })
      .Case([&](ReshapeOp r) { return evalReshape(r, get(r.getInput())); })
      .Case([&](ConcatOp c) {
        SmallVector<const RefTensor *> inputs;
        for (Value v : c.getInputs())
          inputs.push_back(&get(v));
        return evalConcat(c, inputs);
      })
      .Case([&](SliceOp s) { return evalSlice(s, get(s.getInput())); })
      .Case([&](GatherOp g) {
        return evalGather(g, get(g.getData()), get(g.getIndices()));
      })
      .Case([&](WhereOp w) {
        return evalWhere(w, get(w.getCondition()), get(w.getTrueValue()),
                         get(w.getFalseValue()));
      })
      .Case([&](CastOp c) { return Result(evalCast(c, get(c.getInput()))); })
      .Case([&](AttentionOp a) {
        return evalAttention(a, get(a.getQuery()), get(a.getKey()),
                             get(a.getValue()), getOptional(a.getMask()));
      })
      .Case([&](RopeOp r) {
        return evalRope(r, get(r.getInput()), get(r.getCos()), get(r.getSin()));
      })
      .Default([](Operation *op) -> Result {
        return op->emitOpError("is not supported by the reference interpreter");
      });
}

} // namespace kiln::interp
