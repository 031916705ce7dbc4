//===- Passes.h - kiln graph dialect passes ---------------------*- C++ -*-===//
#ifndef KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_H
#define KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln {
#define GEN_PASS_DECL
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"

/// Calls `fn` for every kiln op of every function in `module`, in order,
/// with its key in schedule files and printouts: "<func>:<n>", n the op's
/// 0-based index among the kiln ops of its function (pre-order).
void forEachScheduleKey(
    mlir::ModuleOp module,
    llvm::function_ref<void(mlir::Operation *, llvm::StringRef key)> fn);

/// One line per op carrying kiln.schedule: key, op name, operand shapes,
/// the schedule and the predicted time, e.g.
///   gpt2_block:5 kiln.matmul (1x64x256xf32, 256x768xf32) #kiln.schedule<...> 1.25 us
/// (what `kilnc --print-schedule` shows after kiln-select-schedules).
void printSchedules(mlir::ModuleOp module, llvm::raw_ostream &os);

/// What every target runs before lowering, and `kilnc --print-schedule`
/// runs alone: kiln-recognize-attention and kiln-fuse-sibling-matmuls on
/// each function, kiln-form-fusion-groups, then kiln-select-schedules with
/// `options`.
void buildScheduleSelectionPipeline(mlir::OpPassManager &pm,
                                    const KilnSelectSchedulesOptions &options);
} // namespace kiln

#endif // KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_H
