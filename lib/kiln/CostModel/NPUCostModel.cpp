//===- NPUCostModel.cpp - Analytical cost model of the reference NPU ------===//
//
// Mirrors what kiln-npu-lower-to-npu does with a schedule and what the
// simulator charges for it (docs/npu.md, docs/npu-compiler.md): three
// engines (load DMA, matrix unit, store DMA) overlapping through double
// buffers, so time = the busiest engine + the pipeline's fill (first tiles
// loaded) and drain (last tile stored).
//
//===----------------------------------------------------------------------===//

#include "kiln/CostModel/NPUCostModel.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A DMA moving `runs` contiguous DRAM runs of `runBytes` each (each run
/// rounded up to the burst), as the simulator charges it.
double dmaRuns(const npu::NPUTargetDescription &d, int64_t runs,
               int64_t runBytes) {
  return d.dmaSetupCycles +
         double(runs * ceilDiv(runBytes, d.dmaBurstBytes) * d.dmaBurstBytes) /
             d.offChipBytesPerCycle();
}

/// An operand of an elementwise op that lowerElementwise loads once and
/// reads with stride 0 (one element, or one row of the result's `cols`)
/// rather than tile by tile in the result's shape.
bool loadedOnce(RankedTensorType operand, RankedTensorType result,
                int64_t cols) {
  return operand.getShape() != result.getShape() &&
         (operand.getNumElements() == 1 ||
          (operand.getRank() >= 1 && operand.getNumElements() == cols &&
           operand.getDimSize(operand.getRank() - 1) == cols));
}

/// One DMA of a tile of r rows of c contiguous elements (of eb bytes) out
/// of rows of `stride` elements: one run when the rows are whole, else one
/// run a row (the matmul and attention estimates' operand tiles).
double dmaTile(const npu::NPUTargetDescription &d, int64_t r, int64_t c,
               int64_t stride, unsigned eb) {
  return c == stride ? dmaRuns(d, 1, r * c * eb) : dmaRuns(d, r, c * eb);
}

std::optional<npu::ElemType> elemOf(Type t) {
  if (t.isF32())
    return npu::ElemType::F32;
  if (t.isF16())
    return npu::ElemType::F16;
  if (t.isBF16())
    return npu::ElemType::BF16;
  if (t.isInteger(8))
    return npu::ElemType::I8;
  return std::nullopt;
}
} // namespace

bool kiln::resolveNPUTargetDescription(const std::string &spec,
                                       const std::string &dir,
                                       npu::NPUTargetDescription &description,
                                       std::string &error) {
  std::string base = dir.empty() ? std::string(KILN_SOURCE_TARGETS_DIR) : dir;
  std::vector<std::string> tried;
  if (llvm::StringRef(spec).ends_with(".json") || spec.find('/') != std::string::npos)
    tried.push_back(spec);
  else
    for (std::string name : {"npu-" + spec + ".json", spec + ".json"}) {
      llvm::SmallString<256> p(base);
      llvm::sys::path::append(p, name);
      tried.push_back(std::string(p));
    }
  for (const std::string &path : tried)
    if (llvm::sys::fs::exists(path))
      return npu::loadNPUTargetDescription(path, description, error);
  error = "no NPU description '" + spec + "' (tried";
  for (const std::string &path : tried)
    error += " " + path;
  error += ")";
  return false;
}

NPUMatmulCost kiln::estimateNPUMatmul(const npu::NPUTargetDescription &d,
                                      const NPUMatmulPlan &p) {
  NPUMatmulCost c;
  const npu::MatrixDType *md = d.matrixDType(p.in);
  const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad),
                         *acc = d.memory(npu::MemoryKind::Accumulator),
                         *dram = d.memory(npu::MemoryKind::DRAM);
  if (!md || !spad || !acc || !dram) {
    c.fits = false;
    c.why = "the matrix unit does not accept the element type";
    return c;
  }
  unsigned eb = npu::elemBytes(p.in), ob = npu::elemBytes(p.out);
  int64_t mT = ceilDiv(p.m, p.tm), nT = ceilDiv(p.n, p.tn),
          kT = ceilDiv(p.k, p.tk);
  // Buffers: double-buffered when their loop has more than one trip
  // (conservatively: always two copies).
  c.spadBytes = 2 * uint64_t(p.tm * p.tk + p.tk * p.tn) * eb +
                (p.out == npu::ElemType::F32 && !p.epilogue
                     ? 0
                     : 2 * uint64_t(p.tm * p.tn) * ob) +
                uint64_t(p.epilogueFull * p.tm * p.tn + p.epilogueRows * p.tn) *
                    ob;
  c.accBytes = 2 * uint64_t(ceilDiv(p.tn, p.sn) * p.sn * p.tm) * 4;
  if (c.spadBytes > spad->sizeBytes || c.accBytes > acc->sizeBytes) {
    c.fits = false;
    c.why = llvm::formatv("SRAM tiles need {0} B SPAD / {1} B ACC (have {2} / "
                          "{3})",
                          c.spadBytes, c.accBytes, spad->sizeBytes,
                          acc->sizeBytes);
    return c;
  }
  // How often each operand's tiles are loaded (the lowering loads a tile
  // in the innermost loop it depends on; loops of one trip are not loops).
  bool kLoop = kT > 1;
  double aLoads = (kLoop || !p.mOuter) ? double(nT) : 1.0;
  double bLoads = (kLoop || p.mOuter) ? double(mT) : 1.0;
  double load = 0, compute = 0, store = 0;
  // A tiles: mT*kT distinct tiles, each loaded aLoads times.
  for (int64_t mi = 0; mi < mT; ++mi)
    for (int64_t ki = 0; ki < kT; ++ki)
      load += aLoads * dmaTile(d, std::min(p.tm, p.m - mi * p.tm),
                               std::min(p.tk, p.k - ki * p.tk), p.k, eb);
  for (int64_t ki = 0; ki < kT; ++ki)
    for (int64_t ni = 0; ni < nT; ++ni)
      load += bLoads * dmaTile(d, std::min(p.tk, p.k - ki * p.tk),
                               std::min(p.tn, p.n - ni * p.tn), p.n, eb);
  c.loadBytes = p.batch * eb * (aLoads * p.m * p.k + bLoads * p.k * p.n);
  // Matrix: every array tile streams its rows; weight loads hide behind the
  // previous stream when it is at least as long.
  // Consecutive matmuls into one ACC block wait for the previous one to
  // leave the array (rows + cols cycles after its stream: the in-queue
  // scoreboard); the lowering cycles through nB = (tn/sn)*(tm/sm) blocks
  // per K step, so each matmul takes max(stream, weight load,
  // (stream + rows + cols) / nB).
  int64_t instr = 0;
  double arrayLatency = d.matrixRows + d.matrixCols;
  for (int64_t mi = 0; mi < mT; ++mi) {
    int64_t tm = std::min(p.tm, p.m - mi * p.tm);
    int64_t perInstrRows = std::min(p.sm, tm);
    int64_t mSub = ceilDiv(tm, perInstrRows);
    for (int64_t ni = 0; ni < nT; ++ni) {
      int64_t tn = std::min(p.tn, p.n - ni * p.tn);
      int64_t nSub = ceilDiv(tn, p.sn);
      double blocks = double(nSub * mSub);
      for (int64_t s = 0; s < mSub; ++s) {
        int64_t rows = std::min(perInstrRows, tm - s * perInstrRows);
        double stream = double(rows) * md->cyclesPerRow;
        double each = std::max({stream, double(d.weightLoadCycles),
                                (stream + arrayLatency) / blocks});
        compute += double(nSub) * ceilDiv(p.k, p.sk) * each;
        instr += nSub * ceilDiv(p.k, p.sk);
      }
    }
  }
  // Stores: one DMA per ACC column block of every output tile.
  for (int64_t mi = 0; mi < mT; ++mi)
    for (int64_t ni = 0; ni < nT; ++ni) {
      int64_t tm = std::min(p.tm, p.m - mi * p.tm),
              tn = std::min(p.tn, p.n - ni * p.tn);
      for (int64_t j = 0; j < tn; j += p.sn)
        store += dmaTile(d, tm, std::min(p.sn, tn - j), p.n, ob);
    }
  c.storeBytes = double(p.batch) * p.m * p.n * ob;
  // The epilogue's full-shape operands: one tile per output tile.
  for (int64_t mi = 0; mi < mT && p.epilogueFull; ++mi)
    for (int64_t ni = 0; ni < nT; ++ni)
      load +=
          p.epilogueFull * dmaTile(d, std::min(p.tm, p.m - mi * p.tm),
                                   std::min(p.tn, p.n - ni * p.tn), p.n, ob);
  c.loadBytes += double(p.batch) * p.epilogueFull * p.m * p.n * ob;
  load *= p.batch;
  compute *= p.batch;
  store *= p.batch;
  c.loadCycles = load;
  c.computeCycles = compute;
  c.storeCycles = store;
  // Fill: the first A and B tiles before the array starts; drain: the last
  // output tile after it stops (plus DRAM latency each way).
  double fill = dmaTile(d, std::min(p.tm, p.m), std::min(p.tk, p.k), p.k, eb) +
                dmaTile(d, std::min(p.tk, p.k), std::min(p.tn, p.n), p.n, eb) +
                dram->latencyCycles + d.weightLoadCycles;
  int64_t lastTn = std::min(p.tn, p.n);
  double drain =
      ceilDiv(lastTn, p.sn) *
          dmaTile(d, std::min(p.tm, p.m), std::min(p.sn, lastTn), p.n, ob) +
      dram->latencyCycles + d.matrixRows + d.matrixCols;
  // The engines overlap through double buffers. Per SRAM tile step the
  // load DMA (slowed by the store DMA sharing the bus) and the array run
  // in parallel, but a buffer goes round trip load -> DRAM latency ->
  // compute -> array drain -> free with two slots, so a step takes at
  // least half of that round trip.
  double steps = double(p.batch) * mT * nT * kT;
  // (The load and store DMAs share the bus as in pipelineRows: the one
  // that starts second gets at least half of it, so together they move at
  // most 1.5x its bandwidth.)
  double pl = std::max({load, store, 0.75 * (load + store)}) / steps,
         pc = compute / steps;
  double period = std::max(
      {pl, pc, (pl + pc + dram->latencyCycles + arrayLatency) / 2.0});
  // One step: nothing to overlap with (fill and drain hold the DMAs).
  if (steps <= 1)
    period = pc;
  c.cycles = fill + steps * period + drain;
  c.why = llvm::formatv("compute {0:f0} / load {1:f0} / store {2:f0} cycles, "
                        "{3} array tiles",
                        compute, load, store, instr);
  return c;
}

/// kiln.attention as kiln-npu-lower-to-npu lowers it (LowerAttention.cpp):
/// per (batch, head, query tile of tq) the key/value tiles of tk stream
/// through (double-buffered DMA) while the array computes S = Q K^T and
/// P V and the vector unit the online softmax between them. The array and
/// the vector unit share the in-order compute queue and wait on each other
/// (S and P are single buffers), so a key tile costs its S chain, the
/// softmax chain and the P V chain with the O rescale behind it, or its
/// DMA if that is longer.
struct AttentionShape {
  int64_t b = 0, hq = 0, sq = 0, sk = 0, d = 0, dv = 0;
  bool causal = false;
  unsigned maskBytes = 0; // 0: no mask
  bool maskRowBroadcast = false;
  npu::ElemType in = npu::ElemType::F32;
  unsigned eb = 4;
};

static std::optional<AttentionShape> attentionShape(AttentionOp op) {
  auto q = cast<RankedTensorType>(op.getQuery().getType());
  auto k = cast<RankedTensorType>(op.getKey().getType());
  auto v = cast<RankedTensorType>(op.getValue().getType());
  if (q.getRank() != 4 || !q.hasStaticShape() || !k.hasStaticShape() ||
      !v.hasStaticShape())
    return std::nullopt;
  std::optional<npu::ElemType> in = elemOf(q.getElementType());
  if (!in || *in == npu::ElemType::I8)
    return std::nullopt;
  AttentionShape s;
  s.in = *in;
  s.eb = npu::elemBytes(*in);
  s.b = q.getDimSize(0), s.hq = q.getDimSize(1), s.sq = q.getDimSize(2),
  s.d = q.getDimSize(3), s.sk = k.getDimSize(2), s.dv = v.getDimSize(3);
  s.causal = op.getCausal();
  if (Value m = op.getMask()) {
    auto mt = cast<RankedTensorType>(m.getType());
    s.maskBytes = mt.getElementType().isInteger(1) ? 1 : s.eb;
    s.maskRowBroadcast =
        mt.getRank() < 2 || mt.getDimSize(mt.getRank() - 2) == 1;
  }
  if (s.b <= 0 || s.hq <= 0 || s.sq <= 0 || s.sk <= 0 || s.d <= 0 || s.dv <= 0)
    return std::nullopt;
  return s;
}

std::optional<std::pair<int64_t, int64_t>>
kiln::npuCausalBandOffsets(int64_t sq, int64_t sk, int64_t tq, int64_t tk) {
  int64_t dMin = INT64_MAX, dMax = INT64_MIN;
  for (int64_t qi = 0; qi < sq; qi += tq) {
    int64_t kvEnd = std::min(sk, qi + std::min(tq, sq - qi) + (sk - sq));
    for (int64_t kj = 0; kj < kvEnd; kj += tk) {
      int64_t d = qi + (sk - sq) - kj;
      if (d < std::min(tk, sk - kj) - 1)
        dMin = std::min(dMin, d), dMax = std::max(dMax, d);
    }
  }
  if (dMin > dMax)
    return std::nullopt;
  return std::make_pair(dMin, dMax);
}

static double estimateAttention(const npu::NPUTargetDescription &d,
                                const AttentionShape &s, int64_t tq,
                                int64_t tk, bool &fits, double &dramBytes) {
  const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad),
                         *acc = d.memory(npu::MemoryKind::Accumulator),
                         *dram = d.memory(npu::MemoryKind::DRAM);
  const npu::MatrixDType *md = d.matrixDType(s.in);
  fits = false;
  if (!spad || !acc || !dram || !md || !d.vectorSupports(s.in))
    return 0;
  unsigned eb = s.eb;
  bool narrow = s.in != npu::ElemType::F32;
  // The causal band, as the lowering sizes it.
  std::optional<std::pair<int64_t, int64_t>> offsets =
      s.causal ? npuCausalBandOffsets(s.sq, s.sk, tq, tk) : std::nullopt;
  int64_t band =
      offsets ? tq * (tk + offsets->second - offsets->first) : 0;
  int64_t dk = std::max(s.d, s.dv), mr = s.maskRowBroadcast ? 1 : tq;
  uint64_t spadBytes = 4 * uint64_t(4 + band + 5 * tq +
                                    (narrow ? tq * s.dv : 0)) +
                       eb * uint64_t(tq * tk + 2 * tq * s.d + 2 * tq * s.dv +
                                     4 * tk * dk) +
                       (s.maskBytes ? 2 * uint64_t(mr * tk) * s.maskBytes : 0);
  uint64_t accBytes = 4 * uint64_t(tq * tk + tq * s.dv);
  // Allocations are 64-byte aligned: a little slack per buffer.
  if (spadBytes + 12 * 64 > spad->sizeBytes || accBytes + 128 > acc->sizeBytes)
    return 0;
  fits = true;

  double spadBw = double(spad->banks) * spad->bankBytesPerCycle,
         accBw = double(acc->banks) * acc->bankBytesPerCycle;
  // One vector instruction over n elements moving `spadB` bytes through
  // SPAD and `accB` through ACC (a stride-0 operand moves one row or one
  // value): its lane groups or the busier SRAM's banks, as the simulator
  // charges it.
  auto vec = [&](int64_t n, bool special, double spadB, double accB) {
    double groups = double(ceilDiv(n, d.vectorLanes)) *
                    (special ? d.vectorSpecialCycles : 1.0);
    return std::max({groups, std::ceil(spadB / spadBw),
                     std::ceil(accB / accBw)}) +
           1.0;
  };
  auto each = [&](int64_t m) {
    return std::max(double(m) * md->cyclesPerRow, double(d.weightLoadCycles));
  };
  auto matmuls = [&](int64_t m, int64_t k, int64_t n) {
    // Each chain waits on the vector unit (S, then P), so its first weight
    // load and its last row's trip through the array are exposed; the
    // other weight loads hide behind the stream before them.
    return double(ceilDiv(k, d.matrixRows) * ceilDiv(n, d.matrixCols) - 1) *
               each(m) +
           double(m) * md->cyclesPerRow + d.weightLoadCycles + d.matrixRows +
           d.matrixCols;
  };
  double lat = d.vectorLatencyCycles;
  double total = 0, bytes = 0;
  // Where the operands live: S (and, for narrow types, exp(S - m)) in ACC
  // as f32; P in SPAD in the inputs' type; O and the per-row values in
  // SPAD as f32.
  for (int64_t qi = 0; qi < s.sq; qi += tq) {
    int64_t tqr = std::min(tq, s.sq - qi);
    double rowB = 4.0 * tqr, oB = 4.0 * tqr * s.dv;
    // Query load and scale (f32: Q itself), output, m and l start.
    double qLoad = dmaTile(d, tqr, s.d, s.d, eb);
    double head = (narrow ? 0.0 : vec(tqr * s.d, false, 2.0 * eb * tqr * s.d, 0) + lat) +
                  vec(tqr * s.dv, false, oB, 0) + 2 * vec(tqr, false, rowB, 0) +
                  3 * lat;
    // The last tile's O += P V, 1/l, O / l.
    double addPV = vec(tqr * s.dv, false, 2 * oB, oB);
    double tail = addPV + vec(tqr, true, 2 * rowB, 0) +
                  vec(tqr * s.dv, false, oB + double(eb) * tqr * s.dv + rowB, 0) +
                  3 * lat;
    double oStore = dmaTile(d, tqr, s.dv, s.dv, eb);
    bytes += double(eb) * tqr * (s.d + s.dv);
    int64_t kvEnd = s.causal ? std::min(s.sk, qi + tqr + s.sk - s.sq) : s.sk;
    double blocks = 0;
    for (int64_t kj = 0; kj < kvEnd; kj += tk) {
      int64_t tkr = std::min(tk, s.sk - kj), n = tqr * tkr;
      // One compute queue issues in order: the S chain (issue to its
      // last row out of the array), then the vector chain up to P and the
      // row sums (each op waits for the one it reads), the P V chain, O *=
      // alpha behind the chain's issue, and O += P V once P V is out. The
      // next tile's S chain issues behind that add and runs under it.
      double sChain = matmuls(tqr, s.d, tkr);
      double pvDone = matmuls(tqr, tkr, s.dv);
      int64_t nPV = ceilDiv(tkr, d.matrixRows) * ceilDiv(s.dv, d.matrixCols);
      double pvLastIssue =
          nPV >= 2 ? d.weightLoadCycles + (nPV - 2) * each(tqr) : 0.0;
      double sB = 4.0 * n, pB = double(eb) * n;
      double crit =
          vec(n, false, rowB, sB) + 2 * vec(tqr, false, 3 * rowB, 0) + // m'
          vec(tqr, true, 2 * rowB, 0) +                              // alpha
          vec(tqr, false, 2 * rowB, 0) +                             // m = m'
          (narrow ? vec(n, false, rowB, 2 * sB) + vec(n, true, 0, 2 * sB) +
                        vec(n, false, rowB, sB) + vec(n, false, pB, sB) + lat
                  : vec(n, false, pB + rowB, sB) + vec(n, true, 2 * pB, 0) +
                        vec(n, false, pB + rowB, 0)) + // P, its row sum
          2 * vec(tqr, false, 3 * rowB, 0) +               // l
          6 * lat;
      if (s.maskBytes) // a row of the mask per tile, or a tile of it
        crit += vec(n, false,
                    double(s.maskRowBroadcast ? tkr : n) * s.maskBytes,
                    2 * sB) +
                lat;
      if (narrow) // the scores scaled in ACC
        crit += vec(n, false, 0, 2 * sB) + lat;
      int64_t dd = qi + s.sk - s.sq - kj;
      if (s.causal && dd < tkr - 1)
        crit += vec(n, false, sB, 2 * sB) + lat;
      double rescale = vec(tqr * s.dv, false, 2 * oB + rowB, 0);
      double period = std::max(sChain, addPV) + crit +
                      std::max(pvLastIssue + rescale, pvDone) + 1;
      double load =
          dmaTile(d, tkr, s.d, s.d, eb) + dmaTile(d, tkr, s.dv, s.dv, eb);
      bytes += double(eb) * tkr * (s.d + s.dv);
      if (s.maskBytes) {
        int64_t r = s.maskRowBroadcast ? 1 : tqr;
        load += dmaTile(d, r, tkr, s.sk, s.maskBytes);
        bytes += double(r) * tkr * s.maskBytes;
      }
      blocks += std::max(period, load);
    }
    // The key loop's double buffer is credited per execution when its
    // trip count varies (causal) or is odd, so each query tile's first
    // key/value tile arrives with nothing to hide behind (InsertTokens).
    int64_t nK = ceilDiv(kvEnd, tk);
    bool restarts = s.causal ? s.sq > tq : (nK > 1 && nK % 2 != 0);
    if (restarts)
      blocks += dmaTile(d, tk, s.d, s.d, eb) + dmaTile(d, tk, s.dv, s.dv, eb) +
                dram->latencyCycles;
    total += std::max(head + blocks + tail, qLoad + oStore);
  }
  total *= double(s.b) * s.hq;
  bytes *= double(s.b) * s.hq;
  dramBytes = bytes + 4.0 * (4 + band);
  // Fill: the parameters, the first query and key/value tiles; drain: the
  // last output tile.
  double fill = dmaTile(d, 1, 4 + band, 4 + band, 4) +
                dmaTile(d, tq, s.d, s.d, eb) + 2 * dmaTile(d, tk, dk, dk, eb) +
                dram->latencyCycles;
  double drain = dmaTile(d, tq, s.dv, s.dv, eb) + dram->latencyCycles;
  return fill + total + drain;
}

/// Query and key tiles: powers of two from the array's size up, and the
/// whole extent.
static SmallVector<int64_t> attentionTiles(int64_t extent, int64_t unit) {
  SmallVector<int64_t> v;
  for (int64_t t = std::max<int64_t>(8, unit); t < extent; t *= 2)
    v.push_back(t);
  v.push_back(extent);
  return v;
}

static bool isElementwise(Operation *op) {
  return isa<ExpOp, LogOp, TanhOp, ErfOp, SqrtOp, RsqrtOp, NegOp, AbsOp,
             ReluOp, SigmoidOp, SiluOp, GeluOp, AddOp, SubOp, MulOp, DivOp,
             MaxOp, MinOp, PowOp>(op);
}

//===----------------------------------------------------------------------===//
// Row-tile nests of layer_norm, rms_norm, reduce (lowerRowwise) and of the
// DMA copies through SPAD (transpose: copyThroughSpad). Level 1 of the
// schedule holds the row tile at the second-to-last loop.
//===----------------------------------------------------------------------===//

namespace {
/// One row tile's cycles: its load DMAs, its vector instructions, its
/// store DMAs.
struct RowStep {
  double load = 0, compute = 0, store = 0;
};

/// Issue cycles of one vector instruction over `elems` elements whose
/// operands move `bytes` through SPAD: its groups (special functions:
/// special_cycles each), at least the scratchpad banks' time.
/// `wide`: in the int64 domain (i64_cycles per group, but for copies).
double vecIssue(const npu::NPUTargetDescription &d, int64_t elems,
                int64_t bytes, bool special, bool wide = false) {
  const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad);
  double groups = double(ceilDiv(elems, d.vectorLanes)) *
                  (special ? d.vectorSpecialCycles : 1) *
                  (wide ? d.vectorI64Cycles : 1);
  double bank = std::ceil(double(bytes) /
                          double(spad->banks * spad->bankBytesPerCycle));
  return std::max(groups, bank);
}

/// `outer` x ceil(rows / tr) row tiles, pipelined through double buffers:
/// fill (`setup`: loads before the loop, the first tile's load and the
/// DRAM latency), one period per further tile, drain (the last tile's
/// compute and store, DRAM latency and `tail`). A buffer's round trip
/// (load, latency, compute, `tail`) spans two tiles. `partialGaps`: the
/// gap before a partial tile is its own (shorter) DMA time when DMA-bound
/// (the vector-unit row nests: the gap between two tiles is the second
/// one's DMAs or the first one's compute); without it every gap but those
/// after a partial tile counts a full tile (the elementwise and copy
/// estimates, calibrated so).
double pipelineRows(const npu::NPUTargetDescription &d, int64_t outer,
                    int64_t rows, int64_t tr,
                    llvm::function_ref<RowStep(int64_t)> step, double setup,
                    double tail, bool partialGaps = false) {
  const npu::MemoryLevel *dram = d.memory(npu::MemoryKind::DRAM);
  tr = std::min(tr, rows);
  int64_t full = rows / tr, rem = rows % tr;
  RowStep f = step(tr), l = rem ? step(rem) : f;
  double fill = setup + f.load + dram->latencyCycles;
  double drain = l.compute + l.store + dram->latencyCycles + tail;
  // The time between two tiles' starts. The load and store DMAs share the
  // off-chip bus, but the simulator's bank model lets the engine that
  // starts second take at least half of it while the first keeps its rate:
  // two equal transfers take 3/4 of their sum, not all of it.
  auto period = [&](const RowStep &s) {
    double pl = std::max({s.load, s.store, 0.75 * (s.load + s.store)});
    return std::max(
        {pl, s.compute, (pl + s.compute + dram->latencyCycles + tail) / 2});
  };
  if (partialGaps && rem) {
    // From tile a's start to the next one's, b: b's DMAs, or a's compute,
    // or a buffer's round trip.
    auto gap = [&](const RowStep &a, const RowStep &b) {
      double pl = std::max({b.load, b.store, 0.75 * (b.load + b.store)});
      return std::max(
          {pl, a.compute, (pl + a.compute + dram->latencyCycles + tail) / 2});
    };
    return fill + double(outer) * double(full - 1) * gap(f, f) +
           double(outer) * gap(f, l) + double(outer - 1) * gap(l, f) + drain;
  }
  // Every tile but the last is one period (a partial tile ends each of the
  // `outer` row loops); the last one is the drain.
  double fullBefore = double(outer) * double(full) - (rem ? 0 : 1),
         partialBefore = rem ? double(outer - 1) : 0;
  return fill + fullBefore * period(f) + partialBefore * period(l) + drain;
}

/// One nest of lowerRowwise for a softmax, layer_norm, rms_norm or reduce
/// (npuRowwiseSteps): rows x cols (rows = outer x inner, cols reduced) in
/// tiles of rows, f32 on chip (a bf16/f16 tile converted by the vector
/// copy after its load, the result before its store); a reduce of
/// integers keeps its tile in its type and accumulates in i32 or i64
/// (npuRowwiseComputeType; the int64 domain at i64_cycles per group).
struct RowwisePlan {
  int64_t rank = 0, rows = 0, cols = 0;
  NPURowwiseStep step;
  bool softmax = false, layerNorm = false, reduce = false, mean = false;
  int64_t paramRows = 0; // scale and bias rows loaded once
  int64_t scalars = 0;   // 1/cols, epsilon
  int64_t ebIn = 4, ebOut = 4; // DRAM element bytes of input and result
  int64_t chunk = 0; // chunks of the reduced dim (0: whole rows)
  bool convertIn = false, convertOut = false; // vector copies to/from ebAcc
  bool integer = false; // the integer domain (a reduce of integers)
  bool wide = false;    // ... the int64 one
  int64_t ebX = 4;      // on-chip bytes of a tile element
  int64_t ebAcc = 4;    // bytes of the per-row values (and parameters)
};

/// The nests of `op`, in order (several for a reduce over blocks of axes,
/// through f32 temporaries; only the last one takes the mean).
SmallVector<RowwisePlan> rowwisePlansOf(Operation *op) {
  SmallVector<NPURowwiseStep> steps = npuRowwiseSteps(op);
  auto t = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (steps.empty() || t.getRank() < 2)
    return {};
  Type e = t.getElementType(), ec = npuRowwiseComputeType(op);
  if (!ec)
    return {};
  bool integer = isa<IntegerType>(ec);
  auto bytesOf = [](Type t) {
    return std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
  };
  auto layerNorm = dyn_cast<LayerNormOp>(op);
  auto rmsNorm = dyn_cast<RmsNormOp>(op);
  auto reduce = dyn_cast<ReduceOp>(op);
  SmallVector<RowwisePlan> plans;
  for (auto [i, s] : llvm::enumerate(steps)) {
    bool last = i + 1 == steps.size();
    RowwisePlan p;
    p.rank = t.getRank();
    p.step = s;
    p.cols = s.reduced;
    p.rows = s.outer * s.inner;
    if (p.rows == 0 || p.cols == 0)
      return {};
    p.ebAcc = bytesOf(ec);
    p.ebIn = i == 0 ? bytesOf(e) : p.ebAcc;
    p.ebOut = last ? bytesOf(e) : p.ebAcc;
    p.integer = integer;
    p.wide = integer && ec.isInteger(64);
    p.ebX = integer ? p.ebIn : 4;
    p.convertIn = p.ebIn != p.ebX;
    p.convertOut = p.ebOut != p.ebAcc;
    p.softmax = isa<SoftmaxOp>(op);
    p.layerNorm = bool(layerNorm);
    p.reduce = bool(reduce);
    p.mean = last && reduce && reduce.getKind() == ReduceKind::mean;
    p.paramRows = layerNorm ? (layerNorm.getScale() ? 1 : 0) +
                                  (layerNorm.getBias() ? 1 : 0)
                  : rmsNorm ? (rmsNorm.getScale() ? 1 : 0)
                            : 0;
    p.scalars = reduce ? (p.mean ? 1 : 0) : p.softmax ? 0 : 2;
    plans.push_back(p);
  }
  return plans;
}

/// The instructions lowerRowwise emits per tile of `r` rows, in order (each
/// reads the previous one's result, so each waits for its completion).
double rowwiseCompute(const npu::NPUTargetDescription &d,
                      const RowwisePlan &p, int64_t r) {
  int64_t rc = r * p.cols;
  // {elements, SPAD bytes of all operands, special}
  SmallVector<std::tuple<int64_t, int64_t, bool>> ins;
  auto reduceRows = [&] { ins.push_back({rc, 4 * rc + 4 * r, false}); };
  if (p.reduce && p.integer) {
    // The reduction (and a mean's truncating division, at special_cycles)
    // in the integer domain, the result's conversion (a copy: one group
    // per cycle even from i64).
    double cycles = vecIssue(d, rc, p.ebX * rc + p.ebAcc * r, false, p.wide);
    int64_t n = 1;
    if (p.mean)
      cycles += vecIssue(d, r, 3 * p.ebAcc * r, true, p.wide), ++n;
    if (p.convertOut)
      cycles += vecIssue(d, r, (p.ebOut + p.ebAcc) * r, false), ++n;
    return cycles + double(n - 1) * d.vectorLatencyCycles;
  }
  auto perRow = [&](bool special) {
    ins.push_back({r, (special ? 8 : 12) * r, special});
  };
  auto perElem = [&] { ins.push_back({rc, 12 * rc, false}); };
  if (p.convertIn)
    ins.push_back({rc, (p.ebIn + 4) * rc, false}); // to f32
  if (p.reduce) {
    reduceRows();
    if (p.mean)
      perRow(false);
  } else if (p.softmax) {
    reduceRows();                        // max
    perElem();                           // x - max
    ins.push_back({rc, 8 * rc, true});   // exp
    reduceRows();                        // sum
    ins.push_back({rc, 12 * rc, true});  // / sum
  } else {
    if (p.layerNorm) {
      reduceRows(); // sum
      perRow(false); // * 1/cols
      perElem();     // x - mean
    }
    perElem();     // x * x
    reduceRows();  // sum
    perRow(false); // * 1/cols
    perRow(false); // + eps
    perRow(true);  // rsqrt
    perElem();     // x * r
    for (int64_t i = 0; i < p.paramRows; ++i)
      perElem(); // * scale, + bias
  }
  int64_t outElems = p.reduce ? r : rc;
  if (p.convertOut)
    ins.push_back({outElems, (p.ebOut + 4) * outElems, false}); // rounded
  double cycles = 0;
  for (auto [elems, bytes, special] : ins)
    cycles += vecIssue(d, elems, bytes, special);
  return cycles + double(ins.size() - 1) * d.vectorLatencyCycles;
}

/// SPAD bytes of lowerRowwise's buffers for a row tile of `tr` rows.
int64_t rowwiseSpadBytes(const RowwisePlan &p, int64_t tr) {
  auto [to, ti] = npuRowTileShape(p.step, tr);
  int64_t rows = to * ti;
  if (p.reduce && p.integer) {
    // The tile in its type (double-buffered); the per-row values (the
    // running ones double-buffered, and per chunk), the divisor, the
    // result in its type.
    bool chunked = p.chunk && p.chunk < p.cols;
    int64_t tileElems = rows * (chunked ? p.chunk : p.cols);
    return 2 * tileElems * p.ebX +
           p.ebAcc * ((chunked ? 3 : 2) * rows + p.scalars) +
           (p.convertOut ? 2 * rows * p.ebOut : 0);
  }
  if (p.chunk && p.chunk < p.cols) {
    // Chunk tiles double-buffered: x (reduce), x and y in each of
    // softmax's two passes; in (per pass) and out in the type; the running
    // per-row values (two copies) and per-chunk ones.
    // (The norms: their scale/bias chunks, double-buffered, beside x.)
    int64_t tileElems = rows * p.chunk, passes = p.reduce ? 1 : 2;
    return 4 * (2 * (p.reduce ? 1 : 4) * tileElems + 8 * rows + p.scalars +
                2 * p.paramRows * p.chunk) +
           2 * tileElems * ((p.convertIn ? passes * p.ebIn : 0) +
                            (p.convertOut && !p.reduce ? p.ebOut : 0)) +
           (p.convertIn ? 2 * p.paramRows * p.chunk * p.ebIn : 0) +
           (p.convertOut ? 2 * rows * p.ebOut : 0);
  }
  int64_t tiles = p.reduce ? 1 : 2; // x (and y), double-buffered
  // Per-row values: double-buffered but for softmax's.
  int64_t bytes = 4 * (2 * tiles * rows * p.cols +
                       (p.softmax ? 1 : 2) * rows +
                       p.paramRows * p.cols + p.scalars);
  if (p.convertIn) // the tile in its type, the parameters' staging
    bytes += p.ebIn * (2 * rows * p.cols + p.paramRows * p.cols);
  if (p.convertOut) // the result in its type
    bytes += p.ebOut * 2 * rows * (p.reduce ? 1 : p.cols);
  return bytes;
}

/// The row tile lowerRowwise takes without a schedule: x and y
/// double-buffered in half of SPAD; a row longer than that share, 8 rows
/// in chunks (reduce and softmax: sets p.chunk).
int64_t defaultRowTile(const npu::NPUTargetDescription &d, RowwisePlan &p) {
  int64_t budget =
      int64_t(d.memory(npu::MemoryKind::Scratchpad)->sizeBytes) / 8;
  if (p.cols * 4 > budget) {
    int64_t tr = std::min<int64_t>(p.rows, 8);
    auto [to, ti] = npuRowTileShape(p.step, tr);
    p.chunk = std::max<int64_t>(1, budget / (4 * to * ti * (p.reduce ? 1 : 6)));
    return tr;
  }
  return std::clamp<int64_t>(budget / (p.cols * 4), 1, p.rows);
}

/// Rows in chunks of p.chunk: per row tile one loop over the chunks per
/// pass (a reduction; softmax's online max/sum or the norms' sums, then
/// the output), each pipelined on its own.
double estimateChunkedRows(const npu::NPUTargetDescription &d,
                           const RowwisePlan &p, int64_t tr) {
  const NPURowwiseStep &v = p.step;
  auto [to, ti] = npuRowTileShape(v, tr);
  bool whole = ti == v.inner;
  auto dma = [&](int64_t tileOuter, int64_t tileInner, int64_t u,
                 int64_t eb) {
    if (v.inner == 1)
      return dmaRuns(d, tileOuter, u * eb);
    return whole ? dmaRuns(d, tileOuter, u * v.inner * eb)
                 : dmaRuns(d, u, tileInner * eb);
  };
  auto rowTile = [&](int64_t tileOuter, int64_t tileInner) {
    int64_t r = tileOuter * tileInner;
    auto pass = [&](bool output) {
      return pipelineRows(
          d, 1, p.cols, p.chunk,
          [&](int64_t u) {
            int64_t rc = r * u;
            SmallVector<std::tuple<int64_t, int64_t, bool>> ins;
            if (p.convertIn)
              ins.push_back({rc, (p.ebIn + 4) * rc, false});
            bool norm = !p.reduce && !p.softmax;
            if (p.reduce && p.integer) {
              // (The first chunk reduces into the running values, the
              // others into their own and combine.)
              RowStep s;
              s.compute = vecIssue(d, rc, p.ebX * rc + p.ebAcc * r, false,
                                   p.wide) +
                          vecIssue(d, r, 3 * p.ebAcc * r, false, p.wide) +
                          d.vectorLatencyCycles;
              s.load = dma(tileOuter, tileInner, u, p.ebIn);
              return s;
            }
            if (p.reduce) {
              ins.push_back({rc, 4 * rc + 4 * r, false});
              ins.push_back({r, 12 * r, false});
            } else if (norm && !output) {
              if (p.layerNorm) {
                ins.push_back({rc, 12 * rc, false});        // x - K
                ins.push_back({rc, 4 * rc + 4 * r, false}); // sum
                ins.push_back({r, 12 * r, false});          // s + ..
              }
              ins.push_back({rc, 12 * rc, false});        // square
              ins.push_back({rc, 4 * rc + 4 * r, false}); // sum
              ins.push_back({r, 12 * r, false});          // q + ..
            } else if (norm) {
              if (p.paramRows && p.convertIn)
                ins.push_back({p.paramRows * u,
                               (p.ebIn + 4) * p.paramRows * u, false});
              if (p.layerNorm)
                ins.push_back({rc, 12 * rc, false}); // x - mean
              ins.push_back({rc, 12 * rc, false});   // * rstd
              for (int64_t k = 0; k < p.paramRows; ++k)
                ins.push_back({rc, 12 * rc, false}); // * scale, + bias
              if (p.convertOut)
                ins.push_back({rc, (p.ebOut + 4) * rc, false});
            } else if (!output) {
              ins.push_back({rc, 4 * rc + 4 * r, false}); // chunk max
              ins.push_back({r, 12 * r, false});          // max
              ins.push_back({r, 12 * r, false});          // m - mc
              ins.push_back({r, 8 * r, true});            // exp
              ins.push_back({r, 12 * r, false});          // s * ..
              ins.push_back({rc, 12 * rc, false});        // x - m
              ins.push_back({rc, 8 * rc, true});          // exp
              ins.push_back({rc, 4 * rc + 4 * r, false}); // sum
              ins.push_back({r, 12 * r, false});          // s + ..
              ins.push_back({r, 8 * r, false});           // m = mc
            } else {
              ins.push_back({rc, 12 * rc, false}); // x - m
              ins.push_back({rc, 8 * rc, true});   // exp
              ins.push_back({rc, 12 * rc, true});  // / s
              if (p.convertOut)
                ins.push_back({rc, (p.ebOut + 4) * rc, false});
            }
            RowStep s;
            for (auto [elems, bytes, special] : ins)
              s.compute += vecIssue(d, elems, bytes, special);
            s.compute += double(ins.size() - 1) * d.vectorLatencyCycles;
            s.load = dma(tileOuter, tileInner, u, p.ebIn) +
                     (output ? double(p.paramRows) * dmaRuns(d, 1, u * p.ebIn)
                             : 0.0);
            s.store = output ? dma(tileOuter, tileInner, u, p.ebOut) : 0;
            return s;
          },
          0.0, d.vectorLatencyCycles, true);
    };
    double cycles = pass(false) + (p.reduce ? 0.0 : pass(true));
    if (!p.reduce && !p.softmax) // mean and rsqrt per row between passes
      cycles += (p.layerNorm ? 6 : 3) *
                    (vecIssue(d, r, 12 * r, false) + d.vectorLatencyCycles) +
                vecIssue(d, r, 8 * r, true);
    if (p.reduce) // mean, rounding, store of the per-row values
      cycles += (p.mean ? p.integer
                              ? vecIssue(d, r, 3 * p.ebAcc * r, true, p.wide)
                              : vecIssue(d, r, 12 * r, false)
                        : 0.0) +
                (p.convertOut
                     ? vecIssue(d, r, (p.ebOut + p.ebAcc) * r, false)
                     : 0.0) +
                dmaRuns(d, 1, r * p.ebOut);
    return cycles;
  };
  double cycles = p.scalars ? dmaRuns(d, 1, p.scalars * p.ebAcc) : 0.0;
  if (whole) {
    int64_t full = v.outer / to, rem = v.outer % to;
    cycles += double(full) * rowTile(to, v.inner) +
              (rem ? rowTile(rem, v.inner) : 0.0);
  } else {
    int64_t full = v.inner / ti, rem = v.inner % ti;
    cycles += double(v.outer) *
              (double(full) * rowTile(1, ti) + (rem ? rowTile(1, rem) : 0.0));
  }
  return cycles;
}

double estimateRowwise(const npu::NPUTargetDescription &d,
                       const RowwisePlan &p, int64_t tr) {
  if (p.chunk && p.chunk < p.cols)
    return estimateChunkedRows(d, p, tr);
  const NPURowwiseStep &v = p.step;
  auto [to, ti] = npuRowTileShape(v, tr);
  double setup = double(p.paramRows) * dmaRuns(d, 1, p.cols * p.ebIn) +
                 (p.scalars ? dmaRuns(d, 1, p.scalars * p.ebAcc) : 0.0);
  if (p.paramRows && p.convertIn)
    setup += vecIssue(d, p.paramRows * p.cols,
                      (p.ebIn + 4) * p.paramRows * p.cols, false) +
             d.vectorLatencyCycles;
  // Whole inner runs (a contiguous DRAM block per tile), or part of one
  // (a run of ti elements per reduced index).
  bool whole = ti == v.inner;
  auto step = [&](int64_t u) {
    int64_t r = whole ? u * v.inner : u;
    RowStep s;
    s.load = whole ? dmaRuns(d, 1, r * p.cols * p.ebIn)
                   : dmaRuns(d, p.cols, r * p.ebIn);
    s.compute = rowwiseCompute(d, p, r);
    s.store = p.reduce ? dmaRuns(d, 1, r * p.ebOut)
              : whole  ? dmaRuns(d, 1, r * p.cols * p.ebOut)
                       : dmaRuns(d, p.cols, r * p.ebOut);
    return s;
  };
  return whole ? pipelineRows(d, 1, v.outer, to, step, setup,
                              d.vectorLatencyCycles, true)
               : pipelineRows(d, v.outer, v.inner, ti, step, setup,
                              d.vectorLatencyCycles, true);
}
/// What copyThroughSpad does for a transpose: the result [outer..., R, C]
/// in row tiles of the last two dims; the input read through permuted
/// strides.
struct CopyPlan {
  int64_t rank = 0, outer = 1, rows = 0, cols = 0, eb = 4;
  int64_t colStride = 1, rowStride = 0; // of the source, in elements
};

std::optional<CopyPlan> copyPlanOf(Operation *op) {
  auto t = dyn_cast<TransposeOp>(op);
  if (!t)
    return std::nullopt;
  auto res = dyn_cast<RankedTensorType>(t.getType());
  auto in = dyn_cast<RankedTensorType>(t.getInput().getType());
  if (!res || !in || !res.hasStaticShape() || !in.hasStaticShape() ||
      res.getRank() < 2 || res.getNumElements() == 0)
    return std::nullopt;
  unsigned bits = res.getElementType().getIntOrFloatBitWidth();
  CopyPlan p;
  p.rank = res.getRank();
  p.eb = std::max<int64_t>(1, bits / 8);
  for (int64_t d = 0; d + 2 < p.rank; ++d)
    p.outer *= res.getDimSize(d);
  p.rows = res.getDimSize(p.rank - 2);
  p.cols = res.getDimSize(p.rank - 1);
  SmallVector<int64_t> rowMajor(in.getRank(), 1);
  for (int64_t d = in.getRank() - 2; d >= 0; --d)
    rowMajor[d] = rowMajor[d + 1] * in.getDimSize(d + 1);
  ArrayRef<int64_t> perm = t.getPerm();
  p.colStride = rowMajor[perm[p.rank - 1]];
  p.rowStride = rowMajor[perm[p.rank - 2]];
  return p;
}

double estimateCopy(const npu::NPUTargetDescription &d, const CopyPlan &p,
                    int64_t tr) {
  // A tile's buffer is free once its store has left (the store's DRAM
  // latency: the pipeline's `tail`); after the last tile that latency is
  // the drain's own, counted once.
  const npu::MemoryLevel *dram = d.memory(npu::MemoryKind::DRAM);
  return pipelineRows(
      d, p.outer, p.rows, tr,
      [&](int64_t r) {
        RowStep s;
        // The DRAM side's contiguous runs (docs/npu.md "DMA"): an element
        // stride other than 1 makes every element a run.
        if (p.colStride != 1)
          s.load = dmaRuns(d, r * p.cols, p.eb);
        else if (r == 1 || p.rowStride == p.cols)
          s.load = dmaRuns(d, 1, r * p.cols * p.eb);
        else
          s.load = dmaRuns(d, r, p.cols * p.eb);
        s.store = dmaRuns(d, 1, r * p.cols * p.eb);
        return s;
      },
      0.0, dram->latencyCycles) -
         dram->latencyCycles;
}
} // namespace

SmallVector<NPURowwiseStep> kiln::npuRowwiseSteps(Operation *op) {
  auto softmax = dyn_cast<SoftmaxOp>(op);
  auto layerNorm = dyn_cast<LayerNormOp>(op);
  auto rmsNorm = dyn_cast<RmsNormOp>(op);
  auto reduce = dyn_cast<ReduceOp>(op);
  if (!softmax && !layerNorm && !rmsNorm && !reduce)
    return {};
  auto t = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!t || !t.hasStaticShape() || t.getRank() == 0)
    return {};
  ArrayRef<int64_t> shape = t.getShape();
  int64_t r = t.getRank();
  auto norm = [&](int64_t a) { return a < 0 ? a + r : a; };
  auto prod = [&](int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t d = from; d < to; ++d)
      p *= shape[d];
    return p;
  };
  // softmax: one axis; the norms: the trailing block [axis, rank).
  if (softmax || layerNorm || rmsNorm) {
    int64_t axis = norm(softmax     ? int64_t(softmax.getAxis())
                        : layerNorm ? layerNorm.getAxis()
                                    : rmsNorm.getAxis());
    if (axis < 0 || axis >= r)
      return {};
    if (softmax)
      return {{prod(0, axis), shape[axis], prod(axis + 1, r)}};
    return {{prod(0, axis), prod(axis, r), 1}};
  }
  // reduce: the dims of extent other than 1 merged into blocks of reduced
  // and kept dims (dims of extent 1 neither break nor form a block).
  SmallVector<bool> red(r, false);
  for (int64_t a : reduce.getAxes()) {
    if (norm(a) < 0 || norm(a) >= r)
      return {};
    red[norm(a)] = true;
  }
  SmallVector<std::pair<int64_t, bool>> blocks;
  for (int64_t d = 0; d < r; ++d) {
    if (shape[d] == 1)
      continue;
    if (!blocks.empty() && blocks.back().second == red[d])
      blocks.back().first *= shape[d];
    else
      blocks.push_back({shape[d], red[d]});
  }
  SmallVector<NPURowwiseStep> steps;
  // Reduced blocks innermost first: each step leaves the others in place.
  for (int64_t j = int64_t(blocks.size()) - 1; j >= 0; --j) {
    if (!blocks[j].second)
      continue;
    NPURowwiseStep s;
    for (int64_t k = 0; k < int64_t(blocks.size()); ++k)
      (k < j ? s.outer : k > j ? s.inner : s.reduced) *= blocks[k].first;
    blocks[j].first = 1;
    steps.push_back(s);
  }
  // Every reduced dim of extent 1 (or an empty one): rows of one element.
  if (steps.empty())
    steps.push_back({t.getNumElements(), 1, 1});
  return steps;
}

Type kiln::npuRowwiseComputeType(Operation *op) {
  auto t = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!t)
    return {};
  Type e = t.getElementType();
  Builder b(op->getContext());
  if (e.isF32() || e.isBF16() || e.isF16())
    return b.getF32Type();
  auto reduce = dyn_cast<ReduceOp>(op);
  if (!reduce || !(e.isInteger(8) || e.isInteger(32) || e.isInteger(64)))
    return {};
  int64_t count = 1;
  if (t.hasStaticShape())
    for (int64_t a : reduce.getAxes())
      count *= t.getDimSize(a < 0 ? a + t.getRank() : a);
  bool mean = reduce.getKind() == ReduceKind::mean;
  if (e.isInteger(64) || (mean && (e.isInteger(32) || count > (1 << 24))))
    return b.getI64Type();
  return b.getI32Type();
}

std::pair<int64_t, int64_t> kiln::npuRowTileShape(const NPURowwiseStep &s,
                                                  int64_t rows) {
  if (rows >= s.inner)
    return {std::clamp<int64_t>(rows / s.inner, 1, std::max<int64_t>(s.outer, 1)),
            s.inner};
  return {1, std::max<int64_t>(rows, 1)};
}

/// Elementwise ops and softmax on the vector unit, as kiln-npu-lower-to-npu
/// lowers them: rows x cols (cols = last dim) in row tiles of `tr`; per
/// tile one DMA per full-shape operand, the vector instructions (one; for
/// softmax five: max, sub, exp, sum, div, each waiting for the one before),
/// one DMA out; row-broadcast operands are loaded once, before the loop.
static double estimateElementwise(const npu::NPUTargetDescription &d,
                                  int64_t rows, int64_t cols, int64_t tr,
                                  unsigned eb, unsigned fullOperands,
                                  Operation *op, bool &fits) {
  const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad);
  fits = 2.0 * (fullOperands + 1) * tr * cols * eb + 2.0 * cols * eb <=
         double(spad->sizeBytes);
  if (!fits)
    return 0;
  // The functions the simulator charges special_cycles per group.
  bool special = isa<ExpOp, LogOp, TanhOp, ErfOp, SqrtOp, RsqrtOp, SigmoidOp,
                     SiluOp, GeluOp, DivOp, PowOp>(op);
  int64_t operands = op->getNumOperands();
  auto compute = [&](int64_t r) {
    int64_t rc = r * cols;
    if (!isa<SoftmaxOp>(op))
      return vecIssue(d, rc, (operands + 1) * eb * rc, special);
    return vecIssue(d, rc, 4 * rc + 4 * r, false) +   // max
           vecIssue(d, rc, 12 * rc, false) +          // x - max
           vecIssue(d, rc, 8 * rc, true) +            // exp
           vecIssue(d, rc, 4 * rc + 4 * r, false) +   // sum
           vecIssue(d, rc, 12 * rc, true) +           // / sum
           4.0 * d.vectorLatencyCycles;
  };
  double setup = double(operands - fullOperands) * dmaRuns(d, 1, cols * eb);
  return pipelineRows(
      d, 1, rows, tr,
      [&](int64_t r) {
        RowStep s;
        s.load = fullOperands * dmaRuns(d, 1, r * cols * eb);
        s.compute = compute(r);
        s.store = dmaRuns(d, 1, r * cols * eb);
        return s;
      },
      setup, d.vectorLatencyCycles);
}

NPUCostModel::NPUCostModel(npu::NPUTargetDescription description)
    : desc(std::move(description)), name("npu:" + desc.name) {}

std::unique_ptr<CostModel>
kiln::createNPUCostModel(npu::NPUTargetDescription description) {
  return std::make_unique<NPUCostModel>(std::move(description));
}

SmallVector<NPUDrainStep> kiln::npuDrainEpilogue(Operation *matmul) {
  SmallVector<NPUDrainStep> steps;
  Value v = matmul->getResult(0);
  auto res = cast<RankedTensorType>(v.getType());
  if (!res.getElementType().isF32())
    return steps;
  int64_t n = res.getDimSize(res.getRank() - 1);
  while (v.hasOneUse()) {
    Operation *u = *v.getUsers().begin();
    if (!(isElementwise(u) || isa<CastOp>(u)) ||
        u->getBlock() != matmul->getBlock() ||
        u->getResult(0).getType() != v.getType())
      break;
    NPUDrainStep step;
    step.op = u;
    if (u->getNumOperands() == 2) {
      if (u->getOperand(0) == u->getOperand(1))
        break;
      step.runningIsLhs = u->getOperand(0) == v;
      step.other = u->getOperand(step.runningIsLhs ? 1 : 0);
      auto ot = cast<RankedTensorType>(step.other.getType());
      if (ot.getShape() == res.getShape())
        step.rowBroadcast = false;
      else if (ot.getRank() >= 1 && ot.getNumElements() == n &&
               ot.getDimSize(ot.getRank() - 1) == n)
        step.rowBroadcast = true;
      else
        break;
      // Available before the matmul runs.
      if (Operation *def = step.other.getDefiningOp();
          def && (def->getBlock() != matmul->getBlock() ||
                  !def->isBeforeInBlock(matmul)))
        break;
    }
    steps.push_back(step);
    v = u->getResult(0);
  }
  return steps;
}

static std::optional<NPUMatmulPlan> planOf(MatmulOp op, ScheduleAttr s) {
  auto res = cast<RankedTensorType>(op.getType());
  auto lhs = cast<RankedTensorType>(op.getLhs().getType());
  if (!res.hasStaticShape() || !lhs.hasStaticShape())
    return std::nullopt;
  auto in = elemOf(lhs.getElementType());
  auto out = res.getElementType().isF32() ? std::optional(npu::ElemType::F32)
                                          : elemOf(res.getElementType());
  if (!in || !out)
    return std::nullopt;
  int64_t r = res.getRank(), nb = r - 2;
  NPUMatmulPlan p;
  for (int64_t d = 0; d < nb; ++d)
    p.batch *= res.getDimSize(d);
  p.m = res.getDimSize(r - 2);
  p.n = res.getDimSize(r - 1);
  p.k = lhs.getDimSize(lhs.getRank() - (op.getTransposeA() ? 2 : 1));
  p.in = *in;
  p.out = *out;
  // The elementwise chain the lowering fuses into the drain.
  for (const NPUDrainStep &step : npuDrainEpilogue(op)) {
    p.epilogue = true;
    if (step.other)
      ++(step.rowBroadcast ? p.epilogueRows : p.epilogueFull);
  }
  if (!s || s.getNumLevels() != 3)
    return p;
  auto tile = [](int64_t t, int64_t e) { return t <= 0 ? e : std::min(t, e); };
  ArrayRef<int64_t> l1 = s.getLevel(1), l2 = s.getLevel(2);
  p.tm = tile(l1[nb], p.m);
  p.tn = tile(l1[nb + 1], p.n);
  p.tk = tile(l1[nb + 2], p.k);
  p.sm = tile(l2[nb], p.tm);
  p.sn = tile(l2[nb + 1], p.tn);
  p.sk = tile(l2[nb + 2], p.tk);
  SmallVector<int64_t> order = s.getOrderOrIdentity();
  p.mOuter = std::find(order.begin(), order.end(), nb) <
             std::find(order.begin(), order.end(), nb + 1);
  return p;
}

/// rows x cols of an elementwise op's result and its full-shape operands.
static bool elementwiseShape(Operation *op, int64_t &rows, int64_t &cols,
                             unsigned &eb, unsigned &full) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!t || !t.hasStaticShape() || t.getRank() < 2)
    return false;
  std::optional<npu::ElemType> e = elemOf(t.getElementType());
  if (!e)
    return false;
  eb = npu::elemBytes(*e);
  cols = t.getDimSize(t.getRank() - 1);
  rows = cols ? t.getNumElements() / cols : 0;
  // Operands the nest loads tile by tile: those of the result's shape and
  // the broadcasts the lowering first writes out in it (all but one row
  // or one element, which are loaded once).
  full = 0;
  for (Value v : op->getOperands())
    if (!loadedOnce(cast<RankedTensorType>(v.getType()), t, cols))
      ++full;
  return rows > 0 && cols > 0;
}

/// A row-tile schedule: level 1 (and 2) hold `tr` at loop `rank - 2` (and
/// the chunk of a row too long for SPAD at loop `rank - 1`).
static ScheduleAttr rowTileSchedule(MLIRContext *ctx, int64_t rank,
                                    int64_t tr, int64_t chunk = 0) {
  SmallVector<SmallVector<int64_t>> tiles(3, SmallVector<int64_t>(rank, 0));
  tiles[1][rank - 2] = tr;
  tiles[2][rank - 2] = tr;
  tiles[1][rank - 1] = chunk;
  tiles[2][rank - 1] = chunk;
  return ScheduleAttr::get(ctx, tiles, {}, {}, std::nullopt);
}

/// The row tile a schedule gives (all the rows without one).
static int64_t rowTileOf(ScheduleAttr s, int64_t rank, int64_t rows) {
  if (s && s.getNumLevels() >= 2 && s.getLevel(1)[rank - 2] > 0)
    return std::min(rows, s.getLevel(1)[rank - 2]);
  return rows;
}

SmallVector<ScheduleAttr> NPUCostModel::candidates(Operation *op) const {
  SmallVector<ScheduleAttr> out;
  // Row tiles 1, 2, 4, ... (and all the rows) whose buffers fit SPAD.
  int64_t spadBytes =
      int64_t(desc.memory(npu::MemoryKind::Scratchpad)->sizeBytes);
  auto rowTiles = [&](int64_t rank, int64_t rows,
                      llvm::function_ref<int64_t(int64_t)> bytes) {
    for (int64_t tr = 1;; tr *= 2) {
      int64_t t = std::min(tr, rows);
      if (bytes(t) <= spadBytes)
        out.push_back(rowTileSchedule(op->getContext(), rank, t));
      if (t == rows)
        break;
    }
  };
  if (SmallVector<RowwisePlan> plans = rowwisePlansOf(op); !plans.empty()) {
    // The first nest's row tile (any further nests of a reduce take the
    // default one). Rows of [outer, inner]: parts of an inner run (1, 2,
    // 4, ...), then whole runs times 1, 2, 4, ... outer rows
    // (npuRowTileShape).
    RowwisePlan p = plans.front();
    int64_t inner = p.step.inner;
    // Rows too long for SPAD: chunks of 2^k elements with row tiles of 1,
    // 2, 4, ...
    if (rowwiseSpadBytes(p, 1) > spadBytes) {
      for (int64_t ca = 256; ca < p.cols; ca *= 2) {
        p.chunk = ca;
        for (int64_t k = 1; k <= std::min<int64_t>(p.rows, 64); k *= 2)
          if (rowwiseSpadBytes(p, k) <= spadBytes)
            out.push_back(
                rowTileSchedule(op->getContext(), p.rank, k, p.chunk));
      }
      return out;
    }
    for (int64_t k = 1; k < inner; k *= 2)
      if (rowwiseSpadBytes(p, k) <= spadBytes)
        out.push_back(rowTileSchedule(op->getContext(), p.rank, k));
    for (int64_t k = 1;; k *= 2) {
      int64_t t = std::min(k, p.step.outer) * inner;
      if (rowwiseSpadBytes(p, t) <= spadBytes)
        out.push_back(rowTileSchedule(op->getContext(), p.rank, t));
      if (k >= p.step.outer)
        break;
    }
    return out;
  }
  if (std::optional<CopyPlan> p = copyPlanOf(op)) {
    rowTiles(p->rank, p->rows,
             [&](int64_t t) { return 2 * t * p->cols * p->eb; });
    return out;
  }
  int64_t rows, cols;
  unsigned eb, full;
  if ((isElementwise(op) || isa<SoftmaxOp>(op)) &&
      elementwiseShape(op, rows, cols, eb, full)) {
    int64_t r = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    for (int64_t tr = 1;; tr *= 2) {
      int64_t t = std::min(tr, rows);
      bool fits;
      estimateElementwise(desc, rows, cols, t, eb, full, op, fits);
      if (fits)
        out.push_back(rowTileSchedule(op->getContext(), r, t));
      if (t == rows)
        break;
    }
    return out;
  }
  if (auto at = dyn_cast<AttentionOp>(op)) {
    std::optional<AttentionShape> sh = attentionShape(at);
    if (!sh)
      return out;
    for (int64_t tq : attentionTiles(sh->sq, desc.matrixRows))
      for (int64_t tk : attentionTiles(sh->sk, desc.matrixCols)) {
        bool fits;
        double bytes;
        estimateAttention(desc, *sh, tq, tk, fits, bytes);
        if (!fits)
          continue;
        // Loops [batch, heads, queries, keys, value dim].
        SmallVector<SmallVector<int64_t>> tiles = {{0, 0, 0, 0, 0},
                                                   {1, 1, tq, tk, 0}};
        out.push_back(ScheduleAttr::get(op->getContext(), tiles, {}, {},
                                        std::nullopt));
      }
    return out;
  }
  auto mm = dyn_cast<MatmulOp>(op);
  if (!mm)
    return out;
  std::optional<NPUMatmulPlan> base = planOf(mm, {});
  if (!base || !desc.matrixDType(base->in))
    return out;
  int64_t nb = cast<RankedTensorType>(mm.getType()).getRank() - 2;
  int64_t sk = std::min<int64_t>(desc.matrixRows, base->k),
          sn = std::min<int64_t>(desc.matrixCols, base->n);
  auto sizes = [](int64_t extent, int64_t unit) {
    SmallVector<int64_t> v;
    for (int64_t t = unit; t < extent; t *= 2)
      v.push_back(t);
    v.push_back(extent);
    return v;
  };
  for (int64_t tm : sizes(base->m, 32))
    for (int64_t tn : sizes(base->n, sn))
      for (int64_t tk : sizes(base->k, sk))
        for (int64_t split : {1, 2, 4})
        for (bool mOuter : {true, false}) {
          // sm < tm: several row blocks per weight tile, so consecutive
          // matmuls write different ACC blocks (see estimateNPUMatmul).
          int64_t sm = ceilDiv(tm, split);
          if (split > 1 && sm < 8)
            continue;
          NPUMatmulPlan p = *base;
          p.tm = tm, p.tn = tn, p.tk = tk, p.sm = sm, p.sn = sn, p.sk = sk;
          p.mOuter = mOuter;
          if (!estimateNPUMatmul(desc, p).fits)
            continue;
          SmallVector<SmallVector<int64_t>> tiles(3);
          SmallVector<int64_t> order;
          for (int64_t d = 0; d < nb; ++d) {
            tiles[0].push_back(0);
            tiles[1].push_back(1);
            tiles[2].push_back(1);
            order.push_back(d);
          }
          tiles[0].append({0, 0, 0});
          tiles[1].append({tm, tn, tk});
          tiles[2].append({sm, sn, sk});
          if (mOuter)
            order.append({nb, nb + 1, nb + 2});
          else
            order.append({nb + 1, nb, nb + 2});
          out.push_back(ScheduleAttr::get(op->getContext(), tiles, order, {},
                                          std::nullopt));
        }
  return out;
}

CostEstimate NPUCostModel::estimate(Operation *op, ScheduleAttr schedule) const {
  CostEstimate e;
  auto finish = [&](double cycles, double flops, double dramBytes) {
    e.seconds = cycles / (desc.frequencyGHz * 1e9);
    e.flops = flops;
    e.bytesByLevel.push_back({"DRAM", dramBytes});
    return e;
  };
  uint64_t spadBytes = desc.memory(npu::MemoryKind::Scratchpad)->sizeBytes;
  if (SmallVector<RowwisePlan> plans = rowwisePlansOf(op); !plans.empty()) {
    double cycles = 0, bytes = 0;
    e.fits = true;
    for (auto [i, p] : llvm::enumerate(plans)) {
      int64_t tr = i == 0 ? rowTileOf(schedule, p.rank, p.rows)
                          : defaultRowTile(desc, p);
      if (i == 0 && schedule && schedule.getNumLevels() >= 2 &&
          schedule.getLevel(1)[p.rank - 1] > 0)
        p.chunk = std::min(p.cols, schedule.getLevel(1)[p.rank - 1]);
      e.fits &= uint64_t(rowwiseSpadBytes(p, tr)) <= spadBytes;
      cycles += estimateRowwise(desc, p, tr);
      bytes += double(p.rows) * p.cols * p.ebIn +
               double(p.rows) * (p.reduce ? 1 : p.cols) * p.ebOut;
    }
    e.why = e.fits ? "vector unit, row tiles" : "row tiles do not fit SPAD";
    return finish(e.fits ? cycles : 0,
                  double(plans[0].rows) * plans[0].cols, bytes);
  }
  if (std::optional<CopyPlan> p = copyPlanOf(op)) {
    int64_t tr = rowTileOf(schedule, p->rank, p->rows);
    e.fits = uint64_t(2 * tr * p->cols * p->eb) <= spadBytes;
    e.why = e.fits ? "DMA through SPAD, row tiles" : "row tiles do not fit SPAD";
    double bytes = double(p->outer) * p->rows * p->cols * p->eb;
    return finish(e.fits ? estimateCopy(desc, *p, tr) : 0, 0, 2 * bytes);
  }
  int64_t rows, cols;
  unsigned eb, full;
  if ((isElementwise(op) || isa<SoftmaxOp>(op)) &&
      elementwiseShape(op, rows, cols, eb, full)) {
    int64_t r = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    int64_t tr = rowTileOf(schedule, r, rows);
    bool fits;
    double cycles =
        estimateElementwise(desc, rows, cols, tr, eb, full, op, fits);
    e.fits = fits;
    e.why = fits ? "vector unit, row tiles" : "row tiles do not fit SPAD";
    return finish(cycles, double(rows) * cols,
                  double(rows) * cols * eb * (full + 1));
  }
  if (auto at = dyn_cast<AttentionOp>(op)) {
    std::optional<AttentionShape> sh = attentionShape(at);
    if (!sh || !schedule || schedule.getNumLevels() < 2 ||
        schedule.getLevel(1).size() != 5) {
      e.fits = false;
      e.why = "attention on the NPU: f32 [batch, heads, seq, dim] operands "
              "and a schedule tiling [batch, heads, queries, keys, value dim]";
      return e;
    }
    auto tile = [](int64_t t, int64_t x) { return t <= 0 ? x : std::min(t, x); };
    int64_t tq = tile(schedule.getLevel(1)[2], sh->sq),
            tk = tile(schedule.getLevel(1)[3], sh->sk);
    bool fits;
    double bytes = 0;
    double cycles = estimateAttention(desc, *sh, tq, tk, fits, bytes);
    e.fits = fits;
    e.why = fits ? llvm::formatv("flash attention, {0} queries x {1} keys "
                                 "per tile",
                                 tq, tk)
                       .str()
                 : "attention tiles do not fit SPAD/ACC";
    return finish(cycles,
                  2.0 * sh->b * sh->hq * sh->sq * sh->sk * (sh->d + sh->dv),
                  bytes);
  }
  auto mm = dyn_cast<MatmulOp>(op);
  std::optional<NPUMatmulPlan> p = mm ? planOf(mm, schedule) : std::nullopt;
  if (!p || p->tm == 0) {
    e.fits = false;
    e.why = "the NPU cost model estimates kiln.matmul, elementwise ops, "
            "softmax, layer_norm, rms_norm, reduce and transpose only";
    return e;
  }
  NPUMatmulCost c = estimateNPUMatmul(desc, *p);
  e.fits = c.fits;
  e.why = c.why;
  return finish(c.cycles, 2.0 * p->batch * p->m * p->n * p->k,
                c.loadBytes + c.storeBytes);
}

//===----------------------------------------------------------------------===//
// Whole functions: every nest kiln-npu-lower-to-npu emits, in order.
//===----------------------------------------------------------------------===//

namespace {
/// Elements of one contiguous DRAM run of a DMA moving an r x c tile whose
/// DRAM side has strides (rowStride, colStride), as the simulator counts
/// them: from the innermost dim outwards, dims of extent 1 skipped, merged
/// while the stride equals the elements inside.
int64_t contiguousRun(int64_t r, int64_t c, int64_t rowStride,
                      int64_t colStride) {
  int64_t run = 1;
  if (c != 1) {
    if (colStride != 1)
      return 1;
    run = c;
  }
  if (r != 1 && rowStride == run)
    run *= r;
  return run;
}

/// One DMA of an r x c tile with that DRAM side.
double dmaTile(const npu::NPUTargetDescription &d, int64_t r, int64_t c,
               int64_t rowStride, int64_t colStride, int64_t eb) {
  int64_t run = contiguousRun(r, c, rowStride, colStride);
  return dmaRuns(d, r * c / run, run * eb);
}

/// A copy through SPAD of [outer..., rows, cols] (copyThroughSpad): row
/// tiles of `tr`, one DMA in and one out per tile; element strides of the
/// source and destination views' last two dims.
struct StridedCopy {
  int64_t outer = 1, rows = 1, cols = 1, eb = 4;
  int64_t srcRow = 0, srcCol = 1, dstRow = 0, dstCol = 1;
};

/// Copies through SPAD in one nest (a concat's inputs: one after another,
/// with their own buffers, so the next copy's loads overlap the last
/// stores of the one before): every tile's load, then each tile's store
/// with the next tile's load on the shared bus (two engines on it move
/// 3/4 of their sum, see pipelineRows; a buffer is free again after its
/// store's DRAM latency), the last store and its latency.
/// `interleaved`: the copies' destination windows interleave in memory (a
/// concat along an inner axis), so a copy's first store waits for the last
/// store before it to land (a write-after-write hazard on the range).
double estimateStridedCopies(const npu::NPUTargetDescription &d,
                             ArrayRef<StridedCopy> copies,
                             ArrayRef<int64_t> rowTiles,
                             bool interleaved = false) {
  const npu::MemoryLevel *dram = d.memory(npu::MemoryKind::DRAM);
  double lat = dram->latencyCycles;
  SmallVector<RowStep> tiles;
  SmallVector<bool> first; // the first tile of a copy (new buffers)
  for (auto [c, trIn] : llvm::zip(copies, rowTiles)) {
    int64_t tr = std::clamp<int64_t>(trIn, 1, c.rows);
    for (int64_t o = 0; o < c.outer; ++o)
      for (int64_t r0 = 0; r0 < c.rows; r0 += tr) {
        int64_t r = std::min(tr, c.rows - r0);
        RowStep s;
        s.load = dmaTile(d, r, c.cols, c.srcRow, c.srcCol, c.eb);
        s.store = dmaTile(d, r, c.cols, c.dstRow, c.dstCol, c.eb);
        first.push_back(tiles.empty() || (o == 0 && r0 == 0));
        tiles.push_back(s);
      }
  }
  if (tiles.empty())
    return 0;
  double cycles = tiles.front().load + lat + tiles.back().store + lat;
  for (size_t i = 0; i + 1 < tiles.size(); ++i) {
    double l = tiles[i + 1].load, st = tiles[i].store;
    double bus = std::max({l, st, 0.75 * (l + st)});
    // A copy's first tile waits for no buffer of the copy before.
    if (!first[i + 1])
      cycles += std::max(bus, (bus + 2 * lat) / 2);
    else
      cycles += interleaved ? std::max(bus, st + lat) : bus;
  }
  return cycles;
}

double estimateStridedCopy(const npu::NPUTargetDescription &d,
                           const StridedCopy &c, int64_t tr) {
  return estimateStridedCopies(d, {c}, {tr});
}

/// The row tile copyThroughSpad takes without a schedule: a
/// double-buffered tile in a quarter of SPAD.
int64_t defaultCopyRows(const npu::NPUTargetDescription &d,
                        const StridedCopy &c) {
  int64_t budget =
      int64_t(d.memory(npu::MemoryKind::Scratchpad)->sizeBytes) / 4;
  return std::clamp<int64_t>(budget / std::max<int64_t>(1, c.cols * c.eb), 1,
                             c.rows);
}

int64_t bytesOf(Type t) {
  return std::max<int64_t>(1, getElementTypeOrSelf(t).getIntOrFloatBitWidth() /
                                  8);
}

SmallVector<int64_t> rowMajor(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// A copy of `shape` read through `srcStrides` into a view with
/// `dstStrides` (element strides, one per dim).
StridedCopy stridedCopy(ArrayRef<int64_t> shape, ArrayRef<int64_t> srcStrides,
                        ArrayRef<int64_t> dstStrides, int64_t eb) {
  StridedCopy c;
  c.eb = eb;
  int64_t r = shape.size();
  if (r == 0)
    return c;
  for (int64_t i = 0; i + 2 < r; ++i)
    c.outer *= shape[i];
  c.cols = shape[r - 1];
  c.srcCol = srcStrides[r - 1];
  c.dstCol = dstStrides[r - 1];
  if (r >= 2) {
    c.rows = shape[r - 2];
    c.srcRow = srcStrides[r - 2];
    c.dstRow = dstStrides[r - 2];
  }
  return c;
}

/// An elementwise nest (lowerElementwise) with the row tile it picks
/// without a schedule (cast, where): every double-buffered tile, at least
/// 4 bytes an element, in SPAD; full-shape operands loaded per tile, one
/// row (or element) operands once.
double estimateVectorNest(const npu::NPUTargetDescription &d, Operation *op) {
  auto res = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t r = res.getRank();
  int64_t cols = r ? res.getDimSize(r - 1) : 1;
  int64_t rows = res.getNumElements() / std::max<int64_t>(cols, 1);
  int64_t rowBytes = 0;
  for (Type t : llvm::concat<Type>(TypeRange(op->getOperandTypes()),
                                   TypeRange(op->getResultTypes())))
    rowBytes += std::max<int64_t>(4, bytesOf(t));
  int64_t tr = std::clamp<int64_t>(
      int64_t(d.memory(npu::MemoryKind::Scratchpad)->sizeBytes) /
          (2 * rowBytes * std::max<int64_t>(cols, 1)),
      1, std::max<int64_t>(rows, 1));
  if (auto s = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
      s && s.getNumLevels() >= 2 && r >= 2 && s.getLevel(1)[r - 2] > 0)
    tr = std::min(rows, s.getLevel(1)[r - 2]);
  SmallVector<int64_t> fullBytes; // per full-tile operand
  double setup = 0;
  for (Value v : op->getOperands()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (loadedOnce(t, res, cols))
      setup += dmaRuns(d, 1, t.getNumElements() * bytesOf(t));
    else
      fullBytes.push_back(bytesOf(t));
  }
  int64_t ob = bytesOf(res);
  bool special = isa<ExpOp, LogOp, TanhOp, ErfOp, SqrtOp, RsqrtOp, SigmoidOp,
                     SiluOp, GeluOp, DivOp, PowOp>(op);
  return pipelineRows(
      d, 1, rows, tr,
      [&](int64_t n) {
        RowStep s;
        int64_t elems = n * cols, bytes = elems * ob;
        for (int64_t b : fullBytes) {
          s.load += dmaRuns(d, 1, elems * b);
          bytes += elems * b;
        }
        for (size_t i = fullBytes.size(); i < op->getNumOperands(); ++i)
          bytes += elems * ob;
        s.compute = vecIssue(d, elems, bytes, special);
        s.store = dmaRuns(d, 1, elems * ob);
        return s;
      },
      setup, d.vectorLatencyCycles);
}

/// The broadcasts lowerElementwise writes out in the result's shape
/// before the op's nest (one copy nest each): operands that are neither
/// of the result's shape nor one row or one element.
SmallVector<StridedCopy> broadcastCopies(Operation *op) {
  SmallVector<StridedCopy> out;
  auto res = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t r = res.getRank();
  int64_t cols = r ? res.getDimSize(r - 1) : 1;
  for (Value v : op->getOperands()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == res.getShape() || loadedOnce(t, res, cols) ||
        t.getRank() > r)
      continue;
    SmallVector<int64_t> src(r, 0), rm = rowMajor(t.getShape());
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (t.getDimSize(i) != 1)
        src[r - t.getRank() + i] = rm[i];
    out.push_back(stridedCopy(res.getShape(), src, rowMajor(res.getShape()),
                              bytesOf(t)));
  }
  return out;
}

/// kiln.gather as lowerGather does it: per tile of indices (a quarter of
/// SPAD of rows), the indices' DMA, the gather of the rows it names (one
/// DRAM run per row; it waits for the indices to land), one DMA out.
double estimateGather(const npu::NPUTargetDescription &d, GatherOp op) {
  auto dataT = cast<RankedTensorType>(op.getData().getType());
  auto idxT = cast<RankedTensorType>(op.getIndices().getType());
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += dataT.getRank();
  int64_t outer = 1, rowLen = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= dataT.getDimSize(i);
  for (int64_t i = axis + 1; i < dataT.getRank(); ++i)
    rowLen *= dataT.getDimSize(i);
  int64_t n = idxT.getNumElements(), eb = bytesOf(dataT),
          ib = bytesOf(idxT);
  if (n == 0 || rowLen == 0)
    return 0;
  int64_t budget =
      int64_t(d.memory(npu::MemoryKind::Scratchpad)->sizeBytes) / 4;
  int64_t tr = std::clamp<int64_t>(budget / (rowLen * eb), 1, n);
  const npu::MemoryLevel *dram = d.memory(npu::MemoryKind::DRAM);
  return pipelineRows(
      d, outer, n, tr,
      [&](int64_t r) {
        RowStep s;
        s.load = dmaRuns(d, 1, r * ib) + dram->latencyCycles +
                 dmaRuns(d, r, rowLen * eb);
        s.store = dmaRuns(d, 1, r * rowLen * eb);
        return s;
      },
      0.0, dram->latencyCycles) -
         dram->latencyCycles; // counted once at the end (estimateCopy)
}

/// kiln.rope as lowerRope does it: row tiles of the cos/sin table (its
/// buffers in half of SPAD), each loaded once, the input's blocks of table
/// rows inside; per tile four products and a subtract and an add over
/// half the columns.
double estimateRope(const npu::NPUTargetDescription &d, RopeOp op) {
  auto inT = cast<RankedTensorType>(op.getInput().getType());
  auto tabT = cast<RankedTensorType>(op.getCos().getType());
  int64_t r = inT.getRank();
  int64_t dd = inT.getDimSize(r - 1), half = dd / 2;
  if (dd == 0 || half == 0)
    return 0;
  int64_t rows = inT.getNumElements() / dd;
  int64_t tabRows = std::max<int64_t>(1, tabT.getNumElements() / half);
  int64_t blocks = std::max<int64_t>(1, rows / tabRows);
  int64_t eb = bytesOf(inT);
  int64_t rowBytes = 2 * 3 * dd * eb + 2 * dd * 4;
  int64_t budget =
      int64_t(d.memory(npu::MemoryKind::Scratchpad)->sizeBytes) / 2;
  int64_t tr = std::clamp<int64_t>(budget / rowBytes, 1, tabRows);
  int64_t tiles = ceilDiv(tabRows, tr);
  // cos and sin share one buffer (interleaved halves of its rows), so the
  // sin DMA waits for the cos DMA to land, and the load queue with it.
  const npu::MemoryLevel *dram = d.memory(npu::MemoryKind::DRAM);
  double table = 2.0 * dmaRuns(d, 1, std::min(tr, tabRows) * half * eb) +
                 dram->latencyCycles;
  return pipelineRows(
      d, blocks, tabRows, tr,
      [&](int64_t n) {
        RowStep s;
        int64_t e = n * half;
        s.load = dmaRuns(d, 1, n * dd * eb) +
                 table * double(tiles - 1) / double(blocks * tiles);
        s.compute = 4 * vecIssue(d, e, e * (2 * eb + 4), false) +
                    2 * vecIssue(d, e, e * (8 + eb), false) +
                    d.vectorLatencyCycles;
        s.store = dmaRuns(d, 1, n * dd * eb);
        return s;
      },
      table, d.vectorLatencyCycles);
}
} // namespace

/// The copies of a slice (one, read through the slice's strides) or a
/// concat (one per input, into its window of the result); `interleaved`
/// when the concat's windows interleave in memory.
static SmallVector<StridedCopy> copiesOf(Operation *op, bool &interleaved) {
  SmallVector<StridedCopy> out;
  interleaved = false;
  auto rt = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!rt || !rt.hasStaticShape() || rt.getRank() < 1)
    return out;
  if (auto s = dyn_cast<SliceOp>(op)) {
    auto in = cast<RankedTensorType>(s.getInput().getType());
    if (!in.hasStaticShape() || in.getRank() != rt.getRank())
      return out;
    SmallVector<int64_t> src = rowMajor(in.getShape());
    for (int64_t i = 0; i < in.getRank(); ++i)
      src[i] *= s.getSteps() ? (*s.getSteps())[i] : 1;
    out.push_back(
        stridedCopy(rt.getShape(), src, rowMajor(rt.getShape()), bytesOf(rt)));
    return out;
  }
  auto cat = dyn_cast<ConcatOp>(op);
  if (!cat)
    return out;
  int64_t axis = int64_t(cat.getAxis());
  if (axis < 0)
    axis += rt.getRank();
  for (int64_t i = 0; i < axis; ++i)
    interleaved |= rt.getDimSize(i) != 1;
  SmallVector<int64_t> dst = rowMajor(rt.getShape());
  for (Value v : cat.getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (!t.hasStaticShape())
      return {};
    if (t.getNumElements() == 0)
      continue;
    out.push_back(
        stridedCopy(t.getShape(), rowMajor(t.getShape()), dst, bytesOf(t)));
  }
  return out;
}

/// A slice's or concat's nest, with the row tile copyThroughSpad takes
/// without a schedule (they have no schedule loops: the CPU and GPU
/// pipelines would tile a strided slice's linalg.generic by them).
static double estimateCopyNest(const npu::NPUTargetDescription &d,
                               Operation *op) {
  bool interleaved;
  SmallVector<StridedCopy> copies = copiesOf(op, interleaved);
  SmallVector<int64_t> tiles;
  for (const StridedCopy &c : copies)
    tiles.push_back(defaultCopyRows(d, c));
  return estimateStridedCopies(d, copies, tiles, interleaved);
}

SmallVector<NPUNestPrediction>
kiln::predictNPUNests(const npu::NPUTargetDescription &d, Operation *funcOp) {
  SmallVector<NPUNestPrediction> nests;
  auto func = dyn_cast<func::FuncOp>(funcOp);
  if (!func || !func.getBody().hasOneBlock())
    return nests;
  NPUCostModel model(d);
  double hz = d.frequencyGHz * 1e9;
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  // What the lowering writes in place and what it copies at the end.
  llvm::DenseSet<Value> inPlace;
  SmallVector<Value> copies;
  for (Value v : ret.getOperands()) {
    if (isa<BlockArgument>(v) || inPlace.count(v) ||
        isa_and_nonnull<ConstantOp>(v.getDefiningOp()))
      copies.push_back(v);
    else
      inPlace.insert(v);
  }
  llvm::SmallPtrSet<Operation *, 8> fused;
  auto add = [&](Operation *op, StringRef what, double cycles) {
    nests.push_back({op, what.str(), cycles});
  };
  auto contiguous = [&](RankedTensorType t) {
    SmallVector<int64_t> rm = rowMajor(t.getShape());
    return stridedCopy(t.getShape(), rm, rm, bytesOf(t));
  };
  for (Operation &opRef : body.without_terminator()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || fused.count(op) || op->getNumResults() != 1)
      continue;
    if (auto mm = dyn_cast<MatmulOp>(op))
      for (const NPUDrainStep &step : npuDrainEpilogue(mm))
        fused.insert(step.op);
    auto rt = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!rt || !rt.hasStaticShape() || rt.getNumElements() == 0)
      continue;
    StringRef name = op->getName().getStringRef();
    if (isa<ReshapeOp>(op)) {
      // A view, unless it is written to a function result.
      if (inPlace.count(op->getResult(0))) {
        StridedCopy c = contiguous(rt);
        add(op, name, estimateStridedCopy(d, c, defaultCopyRows(d, c)));
      }
      continue;
    }
    if (auto g = dyn_cast<GatherOp>(op)) {
      add(op, name, estimateGather(d, g));
      continue;
    }
    if (auto rope = dyn_cast<RopeOp>(op)) {
      add(op, name, estimateRope(d, rope));
      continue;
    }
    if (isa<SliceOp, ConcatOp>(op)) {
      add(op, name, estimateCopyNest(d, op));
      continue;
    }
    bool elementwise = isElementwise(op) || isa<CastOp, WhereOp>(op);
    if (elementwise)
      for (const StridedCopy &c : broadcastCopies(op))
        add(op, "broadcast", estimateStridedCopy(d, c, defaultCopyRows(d, c)));
    auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
    if (schedule) {
      CostEstimate e = model.estimate(op, schedule);
      if (e.fits) {
        add(op, name, e.seconds * hz);
        continue;
      }
    }
    if (elementwise) {
      add(op, name, estimateVectorNest(d, op));
      continue;
    }
    if (auto t = dyn_cast<TransposeOp>(op)) {
      std::optional<CopyPlan> p = copyPlanOf(op);
      if (p) {
        add(op, name, estimateCopy(d, *p, defaultCopyRows(d, contiguous(rt))));
        continue;
      }
    }
    // An op the NPU cost model has no estimate for: say so, count nothing.
    add(op, (name + " (no estimate)").str(), 0);
  }
  for (Value v : copies) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getNumElements() == 0)
      continue;
    StridedCopy c = contiguous(t);
    add(ret, "result copy", estimateStridedCopy(d, c, defaultCopyRows(d, c)));
  }
  return nests;
}

void kiln::printNPUPredictions(
    const npu::NPUTargetDescription &d, Operation *module,
    const llvm::DenseMap<Operation *, std::string> &keys, raw_ostream &os) {
  module->walk([&](func::FuncOp func) {
    double total = 0;
    for (const NPUNestPrediction &n : predictNPUNests(d, func)) {
      std::string key = keys.lookup(n.op);
      os << llvm::formatv("{0} {1} {2:f0} cycles\n",
                          key.empty() ? func.getSymName().str() + ":-" : key,
                          n.nest, n.cycles);
      total += n.cycles;
    }
    os << llvm::formatv("total @{0}: {1:f0} cycles, {2:f3} us\n",
                        func.getSymName(), total,
                        total / (d.frequencyGHz * 1e3));
  });
}
