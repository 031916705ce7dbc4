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

} // namespace kiln

#endif // KILN_COSTMODEL_COSTMODEL_H
