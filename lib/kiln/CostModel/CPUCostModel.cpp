//===- CPUCostModel.cpp - Analytical CPU cost model -----------------------===//
//
// Everything comes from the CPUTargetDescription and the op; docs/schedules.md
// states every formula and assumption used here.
//
//===----------------------------------------------------------------------===//

#include "kiln/CostModel/CPUCostModel.h"

#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kiln;
using namespace kiln::cost_model;

namespace {

/// Sustained bytes per cycle per core of a stream that hits the caches
/// (used when the description has no DRAM bandwidth).
constexpr double kCacheStreamBytesPerCycle = 16.0;
/// Micro-kernel efficiency without packing once B no longer fits the L2
/// share (strided kc x nr panels defeat the prefetchers and the TLB).
constexpr double kUnpackedEfficiency = 0.8;
/// Bytes per cycle one core copies to and from memory when the description
/// gives no DRAM bandwidth (host detection cannot measure it): about what a
/// STREAM copy reaches on one core of current servers (5.2 on the 2.86 GHz
/// development host).
constexpr double kUnknownDramBytesPerCycle = 5.0;
/// Vector loads a core issues per cycle (two load ports on current x86-64
/// and Arm server cores): a register tile whose broadcasts and B loads per
/// k step outnumber its FMAs per pipe is load-bound.
constexpr double kLoadsPerCycle = 2.0;
/// Bytes per cycle a core streams from its L2 (the accumulator tiles a
/// matmul re-reads every kc block, when its chunk of C fits there).
constexpr double kL2BytesPerCycle = 32.0;
/// Penalties when a hand-written cache block does not fit its level.
constexpr double kL1MissPenalty = 0.7;
constexpr double kL2MissPenalty = 0.85;
/// Locality of the prefetch of the next packed B panel (into L2: the
/// current panel holds L1). Measured on the AVX-512 development host,
/// 128x3072x768 with constant B: localities 1-3 within noise of each other
/// (9% faster than none), 0 (non-temporal) 30% slower.
constexpr int64_t kPanelPrefetchLocality = 2;

int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }
int64_t roundDown(int64_t a, int64_t b) { return a / b * b; }
int64_t pow2Floor(int64_t v) {
  int64_t p = 1;
  while (p * 2 <= v)
    p *= 2;
  return p;
}

/// The largest tile of at most `allowed` (and at least `multiple`) that is
/// a multiple of `multiple` and divides `extent`, else a power of two: a
/// tile that divides its loop leaves no partial edge tile, and partial
/// tiles are not vectorized (their shapes are dynamic).
int64_t dividingTile(int64_t extent, int64_t allowed, int64_t multiple) {
  multiple = std::max<int64_t>(1, multiple);
  for (int64_t t = allowed / multiple * multiple; t >= multiple; t -= multiple)
    if (extent % t == 0)
      return t;
  return std::max(multiple, pow2Floor(allowed));
}

/// A tile size as written into the schedule: 0 when it covers the extent.
int64_t normalized(int64_t tile, int64_t extent) {
  return tile >= extent ? 0 : tile;
}

/// The effective tile of a loop at a level: 0 means the enclosing tile.
int64_t effective(int64_t tile, int64_t enclosing) {
  return tile == 0 ? enclosing : std::min(tile, enclosing);
}

} // namespace

CPUCostModel::CPUCostModel(CPUTargetDescription description)
    : desc(std::move(description)), targetName_("cpu:" + desc.name) {}

std::unique_ptr<CostModel>
kiln::createCPUCostModel(CPUTargetDescription description) {
  return std::make_unique<CPUCostModel>(std::move(description));
}

int64_t CPUCostModel::lanes() const { return std::max(1, desc.f32Lanes()); }

int64_t CPUCostModel::registersNeeded(RegisterTile t) const {
  // The outer-product micro-kernel (BLIS, OpenBLAS): mr x (nr/L) accumulators,
  // the nr/L vectors of one B row, and one register into which each of the
  // mr A elements is broadcast in turn (FMAs with the broadcast register
  // retire before the next broadcast reuses it).
  int64_t vecs = ceilDiv(t.nr, lanes());
  return t.mr * vecs + vecs + 1;
}

double CPUCostModel::registerTileEfficiency(RegisterTile t) const {
  double accumulators = double(t.mr * ceilDiv(t.nr, lanes()));
  double needed = double(desc.fmaLatencyCycles) * desc.fmaUnitsPerCore;
  return std::min(1.0, accumulators / std::max(1.0, needed));
}

SmallVector<RegisterTile> CPUCostModel::registerTiles() const {
  SmallVector<RegisterTile> tiles;
  // nr spans a power-of-two number of vector registers: LLVM legalizes a
  // vector of another register count (<96 x float> on AVX-512) badly --
  // measured 128x768x3072 f32 with a 4x96 tile: 150 ms, 4x64: 7 ms.
  for (int64_t vecs = 1; vecs <= desc.vectorRegisters; vecs *= 2)
    for (int64_t mr = 1; mr <= desc.vectorRegisters; ++mr) {
      RegisterTile t{mr, vecs * lanes()};
      if (registersNeeded(t) <= desc.vectorRegisters)
        tiles.push_back(t);
    }
  // Most accumulators first, then the wider tile.
  // (mr, nr) pairs are unique, so the order is total.
  llvm::sort(tiles, [&](RegisterTile a, RegisterTile b) {
    int64_t aa = a.mr * a.nr, ab = b.mr * b.nr;
    if (aa != ab)
      return aa > ab;
    return a.nr > b.nr;
  });
  return tiles;
}

//===----------------------------------------------------------------------===//
// Machine quantities
//===----------------------------------------------------------------------===//

namespace {
struct Machine {
  const CPUTargetDescription &d;
  /// Bytes of the cache of `level` available to one core (a shared cache
  /// divided by the cores sharing it); falls back to the nearest smaller
  /// level the description has.
  double cacheShare(int level) const {
    const CPUCacheLevel *best = nullptr;
    for (const CPUCacheLevel &c : d.caches)
      if (c.level <= level && (!best || c.level > best->level))
        best = &c;
    if (!best)
      return 32768; // a description always has caches; be safe anyway
    int sharers = std::max(1, std::min(best->sharedByCores, d.cores));
    return double(best->sizeBytes) / sharers;
  }
  double l1() const { return cacheShare(1); }
  double l2() const { return cacheShare(2); }
  double llc() const {
    return d.caches.empty() ? 32768 : cacheShare(d.caches.back().level);
  }
  double llcTotal() const {
    return d.caches.empty() ? 32768 : double(d.caches.back().sizeBytes);
  }
  int lastLevel() const {
    return d.caches.empty() ? 1 : d.caches.back().level;
  }
  /// Bytes/s of a stream using `threads` cores.
  double streamBandwidth(int64_t threads, std::string &why) const {
    double caches = double(std::max<int64_t>(1, threads)) *
                    kCacheStreamBytesPerCycle * d.frequencyGHz * 1e9;
    if (d.dramBandwidthGBps > 0)
      return std::min(d.dramBandwidthGBps * 1e9, caches);
    why += "; DRAM bandwidth unknown: streaming at " +
           fmt(kCacheStreamBytesPerCycle) +
           " B/cycle/core (an L2-ish stream estimate)";
    return caches;
  }
};

/// Thread chunks of the parallel loops: the first loop (outermost first)
/// at which the product of parallel extents reaches `cores` is split so
/// that about `cores` chunks result; outer parallel loops get 1, inner ones
/// and reductions stay whole (0).
SmallVector<int64_t> threadTiles(ArrayRef<ScheduleLoop> loops, int64_t cores,
                                 int64_t multipleOf = 1,
                                 int64_t splitLoop = -1) {
  SmallVector<int64_t> t(loops.size(), 0);
  int64_t before = 1;
  for (auto [i, l] : llvm::enumerate(loops)) {
    if (l.isReduction())
      continue;
    int64_t e = extentOf(l);
    if (splitLoop >= 0 && int64_t(i) != splitLoop) {
      if (int64_t(i) < splitLoop) {
        t[i] = normalized(1, e);
        before *= e;
      }
      continue;
    }
    if (splitLoop < 0 && before * e < cores) {
      t[i] = normalized(1, e);
      before *= e;
      continue;
    }
    int64_t parts = std::max<int64_t>(1, ceilDiv(cores, before));
    t[i] = normalized(roundUp(ceilDiv(e, parts), multipleOf), e);
    break;
  }
  return t;
}
} // namespace

//===----------------------------------------------------------------------===//
// Candidates
//===----------------------------------------------------------------------===//

static ScheduleAttr makeSchedule(MLIRContext *ctx,
                                 ArrayRef<SmallVector<int64_t>> tiles,
                                 ArrayRef<int64_t> order = {},
                                 ArrayRef<int64_t> pack = {},
                                 std::optional<int64_t> prefetch = {}) {
  return ScheduleAttr::get(ctx, tiles, order, pack, std::nullopt, prefetch);
}

SmallVector<ScheduleAttr> CPUCostModel::candidates(Operation *op) const {
  SmallVector<ScheduleAttr> result;
  std::optional<SmallVector<ScheduleLoop>> maybeLoops = getScheduleLoops(op);
  if (!maybeLoops)
    return result;
  ArrayRef<ScheduleLoop> loops = *maybeLoops;
  MLIRContext *ctx = op->getContext();
  Machine m{desc};
  int64_t n = loops.size();
  int64_t L = lanes();
  int64_t eb = elementBytes(op->getResult(0).getType());

  if (isa<MatmulOp>(op)) {
    int64_t nb = n - 3, im = nb, in = nb + 1, ik = nb + 2;
    int64_t M = extentOf(loops[im]), N = extentOf(loops[in]),
            K = extentOf(loops[ik]);
    int64_t batch = 1;
    for (int64_t b = 0; b < nb; ++b)
      batch *= extentOf(loops[b]);
    // The larger parallel dim is split first (ties: M).
    SmallVector<int64_t> splits =
        N > M ? SmallVector<int64_t>{in, im} : SmallVector<int64_t>{im, in};
    SmallVector<int64_t> order;
    for (int64_t b = 0; b < nb; ++b)
      order.push_back(b);
    order.append({in, ik, im}); // Goto: nc, kc, mc.
    for (RegisterTile t : registerTiles()) {
      // A tile wider or taller than the matrix only pads.
      if (t.nr > roundUp(N, L) || t.mr > M)
        continue;
      for (int64_t split : splits) {
        for (bool pack : {false, true}) {
          SmallVector<int64_t> l0(n, 0), l1(n, 0), l2(n, 1);
          for (int64_t b = 0; b < nb; ++b)
            l0[b] = l1[b] = 1;
          if (batch < desc.cores) {
            int64_t parts = ceilDiv(desc.cores, batch);
            int64_t e = split == im ? M : N, unit = split == im ? t.mr : t.nr;
            l0[split] = normalized(roundUp(ceilDiv(e, parts), unit), e);
          }
          int64_t tm = effective(l0[im], M), tn = effective(l0[in], N);
          // The kc x nr panel of B stays in half of L1 while the m tiles
          // pass (their mr x kc panels of A stream through the rest): the
          // largest such kc, since C is re-read once per kc block.
          int64_t kcMax = int64_t(m.l1() / 2 / double(t.nr * eb));
          int64_t kc = std::min(K, std::max<int64_t>(8, roundDown(kcMax, 8)));
          int64_t mc = std::max(
              t.mr, roundDown(int64_t(m.l2() / 2 / double(kc * eb)), t.mr));
          int64_t nc = std::max(
              t.nr, roundDown(int64_t(m.llc() / 2 / double(kc * eb)), t.nr));
          l1[im] = normalized(mc, tm);
          l1[in] = normalized(nc, tn);
          l1[ik] = normalized(kc, K);
          l2[im] = t.mr;
          l2[in] = t.nr;
          l2[ik] = 1;
          SmallVector<int64_t> packTiles;
          if (pack)
            packTiles = {t.mr, t.nr, 1};
          // Packed B beyond the L2 share: each panel's first m tile would
          // wait for it from L3 or memory (the next panel is K * nr
          // elements away, past the hardware prefetchers); prefetch it
          // during the previous sweep. (Measured: 8-10% on the BERT MLP
          // matmuls, neutral on SGEMM 1024.)
          std::optional<int64_t> prefetch;
          if (pack && double(K * roundUp(N, t.nr) * eb) > m.l2())
            prefetch = kPanelPrefetchLocality;
          result.push_back(
              makeSchedule(ctx, {l0, l1, l2}, order, packTiles, prefetch));
        }
        if (batch >= desc.cores)
          break; // the split dim is irrelevant: batches go to threads
      }
    }
    return result;
  }

  if (auto att = dyn_cast<AttentionOp>(op)) {
    int64_t D = extentOf({"", LoopKind::Parallel,
                          cast<ShapedType>(att.getQuery().getType())
                              .getShape()[3]});
    int64_t Sq = extentOf(loops[2]), Sk = extentOf(loops[3]),
            Dv = extentOf(loops[4]);
    for (RegisterTile t : registerTiles()) {
      if (t.nr > roundUp(Dv, L) || t.mr > Sq)
        continue;
      SmallVector<int64_t> l0 = threadTiles(loops, desc.cores, t.mr);
      l0[4] = 0;
      int64_t bk = std::min(
          Sk, pow2Floor(std::max<int64_t>(1, int64_t(m.l1() / 2 /
                                                     double((D + Dv) * eb)))));
      int64_t bq = std::min(
          effective(l0[2], Sq),
          std::max(t.mr, roundDown(pow2Floor(std::max<int64_t>(
                                       1, int64_t(m.l2() / 2 /
                                                  double((D + Dv + bk) * 4)))),
                                   t.mr)));
      SmallVector<int64_t> l1 = {1, 1, normalized(bq, effective(l0[2], Sq)),
                                 normalized(bk, Sk), 0};
      SmallVector<int64_t> l2 = {1, 1, t.mr, 1, t.nr};
      result.push_back(makeSchedule(ctx, {l0, l1, l2}));
    }
    return result;
  }

  // Streaming ops: elementwise, transpose, softmax, norms, reduce.
  SmallVector<int64_t> l0 = threadTiles(loops, desc.cores);
  double pointBytes = double(eb);
  for (Value v : op->getOperands())
    pointBytes += elementBytes(v.getType());
  double redSize = 1;
  for (const ScheduleLoop &l : loops)
    if (l.isReduction())
      redSize *= extentOf(l);
  double budget = std::max(1.0, m.l1() / 2 / (pointBytes * redSize));
  SmallVector<int64_t> l1(n, 0), l2(n, 1);
  double used = 1;
  for (int64_t i = n - 1; i >= 0; --i) {
    if (loops[i].isReduction())
      continue;
    int64_t chunk = effective(l0[i], extentOf(loops[i]));
    int64_t allowed = std::max<int64_t>(1, int64_t(budget / used));
    int64_t tile =
        chunk <= allowed
            ? chunk
            : dividingTile(chunk, allowed, i == n - 1 ? std::min(L, chunk) : 1);
    l1[i] = normalized(tile, chunk);
    used *= tile;
  }
  // The vector shape: the innermost loop (a reduction becomes a vector
  // reduction), and for transpose also the input's innermost loop.
  l2[n - 1] = std::min<int64_t>(L, extentOf(loops[n - 1]));
  if (auto tr = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = tr.getPerm();
    for (int64_t i = 0; i < n; ++i)
      if (perm[i] == n - 1 && i != n - 1)
        l2[i] = std::min<int64_t>(L, extentOf(loops[i]));
  }
  result.push_back(makeSchedule(ctx, {l0, l1, l2}));
  return result;
}

//===----------------------------------------------------------------------===//
// Estimates
//===----------------------------------------------------------------------===//

CostEstimate CPUCostModel::estimate(Operation *op, ScheduleAttr s) const {
  CostEstimate est;
  std::optional<SmallVector<ScheduleLoop>> maybeLoops = getScheduleLoops(op);
  if (!maybeLoops || s.getNumLoops() != maybeLoops->size()) {
    est.fits = false;
    est.why = "the schedule does not match the op's iteration domain";
    return est;
  }
  if (s.getNumLevels() != 3) {
    est.fits = false;
    est.why = "the CPU model needs 3 tiling levels (threads, cache, "
              "registers), got " +
              std::to_string(s.getNumLevels());
    return est;
  }
  ArrayRef<ScheduleLoop> loops = *maybeLoops;
  Machine m{desc};
  int64_t n = loops.size();
  int64_t L = lanes();
  int64_t eb = elementBytes(op->getResult(0).getType());
  ArrayRef<int64_t> l0 = s.getLevel(0), l1 = s.getLevel(1), l2 = s.getLevel(2);
  double perCore = desc.peakF32Gflops(1) * 1e9;

  // Chunks handed to threads and how many rounds the cores need.
  SmallVector<int64_t> chunk(n), block(n), reg(n);
  double chunks = 1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t e = extentOf(loops[i]);
    chunk[i] = effective(l0[i], e);
    block[i] = effective(l1[i], chunk[i]);
    // The register tile is the vector shape: not clamped (edges pad).
    reg[i] = l2[i] == 0 ? block[i] : l2[i];
    chunks *= double(ceilDiv(e, chunk[i]));
  }
  double rounds = std::ceil(chunks / desc.cores);
  int64_t threads = int64_t(std::min<double>(chunks, desc.cores));
  std::string why = "threads " + std::to_string(threads) + "/" +
                    std::to_string(desc.cores);

  if (isa<MatmulOp, AttentionOp>(op)) {
    bool isMatmul = isa<MatmulOp>(op);
    int64_t im = isMatmul ? n - 3 : 2, in = isMatmul ? n - 2 : 4;
    RegisterTile t{reg[im], reg[in]};
    int64_t regs = registersNeeded({t.mr, roundUp(t.nr, L)});
    if (regs > desc.vectorRegisters) {
      est.fits = false;
      est.why = "register tile " + std::to_string(t.mr) + "x" +
                std::to_string(t.nr) + " needs " + std::to_string(regs) +
                " vector registers > " + std::to_string(desc.vectorRegisters) +
                " (spills)";
      return est;
    }
    double eff = registerTileEfficiency({t.mr, roundUp(t.nr, L)}) *
                 (double(t.nr) / double(roundUp(t.nr, L)));
    // Per k step: mr broadcasts and nr/L loads of B against mr*nr/L FMAs.
    double fmaCycles = double(t.mr * ceilDiv(t.nr, L)) / desc.fmaUnitsPerCore;
    double loadCycles = double(t.mr + ceilDiv(t.nr, L)) / kLoadsPerCycle;
    if (loadCycles > fmaCycles) {
      eff *= fmaCycles / loadCycles;
      why += llvm::formatv("; load-bound x{0:f3}", fmaCycles / loadCycles).str();
    }
    why += llvm::formatv("; register tile {0}x{1}: efficiency {2:f3}", t.mr,
                         t.nr, eff)
               .str();
    if (isMatmul) {
      int64_t nb = n - 3, ik = n - 1;
      double B = 1;
      for (int64_t b = 0; b < nb; ++b)
        B *= extentOf(loops[b]);
      double M = extentOf(loops[im]), N = extentOf(loops[in]),
             K = extentOf(loops[ik]);
      double kc = block[ik], mc = block[im], nc = block[in];
      est.flops = 2 * B * M * N * K;
      // The slowest thread computes a full chunk, padded to register tiles.
      double chunkBatch = 1;
      for (int64_t b = 0; b < nb; ++b)
        chunkBatch *= chunk[b];
      double padded = 2 * chunkBatch * double(roundUp(chunk[im], t.mr)) *
                      double(roundUp(chunk[in], t.nr)) * K;
      bool packed = !s.getPack().empty();
      if (!packed && K * N * eb > m.l2()) {
        eff *= kUnpackedEfficiency;
        why += "; unpacked B larger than L2: x" + fmt(kUnpackedEfficiency);
      }
      if (kc * (t.nr + 2 * t.mr) * eb > m.l1()) {
        eff *= kL1MissPenalty;
        why += "; kc panels exceed L1";
      }
      if (mc * kc * eb > m.l2()) {
        eff *= kL2MissPenalty;
        why += "; mc x kc block exceeds L2";
      }
      double compute = rounds * padded / (perCore * eff);
      // Every kc block loads and stores each accumulator tile once more
      // (the first only stores): from L2 when the thread's chunk of C fits
      // its share, else from the outer levels. The micro-kernel waits for
      // those loads, so the time adds to the compute.
      double chunkC = chunkBatch * double(chunk[im]) * double(chunk[in]) * eb;
      double cTraffic = chunkC * (2 * std::ceil(K / kc) - 1);
      std::string ignored;
      double cBandwidth = chunkC <= m.l2()
                              ? kL2BytesPerCycle * desc.frequencyGHz * 1e9
                              : m.streamBandwidth(1, ignored);
      double cTime = rounds * cTraffic / cBandwidth;
      compute += cTime;
      why += "; C re-read " + fmt(cTime * 1e6) + " us";
      // Bytes read from each level (Goto loop nest: nc, kc, mc, nr, mr).
      double l1Bytes = B * M * N * K / (t.mr * t.nr) *
                       double(t.mr + ceilDiv(t.nr, L)) * (desc.vectorBits / 8);
      double l2Bytes = eb * B * M * K * std::ceil(nc / t.nr);
      double l3Bytes = eb * B * (M * K * std::ceil(N / nc) +
                                 K * N * std::ceil(M / mc));
      double footprint = eb * B * (M * K + K * N + M * N);
      double dramBytes =
          footprint <= m.llcTotal()
              ? eb * B * (M * K + K * N + 2 * M * N)
              : eb * B * (M * K * std::ceil(N / nc) + K * N +
                          2 * M * N * std::ceil(K / kc));
      est.bytesByLevel = {{"L1", l1Bytes},
                          {"L2", l2Bytes},
                          {"L" + std::to_string(m.lastLevel()), l3Bytes},
                          {"DRAM", dramBytes}};
      double memory = 0;
      if (desc.dramBandwidthGBps > 0)
        memory = dramBytes / (desc.dramBandwidthGBps * 1e9);
      else
        why += "; DRAM bandwidth unknown: compute and cache-fit model only";
      double packTime = 0;
      if (packed) {
        // A constant operand (weights) is packed at compile time. The
        // others are copied at run time: read, write-allocate and write of
        // every element, at memory speed (the operand comes from the
        // caller or an earlier op and is rarely cache-resident at size).
        auto isConstant = [&](unsigned i) {
          return matchPattern(op->getOperand(i), m_Constant());
        };
        double elements = (isConstant(0) ? 0 : M * K) + (isConstant(1) ? 0 : K * N);
        double bandwidth =
            desc.dramBandwidthGBps > 0
                ? desc.dramBandwidthGBps * 1e9
                : desc.cores * kUnknownDramBytesPerCycle * desc.frequencyGHz * 1e9;
        packTime = 3 * eb * B * elements / bandwidth;
        why += "; packing " + fmt(packTime * 1e6) + " us";
      }
      est.seconds = overlapped(compute, memory) + packTime;
      why += compute >= memory ? "; compute-bound" : "; memory-bound";
      est.why = why;
      return est;
    }
    // Attention: two matmuls plus a softmax over [B, Hq, Sq, Sk].
    auto att = cast<AttentionOp>(op);
    double D = extentOf({"", LoopKind::Parallel,
                         cast<ShapedType>(att.getQuery().getType())
                             .getShape()[3]});
    double B = extentOf(loops[0]), H = extentOf(loops[1]),
           Sq = extentOf(loops[2]), Sk = extentOf(loops[3]),
           Dv = extentOf(loops[4]);
    est.flops = 2 * B * H * Sq * Sk * (D + Dv) + 5 * B * H * Sq * Sk;
    double chunkBH = double(chunk[0]) * chunk[1];
    double padded = chunkBH * double(roundUp(chunk[2], t.mr)) * Sk *
                    (2 * D + 2 * double(roundUp(chunk[4], t.nr)));
    double softmax = chunkBH * chunk[2] * Sk * 5 / double(L);
    double compute =
        rounds * (padded / (perCore * eff) +
                  softmax / (desc.fmaUnitsPerCore * desc.frequencyGHz * 1e9));
    double kvBytes = eb * B * H * Sk * (D + Dv);
    double ioBytes = eb * B * H * Sq * (D + Dv);
    for (Value v : op->getOperands().drop_front(3))
      ioBytes += numElements(v.getType()) * elementBytes(v.getType());
    double l2Bytes = kvBytes * std::ceil(Sq / block[2]);
    double dram = ioBytes + kvBytes;
    est.bytesByLevel = {{"L2", l2Bytes}, {"DRAM", dram}};
    std::string w;
    double memory = dram / m.streamBandwidth(threads, w);
    why += w;
    est.seconds = overlapped(compute, memory);
    why += compute >= memory ? "; compute-bound" : "; memory-bound";
    est.why = why;
    return est;
  }

  // Streaming ops: elementwise, transpose, softmax, norms, reduce.
  double points = 1, chunkPoints = 1;
  for (int64_t i = 0; i < n; ++i) {
    points *= extentOf(loops[i]);
    // Pad the vectorized innermost loop to whole vectors.
    chunkPoints *= i == n - 1 ? double(roundUp(chunk[i], std::max<int64_t>(
                                                             1, reg[i])))
                              : double(chunk[i]);
  }
  double ops = opsPerPoint(op);
  est.flops = points * ops;
  double bytes = numElements(op->getResult(0).getType()) * eb;
  for (Value v : op->getOperands())
    bytes += numElements(v.getType()) * elementBytes(v.getType());
  double vecWidth = std::max<int64_t>(1, std::min<int64_t>(reg[n - 1], L));
  double compute = rounds * chunkPoints * ops /
                   (vecWidth * desc.fmaUnitsPerCore * desc.frequencyGHz * 1e9);
  std::string w;
  double memory = bytes / m.streamBandwidth(threads, w);
  why += w;
  double blockBytes = 1;
  for (int64_t i = 0; i < n; ++i)
    blockBytes *= block[i];
  blockBytes *= eb * 2;
  if (blockBytes > m.l2()) {
    memory /= kL2MissPenalty;
    why += "; cache block exceeds L2";
  }
  est.bytesByLevel = {{"DRAM", bytes}};
  est.seconds = overlapped(compute, memory);
  why += compute >= memory ? "; compute-bound" : "; memory-bound";
  est.why = why;
  return est;
}
