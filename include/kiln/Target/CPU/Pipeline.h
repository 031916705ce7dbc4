//===- Pipeline.h - The CPU target's lowering pipeline ----------*- C++ -*-===//
//
// kiln IR -> schedules -> linalg on tensors -> tiled and vectorized by
// schedule -> buffers -> loops -> LLVM dialect, ready for MLIR's
// ExecutionEngine or kilnc's object emission. `kiln-opt
// --kiln-lower-to-llvm-cpu` runs the same pipeline as `kiln-run --target=cpu`.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGET_CPU_PIPELINE_H
#define KILN_TARGET_CPU_PIPELINE_H

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace kiln {

struct CPUPipelineOptions {
  /// The target the schedules are chosen for, as kiln-select-schedules takes
  /// it: `cpu[:DESC]` (empty DESC or `host`: host detection).
  std::string target = "cpu";
  /// Where DESC names are looked up (empty: the source tree's targets/).
  std::string targetsDir;
  /// Schedules that override the cost model (kiln-select-schedules).
  std::string scheduleFile;
};

/// Stage 1: choose schedules, lower to linalg on tensors, tile and vectorize
/// as the schedules say (the IR `kilnc --emit=tiled` prints).
void buildCPUTilingPipeline(mlir::OpPassManager &pm,
                            const CPUPipelineOptions &options = {});

/// Stage 2: bufferize and lower to the LLVM dialect.
void buildCPUBufferizeAndLowerPipeline(mlir::OpPassManager &pm);

/// The pieces of stage 2 the gpu target runs too ("exactly as on the CPU"):
/// entry points prepared and tensors bufferized with identity layouts at
/// function boundaries, so callers pass plain dense buffers; ...
void addCPUEntryPointBufferization(mlir::OpPassManager &pm);
/// ... and returned buffers turned into caller-owned out-parameters.
void addCPUResultsToOutParams(mlir::OpPassManager &pm);

/// Both stages (module-level). Every public function with a body (and every
/// function already marked `llvm.emit_c_interface`) gets a
/// `_mlir_ciface_<name>` wrapper the JIT can call; its tensor arguments are
/// read-only and its tensor results become trailing out-parameters (memrefs
/// with the identity layout) that the caller allocates.
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUPipelineOptions &options = {});

/// The upstream dialects, interface external models and LLVM IR translations
/// the CPU pipeline and its JIT need.
void registerCPUTargetDialects(mlir::DialectRegistry &registry);

/// The upstream passes the pipeline runs (so kiln-opt can run them one by
/// one) and the `kiln-lower-to-llvm-cpu` pass pipeline.
void registerCPUTargetPasses();

} // namespace kiln

#endif // KILN_TARGET_CPU_PIPELINE_H
