//===- CPUCostModel.h - Analytical CPU cost model ---------------*- C++ -*-===//
//
// Reads only a CPUTargetDescription and the op. Formulas and assumptions:
// docs/schedules.md.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_CPUCOSTMODEL_H
#define KILN_COSTMODEL_CPUCOSTMODEL_H

#include "kiln/CostModel/CostModel.h"
#include "kiln/Target/CPU/CPUTargetDescription.h"

#include <memory>

namespace kiln {

/// A matmul register tile: mr rows x nr columns of accumulators.
struct RegisterTile {
  int64_t mr = 0;
  int64_t nr = 0;
};

class CPUCostModel : public CostModel {
public:
  explicit CPUCostModel(CPUTargetDescription description);

  llvm::StringRef targetName() const override { return targetName_; }
  llvm::SmallVector<ScheduleAttr> candidates(mlir::Operation *op) const override;
  CostEstimate estimate(mlir::Operation *op,
                        ScheduleAttr schedule) const override;

  const CPUTargetDescription &description() const { return desc; }

  // The pieces of the model, public so that unit tests can pin them.

  /// f32 lanes per vector register (f16/bf16 compute in f32, so the same).
  int64_t lanes() const;
  /// Vector registers a register tile needs: mr*nr/lanes accumulators, mr
  /// broadcast A values, nr/lanes B vectors.
  int64_t registersNeeded(RegisterTile tile) const;
  /// Fraction of peak FMA throughput a register tile sustains:
  /// min(1, accumulators / (fma_latency_cycles * fma_units_per_core)).
  double registerTileEfficiency(RegisterTile tile) const;
  /// The legal register tiles (nr a multiple of lanes, registersNeeded <=
  /// vector_registers), most accumulators first.
  llvm::SmallVector<RegisterTile> registerTiles() const;

private:
  CPUTargetDescription desc;
  std::string targetName_;
};

std::unique_ptr<CostModel> createCPUCostModel(CPUTargetDescription description);

} // namespace kiln

#endif // KILN_COSTMODEL_CPUCOSTMODEL_H
