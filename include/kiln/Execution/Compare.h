//===- Compare.h - Compare results with tolerances --------------*- C++ -*-===//

#ifndef KILN_EXECUTION_COMPARE_H
#define KILN_EXECUTION_COMPARE_H

#include "kiln/Support/HostTensor.h"

#include <cstdint>
#include <string>

namespace kiln {

struct Tolerance {
  double rtol = 1e-4;
  double atol = 1e-5;
};

/// How `actual` differs from `expected`. An element matches when
/// |a - e| <= atol + rtol * |e| (numpy.isclose), NaN matches NaN and an
/// infinity matches only itself.
struct Comparison {
  bool shapesMatch = false;
  double maxAbsError = 0;   ///< max |a - e| over finite pairs
  double maxRelError = 0;   ///< max |a - e| / |e| over pairs with e != 0
  int64_t mismatches = 0;   ///< elements outside the tolerance
  int64_t firstMismatch = -1;
  bool ok() const { return shapesMatch && mismatches == 0; }
};

Comparison compareTensors(const HostTensor &actual, const HostTensor &expected,
                          Tolerance tolerance);

/// The flat index `i` as a multi-index, e.g. "[0, 3, 17]".
std::string formatIndex(const std::vector<int64_t> &shape, int64_t i);

} // namespace kiln

#endif // KILN_EXECUTION_COMPARE_H
