//===- GPUCostModel.cpp - Analytical GPU cost model -----------------------===//
//
// Everything comes from the GPUTargetDescription and the op; docs/gpu.md
// states every formula and assumption used here. The code generator it
// models is SIMT (one thread computes its tile with FMAs; reductions stay
// inside one thread), so f16/bf16 are costed at the f32 SIMT rate. An
// f16 / bf16 matmul the tensor-core lowering can take also gets tensor-core
// candidates (five-level schedules, kiln/Target/GPU/TensorCoreSchedule.h),
// costed at the description's tensor-core rate.
//
//===----------------------------------------------------------------------===//

#include "kiln/CostModel/GPUCostModel.h"

#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Target/GPU/FlashAttentionSchedule.h"
#include "kiln/Target/GPU/BlockReductionSchedule.h"
#include "kiln/Target/GPU/TensorCoreSchedule.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kiln;
using namespace kiln::cost_model;

namespace {

/// Warps an SM needs resident to hide arithmetic and memory latency.
constexpr double kWarpsToHideLatency = 8;
/// Independent accumulators a thread needs to keep its FMA pipe busy.
constexpr double kAccumulatorsForILP = 8;
/// Registers a thread uses besides its tile (addresses, indices, loop state).
constexpr int64_t kBaseRegisters = 24;

/// Rounds of `perSM` resident blocks the busiest SM runs for `blocks`
/// blocks, and the warps resident on an SM.
struct Occupancy {
  double waves = 0;
  double residentWarps = 0;
};
Occupancy occupancyOf(const GPUTargetDescription &desc, double blocks,
                      int64_t perSM, int64_t threads) {
  Occupancy o;
  o.waves = std::ceil(blocks / double(desc.smCount * perSM));
  o.residentWarps = double(perSM * threads) / double(desc.warpSize);
  return o;
}

/// Compute time when the slowest SM runs `waves` rounds of `perSM` blocks
/// of `blockWork` each, sharing its `rate` at efficiency `eff`.
double waveSeconds(double waves, double blockWork, int64_t perSM, double rate,
                   double eff) {
  return waves * blockWork * perSM / (rate * std::max(eff, 1e-3));
}

/// How a launch estimate ends its explanation.
std::string wavesWhy(int64_t perSM, double waves, double eff, double compute,
                     double memory) {
  return std::to_string(perSM) + " per SM, " + fmt(waves) +
         " waves, efficiency " + fmt(eff) + "; compute " +
         fmt(compute * 1e6) + " us, DRAM " + fmt(memory * 1e6) + " us";
}

/// Tensor-core lowering limits (kiln-gpu-tensor-core-matmul): one
/// asynchronous copy moves at most 16 bytes (and at least 4); a block has
/// at most this many warps.
constexpr int64_t kMaxCopyBytes = 16;
constexpr int64_t kMinCopyBytes = 4;
constexpr int64_t kMaxWarpsPerBlock = 8;
/// Registers a tensor-core thread uses besides accumulators and fragments
/// (addresses, copy indices, predicates, loop state).
constexpr int64_t kTensorCoreBaseRegisters = 40;
/// Resident warps an SM needs to keep its tensor cores busy.
constexpr double kTensorCoreWarpsToHide = 4;
/// mma.sync per ldmatrix.x4 a warp needs so that its shared-memory reads
/// keep up with the tensor cores.
constexpr double kMmaPerLdmatrix = 4;
/// K tiles in flight that hide the latency of the next tile's copy.
constexpr double kStagesToHideLatency = 3;

/// What the tensor-core lowering needs of a matmul: static [b..., m, n, k]
/// loops, f16 or bf16 operands of one type with an `mma.sync` m16n8k16 form
/// in the description whose accumulator is the matmul's f32 accumulator
/// (or, when TF32 was asked for, f32 operands and an m16n8k8 tf32 form),
/// and rows of A (K) and B (N) that a copy vector of 4..16 bytes divides.
struct TensorCoreFit {
  const GPUTensorCoreInstruction *form = nullptr;
  int64_t vector = 0; // copy vector, elements
  double batch = 1;
  int64_t m = 0, n = 0, k = 0;
  int64_t elementBytes = 2;
};

std::optional<TensorCoreFit>
tensorCoreFit(Operation *op, ArrayRef<ScheduleLoop> loops,
              const GPUTargetDescription &desc, bool allowTF32) {
  // mma.sync and ldmatrix are instructions of a warp of 32 threads.
  if (!isa<MatmulOp>(op) || loops.size() < 3 || desc.warpSize != 32)
    return std::nullopt;
  for (const ScheduleLoop &l : loops)
    if (ShapedType::isDynamic(l.extent))
      return std::nullopt;
  Type a = getElementTypeOrSelf(op->getOperand(0).getType());
  Type b = getElementTypeOrSelf(op->getOperand(1).getType());
  bool tf32 = allowTF32 && a.isF32();
  if (a != b || !(a.isF16() || a.isBF16() || tf32))
    return std::nullopt;
  std::string name = tf32 ? "tf32" : a.isF16() ? "f16" : "bf16";
  int64_t instrK = tf32 ? 8 : 16;
  TensorCoreFit fit;
  for (const GPUTensorCoreInstruction &f : desc.tensorCores)
    if (f.instruction == "mma.sync" && f.a == name && f.b == name &&
        f.accumulator == "f32" && f.shape[0] == 16 && f.shape[1] == 8 &&
        f.shape[2] == instrK) {
      fit.form = &f;
      break;
    }
  if (!fit.form)
    return std::nullopt;
  size_t n = loops.size();
  fit.m = loops[n - 3].extent, fit.n = loops[n - 2].extent,
  fit.k = loops[n - 1].extent;
  for (size_t i = 0; i + 3 < n; ++i)
    fit.batch *= loops[i].extent;
  fit.elementBytes = elementBytes(op->getOperand(0).getType());
  for (int64_t bytes = kMaxCopyBytes; bytes >= kMinCopyBytes; bytes /= 2) {
    int64_t v = bytes / fit.elementBytes;
    if (fit.k % v == 0 && fit.n % v == 0) {
      fit.vector = v;
      break;
    }
  }
  if (fit.vector == 0)
    return std::nullopt;
  return fit;
}

/// Shared memory of a tensor-core block: `stages` K tiles of A and B.
int64_t tensorCoreSharedBytes(const TensorCoreSchedule &t, int64_t eb) {
  return t.stages * (t.blockM * t.blockK + t.blockK * t.blockN) * eb;
}

/// Registers per thread: the warp tile's f32 accumulators spread over the
/// warp, the A fragments of one k step (4 per 16 x 16 tile) and the B
/// fragments (2 per 16 x 8 tile).
int64_t tensorCoreRegisters(const TensorCoreSchedule &t, int64_t warpSize) {
  return kTensorCoreBaseRegisters + t.warpM * t.warpN / warpSize +
         (t.warpM / 16) * 4 + (t.warpN / 8) * 2;
}

/// Fused flash attention (kiln-gpu-flash-attention): registers a thread
/// uses besides its fragments and accumulators; arithmetic per score on
/// the SIMT pipes (scale, mask, max, exp as a polynomial, sum, convert).
constexpr int64_t kFlashBaseRegisters = 48;
constexpr double kFlashOpsPerScore = 24;
/// Static shared memory a dynamic-shared-memory kernel still has: MLIR
/// declares the dynamic region as an internal zero-length global, which
/// NVPTX demotes to a 1-byte `.shared` variable (16-byte aligned); the
/// driver counts it against the opt-in limit with the dynamic bytes.
constexpr int64_t kDynamicSharedOverheadBytes = 16;

/// What the flash-attention kernel takes: static f16 / bf16 q, k, v and
/// result of one type, head dims 16..128 (powers of two), an mma.sync
/// m16n8k16 form of that type with an f32 accumulator, 32-thread warps.
struct FlashFit {
  const GPUTensorCoreInstruction *form = nullptr;
  int64_t b = 0, hq = 0, sq = 0, sk = 0, d = 0, dv = 0, eb = 2;
  bool causal = false;
  double otherBytes = 0; // the mask
};

std::optional<FlashFit> flashFit(Operation *op,
                                 const GPUTargetDescription &desc) {
  auto attention = dyn_cast<AttentionOp>(op);
  if (!attention || desc.warpSize != 32)
    return std::nullopt;
  auto q = cast<ShapedType>(attention.getQuery().getType());
  auto k = cast<ShapedType>(attention.getKey().getType());
  auto v = cast<ShapedType>(attention.getValue().getType());
  auto r = cast<ShapedType>(attention.getType());
  Type e = q.getElementType();
  if (!q.hasStaticShape() || !k.hasStaticShape() || !v.hasStaticShape() ||
      !r.hasStaticShape() || !(e.isF16() || e.isBF16()) ||
      k.getElementType() != e || v.getElementType() != e ||
      r.getElementType() != e)
    return std::nullopt;
  if (Value m = attention.getMask())
    if (!cast<ShapedType>(m.getType()).hasStaticShape())
      return std::nullopt;
  auto headDim = [](int64_t d) {
    return d == 16 || d == 32 || d == 64 || d == 128;
  };
  FlashFit fit;
  fit.b = q.getDimSize(0), fit.hq = q.getDimSize(1), fit.sq = q.getDimSize(2);
  fit.d = q.getDimSize(3), fit.sk = k.getDimSize(2), fit.dv = v.getDimSize(3);
  if (!headDim(fit.d) || !headDim(fit.dv))
    return std::nullopt;
  std::string name = e.isF16() ? "f16" : "bf16";
  for (const GPUTensorCoreInstruction &f : desc.tensorCores)
    if (f.instruction == "mma.sync" && f.a == name && f.b == name &&
        f.accumulator == "f32" && f.shape[0] == 16 && f.shape[1] == 8 &&
        f.shape[2] == 16) {
      fit.form = &f;
      break;
    }
  if (!fit.form)
    return std::nullopt;
  fit.eb = elementBytes(q);
  fit.causal = attention.getCausal();
  if (Value m = attention.getMask())
    fit.otherBytes = numElements(m.getType()) * elementBytes(m.getType());
  return fit;
}

/// Key tiles of BN keys the blocks of query tile `qt` visit in all: every
/// tile, or (causal) those up to the last key its last row sees.
double flashVisitedTiles(const FlashFit &f, int64_t bm, int64_t bn) {
  int64_t all = ceilDiv(f.sk, bn);
  if (!f.causal)
    return double(ceilDiv(f.sq, bm)) * all;
  double total = 0;
  for (int64_t q0 = 0; q0 < f.sq; q0 += bm) {
    int64_t last = q0 + bm - 1 + f.sk - f.sq;
    int64_t visible = last < 0 ? 0 : last / bn + 1;
    total += std::min(all, visible);
  }
  return total;
}

/// Block reductions (kiln-gpu-block-reduce, docs/gpu.md "Block
/// reductions"): chunks of `vector` elements each thread of a row reduces
/// before the warp shuffles (enough independent loads in flight per thread
/// without leaving most of a block idle on short rows), and the threads a
/// block needs at least to keep an SM's schedulers fed.
constexpr int64_t kChunksPerThread = 4;
constexpr int64_t kMinReductionBlockThreads = 128;
/// The widest global load of one thread (ld.global.v4.b32).
constexpr int64_t kMaxLoadBytes = 16;

/// A softmax, norm or reduce with static shapes, floating-point elements
/// and one reduction loop, the last: each row is contiguous in memory.
bool blockReductionFits(Operation *op, ArrayRef<ScheduleLoop> loops,
                        const GPUTargetDescription &desc) {
  if (!isa<SoftmaxOp, LayerNormOp, RmsNormOp, ReduceOp>(op) ||
      loops.size() < 2 || !loops.back().isReduction() || desc.warpSize <= 0 ||
      (desc.warpSize & (desc.warpSize - 1)) != 0)
    return false;
  for (const ScheduleLoop &l : loops.drop_back())
    if (l.isReduction() || ShapedType::isDynamic(l.extent))
      return false;
  if (ShapedType::isDynamic(loops.back().extent))
    return false;
  return isa<FloatType>(getElementTypeOrSelf(op->getOperand(0).getType()));
}

/// The one block-reduction schedule for a row of `length` elements of
/// `eb` bytes and `rows` rows: the widest load (16, 8, 4 bytes) whose
/// element count divides the row (rows stay aligned), else scalars; the
/// smallest power-of-two number of warps per row that leaves each thread
/// at most kChunksPerThread loads, up to the block limit (1024 at most);
/// rows per block until the block has kMinReductionBlockThreads.
BlockReductionSchedule chooseBlockReduction(int64_t rows, int64_t length,
                                            int64_t eb,
                                            const GPUTargetDescription &desc) {
  BlockReductionSchedule s;
  s.vector = 1;
  for (int64_t bytes = kMaxLoadBytes; bytes >= 4; bytes /= 2)
    if (bytes >= eb && length % (bytes / eb) == 0) {
      s.vector = bytes / eb;
      break;
    }
  int64_t chunks = ceilDiv(length, s.vector);
  int64_t maxThreads = std::min<int64_t>(desc.maxThreadsPerBlock, 1024);
  int64_t t = desc.warpSize;
  while (t * kChunksPerThread < chunks && 2 * t <= maxThreads)
    t *= 2;
  s.threadsPerRow = t;
  int64_t r = 1;
  while (r * t < kMinReductionBlockThreads && r < rows &&
         2 * r * t <= maxThreads)
    r *= 2;
  s.rowsPerBlock = std::min(r, rows);
  return s;
}

} // namespace

GPUCostModel::GPUCostModel(GPUTargetDescription description,
                           GPUCostModelOptions options)
    : desc(std::move(description)), opts(options),
      targetName_("gpu:" + desc.name) {}

std::unique_ptr<CostModel>
kiln::createGPUCostModel(GPUTargetDescription description,
                         GPUCostModelOptions options) {
  return std::make_unique<GPUCostModel>(std::move(description), options);
}

int64_t GPUCostModel::residentBlocksPerSM(int64_t threads,
                                          int64_t registersPerThread,
                                          int64_t sharedBytes) const {
  if (threads <= 0 || threads > desc.maxThreadsPerBlock ||
      registersPerThread > desc.maxRegistersPerThread)
    return 0;
  int64_t byThreads = desc.maxThreadsPerSM / threads;
  int64_t byRegisters = desc.registersPerSM / (threads * registersPerThread);
  int64_t perSM =
      std::min<int64_t>({desc.maxBlocksPerSM, byThreads, byRegisters});
  if (sharedBytes > 0)
    perSM = std::min<int64_t>(perSM, desc.sharedMemoryPerSMBytes / sharedBytes);
  return perSM;
}

SmallVector<ScheduleAttr> GPUCostModel::candidates(Operation *op) const {
  SmallVector<ScheduleAttr> result;
  std::optional<SmallVector<ScheduleLoop>> loops = getScheduleLoops(op);
  if (!loops || loops->empty())
    return result;
  MLIRContext *ctx = op->getContext();
  int64_t n = loops->size();
  auto add = [&](SmallVector<int64_t> block, SmallVector<int64_t> thread) {
    result.push_back(ScheduleAttr::get(ctx, {block, thread}, {}, {},
                                       std::nullopt));
  };

  if (std::optional<TensorCoreFit> fit =
          tensorCoreFit(op, *loops, desc, opts.allowTF32)) {
    // Block, warp and K tiles, stages; the copy vector is the widest the
    // rows allow. Kept: what the lowering can do (whole warps of whole
    // instruction tiles, copies spread evenly over the threads) and what
    // fits the block's static shared memory and the register file.
    for (int64_t bm : {32, 64, 128, 256})
      for (int64_t bn : {32, 64, 128, 256})
        for (int64_t bk : {16, 32, 64})
          for (int64_t wm : {16, 32, 64})
            for (int64_t wn : {16, 32, 64})
              for (int64_t stages : {2, 3, 4}) {
                // K tiles of f16 / bf16: 32 or 64 (two or four m16n8k16
                // steps). f32 (tf32): 16, two m16n8k8 steps: ptxas issues
                // all of a K tile's fragment loads (B's are 32-bit loads,
                // each with its own swizzled address) ahead of its
                // mma.sync, and K tiles of 32 with 64 x 64 warp tiles
                // spill (ptxas -v, docs/gpu.md).
                int64_t minBK = 64 / fit->elementBytes;
                int64_t maxBK = fit->elementBytes == 4 ? minBK : 2 * minBK;
                if (bk < minBK || bk > maxBK)
                  continue;
                if ((bm > 32 && bm / 2 >= fit->m) ||
                    (bn > 32 && bn / 2 >= fit->n) ||
                    (bk > minBK && bk / 2 >= fit->k))
                  continue;
                if (bm % wm || bn % wn)
                  continue;
                int64_t warps = (bm / wm) * (bn / wn);
                int64_t threads = warps * desc.warpSize;
                if (warps > kMaxWarpsPerBlock ||
                    threads > desc.maxThreadsPerBlock)
                  continue;
                TensorCoreSchedule t;
                t.blockM = bm, t.blockN = bn, t.blockK = bk;
                t.warpM = wm, t.warpN = wn;
                t.instrM = fit->form->shape[0], t.instrN = fit->form->shape[1],
                t.instrK = fit->form->shape[2];
                t.vector = fit->vector, t.stages = stages;
                if (!t.followable(fit->k, fit->n, fit->elementBytes, t.instrK,
                                  desc.warpSize))
                  continue;
                if (tensorCoreSharedBytes(t, fit->elementBytes) >
                        desc.sharedMemoryPerBlockBytes ||
                    tensorCoreRegisters(t, desc.warpSize) >
                        desc.maxRegistersPerThread)
                  continue;
                result.push_back(t.get(ctx, n));
              }
  }

  if (std::optional<FlashFit> fit = flashFit(op, desc)) {
    // Fused attention: BM query rows (16 per warp), BN keys per tile,
    // stages; 16-byte copies. Kept: copies spread evenly over the threads,
    // the opt-in shared memory per block (dynamic shared memory), the
    // register file.
    for (int64_t bm : {16, 32, 64, 128})
      for (int64_t bn : {32, 64, 128})
        for (int64_t stages : {2, 3}) {
          if ((bm > 16 && bm / 2 >= fit->sq) || (bn > 32 && bn / 2 >= fit->sk))
            continue;
          FlashAttentionSchedule t;
          t.blockM = bm, t.blockN = bn, t.warpM = 16;
          t.instrM = fit->form->shape[0], t.instrN = fit->form->shape[1],
          t.instrK = fit->form->shape[2];
          t.stages = stages, t.vector = kMaxCopyBytes / fit->eb;
          int64_t threads = t.warps() * desc.warpSize;
          if (t.warps() > kMaxWarpsPerBlock ||
              threads > desc.maxThreadsPerBlock ||
              (bm * fit->d / t.vector) % threads ||
              (bn * fit->d / t.vector) % threads ||
              (bn * fit->dv / t.vector) % threads)
            continue;
          if (t.sharedBytes(fit->d, fit->dv, fit->eb) +
                      kDynamicSharedOverheadBytes >
                  desc.sharedMemoryPerBlockOptinBytes ||
              t.registers(fit->d, fit->dv, kFlashBaseRegisters) >
                  desc.maxRegistersPerThread)
            continue;
          result.push_back(t.get(ctx));
        }
  }

  if (isa<MatmulOp>(op)) {
    // [b..., m, n, k]: one block per bm x bn tile of C (per batch element),
    // each thread a tm x tn sub-tile, k whole inside the thread.
    int64_t M = extentOf((*loops)[n - 3]), N = extentOf((*loops)[n - 2]);
    for (int64_t bm : {16, 32, 64, 128})
      for (int64_t bn : {16, 32, 64, 128})
        for (int64_t tm : {1, 2, 4, 8})
          for (int64_t tn : {1, 2, 4, 8}) {
            if (bm > 16 && bm / 2 >= M)
              continue; // a smaller block covers M already
            if (bn > 16 && bn / 2 >= N)
              continue;
            int64_t threads = ceilDiv(std::min(bm, M), tm) *
                              ceilDiv(std::min(bn, N), tn);
            if (threads < desc.warpSize || threads > desc.maxThreadsPerBlock)
              continue;
            SmallVector<int64_t> block(n, 0), thread(n, 0);
            for (int64_t i = 0; i < n - 3; ++i)
              block[i] = 1;
            block[n - 3] = bm;
            block[n - 2] = bn;
            thread[n - 3] = tm;
            thread[n - 2] = tn;
            add(block, thread);
          }
    if (llvm::any_of(result, [](ScheduleAttr s) {
          return s.getNumLevels() == 2;
        }))
      return result;
    // Tiny matrices: one thread per element of C in one block per batch.
    SmallVector<int64_t> block(n, 0), thread(n, 0);
    for (int64_t i = 0; i < n - 3; ++i)
      block[i] = 1;
    block[n - 3] = M;
    block[n - 2] = N;
    thread[n - 3] = 1;
    thread[n - 2] = 1;
    add(block, thread);
    return result;
  }

  // Row reductions: one block reduction (kiln-gpu-block-reduce).
  if (blockReductionFits(op, *loops, desc)) {
    int64_t rows = 1;
    for (const ScheduleLoop &l : ArrayRef(*loops).drop_back())
      rows *= l.extent;
    result.push_back(chooseBlockReduction(rows, loops->back().extent,
                                          elementBytes(op->getOperand(0).getType()),
                                          desc)
                         .get(ctx, n));
    return result;
  }

  // Streaming ops: `threads` threads per block, `e` consecutive elements per
  // thread along the innermost parallel loop, the remaining threads over
  // the next parallel loops outwards; reductions whole inside each thread.
  SmallVector<int64_t> parallel;
  for (int64_t i = 0; i < n; ++i)
    if (!(*loops)[i].isReduction())
      parallel.push_back(i);
  if (parallel.empty())
    return result; // A full reduction: one thread (the mapping pass).
  for (int64_t threads : {64, 128, 256, 512})
    for (int64_t e : {1, 2, 4}) {
      if (threads > desc.maxThreadsPerBlock)
        continue;
      SmallVector<int64_t> block(n, 0), thread(n, 0);
      int64_t left = threads;
      for (int64_t j = parallel.size() - 1; j >= 0; --j) {
        int64_t i = parallel[j];
        int64_t ext = extentOf((*loops)[i]);
        int64_t per = j == int64_t(parallel.size()) - 1 ? e : 1;
        int64_t t = std::max<int64_t>(1, std::min(left, ceilDiv(ext, per)));
        block[i] = t * per;
        thread[i] = t > 1 ? per : 0;
        left = std::max<int64_t>(1, left / t);
      }
      add(block, thread);
    }
  return result;
}

static CostEstimate estimateTensorCore(const GPUCostModel &model,
                                       Operation *op,
                                       ArrayRef<ScheduleLoop> loops,
                                       ScheduleAttr schedule);
static CostEstimate estimateFlashAttention(const GPUCostModel &model,
                                           Operation *op,
                                           ScheduleAttr schedule);
static CostEstimate estimateBlockReduction(const GPUCostModel &model,
                                           Operation *op,
                                           ArrayRef<ScheduleLoop> loops,
                                           ScheduleAttr schedule);

CostEstimate GPUCostModel::estimate(Operation *op, ScheduleAttr schedule) const {
  CostEstimate est;
  std::optional<SmallVector<ScheduleLoop>> loops = getScheduleLoops(op);
  if (loops && schedule.getNumLevels() == TensorCoreSchedule::kLevels)
    return estimateTensorCore(*this, op, *loops, schedule);
  if (isa<AttentionOp>(op) &&
      schedule.getNumLevels() == FlashAttentionSchedule::kLevels)
    return estimateFlashAttention(*this, op, schedule);
  if (loops && schedule.getNumLevels() == BlockReductionSchedule::kLevels)
    return estimateBlockReduction(*this, op, *loops, schedule);
  if (!loops || schedule.getNumLevels() != 2 ||
      schedule.getNumLoops() != loops->size()) {
    est.fits = false;
    est.why = "GPU schedules have two levels (block tile, thread tile) with "
              "one entry per loop";
    return est;
  }
  int64_t n = loops->size();
  ArrayRef<int64_t> l0 = schedule.getLevel(0), l1 = schedule.getLevel(1);
  // Blocks, threads per block, points per thread (partial tiles padded).
  double blocks = 1, points = 1;
  int64_t threads = 1, perThread = 1, tileM = 1, tileN = 1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t ext = extentOf((*loops)[i]);
    points *= ext;
    int64_t b = l0[i] > 0 ? std::min(l0[i], ext) : ext;
    blocks *= ceilDiv(ext, b);
    int64_t t = l1[i] > 0 ? std::min(l1[i], b) : b;
    threads *= ceilDiv(b, t);
    perThread *= t;
  }
  bool isMatmul = isa<MatmulOp>(op);
  if (isMatmul) {
    tileM = l1[n - 3] > 0 ? l1[n - 3] : 1;
    tileN = l1[n - 2] > 0 ? l1[n - 2] : 1;
  }
  // Registers: a matmul thread holds its accumulators and one column of A
  // and row of B; a streaming thread its elements.
  int64_t regs = kBaseRegisters +
                 (isMatmul ? tileM * tileN + tileM + tileN
                           : std::min<int64_t>(perThread, 64));
  int64_t perSM = residentBlocksPerSM(threads, regs);
  if (perSM == 0) {
    est.fits = false;
    est.why = "a block of " + std::to_string(threads) + " threads x " +
              std::to_string(regs) +
              " registers does not fit one SM (max_threads_per_block, "
              "max_registers_per_thread or registers_per_sm)";
    return est;
  }

  Type resultType = op->getResult(0).getType();
  int64_t eb = elementBytes(resultType);
  double smRate = desc.fp32FlopsPerClockPerSM * desc.clockGHz * 1e9;
  Occupancy occ = occupancyOf(desc, blocks, perSM, threads);
  double waves = occ.waves;
  double eff = std::min(1.0, occ.residentWarps / kWarpsToHideLatency);
  double flops, dram;
  std::string why;
  if (isMatmul) {
    double M = extentOf((*loops)[n - 3]), N = extentOf((*loops)[n - 2]),
           K = extentOf((*loops)[n - 1]);
    double batch = points / (M * N * K);
    double bm = l0[n - 3] > 0 ? std::min<double>(l0[n - 3], M) : M;
    double bn = l0[n - 2] > 0 ? std::min<double>(l0[n - 2], N) : N;
    flops = 2 * points;
    eff *= std::min(1.0, double(tileM * tileN) / kAccumulatorsForILP);
    int64_t ea = elementBytes(op->getOperand(0).getType());
    // Each block reads its bm x K panel of A and K x bn panel of B.
    double panelBytes = ea * batch * (M * K * std::ceil(N / bn) +
                                      K * N * std::ceil(M / bm));
    double unique = ea * batch * (M * K + K * N) + eb * batch * M * N;
    // Re-reads hit L2 when the operands fit it, else they go to DRAM.
    dram = unique <= desc.l2Bytes ? unique : panelBytes + eb * batch * M * N;
    est.bytesByLevel.push_back({"L2", panelBytes});
    why = "SIMT FMA matmul";
  } else {
    double ops = opsPerPoint(op);
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      // [b, hq, sq, sk, dv]: q.k^T over D plus p.v over Dv per point.
      auto q = cast<ShapedType>(attention->getOperand(0).getType());
      double d = ShapedType::isDynamic(q.getShape().back())
                     ? kAssumedDynamicExtent
                     : q.getShape().back();
      ops = 2 * (d + 1) + 5;
    }
    flops = points * ops;
    dram = numElements(resultType) * eb;
    for (Value v : op->getOperands())
      dram += numElements(v.getType()) * elementBytes(v.getType());
    why = "streaming";
  }
  est.flops = flops;
  est.bytesByLevel.push_back({"DRAM", dram});
  // The slowest SM runs `waves` rounds of perSM blocks sharing its rate.
  double compute = waveSeconds(waves, flops / blocks, perSM, smRate, eff);
  double memory = dram / (desc.dramBandwidthGBps * 1e9);
  est.seconds = overlapped(compute, memory);
  est.why = why + ": " + fmt(blocks) + " blocks of " + std::to_string(threads) +
            " threads, " + wavesWhy(perSM, waves, eff, compute, memory);
  return est;
}

/// The cost of a five-level tensor-core schedule (docs/gpu.md).
static CostEstimate estimateTensorCore(const GPUCostModel &model,
                                       Operation *op,
                                       ArrayRef<ScheduleLoop> loops,
                                       ScheduleAttr schedule) {
  const GPUTargetDescription &desc = model.description();
  CostEstimate est;
  std::optional<TensorCoreFit> fit =
      tensorCoreFit(op, loops, desc, model.options().allowTF32);
  std::optional<TensorCoreSchedule> t = TensorCoreSchedule::read(schedule);
  if (!fit || !t || schedule.getNumLoops() != loops.size()) {
    est.fits = false;
    est.why = "a tensor-core schedule needs an f16 / bf16 matmul (or f32 with "
              "TF32 allowed) with static shapes, an mma.sync m16n8k16 (tf32: "
              "m16n8k8) form in the description and rows of A and B a copy "
              "vector divides";
    return est;
  }
  int64_t threads = (t->blockM / t->warpM) * (t->blockN / t->warpN) *
                    desc.warpSize;
  int64_t eb = fit->elementBytes;
  int64_t smem = tensorCoreSharedBytes(*t, eb);
  int64_t regs = tensorCoreRegisters(*t, desc.warpSize);
  // tensorCoreFit took the description's m16n8k16 (tf32: m16n8k8) form.
  bool shapeOk = t->followable(fit->k, fit->n, eb, fit->form->shape[2],
                               desc.warpSize);
  int64_t perSM = model.residentBlocksPerSM(threads, regs, smem);
  if (!shapeOk || smem > desc.sharedMemoryPerBlockBytes || perSM == 0) {
    est.fits = false;
    est.why = "tensor-core block of " + std::to_string(threads) +
              " threads, " + std::to_string(regs) + " registers, " +
              std::to_string(smem) +
              " bytes of shared memory: not what the lowering takes or "
              "larger than one SM / the static shared memory per block";
    return est;
  }
  double M = fit->m, N = fit->n, K = fit->k, B = fit->batch;
  double tilesM = std::ceil(M / t->blockM), tilesN = std::ceil(N / t->blockN);
  double blocks = B * tilesM * tilesN;
  // Partial tiles run whole (masked copies fill zeros).
  double paddedFlops = 2 * blocks * t->blockM * t->blockN *
                       std::ceil(K / t->blockK) * t->blockK;
  Occupancy occ = occupancyOf(desc, blocks, perSM, threads);
  double mmaPerLoad = double((t->warpM / 16) * (t->warpN / 8)) /
                      double(t->warpM / 16 + t->warpN / 16);
  // Stages hide the copies' latency: too few leave both the tensor cores
  // and the memory system waiting.
  double pipe =
      std::min(1.0, double(t->stages - 1) / (kStagesToHideLatency - 1));
  double eff = std::min(1.0, occ.residentWarps / kTensorCoreWarpsToHide) *
               std::min(1.0, mmaPerLoad / kMmaPerLdmatrix) * pipe;
  double rate = fit->form->flopsPerClockPerSM * desc.clockGHz * 1e9;
  double compute =
      waveSeconds(occ.waves, paddedFlops / blocks, perSM, rate, eff);
  int64_t ea = eb, ec = elementBytes(op->getResult(0).getType());
  double panelBytes = ea * B * (M * K * tilesN + K * N * tilesM);
  double unique = ea * B * (M * K + K * N) + ec * B * M * N;
  double dram = unique <= desc.l2Bytes ? unique : panelBytes + ec * B * M * N;
  double memory = dram / (desc.dramBandwidthGBps * 1e9 * pipe);
  est.flops = 2 * B * M * N * K;
  est.bytesByLevel.push_back({"L2", panelBytes});
  est.bytesByLevel.push_back({"DRAM", dram});
  est.seconds = overlapped(compute, memory);
  est.why = std::string(fit->form->a == "tf32" ? "tensor-core (tf32)"
                                                : "tensor-core") +
            " matmul: " + fmt(blocks) + " blocks of " +
            std::to_string(threads) + " threads, " + std::to_string(smem) +
            " B shared, " + wavesWhy(perSM, occ.waves, eff, compute, memory);
  return est;
}

/// The cost of a four-level flash-attention schedule (docs/gpu.md).
static CostEstimate estimateFlashAttention(const GPUCostModel &model,
                                           Operation *op,
                                           ScheduleAttr schedule) {
  const GPUTargetDescription &desc = model.description();
  CostEstimate est;
  std::optional<FlashFit> fit = flashFit(op, desc);
  std::optional<FlashAttentionSchedule> t =
      FlashAttentionSchedule::read(schedule);
  if (!fit || !t) {
    est.fits = false;
    est.why = "a flash-attention schedule needs an f16 / bf16 attention with "
              "static shapes, head dims 16..128 and an mma.sync m16n8k16 "
              "form in the description";
    return est;
  }
  int64_t threads = t->warps() * desc.warpSize;
  int64_t smem = t->sharedBytes(fit->d, fit->dv, fit->eb);
  int64_t regs = t->registers(fit->d, fit->dv, kFlashBaseRegisters);
  int64_t perSM = model.residentBlocksPerSM(threads, regs, smem);
  if (t->warpM != 16 || t->blockM % 16 || t->blockN % 16 || t->stages < 2 ||
      smem + kDynamicSharedOverheadBytes >
          desc.sharedMemoryPerBlockOptinBytes ||
      perSM == 0) {
    est.fits = false;
    est.why = "flash-attention block of " + std::to_string(threads) +
              " threads, " + std::to_string(regs) + " registers, " +
              std::to_string(smem) +
              " bytes of shared memory: not what the kernel takes or larger "
              "than one SM";
    return est;
  }
  double heads = double(fit->b) * fit->hq;
  double blocks = heads * ceilDiv(fit->sq, t->blockM);
  // Visited key tiles run whole (masked copies fill zeros).
  double tiles = heads * flashVisitedTiles(*fit, t->blockM, t->blockN);
  double scores = tiles * t->blockM * t->blockN;
  double mmaFlops = 2 * scores * (fit->d + fit->dv);
  Occupancy occ = occupancyOf(desc, blocks, perSM, threads);
  double pipe =
      std::min(1.0, double(t->stages - 1) / (kStagesToHideLatency - 1));
  double eff = std::min(1.0, occ.residentWarps / kTensorCoreWarpsToHide) * pipe;
  double rate = fit->form->flopsPerClockPerSM * desc.clockGHz * 1e9;
  double simtRate = desc.fp32FlopsPerClockPerSM * desc.clockGHz * 1e9;
  double blockTime = (mmaFlops / blocks) / (rate * std::max(eff, 1e-3)) +
                     (scores * kFlashOpsPerScore / blocks) / simtRate;
  double compute = occ.waves * blockTime * perSM;
  // Each block reads its query tile once and every visited key / value
  // tile; those re-reads hit L2 when the operands fit it.
  double eb = fit->eb;
  double qo = eb * heads * fit->sq * (fit->d + fit->dv);
  double kvTile = eb * t->blockN * (fit->d + fit->dv);
  double l2 = tiles * kvTile + qo;
  double kvHeads = double(fit->b) *
                   cast<ShapedType>(op->getOperand(1).getType()).getDimSize(1);
  double unique = qo + eb * kvHeads * fit->sk * (fit->d + fit->dv) +
                  fit->otherBytes;
  double dram = unique <= desc.l2Bytes ? unique : l2 + fit->otherBytes;
  double memory = dram / (desc.dramBandwidthGBps * 1e9 * pipe);
  est.flops = mmaFlops;
  est.bytesByLevel.push_back({"L2", l2});
  est.bytesByLevel.push_back({"DRAM", dram});
  est.seconds = overlapped(compute, memory);
  est.why = "flash attention: " + fmt(blocks) + " blocks of " +
            std::to_string(threads) + " threads, " + std::to_string(smem) +
            " B shared, " + std::to_string(regs) + " registers, " +
            wavesWhy(perSM, occ.waves, eff, compute, memory);
  return est;
}

/// The cost of a three-level block-reduction schedule (docs/gpu.md):
/// streaming bytes at DRAM bandwidth; compute as for streaming ops over
/// the blocks actually launched (rows padded to whole blocks).
static CostEstimate estimateBlockReduction(const GPUCostModel &model,
                                           Operation *op,
                                           ArrayRef<ScheduleLoop> loops,
                                           ScheduleAttr schedule) {
  const GPUTargetDescription &desc = model.description();
  CostEstimate est;
  std::optional<BlockReductionSchedule> b =
      BlockReductionSchedule::read(schedule);
  if (!b || !blockReductionFits(op, loops, desc) ||
      schedule.getNumLoops() != loops.size() ||
      b->threadsPerRow % desc.warpSize != 0) {
    est.fits = false;
    est.why = "a block-reduction schedule needs a softmax, norm or reduce "
              "over its last axis with static shapes and threads per row a "
              "multiple of the warp size";
    return est;
  }
  double rows = 1;
  for (const ScheduleLoop &l : loops.drop_back())
    rows *= l.extent;
  double length = loops.back().extent;
  int64_t threads = b->threadsPerRow * b->rowsPerBlock;
  // A thread holds one accumulator, its vector and the row's statistics.
  int64_t regs = kBaseRegisters + 2 * b->vector;
  int64_t smem = b->rowsPerBlock * (b->threadsPerRow / desc.warpSize) * 4;
  int64_t perSM = model.residentBlocksPerSM(threads, regs);
  if (perSM == 0 || smem > desc.sharedMemoryPerBlockBytes) {
    est.fits = false;
    est.why = "a block of " + std::to_string(threads) +
              " threads does not fit one SM";
    return est;
  }
  double blocks = std::ceil(rows / b->rowsPerBlock);
  Occupancy occ = occupancyOf(desc, blocks, perSM, threads);
  double eff = std::min(1.0, occ.residentWarps / kWarpsToHideLatency);
  double smRate = desc.fp32FlopsPerClockPerSM * desc.clockGHz * 1e9;
  double flops = rows * length * opsPerPoint(op);
  double compute = waveSeconds(occ.waves, flops / blocks, perSM, smRate, eff);
  Type resultType = op->getResult(0).getType();
  double dram = numElements(resultType) * elementBytes(resultType);
  for (Value v : op->getOperands())
    dram += numElements(v.getType()) * elementBytes(v.getType());
  double memory = dram / (desc.dramBandwidthGBps * 1e9);
  est.flops = flops;
  est.bytesByLevel.push_back({"DRAM", dram});
  est.seconds = overlapped(compute, memory);
  est.why = "block reduction: " + fmt(blocks) + " blocks of " +
            std::to_string(b->rowsPerBlock) + " rows x " +
            std::to_string(b->threadsPerRow) + " threads, vector " +
            std::to_string(b->vector) + ", " + std::to_string(perSM) +
            " per SM; compute " + fmt(compute * 1e6) + " us, DRAM " +
            fmt(memory * 1e6) + " us";
  return est;
}
