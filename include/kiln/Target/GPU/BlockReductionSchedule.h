//===- BlockReductionSchedule.h - Row reductions as block reductions -*- C++ -*-===//
//
// The GPU cost model decides how a row reduction (softmax, layer_norm,
// rms_norm, reduce over the last axis) runs as a block reduction;
// kiln-gpu-block-reduce does it. The decision travels in the op's
// `#kiln.schedule` as three levels with one entry per loop
// [p..., r] (parallel loops, then the one reduction loop; docs/gpu.md,
// "Block reductions"):
//
//   level 0  rows per block     [1.., R, 0]
//   level 1  threads per row    [0.., 0, T]   a multiple of the warp size
//   level 2  vector             [0.., 0, V]   elements per global load
//
// SIMT schedules have two levels and tensor-core schedules five.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_GPU_BLOCKREDUCTIONSCHEDULE_H
#define KILN_TARGET_GPU_BLOCKREDUCTIONSCHEDULE_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include <optional>

namespace kiln {

struct BlockReductionSchedule {
  int64_t rowsPerBlock = 0;
  int64_t threadsPerRow = 0;
  int64_t vector = 0;

  static constexpr unsigned kLevels = 3;

  /// None when `s` is not a block-reduction schedule.
  static std::optional<BlockReductionSchedule> read(ScheduleAttr s) {
    if (!s || s.getNumLevels() != kLevels || s.getNumLoops() < 2)
      return std::nullopt;
    unsigned n = s.getNumLoops();
    for (unsigned i = 0; i + 2 < n; ++i)
      if (s.getLevel(0)[i] != 1 || s.getLevel(1)[i] != 0 ||
          s.getLevel(2)[i] != 0)
        return std::nullopt;
    BlockReductionSchedule b;
    b.rowsPerBlock = s.getLevel(0)[n - 2];
    b.threadsPerRow = s.getLevel(1)[n - 1];
    b.vector = s.getLevel(2)[n - 1];
    if (b.rowsPerBlock <= 0 || b.threadsPerRow <= 0 || b.vector <= 0 ||
        s.getLevel(0)[n - 1] != 0 || s.getLevel(1)[n - 2] != 0 ||
        s.getLevel(2)[n - 2] != 0)
      return std::nullopt;
    return b;
  }

  ScheduleAttr get(mlir::MLIRContext *ctx, unsigned numLoops,
                   std::optional<int64_t> group = std::nullopt) const {
    llvm::SmallVector<int64_t> l0(numLoops - 2, 1), l1(numLoops - 2, 0),
        l2(numLoops - 2, 0);
    l0.append({rowsPerBlock, 0});
    l1.append({0, threadsPerRow});
    l2.append({0, vector});
    return ScheduleAttr::get(ctx, {l0, l1, l2}, {}, {}, group);
  }
};

} // namespace kiln

#endif // KILN_TARGET_GPU_BLOCKREDUCTIONSCHEDULE_H
