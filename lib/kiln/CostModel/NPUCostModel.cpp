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

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

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
                (p.out == npu::ElemType::F32 ? 0 : 2 * uint64_t(p.tm * p.tn) * ob);
  c.accBytes = 2 * uint64_t(ceilDiv(p.tn, p.sn) * p.sn * p.tm) * 4;
  if (c.spadBytes > spad->sizeBytes || c.accBytes > acc->sizeBytes) {
    c.fits = false;
    c.why = llvm::formatv("SRAM tiles need {0} B SPAD / {1} B ACC (have {2} / "
                          "{3})",
                          c.spadBytes, c.accBytes, spad->sizeBytes,
                          acc->sizeBytes);
    return c;
  }
  double bpc = d.offChipBytesPerCycle();
  auto burst = [&](int64_t bytes) {
    return double(ceilDiv(bytes, d.dmaBurstBytes) * d.dmaBurstBytes);
  };
  // One DMA of an r x c tile of a row-major matrix with `cols` columns.
  auto dmaCycles = [&](int64_t r, int64_t cc, int64_t cols, unsigned b) {
    double bus = cc == cols ? burst(r * cc * b) : r * burst(cc * b);
    return d.dmaSetupCycles + bus / bpc;
  };
  // How often each operand's tiles are loaded (the lowering loads a tile
  // in the innermost loop it depends on; loops of one trip are not loops).
  bool kLoop = kT > 1;
  double aLoads = (kLoop || !p.mOuter) ? double(nT) : 1.0;
  double bLoads = (kLoop || p.mOuter) ? double(mT) : 1.0;
  double load = 0, compute = 0, store = 0;
  // A tiles: mT*kT distinct tiles, each loaded aLoads times.
  for (int64_t mi = 0; mi < mT; ++mi)
    for (int64_t ki = 0; ki < kT; ++ki)
      load += aLoads * dmaCycles(std::min(p.tm, p.m - mi * p.tm),
                                 std::min(p.tk, p.k - ki * p.tk), p.k, eb);
  for (int64_t ki = 0; ki < kT; ++ki)
    for (int64_t ni = 0; ni < nT; ++ni)
      load += bLoads * dmaCycles(std::min(p.tk, p.k - ki * p.tk),
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
        store += dmaCycles(tm, std::min(p.sn, tn - j), p.n, ob);
    }
  c.storeBytes = double(p.batch) * p.m * p.n * ob;
  load *= p.batch;
  compute *= p.batch;
  store *= p.batch;
  c.loadCycles = load;
  c.computeCycles = compute;
  c.storeCycles = store;
  // Fill: the first A and B tiles before the array starts; drain: the last
  // output tile after it stops (plus DRAM latency each way).
  double fill = dmaCycles(std::min(p.tm, p.m), std::min(p.tk, p.k), p.k, eb) +
                dmaCycles(std::min(p.tk, p.k), std::min(p.tn, p.n), p.n, eb) +
                dram->latencyCycles + d.weightLoadCycles;
  int64_t lastTn = std::min(p.tn, p.n);
  double drain = ceilDiv(lastTn, p.sn) *
                     dmaCycles(std::min(p.tm, p.m), std::min(p.sn, lastTn), p.n, ob) +
                 dram->latencyCycles + d.matrixRows + d.matrixCols;
  // The engines overlap through double buffers. Per SRAM tile step the
  // load DMA (slowed by the store DMA sharing the bus) and the array run
  // in parallel, but a buffer goes round trip load -> DRAM latency ->
  // compute -> array drain -> free with two slots, so a step takes at
  // least half of that round trip.
  double steps = double(p.batch) * mT * nT * kT;
  double pl = (load + store) / steps, pc = compute / steps;
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

/// Elementwise ops on the vector unit, as kiln-npu-lower-to-npu lowers
/// them: rows x cols (cols = last dim) in row tiles of `tr`; per tile one
/// DMA per full-shape operand, one vector instruction, one DMA out.
static double estimateElementwise(const npu::NPUTargetDescription &d,
                                  int64_t rows, int64_t cols, int64_t tr,
                                  unsigned eb, unsigned fullOperands,
                                  double groupCycles, bool &fits) {
  const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad),
                         *dram = d.memory(npu::MemoryKind::DRAM);
  fits = spad && dram &&
         2.0 * (fullOperands + 1) * tr * cols * eb + 2.0 * cols * eb <=
             double(spad->sizeBytes);
  if (!fits)
    return 0;
  double bpc = d.offChipBytesPerCycle();
  auto dma = [&](int64_t r) {
    int64_t bytes = r * cols * eb;
    return d.dmaSetupCycles +
           double(ceilDiv(bytes, d.dmaBurstBytes) * d.dmaBurstBytes) / bpc;
  };
  auto vec = [&](int64_t r) {
    return double(ceilDiv(r * cols, d.vectorLanes)) * groupCycles;
  };
  int64_t steps = ceilDiv(rows, tr);
  double load = 0, compute = 0, store = 0;
  for (int64_t i = 0; i < steps; ++i) {
    int64_t r = std::min(tr, rows - i * tr);
    load += fullOperands * dma(r);
    compute += vec(r);
    store += dma(r);
  }
  double fill = fullOperands * dma(std::min(tr, rows)) + dram->latencyCycles;
  double drain = dma(std::min(tr, rows)) + dram->latencyCycles +
                 d.vectorLatencyCycles;
  if (steps <= 1)
    return fill + compute + drain;
  double pl = (load + store) / steps, pc = compute / steps;
  double period = std::max(
      {pl, pc, (pl + pc + dram->latencyCycles + d.vectorLatencyCycles) / 2});
  return fill + (steps - 1) * period + drain;
}

static bool isElementwise(Operation *op) {
  return isa<ExpOp, LogOp, TanhOp, ErfOp, SqrtOp, RsqrtOp, NegOp, AbsOp,
             ReluOp, SigmoidOp, SiluOp, GeluOp, AddOp, SubOp, MulOp, DivOp,
             MaxOp, MinOp, PowOp>(op);
}
/// Vector cycles per group of `lanes` elements: one pass (special
/// functions cost special_cycles); softmax makes five passes (max, sub,
/// exp, sum, div).
static double groupCyclesOf(Operation *op,
                            const npu::NPUTargetDescription &d) {
  if (isa<SoftmaxOp>(op))
    return 3.0 + 2.0 * d.vectorSpecialCycles;
  return isa<ExpOp, LogOp, TanhOp, ErfOp, RsqrtOp, SigmoidOp, SiluOp, GeluOp,
             DivOp, PowOp>(op)
             ? d.vectorSpecialCycles
             : 1.0;
}

NPUCostModel::NPUCostModel(npu::NPUTargetDescription description)
    : desc(std::move(description)), name("npu:" + desc.name) {}

std::unique_ptr<CostModel>
kiln::createNPUCostModel(npu::NPUTargetDescription description) {
  return std::make_unique<NPUCostModel>(std::move(description));
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
  full = 0;
  for (Value v : op->getOperands())
    if (cast<RankedTensorType>(v.getType()).getShape() == t.getShape())
      ++full;
  return rows > 0 && cols > 0;
}

SmallVector<ScheduleAttr> NPUCostModel::candidates(Operation *op) const {
  SmallVector<ScheduleAttr> out;
  int64_t rows, cols;
  unsigned eb, full;
  if ((isElementwise(op) || isa<SoftmaxOp>(op)) &&
      elementwiseShape(op, rows, cols, eb, full)) {
    int64_t r = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    for (int64_t tr = 1;; tr *= 2) {
      int64_t t = std::min(tr, rows);
      bool fits;
      estimateElementwise(desc, rows, cols, t, eb, full, groupCyclesOf(op, desc),
                          fits);
      if (fits) {
        SmallVector<SmallVector<int64_t>> tiles(3, SmallVector<int64_t>(r, 0));
        tiles[1][r - 2] = t;
        tiles[2][r - 2] = t;
        out.push_back(ScheduleAttr::get(op->getContext(), tiles, {}, {},
                                        std::nullopt));
      }
      if (t == rows)
        break;
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
  int64_t rows, cols;
  unsigned eb, full;
  if ((isElementwise(op) || isa<SoftmaxOp>(op)) &&
      elementwiseShape(op, rows, cols, eb, full)) {
    int64_t r = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    int64_t tr = schedule && schedule.getNumLevels() >= 2 &&
                         schedule.getLevel(1)[r - 2] > 0
                     ? std::min(rows, schedule.getLevel(1)[r - 2])
                     : rows;
    bool fits;
    double cycles = estimateElementwise(desc, rows, cols, tr, eb, full,
                                        groupCyclesOf(op, desc), fits);
    e.fits = fits;
    e.why = fits ? "vector unit, row tiles" : "row tiles do not fit SPAD";
    e.seconds = cycles / (desc.frequencyGHz * 1e9);
    e.flops = double(rows) * cols;
    e.bytesByLevel.push_back({"DRAM", double(rows) * cols * eb * (full + 1)});
    return e;
  }
  auto mm = dyn_cast<MatmulOp>(op);
  std::optional<NPUMatmulPlan> p = mm ? planOf(mm, schedule) : std::nullopt;
  if (!p || p->tm == 0) {
    e.fits = false;
    e.why = "the NPU cost model estimates kiln.matmul, elementwise ops and softmax "
            "only";
    return e;
  }
  NPUMatmulCost c = estimateNPUMatmul(desc, *p);
  e.fits = c.fits;
  e.why = c.why;
  e.seconds = c.cycles / (desc.frequencyGHz * 1e9);
  e.flops = 2.0 * p->batch * p->m * p->n * p->k;
  e.bytesByLevel.push_back({"DRAM", c.loadBytes + c.storeBytes});
  return e;
}
