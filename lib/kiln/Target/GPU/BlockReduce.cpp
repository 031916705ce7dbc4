//===- BlockReduce.cpp - kiln-gpu-block-reduce -----------------------------===//
//
// Doing what the GPU cost model decided for row reductions (softmax's max
// and sum, the norms' statistics, reduce over the last axis): one thread
// block per `rowsPerBlock` rows, `threadsPerRow` threads per row. Each
// thread reduces a strided slice of its row (`vector` elements per global
// load), then a warp reduces with `gpu.shuffle xor` (shfl.sync.bfly), then
// the warps of a row through shared memory (docs/gpu.md, "Block
// reductions"). Runs after bufferization, in host functions, like
// kiln-gpu-tensor-core-matmul: the kernel is written out as a gpu.launch.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Target/GPU/BlockReductionSchedule.h"
#include "kiln/Target/GPU/Passes.h"
#include "IndexBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUBLOCKREDUCE
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// The combining op of a reduction body, as the kind arith knows the
/// identity and the combination of.
std::optional<arith::AtomicRMWKind> combinerKind(Operation *op) {
  if (isa<arith::AddFOp>(op))
    return arith::AtomicRMWKind::addf;
  if (isa<arith::MulFOp>(op))
    return arith::AtomicRMWKind::mulf;
  if (isa<arith::MaximumFOp>(op))
    return arith::AtomicRMWKind::maximumf;
  if (isa<arith::MaxNumFOp>(op))
    return arith::AtomicRMWKind::maxnumf;
  if (isa<arith::MinimumFOp>(op))
    return arith::AtomicRMWKind::minimumf;
  if (isa<arith::MinNumFOp>(op))
    return arith::AtomicRMWKind::minnumf;
  return std::nullopt;
}

/// A row reduction the kernel takes: loops [parallel..., reduction], one
/// output indexed by the parallel loops, static identity-layout buffers,
/// inputs read through projected permutations, and a body
/// `yield combine(out, contribution(inputs))`.
struct Plan {
  linalg::GenericOp g;
  kiln::BlockReductionSchedule s;
  Operation *combiner = nullptr;
  arith::AtomicRMWKind kind;
  Value contribution; // in the body
  linalg::FillOp fill; // the output's fill just before, if any
  SmallVector<int64_t> rowShape;
  int64_t rows = 1, length = 0;
};

std::optional<Plan> planFor(linalg::GenericOp g, std::string &why) {
  auto schedule = g->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule");
  std::optional<kiln::BlockReductionSchedule> s =
      kiln::BlockReductionSchedule::read(schedule);
  // The elementwise parts of a softmax or norm carry the same schedule:
  // they run one thread per element.
  if (!s || g.getNumReductionLoops() == 0)
    return std::nullopt;
  Plan p;
  p.g = g;
  p.s = *s;
  unsigned n = g.getNumLoops();
  if (!g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 || n < 2 ||
      schedule.getNumLoops() != n || g.getNumReductionLoops() != 1 ||
      g.getIteratorTypesArray().back() != utils::IteratorType::reduction) {
    why = "not a reduction over the last of its loops";
    return std::nullopt;
  }
  SmallVector<int64_t> ranges = g.getStaticLoopRanges();
  for (int64_t r : ranges)
    if (ShapedType::isDynamic(r)) {
      why = "dynamic shapes";
      return std::nullopt;
    }
  p.rowShape.assign(ranges.begin(), ranges.end() - 1);
  for (int64_t r : p.rowShape)
    p.rows *= r;
  p.length = ranges.back();
  OpOperand *init = g.getDpsInitOperand(0);
  SmallVector<AffineExpr> rowDims;
  for (unsigned i = 0; i + 1 < n; ++i)
    rowDims.push_back(getAffineDimExpr(i, g.getContext()));
  if (g.getMatchingIndexingMap(init) !=
      AffineMap::get(n, 0, rowDims, g.getContext())) {
    why = "the output is not indexed by the row";
    return std::nullopt;
  }
  for (OpOperand &o : g->getOpOperands()) {
    auto t = dyn_cast<MemRefType>(o.get().getType());
    if (!t || !t.hasStaticShape() || !t.getLayout().isIdentity() ||
        !g.getMatchingIndexingMap(&o).isProjectedPermutation(
            /*allowZeroInResults=*/true)) {
      why = "an operand is not a static identity-layout buffer read through "
            "a projected permutation";
      return std::nullopt;
    }
  }
  Block *body = g.getBody();
  BlockArgument out = body->getArguments().back();
  Operation *yieldedBy = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!yieldedBy || !out.hasOneUse() || yieldedBy->getNumOperands() != 2 ||
      !llvm::is_contained(yieldedBy->getOperands(), Value(out)) ||
      !combinerKind(yieldedBy)) {
    why = "the body is not `yield combine(out, f(inputs))` with an add, mul, "
          "max or min";
    return std::nullopt;
  }
  Type acc = out.getType();
  if (!(acc.isF32() || acc.isF16() || acc.isBF16())) {
    why = "the accumulator is not f32, f16 or bf16";
    return std::nullopt;
  }
  int64_t warp = 32;
  int64_t warps = s->threadsPerRow / warp;
  if (s->threadsPerRow % warp != 0 || (warps & (warps - 1)) != 0 ||
      s->threadsPerRow * s->rowsPerBlock > 1024 ||
      p.length % s->vector != 0) {
    why = "the schedule's threads per row are not a power-of-two number of "
          "warps, the block exceeds 1024 threads, or the vector does not "
          "divide the row";
    return std::nullopt;
  }
  p.combiner = yieldedBy;
  p.kind = *combinerKind(yieldedBy);
  p.contribution = yieldedBy->getOperand(0) == out ? yieldedBy->getOperand(1)
                                                   : yieldedBy->getOperand(0);
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(g->getPrevNode());
      fill && fill.hasPureBufferSemantics() &&
      fill.getDpsInits()[0] == init->get())
    p.fill = fill;
  return p;
}

using Builder = kiln::IndexBuilder;

/// Reduces `v` over the `width` lanes of each group of a warp: butterfly
/// shuffles (shfl.sync.bfly), every lane ends with the group's value.
Value warpReduce(OpBuilder &b, Location loc, arith::AtomicRMWKind kind,
                 Value v, int64_t width) {
  for (int64_t off = width / 2; off >= 1; off /= 2) {
    auto shuffled = gpu::ShuffleOp::create(b, loc, v, int32_t(off),
                                           int32_t(32), gpu::ShuffleMode::XOR);
    v = arith::getReductionOp(kind, b, loc, v, shuffled.getShuffleResult());
  }
  return v;
}

/// An elementwise generic over the same rows as a chain's reductions
/// (softmax's exp and divide, a norm's normalization): all loops parallel
/// with `ranges`, the output written through the identity, static
/// identity-layout buffers read through projected permutations, the same
/// schedule (parts of the same kiln op).
bool isRowMap(linalg::GenericOp g, Attribute schedule,
              ArrayRef<int64_t> ranges) {
  if (g->getAttr("kiln.schedule") != schedule || !g.hasPureBufferSemantics() ||
      g.getNumDpsInits() != 1 || g.getNumLoops() != ranges.size() ||
      g.getNumReductionLoops() != 0 ||
      ArrayRef<int64_t>(g.getStaticLoopRanges()) != ranges ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return false;
  Value out = g.getDpsInits()[0];
  for (OpOperand &o : g->getOpOperands()) {
    auto t = dyn_cast<MemRefType>(o.get().getType());
    AffineMap m = g.getMatchingIndexingMap(&o);
    if (!t || !t.hasStaticShape() || !t.getLayout().isIdentity() ||
        !m.isProjectedPermutation(/*allowZeroInResults=*/true))
      return false;
    // Reading the output buffer elsewhere than the element written would
    // read another thread's element.
    if (o.get() == out && !m.isIdentity())
      return false;
  }
  return true;
}

/// One kernel: the row reductions of one kiln op and the elementwise steps
/// between and after them, in order, over the same rows.
struct Chain {
  struct Step {
    linalg::GenericOp g;
    std::optional<Plan> reduction; // none: an elementwise step
  };
  SmallVector<Step> steps;
  SmallVector<Operation *> erased;   // fills and generics
  SmallVector<Operation *> hoisted;  // static allocs between steps
  SmallVector<Operation *> sunk;     // deallocs between steps
  Operation *first = nullptr;
};

/// The chain starting at the row reduction `start` (with its fill).
Chain chainFrom(Plan start) {
  Chain c;
  Attribute schedule = start.g->getAttr("kiln.schedule");
  SmallVector<int64_t> ranges = start.g.getStaticLoopRanges();
  c.first = start.fill ? start.fill.getOperation() : start.g.getOperation();
  if (start.fill)
    c.erased.push_back(start.fill);
  c.erased.push_back(start.g);
  c.steps.push_back({start.g, start});
  // Blocks do not wait for each other: a step may read what an earlier
  // step wrote only within its own row, and may not overwrite what an
  // earlier step read outside the row.
  unsigned n = ranges.size();
  auto rowLocal = [&](AffineMap m) {
    if (m.getNumResults() < n - 1)
      return false;
    for (unsigned i = 0; i + 1 < n; ++i)
      if (m.getResult(i) != getAffineDimExpr(i, m.getContext()))
        return false;
    return true;
  };
  llvm::SmallPtrSet<void *, 8> written, readElsewhere;
  auto admit = [&](linalg::GenericOp g) {
    for (OpOperand *o : g.getDpsInputOperands())
      if (!rowLocal(g.getMatchingIndexingMap(o)) &&
          written.contains(o->get().getAsOpaquePointer()))
        return false;
    if (readElsewhere.contains(g.getDpsInits()[0].getAsOpaquePointer()))
      return false;
    for (OpOperand *o : g.getDpsInputOperands())
      if (!rowLocal(g.getMatchingIndexingMap(o)))
        readElsewhere.insert(o->get().getAsOpaquePointer());
    written.insert(g.getDpsInits()[0].getAsOpaquePointer());
    return true;
  };
  admit(start.g);
  SmallVector<Operation *> pendingAllocs, pendingDeallocs;
  linalg::FillOp pendingFill;
  for (Operation *op = start.g->getNextNode(); op; op = op->getNextNode()) {
    if (isa<memref::AllocOp>(op) && op->getNumOperands() == 0) {
      pendingAllocs.push_back(op);
      continue;
    }
    if (isa<memref::DeallocOp>(op)) {
      pendingDeallocs.push_back(op);
      continue;
    }
    if (auto fill = dyn_cast<linalg::FillOp>(op);
        fill && !pendingFill && fill.hasPureBufferSemantics()) {
      pendingFill = fill;
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g || g->getAttr("kiln.schedule") != schedule)
      break;
    std::optional<Plan> reduction;
    if (g.getNumReductionLoops() > 0) {
      std::string why;
      reduction = planFor(g, why);
      if (!reduction ||
          ArrayRef<int64_t>(g.getStaticLoopRanges()) != ArrayRef(ranges))
        break;
      // The fill (found just before, skipping allocs) is its initial value.
      if (pendingFill) {
        if (pendingFill.getDpsInits()[0] != g.getDpsInits()[0])
          break;
        reduction->fill = pendingFill;
      }
    } else if (pendingFill || !isRowMap(g, schedule, ranges)) {
      break;
    }
    if (!admit(g))
      break;
    if (pendingFill) {
      c.erased.push_back(pendingFill);
      pendingFill = {};
    }
    c.steps.push_back({g, reduction});
    c.erased.push_back(g);
    llvm::append_range(c.hoisted, pendingAllocs);
    llvm::append_range(c.sunk, pendingDeallocs);
    pendingAllocs.clear();
    pendingDeallocs.clear();
  }
  return c;
}

void lower(Chain &c) {
  Plan &p0 = *c.steps.front().reduction;
  linalg::GenericOp g0 = p0.g;
  MLIRContext *ctx = g0->getContext();
  Location loc = g0->getLoc();
  for (Operation *alloc : c.hoisted)
    alloc->moveBefore(c.first);
  OpBuilder b(c.first);
  Builder h{b, loc};
  const int64_t warp = 32;
  int64_t T = p0.s.threadsPerRow, R = p0.s.rowsPerBlock, V = p0.s.vector;
  int64_t warps = T / warp;
  int64_t n = g0.getNumLoops();
  Type f32 = b.getF32Type();
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  SmallVector<Type> attributions;
  if (warps > 1)
    attributions.push_back(MemRefType::get({R, warps}, f32,
                                           MemRefLayoutAttrInterface(),
                                           workgroup));
  auto launch = gpu::LaunchOp::create(
      b, loc, h.c((p0.rows + R - 1) / R), h.c(1), h.c(1), h.c(T), h.c(R),
      h.c(1), nullptr, nullptr, {}, attributions);
  for (Operation *dealloc : c.sunk)
    dealloc->moveAfter(launch);
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value row = h.add(h.mul(launch.getBlockIds().x, R), ty);
  Value valid = h.lt(row, h.c(p0.rows));
  // Threads past the last row load nothing but still shuffle and wait at
  // the barriers with their warp and block.
  Value rowC = arith::SelectOp::create(b, loc, valid, row, h.c(0));
  SmallVector<Value> idx(n - 1);
  for (int64_t d = n - 2; d >= 0; --d) {
    idx[d] = h.rem(rowC, p0.rowShape[d]);
    rowC = h.div(rowC, p0.rowShape[d]);
  }
  Value ub = arith::SelectOp::create(b, loc, valid, h.c(p0.length / V),
                                     h.c(0));
  Value lane = h.rem(tx, warp);
  // The row's statistics computed so far, by output buffer: every thread
  // holds them, later steps read them from registers.
  llvm::DenseMap<Value, Value> rowValues;
  AffineMap rowMap = p0.g.getMatchingIndexingMap(p0.g.getDpsInitOperand(0));

  // An operand whose innermost index is the row's column over a dimension
  // of the row's length (the row itself, a scale or bias vector): V
  // consecutive, V-aligned elements per chunk.
  auto alongRow = [&](linalg::GenericOp g, OpOperand *o) {
    AffineMap m = g.getMatchingIndexingMap(o);
    auto t = cast<MemRefType>(o->get().getType());
    return m.getNumResults() > 0 && t.getShape().back() == p0.length &&
           m.getResults().back() == getAffineDimExpr(n - 1, ctx);
  };
  auto indicesOf = [&](linalg::GenericOp g, OpOperand *o, Value k) {
    SmallVector<Value> ix;
    for (AffineExpr e : g.getMatchingIndexingMap(o).getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e))
        ix.push_back(int64_t(d.getPosition()) == n - 1 ? k
                                                       : idx[d.getPosition()]);
      else
        ix.push_back(h.c(cast<AffineConstantExpr>(e).getValue()));
    }
    return ix;
  };
  // Each thread: chunks tx, tx + T, ... of V elements of its row; inputs
  // along the row are read with one aligned vector load per chunk (a row
  // starts at a multiple of V elements; buffers are allocated aligned). `perElement(j, k, map)` emits element j (column k).
  auto rowLoop = [&](linalg::GenericOp g, ValueRange inits,
                     function_ref<SmallVector<Value>(int64_t, Value, IRMapping &,
                                                     ValueRange)>
                         perElement) -> scf::ForOp {
    auto loop = scf::ForOp::create(b, loc, tx, ub, h.c(T), inits);
    OpBuilder::InsertionGuard guard(b);
    // Without loop-carried values the loop comes with its terminator.
    if (inits.empty())
      b.setInsertionPoint(loop.getBody()->getTerminator());
    else
      b.setInsertionPointToStart(loop.getBody());
    Value k0 = h.mul(loop.getInductionVar(), V);
    SmallVector<Value> vectors(g->getNumOperands());
    for (OpOperand *o : g.getDpsInputOperands()) {
      if (V == 1 || !alongRow(g, o) || rowValues.count(o->get()))
        continue;
      auto t = cast<MemRefType>(o->get().getType());
      auto vt = VectorType::get({V}, t.getElementType());
      int64_t bytes = V * t.getElementTypeBitWidth() / 8;
      vectors[o->getOperandNumber()] = vector::LoadOp::create(
          b, loc, vt, o->get(), indicesOf(g, o, k0), /*nontemporal=*/false,
          llvm::MaybeAlign(bytes));
    }
    SmallVector<Value> carried(loop.getRegionIterArgs());
    for (int64_t j = 0; j < V; ++j) {
      Value k = h.add(k0, h.c(j));
      IRMapping map;
      for (OpOperand *o : g.getDpsInputOperands()) {
        Value v;
        if (Value vec = vectors[o->getOperandNumber()])
          v = vector::ExtractOp::create(b, loc, vec, j);
        else if (auto it = rowValues.find(o->get());
                 it != rowValues.end() &&
                 g.getMatchingIndexingMap(o) == rowMap)
          v = it->second;
        else
          v = memref::LoadOp::create(b, loc, o->get(), indicesOf(g, o, k));
        map.map(g.getMatchingBlockArgument(o), v);
      }
      carried = perElement(j, k, map, carried);
    }
    if (!inits.empty())
      scf::YieldOp::create(b, loc, carried);
    return loop;
  };

  for (auto [i, step] : llvm::enumerate(c.steps)) {
    linalg::GenericOp g = step.g;
    // Steps read what earlier steps of other threads wrote (a row's
    // elements, its statistics in memory): a barrier between them.
    if (i > 0)
      gpu::BarrierOp::create(b, loc);
    if (!step.reduction) {
      OpOperand *outOperand = g.getDpsInitOperand(0);
      Value out = outOperand->get();
      auto outType = cast<MemRefType>(out.getType());
      // The output is the row itself (identity map): V elements per store.
      bool vectorStore = V > 1;
      SmallVector<Value> results;
      Value k0;
      rowLoop(g, {}, [&](int64_t j, Value k, IRMapping &map, ValueRange) {
        BlockArgument outArg = g.getMatchingBlockArgument(outOperand);
        if (!outArg.use_empty())
          map.map(outArg, memref::LoadOp::create(b, loc, out,
                                                 indicesOf(g, outOperand, k)));
        for (Operation &op : g.getBody()->without_terminator())
          b.clone(op, map);
        Value v = map.lookupOrDefault(
            g.getBody()->getTerminator()->getOperand(0));
        if (!vectorStore) {
          memref::StoreOp::create(b, loc, v, out, indicesOf(g, outOperand, k));
          return SmallVector<Value>{};
        }
        if (j == 0) {
          results.clear();
          k0 = k;
        }
        results.push_back(v);
        if (j == V - 1) {
          auto vt = VectorType::get({V}, outType.getElementType());
          Value vec = vector::FromElementsOp::create(b, loc, vt, results);
          vector::StoreOp::create(
              b, loc, vec, out, indicesOf(g, outOperand, k0),
              /*nontemporal=*/false,
              llvm::MaybeAlign(V * outType.getElementTypeBitWidth() / 8));
        }
        return SmallVector<Value>{};
      });
      continue;
    }
    Plan &p = *step.reduction;
    Value out = g.getDpsInits()[0];
    Type accType = g.getBody()->getArguments().back().getType();
    Value identity = arith::ConstantOp::create(
        b, loc, arith::getIdentityValueAttr(p.kind, f32, b, loc));
    // The output's initial value: the fill's, or the buffer's contents,
    // read by every thread before any thread of the row stores.
    Value initial =
        p.fill ? p.fill.getDpsInputs()[0]
               : memref::LoadOp::create(b, loc, out, idx).getResult();
    if (initial.getType() != f32)
      initial = arith::ExtFOp::create(b, loc, f32, initial);
    scf::ForOp loop = rowLoop(
        g, ValueRange{identity},
        [&](int64_t, Value, IRMapping &map, ValueRange carried) {
          for (Operation &op : g.getBody()->without_terminator())
            if (&op != p.combiner)
              b.clone(op, map);
          Value contribution = map.lookupOrDefault(p.contribution);
          if (contribution.getType() != f32)
            contribution = arith::ExtFOp::create(b, loc, f32, contribution);
          return SmallVector<Value>{
              arith::getReductionOp(p.kind, b, loc, carried[0], contribution)};
        });
    Value acc =
        warpReduce(b, loc, p.kind, loop.getResult(0), std::min(T, warp));
    if (warps > 1) {
      // Across the warps of a row: lane 0 of each warp writes its value;
      // every warp reduces them all, so every thread has the row's value.
      Value partials = launch.getWorkgroupAttributions()[0];
      auto first = scf::IfOp::create(b, loc, h.eq(lane, 0));
      b.setInsertionPointToStart(first.thenBlock());
      memref::StoreOp::create(b, loc, acc, partials,
                              ValueRange{ty, h.div(tx, warp)});
      b.setInsertionPointAfter(first);
      gpu::BarrierOp::create(b, loc);
      // Each group of `warps` lanes reads all partials (lane % warps) and
      // reduces them with butterflies: every lane ends with the total.
      Value part = memref::LoadOp::create(b, loc, partials,
                                          ValueRange{ty, h.rem(lane, warps)});
      acc = warpReduce(b, loc, p.kind, part, warps);
    }
    Value result = arith::getReductionOp(p.kind, b, loc, initial, acc);
    if (accType != f32)
      result = arith::TruncFOp::create(b, loc, accType, result);
    rowValues[out] = result;
    // Thread 0 of the row stores it.
    Value writer = arith::AndIOp::create(b, loc, h.eq(tx, 0), valid);
    auto store = scf::IfOp::create(b, loc, writer);
    b.setInsertionPointToStart(store.thenBlock());
    memref::StoreOp::create(b, loc, result, out, idx);
    b.setInsertionPointAfter(store);
  }
  gpu::TerminatorOp::create(b, loc);
  for (Operation *op : llvm::reverse(c.erased))
    op->erase();
}

struct BlockReducePass
    : kiln::impl::KilnGPUBlockReduceBase<BlockReducePass> {
  /// kiln-cpu-decompose-aggregates leaves an f16 / bf16 softmax's schedule
  /// on its last generic only (the truncation), convert-kiln-to-linalg a
  /// mean's on its division; the generics just before it without a
  /// schedule, over the same loops or reducing to them, are the op's other
  /// parts (the extension, max, exp, sum, divide; the sum): they get its
  /// block-reduction schedule, a mechanical consequence of the op's
  /// decision.
  void shareSchedules() {
    SmallVector<linalg::GenericOp> scheduled;
    getOperation().walk([&](linalg::GenericOp g) {
      if (kiln::BlockReductionSchedule::read(
              g->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule")) &&
          g.hasPureBufferSemantics())
        scheduled.push_back(g);
    });
    for (linalg::GenericOp g : scheduled) {
      SmallVector<int64_t> ranges = g.getStaticLoopRanges();
      for (Operation *op = g->getPrevNode(); op; op = op->getPrevNode()) {
        if (isa<memref::AllocOp, memref::DeallocOp, linalg::FillOp>(op))
          continue;
        auto part = dyn_cast<linalg::GenericOp>(op);
        if (!part || part->hasAttr("kiln.schedule") ||
            !part.hasPureBufferSemantics())
          break;
        // Over the same loops, or the reduction whose result the scheduled
        // generic finishes (a mean's division, a truncation to f16).
        SmallVector<int64_t> partRanges = part.getStaticLoopRanges();
        bool same = ArrayRef(partRanges) == ArrayRef(ranges);
        bool finished = part.getNumReductionLoops() == 1 &&
                        partRanges.size() == ranges.size() + 1 &&
                        ArrayRef(partRanges).drop_back() == ArrayRef(ranges);
        if (!same && !finished)
          break;
        part->setAttr("kiln.schedule", g->getAttr("kiln.schedule"));
      }
    }
  }

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp g) {
      if (!g->getParentOfType<gpu::LaunchOp>())
        generics.push_back(g);
    });
    shareSchedules();
    llvm::SmallPtrSet<Operation *, 16> done;
    for (linalg::GenericOp g : generics) {
      if (done.contains(g))
        continue;
      std::string why;
      std::optional<Plan> p = planFor(g, why);
      if (!p) {
        if (!why.empty())
          g->emitRemark("kiln-gpu-block-reduce: not a block reduction (")
              << why << "); one thread per output element instead";
        continue;
      }
      Chain c = chainFrom(*p);
      for (const Chain::Step &s : c.steps)
        done.insert(s.g);
      lower(c);
    }
  }
};

} // namespace
