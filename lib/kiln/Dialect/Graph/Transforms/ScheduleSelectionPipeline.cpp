//===- ScheduleSelectionPipeline.cpp - Rewrites, then the decisions -------===//

#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

void kiln::buildScheduleSelectionPipeline(
    OpPassManager &pm, const KilnSelectSchedulesOptions &options) {
  // Graph rewrites that change which ops exist: attention written out as
  // matmul / softmax / matmul (what torch.fx and ONNX exports give)
  // becomes kiln.attention (a BERT layer from torch.fx on the CPU: 45 ms ->
  // 14 ms); sibling matmuls (separate q/k/v projections) become one.
  pm.addNestedPass<func::FuncOp>(createKilnRecognizeAttention());
  pm.addNestedPass<func::FuncOp>(createKilnFuseSiblingMatmuls());
  // Deciding: which ops are tiled and fused together (copied into the
  // schedules' `group` by the selection), then a schedule for every kiln op
  // (the target's cost model, unless the IR or the schedule file gives one).
  pm.addPass(createKilnFormFusionGroups());
  pm.addPass(createKilnSelectSchedules(options));
}
