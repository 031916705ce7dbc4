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

struct Builder {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t v) {
    return arith::MulIOp::create(b, loc, x, c(v));
  }
  Value div(Value x, int64_t v) {
    return arith::DivUIOp::create(b, loc, x, c(v));
  }
  Value rem(Value x, int64_t v) {
    return arith::RemUIOp::create(b, loc, x, c(v));
  }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value eq(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(v));
  }
};

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

void lower(Plan &p) {
  linalg::GenericOp g = p.g;
  MLIRContext *ctx = g->getContext();
  Location loc = g->getLoc();
  OpBuilder b(g);
  Builder h{b, loc};
  const int64_t warp = 32;
  int64_t T = p.s.threadsPerRow, R = p.s.rowsPerBlock, V = p.s.vector;
  int64_t warps = T / warp;
  int64_t n = g.getNumLoops();
  Type f32 = b.getF32Type();
  Type accType = g.getBody()->getArguments().back().getType();
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  SmallVector<Type> attributions;
  if (warps > 1)
    attributions.push_back(MemRefType::get({R, warps}, f32,
                                           MemRefLayoutAttrInterface(),
                                           workgroup));
  auto launch = gpu::LaunchOp::create(
      b, loc, h.c((p.rows + R - 1) / R), h.c(1), h.c(1), h.c(T), h.c(R),
      h.c(1), nullptr, nullptr, {}, attributions);
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value row = h.add(h.mul(launch.getBlockIds().x, R), ty);
  Value valid = h.lt(row, h.c(p.rows));
  // Threads past the last row load nothing but still shuffle and wait at
  // the barrier with their warp and block.
  Value rowC = arith::SelectOp::create(b, loc, valid, row, h.c(0));
  SmallVector<Value> idx(n - 1);
  for (int64_t d = n - 2; d >= 0; --d) {
    idx[d] = h.rem(rowC, p.rowShape[d]);
    rowC = h.div(rowC, p.rowShape[d]);
  }
  Value chunks = h.c(p.length / V);
  Value ub = arith::SelectOp::create(b, loc, valid, chunks, h.c(0));
  Value identity = arith::ConstantOp::create(
      b, loc, arith::getIdentityValueAttr(p.kind, f32, b, loc));

  // Each thread: chunks tx, tx + T, ... of V elements.
  auto loop = scf::ForOp::create(b, loc, tx, ub, h.c(T), ValueRange{identity});
  b.setInsertionPointToStart(loop.getBody());
  Value chunk = loop.getInductionVar();
  Value acc = loop.getRegionIterArgs()[0];
  Value k0 = h.mul(chunk, V);
  auto indicesOf = [&](OpOperand *o, Value k) {
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
  // Inputs that are the row itself: one aligned vector load per chunk
  // (the row starts at a multiple of V elements; buffers are allocated
  // aligned).
  SmallVector<Value> vectors(g.getNumDpsInputs());
  for (OpOperand *o : g.getDpsInputOperands()) {
    if (V == 1 || !g.getMatchingIndexingMap(o).isIdentity())
      continue;
    auto t = cast<MemRefType>(o->get().getType());
    auto vt = VectorType::get({V}, t.getElementType());
    int64_t bytes = V * t.getElementTypeBitWidth() / 8;
    vectors[o->getOperandNumber()] = vector::LoadOp::create(
        b, loc, vt, o->get(), indicesOf(o, k0), /*nontemporal=*/false,
        llvm::MaybeAlign(bytes));
  }
  for (int64_t j = 0; j < V; ++j) {
    Value k = h.add(k0, h.c(j));
    IRMapping map;
    for (OpOperand *o : g.getDpsInputOperands()) {
      Value v;
      if (Value vec = vectors[o->getOperandNumber()])
        v = vector::ExtractOp::create(b, loc, vec, j);
      else
        v = memref::LoadOp::create(b, loc, o->get(), indicesOf(o, k));
      map.map(g.getMatchingBlockArgument(o), v);
    }
    for (Operation &op : g.getBody()->without_terminator())
      if (&op != p.combiner)
        b.clone(op, map);
    Value contribution = map.lookupOrDefault(p.contribution);
    if (contribution.getType() != f32)
      contribution = arith::ExtFOp::create(b, loc, f32, contribution);
    acc = arith::getReductionOp(p.kind, b, loc, acc, contribution);
  }
  scf::YieldOp::create(b, loc, acc);
  b.setInsertionPointAfter(loop);
  acc = warpReduce(b, loc, p.kind, loop.getResult(0), std::min(T, warp));
  if (warps > 1) {
    // Across the warps of a row: lane 0 of each warp writes its value,
    // the first warp of the row reduces them.
    Value partials = launch.getWorkgroupAttributions()[0];
    Value w = h.div(tx, warp);
    auto first = scf::IfOp::create(b, loc, h.eq(h.rem(tx, warp), 0));
    b.setInsertionPointToStart(first.thenBlock());
    memref::StoreOp::create(b, loc, acc, partials, ValueRange{ty, w});
    b.setInsertionPointAfter(first);
    gpu::BarrierOp::create(b, loc);
    Value lane = arith::MinUIOp::create(b, loc, tx, h.c(warps - 1));
    Value part = memref::LoadOp::create(b, loc, partials, ValueRange{ty, lane});
    part = arith::SelectOp::create(b, loc, h.lt(tx, h.c(warps)), part,
                                   identity);
    acc = warpReduce(b, loc, p.kind, part, warps);
  }
  // Thread 0 of the row: the output's initial value (the fill's, or what
  // the buffer holds) combined with the row's.
  Value writer = arith::AndIOp::create(b, loc, h.eq(tx, 0), valid);
  auto store = scf::IfOp::create(b, loc, writer);
  b.setInsertionPointToStart(store.thenBlock());
  Value out = g.getDpsInits()[0];
  Value initial = p.fill ? p.fill.getDpsInputs()[0]
                         : memref::LoadOp::create(b, loc, out, idx).getResult();
  if (initial.getType() != f32)
    initial = arith::ExtFOp::create(b, loc, f32, initial);
  Value result = arith::getReductionOp(p.kind, b, loc, initial, acc);
  if (accType != f32)
    result = arith::TruncFOp::create(b, loc, accType, result);
  memref::StoreOp::create(b, loc, result, out, idx);
  b.setInsertionPointAfter(store);
  gpu::TerminatorOp::create(b, loc);
  if (p.fill)
    p.fill->erase();
  g->erase();
}

struct BlockReducePass
    : kiln::impl::KilnGPUBlockReduceBase<BlockReducePass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp g) {
      if (!g->getParentOfType<gpu::LaunchOp>())
        generics.push_back(g);
    });
    for (linalg::GenericOp g : generics) {
      std::string why;
      std::optional<Plan> p = planFor(g, why);
      if (!p) {
        if (!why.empty())
          g->emitRemark("kiln-gpu-block-reduce: not a block reduction (")
              << why << "); one thread per output element instead";
        continue;
      }
      lower(*p);
    }
  }
};

} // namespace
