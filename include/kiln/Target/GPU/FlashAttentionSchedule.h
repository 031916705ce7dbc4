//===- FlashAttentionSchedule.h - Fused attention schedules ----*- C++ -*-===//
//
// The GPU cost model decides how an f16 / bf16 `kiln.attention` runs as one
// fused flash-attention kernel; kiln-gpu-flash-attention does it. The
// decision travels in the op's `#kiln.schedule` as four levels over the
// attention's loops [b, hq, sq, sk, dv] (docs/gpu.md, "Fused attention"):
//
//   level 0  block tile      [1, 1, BM, 0, 0]    BM query rows per block
//                                                 (sk is a reduction: 0)
//   level 1  warp, key tile  [1, 1, 16, BN, 0]   query rows per warp, BN
//                                                 keys per streamed tile
//   level 2  instruction     [1, 1, 16, 8, 16]   mma.sync m, n, k
//   level 3  copies          [0, 0, 0, S, V]     S key/value tiles in flight,
//                                                 V elements per cp.async
//
// SIMT schedules have two levels, CPU attention schedules three and
// tensor-core matmul schedules five, so the level count tells them apart.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_GPU_FLASHATTENTIONSCHEDULE_H
#define KILN_TARGET_GPU_FLASHATTENTIONSCHEDULE_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include <optional>

namespace kiln {

struct FlashAttentionSchedule {
  int64_t blockM = 0, blockN = 0; // query rows, keys per tile
  int64_t warpM = 0;              // query rows per warp
  int64_t instrM = 0, instrN = 0, instrK = 0;
  int64_t stages = 0, vector = 0;

  static constexpr unsigned kLevels = 4;
  static constexpr unsigned kLoops = 5;

  static std::optional<FlashAttentionSchedule> read(ScheduleAttr s) {
    if (!s || s.getNumLevels() != kLevels || s.getNumLoops() != kLoops)
      return std::nullopt;
    FlashAttentionSchedule f;
    if (s.getLevel(0)[3] != 0)
      return std::nullopt;
    f.blockM = s.getLevel(0)[2], f.blockN = s.getLevel(1)[3];
    f.warpM = s.getLevel(1)[2];
    f.instrM = s.getLevel(2)[2], f.instrN = s.getLevel(2)[3],
    f.instrK = s.getLevel(2)[4];
    f.stages = s.getLevel(3)[3], f.vector = s.getLevel(3)[4];
    if (f.blockM <= 0 || f.blockN <= 0 || f.warpM <= 0 || f.instrM <= 0 ||
        f.instrN <= 0 || f.instrK <= 0 || f.stages <= 0 || f.vector <= 0)
      return std::nullopt;
    return f;
  }

  ScheduleAttr get(mlir::MLIRContext *ctx,
                   std::optional<int64_t> group = std::nullopt) const {
    llvm::SmallVector<llvm::SmallVector<int64_t>> tiles = {
        {1, 1, blockM, 0, 0},
        {1, 1, warpM, blockN, 0},
        {1, 1, instrM, instrN, instrK},
        {0, 0, 0, stages, vector}};
    return ScheduleAttr::get(ctx, tiles, {}, {}, group);
  }

  int64_t warps() const { return blockM / warpM; }

  /// Bytes of (dynamic) shared memory: the query tile and `stages` key and
  /// value tiles.
  int64_t sharedBytes(int64_t d, int64_t dv, int64_t elementBytes) const {
    return (blockM * d + stages * blockN * (d + dv)) * elementBytes;
  }

  /// Registers per thread: the warp's 16 x dv f32 output and 16 x BN f32
  /// scores spread over 32 lanes, the query fragments (16 x d halves) and
  /// the probabilities as A fragments (16 x BN halves), plus `base`.
  int64_t registers(int64_t d, int64_t dv, int64_t base) const {
    return base + warpM * dv / 32 + warpM * blockN / 32 + warpM * d / 64 +
           warpM * blockN / 64;
  }
};

} // namespace kiln

#endif // KILN_TARGET_GPU_FLASHATTENTIONSCHEDULE_H
