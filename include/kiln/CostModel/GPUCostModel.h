//===- GPUCostModel.h - Analytical GPU cost model ---------------*- C++ -*-===//
//
// Chooses, from the GPUTargetDescription alone, a two-level #kiln.schedule
// for every op with an iteration domain: level 0 the thread block's tile,
// level 1 each thread's tile (docs/gpu.md, "Schedules"; docs/schedules.md).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_GPUCOSTMODEL_H
#define KILN_COSTMODEL_GPUCOSTMODEL_H

#include "kiln/CostModel/CostModel.h"
#include "kiln/Target/GPU/GPUTargetDescription.h"

#include <memory>

namespace kiln {

/// What the user allows the GPU cost model beyond exact f32 arithmetic.
struct GPUCostModelOptions {
  /// f32 matmuls may run on TF32 tensor cores (operands rounded to 10
  /// mantissa bits, f32 accumulation), where the description has an
  /// mma.sync tf32 form: `--f32-matmul=tf32`.
  bool allowTF32 = false;
};

class GPUCostModel : public CostModel {
public:
  explicit GPUCostModel(GPUTargetDescription description,
                        GPUCostModelOptions options = {});

  llvm::StringRef targetName() const override { return targetName_; }
  llvm::SmallVector<ScheduleAttr> candidates(mlir::Operation *op) const override;
  CostEstimate estimate(mlir::Operation *op,
                        ScheduleAttr schedule) const override;

  const GPUTargetDescription &description() const { return desc; }

  /// Thread blocks resident on one SM with `threads` threads of
  /// `registersPerThread` registers and `sharedBytes` of shared memory each:
  /// the least of the description's block, thread, register and (when
  /// sharedBytes > 0) shared-memory limits (0 when one block does not fit).
  int64_t residentBlocksPerSM(int64_t threads, int64_t registersPerThread,
                              int64_t sharedBytes = 0) const;

  const GPUCostModelOptions &options() const { return opts; }

private:
  GPUTargetDescription desc;
  GPUCostModelOptions opts;
  std::string targetName_;
};

std::unique_ptr<CostModel>
createGPUCostModel(GPUTargetDescription description,
                   GPUCostModelOptions options = {});

} // namespace kiln

#endif // KILN_COSTMODEL_GPUCOSTMODEL_H
