//===- CostModel.h - Per-target schedule cost models ------------*- C++ -*-===//
//
// Deciding is separate from doing: a cost model enumerates the legal
// `#kiln.schedule`s of an op and estimates each; kiln-select-schedules keeps
// the cheapest and writes it as an attribute. Transformation passes only read
// the attribute. Every target (CPU now, GPU and NPU later) implements this
// one interface, from its target description alone.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_COSTMODEL_H
#define KILN_COSTMODEL_COSTMODEL_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>

namespace mlir {
class Operation;
class Type;
} // namespace mlir

namespace kiln {

struct CostEstimate {
  /// Predicted wall-clock time of the op.
  double seconds = 0;
  /// Useful floating-point (or integer) operations, without padding.
  double flops = 0;
  /// Bytes read from each memory level over the whole op, outermost last
  /// (e.g. {"L2", ...}, {"L3", ...}, {"DRAM", ...}).
  llvm::SmallVector<std::pair<std::string, double>> bytesByLevel;
  /// False when the schedule is illegal on the target (e.g. a register tile
  /// that needs more vector registers than there are); `seconds` is then
  /// meaningless and `why` says what does not fit.
  bool fits = true;
  /// How the estimate was made: the bound (compute or memory), the
  /// assumptions taken, what is unknown.
  std::string why;
};

class CostModel {
public:
  virtual ~CostModel();
  virtual llvm::StringRef targetName() const = 0;
  /// Legal schedules of `op` (empty when the op takes none), in a
  /// deterministic order: the selector keeps the first of equal estimates.
  virtual llvm::SmallVector<ScheduleAttr>
  candidates(mlir::Operation *op) const = 0;
  /// Estimates `op` run with `schedule`. `schedule` must pass
  /// verifyScheduleForOp; it need not be one of candidates() (a
  /// hand-written override is estimated too).
  virtual CostEstimate estimate(mlir::Operation *op,
                                ScheduleAttr schedule) const = 0;
};

/// Helpers the analytical CPU and GPU models share, so that both read an
/// op's shape and cost its points by the same rules (docs/schedules.md).
namespace cost_model {

/// Dynamic extents are estimated as this many iterations.
constexpr int64_t kAssumedDynamicExtent = 128;
/// Overlap of compute and memory traffic is imperfect: this fraction of the
/// smaller of the two is exposed (it also makes a memory-bound op prefer the
/// schedule that computes faster).
constexpr double kExposedFraction = 0.1;

/// Time of `compute` and `memory` seconds that overlap except for
/// kExposedFraction of the shorter.
double overlapped(double compute, double memory);
int64_t ceilDiv(int64_t a, int64_t b);
/// The loop's extent, kAssumedDynamicExtent when dynamic.
int64_t extentOf(const ScheduleLoop &l);
/// Bytes of one element of `t` (or of its elements), at least 1.
int64_t elementBytes(mlir::Type t);
/// Elements of a shaped `t` (dynamic sizes assumed), 1 when not shaped.
double numElements(mlir::Type t);
/// Vector operations per iteration point of the streaming ops (a
/// transcendental counts as a polynomial of that many FMA slots).
double opsPerPoint(mlir::Operation *op);
/// `v` as %g, for the estimates' `why`.
std::string fmt(double v);

} // namespace cost_model

} // namespace kiln

#endif // KILN_COSTMODEL_COSTMODEL_H
