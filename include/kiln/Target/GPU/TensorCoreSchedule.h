//===- TensorCoreSchedule.h - Tensor-core matmul schedules -----*- C++ -*-===//
//
// The GPU cost model decides how an f16 / bf16 matmul runs on tensor cores;
// kiln-gpu-tensor-core-matmul does it. The decision travels in the op's
// `#kiln.schedule` as five levels with one entry per loop [b..., m, n, k]
// (docs/gpu.md, "Tensor-core schedules"):
//
//   level 0  block tile        [1.., BM, BN, 0]    (k is a reduction)
//   level 1  warp tile, K tile [1.., WM, WN, BK]
//   level 2  instruction       [1.., 16, 8, 16]    (mma.sync m, n, k)
//   level 3  copy vector       [0.., 0, V, V]      elements per cp.async along
//                                                   A's k and B's n
//   level 4  pipeline          [0.., 0, 0, S]      K tiles in flight (stages)
//
// SIMT schedules have two levels, so the level count tells them apart.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_GPU_TENSORCORESCHEDULE_H
#define KILN_TARGET_GPU_TENSORCORESCHEDULE_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include <optional>

namespace kiln {

struct TensorCoreSchedule {
  int64_t blockM = 0, blockN = 0, blockK = 0;
  int64_t warpM = 0, warpN = 0;
  int64_t instrM = 0, instrN = 0, instrK = 0;
  int64_t vector = 0; // elements per asynchronous global->shared copy
  int64_t stages = 0; // K tiles in flight

  static constexpr unsigned kLevels = 5;

  /// Reads the last three entries of each level (m, n, k); leading (batch)
  /// entries must be 0 or 1. None when `s` is not a tensor-core schedule.
  static std::optional<TensorCoreSchedule> read(ScheduleAttr s) {
    if (!s || s.getNumLevels() != kLevels || s.getNumLoops() < 3)
      return std::nullopt;
    unsigned n = s.getNumLoops();
    for (unsigned l = 0; l < kLevels; ++l)
      for (unsigned i = 0; i + 3 < n; ++i)
        if (s.getLevel(l)[i] > 1)
          return std::nullopt;
    auto at = [&](unsigned level, unsigned fromEnd) {
      return s.getLevel(level)[n - fromEnd];
    };
    TensorCoreSchedule t;
    t.blockM = at(0, 3), t.blockN = at(0, 2), t.blockK = at(1, 1);
    t.warpM = at(1, 3), t.warpN = at(1, 2);
    t.instrM = at(2, 3), t.instrN = at(2, 2), t.instrK = at(2, 1);
    t.vector = at(3, 1);
    t.stages = at(4, 1);
    if (t.blockM <= 0 || t.blockN <= 0 || t.blockK <= 0 || t.warpM <= 0 ||
        t.warpN <= 0 || t.instrM <= 0 || t.instrN <= 0 || t.instrK <= 0 ||
        t.vector <= 0 || t.stages <= 0 || at(3, 2) != t.vector ||
        at(0, 1) != 0)
      return std::nullopt;
    return t;
  }

  /// Whether kiln-gpu-tensor-core-matmul can follow this schedule for a
  /// matmul with K and N extents `k`, `n` of `elementBytes`-byte elements
  /// on warps of `warpSize` threads: m16n8k`instrK` instructions (16 for
  /// f16 / bf16, 8 for tf32), warp tiles of whole 16 x 16 tiles, K tiles of
  /// whole instructions, at least two stages, a copy vector of 4..16 bytes
  /// (what cp.async copies) dividing K, N and the tiles' rows, and every
  /// thread the same number of copies. The cost model and the pass both ask.
  bool followable(int64_t k, int64_t n, int64_t elementBytes, int64_t instrK,
                  int64_t warpSize) const {
    if (blockM % warpM != 0 || blockN % warpN != 0)
      return false;
    int64_t threads = (blockM / warpM) * (blockN / warpN) * warpSize;
    int64_t bytes = vector * elementBytes;
    return instrM == 16 && instrN == 8 && this->instrK == instrK &&
           warpM % 16 == 0 && warpN % 16 == 0 && blockK % instrK == 0 &&
           stages >= 2 && k % vector == 0 && n % vector == 0 && bytes <= 16 &&
           bytes >= 4 && blockK % vector == 0 && blockN % vector == 0 &&
           (blockM * blockK / vector) % threads == 0 &&
           (blockK * blockN / vector) % threads == 0;
  }

  /// The five levels over `numLoops` loops (batch loops first).
  ScheduleAttr get(mlir::MLIRContext *ctx, unsigned numLoops,
                   std::optional<int64_t> group = std::nullopt) const {
    unsigned batch = numLoops - 3;
    auto level = [&](int64_t lead, int64_t m, int64_t n, int64_t k) {
      llvm::SmallVector<int64_t> v(batch, lead);
      v.append({m, n, k});
      return v;
    };
    llvm::SmallVector<llvm::SmallVector<int64_t>> tiles = {
        level(1, blockM, blockN, 0), level(1, warpM, warpN, blockK),
        level(1, instrM, instrN, instrK), level(0, 0, vector, vector),
        level(0, 0, 0, stages)};
    return ScheduleAttr::get(ctx, tiles, {}, {}, group);
  }
};

} // namespace kiln

#endif // KILN_TARGET_GPU_TENSORCORESCHEDULE_H
