//===- Compare.cpp - Compare results with tolerances ----------------------===//

#include "kiln/Execution/Compare.h"

#include <cmath>

using namespace kiln;

Comparison kiln::compareTensors(const HostTensor &actual,
                                const HostTensor &expected,
                                Tolerance tolerance) {
  Comparison result;
  result.shapesMatch = actual.shape() == expected.shape();
  if (!result.shapesMatch)
    return result;
  for (int64_t i = 0, e = actual.numElements(); i < e; ++i) {
    double a = actual.getDouble(i), x = expected.getDouble(i);
    bool match;
    if (std::isnan(a) || std::isnan(x)) {
      match = std::isnan(a) && std::isnan(x);
    } else if (std::isinf(a) || std::isinf(x)) {
      match = a == x;
    } else {
      double diff = std::fabs(a - x);
      result.maxAbsError = std::max(result.maxAbsError, diff);
      if (x != 0)
        result.maxRelError = std::max(result.maxRelError, diff / std::fabs(x));
      match = diff <= tolerance.atol + tolerance.rtol * std::fabs(x);
    }
    if (!match) {
      if (result.mismatches == 0)
        result.firstMismatch = i;
      ++result.mismatches;
    }
  }
  return result;
}

std::string kiln::formatIndex(const std::vector<int64_t> &shape, int64_t i) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? i % shape[d] : 0;
    i = shape[d] ? i / shape[d] : 0;
  }
  std::string s = "[";
  for (size_t d = 0; d < index.size(); ++d)
    s += (d ? ", " : "") + std::to_string(index[d]);
  return s + "]";
}
