//===- ShapeFunctions.cpp - Result shapes of kiln ops ---------------------===//

#include "kiln/Dialect/Graph/IR/ShapeFunctions.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using llvm::ArrayRef;
using llvm::StringRef;
using llvm::Twine;

namespace kiln::shapes {

static constexpr int64_t kDyn = ShapedType::kDynamic;
static bool isDyn(int64_t d) { return d == kDyn; }

std::string format(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += isDyn(d) ? std::string("?") : std::to_string(d);
  }
  return s + "]";
}

static std::string dimStr(int64_t d) {
  return isDyn(d) ? std::string("?") : std::to_string(d);
}

FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, StringRef what,
                                 ErrorFn error) {
  if (axis < -rank || axis >= rank) {
    error(what + " " + Twine(axis) + " is out of range for rank " +
          Twine(rank) + " (expected a value in [" + Twine(-rank) + ", " +
          Twine(rank) + "))");
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

FailureOr<Shape> broadcast(ArrayRef<ArrayRef<int64_t>> shapes,
                           ArrayRef<StringRef> names, ErrorFn error) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  Shape result(rank, 1);
  // Which operand fixed each result dim, for the error message.
  llvm::SmallVector<int, 6> owner(rank, -1);
  for (auto [k, s] : llvm::enumerate(shapes)) {
    size_t offset = rank - s.size();
    for (auto [i, d] : llvm::enumerate(s)) {
      int64_t &r = result[offset + i];
      if (d == 1)
        continue;
      if (r == 1) {
        r = d;
        owner[offset + i] = k;
        continue;
      }
      if (isDyn(d))
        continue; // A static r (> 1) wins; a dynamic r stays dynamic.
      if (isDyn(r)) {
        r = d;
        owner[offset + i] = k;
        continue;
      }
      if (r != d) {
        error("operands are not broadcast-compatible: " + names[owner[offset + i]] +
              " " + format(shapes[owner[offset + i]]) + " and " + names[k] +
              " " + format(s) + " differ in dimension " +
              Twine(int64_t(offset + i)) + " of the broadcast shape (" +
              Twine(r) + " vs " + Twine(d) + ")");
        return failure();
      }
    }
  }
  return result;
}

bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (auto [i, d] : llvm::enumerate(from)) {
    int64_t t = to[offset + i];
    if (d == 1 || isDyn(d) || isDyn(t) || d == t)
      continue;
    return false;
  }
  return true;
}

FailureOr<Shape> matmul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                        bool transposeA, bool transposeB, ErrorFn error) {
  if (lhs.size() < 2 || rhs.size() < 2) {
    error(Twine("expects operands of rank 2 or more, but ") +
          (lhs.size() < 2 ? "lhs has shape " + format(lhs)
                          : "rhs has shape " + format(rhs)));
    return failure();
  }
  size_t lr = lhs.size(), rr = rhs.size();
  int64_t m = transposeA ? lhs[lr - 1] : lhs[lr - 2];
  int64_t kl = transposeA ? lhs[lr - 2] : lhs[lr - 1];
  int64_t kr = transposeB ? rhs[rr - 1] : rhs[rr - 2];
  int64_t n = transposeB ? rhs[rr - 2] : rhs[rr - 1];
  if (!isDyn(kl) && !isDyn(kr) && kl != kr) {
    error("contracting dimensions differ: lhs " + format(lhs) +
          (transposeA ? " (transposed)" : "") + " has K = " + Twine(kl) +
          " but rhs " + format(rhs) + (transposeB ? " (transposed)" : "") +
          " has K = " + Twine(kr));
    return failure();
  }
  StringRef names[] = {"lhs batch dims", "rhs batch dims"};
  ArrayRef<int64_t> batches[] = {lhs.drop_back(2), rhs.drop_back(2)};
  FailureOr<Shape> batch = broadcast(batches, names, error);
  if (failed(batch))
    return failure();
  Shape result = *batch;
  result.push_back(m);
  result.push_back(n);
  return result;
}

LogicalResult normParameter(ArrayRef<int64_t> input, int64_t axis,
                            ArrayRef<int64_t> param, StringRef name,
                            ErrorFn error) {
  ArrayRef<int64_t> expected = input.drop_front(axis);
  bool ok = param.size() == expected.size();
  for (size_t i = 0; ok && i < param.size(); ++i)
    ok = isDyn(param[i]) || isDyn(expected[i]) || param[i] == expected[i];
  if (!ok) {
    error(name + " has shape " + format(param) +
          " but must have the normalized shape " + format(expected) +
          " (input " + format(input) + " from axis " + Twine(axis) + ")");
    return failure();
  }
  return success();
}

FailureOr<Shape> reduce(ArrayRef<int64_t> input, ArrayRef<int64_t> axes,
                        bool keepDims, ErrorFn error) {
  int64_t rank = input.size();
  if (axes.empty()) {
    error("expects at least one axis to reduce");
    return failure();
  }
  llvm::SmallBitVector reduced(rank);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(a, rank, "reduction axis", error);
    if (failed(axis))
      return failure();
    if (reduced[*axis]) {
      error("reduction axis " + Twine(a) + " is repeated in axes");
      return failure();
    }
    reduced.set(*axis);
  }
  Shape result;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      result.push_back(input[i]);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

FailureOr<Shape> transpose(ArrayRef<int64_t> input, ArrayRef<int64_t> perm,
                           ErrorFn error) {
  int64_t rank = input.size();
  if (int64_t(perm.size()) != rank) {
    error("perm has " + Twine(perm.size()) + " entries but the input " +
          format(input) + " has rank " + Twine(rank));
    return failure();
  }
  llvm::SmallBitVector seen(rank);
  Shape result;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) {
      error("perm " + format(perm) + " is not a permutation of [0, " +
            Twine(rank) + ")");
      return failure();
    }
    seen.set(p);
    result.push_back(input[p]);
  }
  return result;
}

FailureOr<Shape> reshape(ArrayRef<int64_t> input, ArrayRef<int64_t> result,
                         ErrorFn error) {
  int64_t dynamicIndex = -1;
  int64_t staticCount = 1;
  for (auto [i, d] : llvm::enumerate(result)) {
    if (isDyn(d)) {
      if (dynamicIndex >= 0) {
        error("result shape " + format(result) +
              " has more than one dynamic dimension; at most one can be "
              "derived from the element count");
        return failure();
      }
      dynamicIndex = i;
      continue;
    }
    staticCount *= d;
  }
  if (llvm::any_of(input, isDyn))
    return Shape(result); // The count is only known at run time.
  int64_t inputCount = 1;
  for (int64_t d : input)
    inputCount *= d;
  Shape resolved(result);
  if (dynamicIndex >= 0) {
    if (staticCount == 0 || inputCount % staticCount != 0) {
      error("cannot reshape " + format(input) + " (" + Twine(inputCount) +
            " elements) to " + format(result) +
            ": the static dimensions do not divide the element count");
      return failure();
    }
    resolved[dynamicIndex] = inputCount / staticCount;
    return resolved;
  }
  if (staticCount != inputCount) {
    error("cannot reshape " + format(input) + " (" + Twine(inputCount) +
          " elements) to " + format(result) + " (" + Twine(staticCount) +
          " elements)");
    return failure();
  }
  return resolved;
}

FailureOr<Shape> concat(ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis,
                        ErrorFn error) {
  if (inputs.empty()) {
    error("expects at least one input");
    return failure();
  }
  int64_t rank = inputs[0].size();
  FailureOr<int64_t> a = normalizeAxis(axis, rank, "axis", error);
  if (failed(a))
    return failure();
  Shape result(inputs[0]);
  // Which input fixed each non-axis dim, so an error blames the right pair.
  llvm::SmallVector<size_t, 6> owner(rank, 0);
  for (auto [k, in] : llvm::enumerate(inputs)) {
    if (int64_t(in.size()) != rank) {
      error("input " + Twine(k) + " " + format(in) + " has rank " +
            Twine(in.size()) + " but input 0 " + format(inputs[0]) +
            " has rank " + Twine(rank));
      return failure();
    }
    for (int64_t i = 0; i < rank; ++i) {
      if (i == *a) {
        if (k == 0)
          continue;
        result[i] = (isDyn(result[i]) || isDyn(in[i])) ? kDyn : result[i] + in[i];
        continue;
      }
      if (isDyn(result[i])) {
        result[i] = in[i];
        owner[i] = k;
      } else if (!isDyn(in[i]) && in[i] != result[i]) {
        error("input " + Twine(k) + " " + format(in) + " differs from input " +
              Twine(owner[i]) + " " + format(inputs[owner[i]]) +
              " in dimension " + Twine(i) +
              ", which is not the concatenation axis " + Twine(*a));
        return failure();
      }
    }
  }
  return result;
}

FailureOr<Shape> slice(ArrayRef<int64_t> input, ArrayRef<int64_t> starts,
                       ArrayRef<int64_t> limits, ArrayRef<int64_t> steps,
                       ErrorFn error) {
  size_t rank = input.size();
  if (starts.size() != rank || limits.size() != rank ||
      (!steps.empty() && steps.size() != rank)) {
    error("starts, limits and steps need one entry per dimension of the "
          "input " + format(input) + " (rank " + Twine(rank) + "), got " +
          Twine(starts.size()) + ", " + Twine(limits.size()) + " and " +
          Twine(steps.empty() ? rank : steps.size()));
    return failure();
  }
  Shape result;
  for (size_t i = 0; i < rank; ++i) {
    int64_t start = starts[i], limit = limits[i];
    int64_t step = steps.empty() ? 1 : steps[i];
    int64_t dim = input[i];
    auto bad = [&](const Twine &why) {
      error("dimension " + Twine(i) + " of input " + format(input) +
            ": start " + Twine(start) + ", limit " + Twine(limit) + ", step " +
            Twine(step) + " " + why);
    };
    if (step == 0) {
      bad("is invalid: a step is never 0");
      return failure();
    }
    if (step > 0) {
      if (start < 0 || limit < start || (!isDyn(dim) && limit > dim)) {
        bad("is out of range: a positive step needs 0 <= start <= limit <= " +
            dimStr(dim));
        return failure();
      }
      result.push_back((limit - start + step - 1) / step);
    } else {
      if (limit < -1 || start < limit || (!isDyn(dim) && start >= dim)) {
        bad("is out of range: a negative step needs -1 <= limit <= start < " +
            dimStr(dim));
        return failure();
      }
      result.push_back((start - limit + (-step) - 1) / (-step));
    }
  }
  return result;
}

FailureOr<Shape> gather(ArrayRef<int64_t> data, ArrayRef<int64_t> indices,
                        int64_t axis, ErrorFn error) {
  if (data.empty()) {
    error("data must have rank 1 or more");
    return failure();
  }
  FailureOr<int64_t> a = normalizeAxis(axis, data.size(), "axis", error);
  if (failed(a))
    return failure();
  Shape result(data.begin(), data.begin() + *a);
  result.append(indices.begin(), indices.end());
  result.append(data.begin() + *a + 1, data.end());
  return result;
}

FailureOr<Shape> attention(ArrayRef<int64_t> q, ArrayRef<int64_t> k,
                           ArrayRef<int64_t> v,
                           std::optional<ArrayRef<int64_t>> mask,
                           ErrorFn error) {
  auto rank4 = [&](ArrayRef<int64_t> s, StringRef name) {
    if (s.size() == 4)
      return true;
    error(name + " has shape " + format(s) +
          " but must have rank 4: [batch, heads, sequence, head_dim]");
    return false;
  };
  if (!rank4(q, "query") || !rank4(k, "key") || !rank4(v, "value"))
    return failure();
  auto differ = [](int64_t a, int64_t b) {
    return !isDyn(a) && !isDyn(b) && a != b;
  };
  if (differ(q[0], k[0]) || differ(q[0], v[0])) {
    error("batch sizes differ: query " + format(q) + ", key " + format(k) +
          ", value " + format(v));
    return failure();
  }
  if (differ(k[1], v[1]) || differ(k[2], v[2])) {
    error("key " + format(k) + " and value " + format(v) +
          " must agree on heads and sequence length");
    return failure();
  }
  if (differ(q[3], k[3])) {
    error("head dims differ: query " + format(q) + " has D = " + Twine(q[3]) +
          " but key " + format(k) + " has D = " + Twine(k[3]));
    return failure();
  }
  if (!isDyn(q[1]) && !isDyn(k[1]) && (k[1] == 0 || q[1] % k[1] != 0)) {
    error("query heads (" + Twine(q[1]) + ") must be a multiple of key/value "
          "heads (" + Twine(k[1]) + ") for grouped-query attention");
    return failure();
  }
  int64_t batch = isDyn(q[0]) ? k[0] : q[0];
  Shape scores = {batch, q[1], q[2], k[2]};
  if (mask && !broadcastsTo(*mask, scores)) {
    error("mask " + format(*mask) +
          " does not broadcast to the scores [batch, query heads, query "
          "length, key length] = " + format(scores));
    return failure();
  }
  return Shape{batch, q[1], q[2], v[3]};
}

FailureOr<Shape> rope(ArrayRef<int64_t> input, ArrayRef<int64_t> cos,
                      ArrayRef<int64_t> sin, ErrorFn error) {
  if (input.size() < 2) {
    error("input has shape " + format(input) +
          " but must have rank 2 or more: [..., sequence, head_dim]");
    return failure();
  }
  int64_t d = input.back();
  if (!isDyn(d) && d % 2 != 0) {
    error("input " + format(input) + " has an odd last dimension " + Twine(d) +
          "; rotary embedding rotates pairs");
    return failure();
  }
  if (cos.size() != sin.size() ||
      llvm::any_of(llvm::zip(cos, sin), [](auto p) {
        auto [c, s] = p;
        return !isDyn(c) && !isDyn(s) && c != s;
      })) {
    error("cos " + format(cos) + " and sin " + format(sin) +
          " must have the same shape");
    return failure();
  }
  Shape table(input.begin(), input.end());
  table.back() = isDyn(d) ? kDyn : d / 2;
  if (!broadcastsTo(cos, table)) {
    error("cos/sin " + format(cos) + " do not broadcast to " + format(table) +
          " (the input " + format(input) + " with its last dimension halved)");
    return failure();
  }
  return Shape(input);
}

} // namespace kiln::shapes
