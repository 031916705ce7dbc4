//===- GraphDialect.h - The kiln graph dialect ------------------*- C++ -*-===//
#ifndef KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H
#define KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>
#include <string>

#include "kiln/Dialect/Graph/IR/GraphDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/Graph/IR/GraphAttrs.h.inc"

namespace kiln {

/// Names of the discardable attributes the schedule selection writes.
inline constexpr llvm::StringLiteral kScheduleAttrName = "kiln.schedule";
inline constexpr llvm::StringLiteral kPredictedTimeAttrName =
    "kiln.predicted_time_us";

enum class LoopKind { Parallel, Reduction };

/// One loop of an op's iteration domain (docs/schedules.md).
struct ScheduleLoop {
  std::string name;
  LoopKind kind = LoopKind::Parallel;
  /// The trip count, or mlir::ShapedType::kDynamic.
  int64_t extent = 0;
  bool isReduction() const { return kind == LoopKind::Reduction; }
};

/// The iteration domain `kiln.schedule` refers to: matmul [batch..., M, N,
/// K]; elementwise ops and transpose: the result dims; softmax, norms and
/// reduce: the input dims (normalized / reduced ones are reductions);
/// attention [B, Hq, Sq, Sk, Dv]. std::nullopt for ops that take no
/// schedule (data movement, constants, non-kiln ops, rank 0).
std::optional<llvm::SmallVector<ScheduleLoop>>
getScheduleLoops(mlir::Operation *op);

/// Checks `schedule` against the op it is (to be) attached to: one entry per
/// loop, reduction loops untiled at level 0, `pack` only on matmul. Reports
/// through `emitError`; the message names the field.
llvm::LogicalResult
verifyScheduleForOp(mlir::Operation *op, ScheduleAttr schedule,
                    llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The row-major bytes of a constant's value: a non-splat `dense<...>`
/// literal or a `dense_resource` blob that is loaded (one byte per i1 in a
/// blob, bit-packed in a literal). std::nullopt for splats and other
/// encodings. The bytes stay owned by the attribute.
std::optional<llvm::ArrayRef<char>> getRawElementData(mlir::Attribute value);

} // namespace kiln

#endif // KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H
