//===- Pipeline.h - kilnc / kiln-run --target=npu:NAME ----------*- C++ -*-===//
#ifndef KILN_TARGET_NPU_PIPELINE_H
#define KILN_TARGET_NPU_PIPELINE_H

#include "kiln/Target/NPU/ISA.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
namespace func {
class FuncOp;
}
} // namespace mlir

namespace kiln {

struct NPUPipelineOptions {
  /// NAME (targets/npu-NAME.json or NAME.json) or a path to a .json.
  std::string target = "edge";
  /// Where names are looked up; empty: the source tree's targets/.
  std::string targetsDir;
  /// Schedules that override the cost model (kiln-select-schedules).
  std::string scheduleFile;
};

/// kiln -> schedules (NPU cost model) -> npu ops in tile loops -> tokens ->
/// double buffers -> addresses. The result is what emitNPUProgram reads.
void buildNPULoweringPipeline(mlir::OpPassManager &pm,
                              const NPUPipelineOptions &options);

/// Walks `function` of a module lowered by buildNPULoweringPipeline,
/// unrolling its loops, into a Program (one instruction stream per queue,
/// the description from `npu.description`, constants as DRAM segments).
/// Errors are MLIR diagnostics.
mlir::LogicalResult emitNPUProgram(mlir::ModuleOp module,
                                   mlir::func::FuncOp function,
                                   npu::Program &program);

void registerNPUTargetDialects(mlir::DialectRegistry &registry);
/// The passes and `kiln-lower-to-npu` (the pipeline) for kiln-opt.
void registerNPUTargetPasses();

} // namespace kiln

#endif // KILN_TARGET_NPU_PIPELINE_H
