//===- LowerToNPU.cpp - kiln-npu-lower-to-npu -----------------------------===//
//
// kiln ops on tensors -> npu ops on DRAM/SPAD/ACC memrefs in scf.for tile
// loops, as each op's #kiln.schedule says (docs/npu-compiler.md). Each kiln
// op becomes one scf.execute_region (a "nest": the unit the token and
// address passes work on). Written directly over memrefs rather than through
// linalg + bufferization: the NPU's memory spaces, DMA and tile placement
// are the whole point of this step, and a tile nest over memref.subview
// views maps one to one onto ISA operands.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Dialect/NPU/IR/NPUOps.h"
#include "kiln/Target/NPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNNPULOWERTONPU
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A loop of a tile nest: its induction variable (or a constant 0 when the
/// loop has one trip and is not generated) and the size of the current tile
/// (static when the tile divides the extent).
struct TileLoop {
  Value iv;
  OpFoldResult size;
  bool generated = false;
};

/// An elementwise op fused into a matmul's accumulator drain: `fn` on the
/// running value (and `other`, a DRAM operand of the result's shape or one
/// row broadcast over the rows).
struct EpilogueOp {
  std::string fn;
  Value other;
  bool rowBroadcast = false;
  bool runningIsLhs = true;
};

/// The vector unit's function of an elementwise kiln op ("" if none).
StringRef fnOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
            .Case([](ExpOp) { return "exp"; })
            .Case([](LogOp) { return "log"; })
            .Case([](TanhOp) { return "tanh"; })
            .Case([](ErfOp) { return "erf"; })
            .Case([](SqrtOp) { return "sqrt"; })
            .Case([](RsqrtOp) { return "rsqrt"; })
            .Case([](NegOp) { return "neg"; })
            .Case([](AbsOp) { return "abs"; })
            .Case([](ReluOp) { return "relu"; })
            .Case([](SigmoidOp) { return "sigmoid"; })
            .Case([](SiluOp) { return "silu"; })
            .Case([](GeluOp g) {
              return g.getApproximate() == GeluApproximation::tanh
                         ? "gelu_tanh"
                         : "gelu";
            })
            .Case([](AddOp) { return "add"; })
            .Case([](SubOp) { return "sub"; })
            .Case([](MulOp) { return "mul"; })
            .Case([](DivOp) { return "div"; })
            .Case([](MaxOp) { return "max"; })
            .Case([](MinOp) { return "min"; })
            .Case([](PowOp) { return "pow"; })
            // The vector unit's copy converts to the destination's type.
            .Case([](CastOp) { return "copy"; })
            .Default([](Operation *) { return ""; });
}

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func)
      : module(module), func(func), b(func.getContext()),
        target(npu::lookupTarget(module)) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp func;
  OpBuilder b;
  npu::TargetAttr target;
  DenseMap<Value, Value> memOf;
  /// Elementwise ops fused into a matmul's drain (skipped by run()).
  llvm::SmallPtrSet<Operation *, 8> fused;
  unsigned numConstants = 0;

  Value idx(Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  /// An scf.for over [0, extent) by `step` (when more than one trip) with
  /// the tile size min(step, extent - iv); the builder is left in its body.
  TileLoop openLoop(Location loc, OpFoldResult extent, int64_t step);
  Value allocTile(Location loc, ArrayRef<int64_t> shape, Type e,
                  npu::MemSpace space, bool inLoop);
  Value subview(Location loc, Value source,
                SmallVector<OpFoldResult> offsets,
                SmallVector<OpFoldResult> sizes, unsigned keepRank);
  LogicalResult lowerMatmul(MatmulOp op, Value out,
                            ArrayRef<EpilogueOp> epilogue = {});
  LogicalResult lowerElementwise(Operation *op, StringRef fn, Value out);
  LogicalResult lowerSoftmax(SoftmaxOp op, Value out);
  /// `mem` (a contiguous DRAM memref) seen as rows x cols.
  Value as2D(Location loc, Value mem, int64_t rows, int64_t cols);
  /// `mem` (a contiguous DRAM memref) seen with the shape of `to`: a view,
  /// no data moves (collapse to 1-D, expand to the new shape).
  Value reshapeView(Location loc, Value mem, RankedTensorType to);
  /// Copies the DRAM view `src` into the DRAM view `dst` (one shape, any
  /// strides) through SPAD: a loop per outer dim, row tiles of the last
  /// two, one DMA in and one DMA out per tile. Emitted at the builder's
  /// insertion point (inside a nest).
  LogicalResult copyThroughSpad(Operation *op, Value src, Value dst);
  /// Opens a nest for `op` and leaves the builder inside it.
  scf::ExecuteRegionOp openNest(Operation *op);
  LogicalResult lowerDataMovement(Operation *op, Value out);
  /// gather along axis 0: row tiles of the indices, DmaGather of the
  /// table rows they name into SPAD, one DMA out.
  LogicalResult lowerGather(GatherOp op, Value out);
  /// layer_norm, rms_norm and reduce over the last axis, per row tile.
  LogicalResult lowerRowwise(Operation *op, Value out);
  /// A DRAM constant holding `vals` (the vector unit has no immediates:
  /// scalars are loaded by DMA), its get_global emitted at the builder.
  Value scalarsInDram(Location loc, ArrayRef<double> vals, Type e);
};

TileLoop Lowering::openLoop(Location loc, OpFoldResult extent, int64_t step) {
  std::optional<int64_t> staticExtent = getConstantIntValue(extent);
  if (staticExtent && *staticExtent <= step)
    return {idx(loc, 0), extent, false};
  Value ub = staticExtent ? idx(loc, *staticExtent) : cast<Value>(extent);
  auto loop = scf::ForOp::create(b, loc, idx(loc, 0), ub, idx(loc, step));
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value iv = loop.getInductionVar();
  OpFoldResult size = b.getIndexAttr(step);
  if (!staticExtent || *staticExtent % step != 0) {
    Value rest = arith::SubIOp::create(b, loc, ub, iv);
    size = arith::MinSIOp::create(b, loc, idx(loc, step), rest).getResult();
  }
  return {iv, size, true};
}

Value Lowering::allocTile(Location loc, ArrayRef<int64_t> shape, Type e,
                          npu::MemSpace space, bool inLoop) {
  auto type = MemRefType::get(shape, e, MemRefLayoutAttrInterface(),
                              b.getI64IntegerAttr(int64_t(space)));
  auto alloc = memref::AllocOp::create(b, loc, type);
  // Tiles inside a loop are double-buffered: the DMA of the next tile
  // overlaps the compute on this one (kiln-npu-multi-buffer).
  if (inLoop)
    alloc->setAttr(npu::kBuffersAttrName, b.getI64IntegerAttr(2));
  // Every use goes through one full view next to the alloc, so that the
  // alloc has a single user in its loop (what memref::multiBuffer needs).
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0)),
      sizes;
  for (int64_t s : shape)
    sizes.push_back(b.getIndexAttr(s));
  return subview(loc, alloc, offsets, sizes, shape.size());
}

Value Lowering::subview(Location loc, Value source,
                        SmallVector<OpFoldResult> offsets,
                        SmallVector<OpFoldResult> sizes, unsigned keepRank) {
  auto srcType = cast<MemRefType>(source.getType());
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  // Keep the trailing `keepRank` dims (the leading ones have size 1).
  SmallVector<int64_t> resultShape;
  for (unsigned i = sizes.size() - keepRank; i < sizes.size(); ++i) {
    std::optional<int64_t> s = getConstantIntValue(sizes[i]);
    resultShape.push_back(s ? *s : ShapedType::kDynamic);
  }
  auto type = memref::SubViewOp::inferRankReducedResultType(
      resultShape, srcType, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(type), source,
                                   offsets, sizes, strides);
}

npu::MemSpace spadOrAcc(bool acc) {
  return acc ? npu::MemSpace::ACC : npu::MemSpace::SPAD;
}

LogicalResult Lowering::lowerMatmul(MatmulOp op, Value out,
                                    ArrayRef<EpilogueOp> epilogue) {
  Location loc = op.getLoc();
  auto lhsT = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsT = cast<RankedTensorType>(op.getRhs().getType());
  auto resT = cast<RankedTensorType>(op.getType());
  Type e = lhsT.getElementType(), outE = resT.getElementType();
  if (!target.matrixSupports(e))
    return op.emitOpError() << "cannot run on the NPU: the matrix unit of "
                            << target.getName() << " does not accept " << e
                            << " (no host fallback; docs/npu-compiler.md)";
  if (!e.isF32() && !e.isF16() && !e.isBF16())
    return op.emitOpError() << "cannot run on the NPU yet: only float "
                               "matmuls are lowered, not "
                            << e;
  if (!outE.isF32() && !target.vectorSupports(outE))
    return op.emitOpError() << "cannot run on the NPU: the vector unit of "
                            << target.getName() << " cannot convert the f32 "
                            << "accumulator to " << outE;
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  if (!schedule || schedule.getNumLevels() != 3)
    return op.emitOpError()
           << "needs a #kiln.schedule with 3 levels (core, SRAM tile, array "
              "tile): run kiln-select-schedules with target=npu:NAME";

  int64_t rank = resT.getRank(), nb = rank - 2;
  ArrayRef<int64_t> res = resT.getShape();
  int64_t M = res[rank - 2], N = res[rank - 1],
          K = lhsT.getShape()[lhsT.getRank() - (op.getTransposeA() ? 2 : 1)];
  ArrayRef<int64_t> l1 = schedule.getLevel(1), l2 = schedule.getLevel(2);
  auto tileOf = [](int64_t t, int64_t extent) {
    return t <= 0 ? extent : std::min(t, extent);
  };
  int64_t tm = tileOf(l1[nb], M), tn = tileOf(l1[nb + 1], N),
          tk = tileOf(l1[nb + 2], K);
  int64_t sm = tileOf(l2[nb], tm), sn = tileOf(l2[nb + 1], tn),
          sk = tileOf(l2[nb + 2], tk);
  if (sn > target.getCols() || sk > target.getRows())
    return op.emitOpError() << "schedule's array tile (N " << sn << ", K "
                            << sk << ") exceeds the " << target.getRows()
                            << "x" << target.getCols() << " array of "
                            << target.getName();
  SmallVector<int64_t> order = schedule.getOrderOrIdentity();
  if (order.back() != nb + 2)
    return op.emitOpError() << "NPU schedules keep k innermost in `order` "
                               "(the ACC tile accumulates over it)";

  // Which result batch dims each operand follows (broadcast dims: index 0).
  auto batchMap = [&](RankedTensorType t) {
    SmallVector<int64_t> dims(t.getRank() - 2, -1);
    int64_t off = nb - (t.getRank() - 2);
    for (int64_t d = 0; d < t.getRank() - 2; ++d)
      if (t.getShape()[d] != 1 || res[off + d] == 1)
        dims[d] = off + d;
    return dims;
  };
  SmallVector<int64_t> aBatch = batchMap(lhsT), bBatch = batchMap(rhsT);
  Value lhs = memOf.lookup(op.getLhs()), rhs = memOf.lookup(op.getRhs());
  // transpose_a/b: the operand read through a view with its last two dims
  // (sizes and strides) swapped; the DMA into SPAD does the transposition.
  auto swapLastTwo = [&](Value mem) -> Value {
    auto t = cast<MemRefType>(mem.getType());
    int64_t r = t.getRank();
    SmallVector<int64_t> shape(t.getShape()), strides(r, 1);
    for (int64_t d = r - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * t.getDimSize(d + 1);
    std::swap(shape[r - 1], shape[r - 2]);
    std::swap(strides[r - 1], strides[r - 2]);
    SmallVector<OpFoldResult> sizes, strideFolds;
    for (int64_t d = 0; d < r; ++d) {
      sizes.push_back(b.getIndexAttr(shape[d]));
      strideFolds.push_back(b.getIndexAttr(strides[d]));
    }
    auto type = MemRefType::get(
        shape, t.getElementType(),
        StridedLayoutAttr::get(b.getContext(), 0, strides));
    return memref::ReinterpretCastOp::create(b, loc, type, mem,
                                             b.getIndexAttr(0), sizes,
                                             strideFolds);
  };
  if (op.getTransposeA())
    lhs = swapLastTwo(lhs);
  if (op.getTransposeB())
    rhs = swapLastTwo(rhs);

  // The loops of the SRAM tiles, in `order`; an operand's tile is loaded as
  // soon as every generated loop it depends on is open (weight reuse: B
  // stays on chip across the M stream when n is outer and k has one trip).
  // The iteration domain: [batch..., m, n, k].
  int64_t nl = nb + 3;
  SmallVector<TileLoop> loops(nl);
  SmallVector<bool> open(nl, false);
  SmallVector<int64_t> extents(res.begin(), res.end());
  extents.push_back(K);
  SmallVector<int64_t> steps(nl, 1);
  steps[nb] = tm;
  steps[nb + 1] = tn;
  steps[nb + 2] = tk;
  auto dependsOnly = [&](ArrayRef<int64_t> deps) {
    for (int64_t d : deps)
      if (!open[d] && ceilDiv(extents[d], steps[d]) > 1)
        return false;
    return true;
  };
  SmallVector<int64_t> aDeps = {nb, nb + 2}, bDeps = {nb + 2, nb + 1},
                       cDeps = {nb, nb + 1};
  for (int64_t d : aBatch)
    if (d >= 0)
      aDeps.push_back(d);
  for (int64_t d : bBatch)
    if (d >= 0)
      bDeps.push_back(d);
  for (int64_t d = 0; d < nb; ++d)
    cDeps.push_back(d);

  Value aTile, bTile, cTile;
  bool inLoop = false;
  auto zero = b.getIndexAttr(0);
  auto operandView = [&](Value mem, RankedTensorType t, ArrayRef<int64_t> bmap,
                         TileLoop r, TileLoop c) {
    SmallVector<OpFoldResult> offsets, sizes;
    for (int64_t d : bmap) {
      offsets.push_back(d >= 0 ? OpFoldResult(loops[d].iv) : zero);
      sizes.push_back(b.getIndexAttr(1));
    }
    offsets.push_back(r.iv);
    offsets.push_back(c.iv);
    sizes.push_back(r.size);
    sizes.push_back(c.size);
    return subview(loc, mem, offsets, sizes, 2);
  };
  auto tileView = [&](Value alloc, OpFoldResult r, OpFoldResult c) {
    auto t = cast<MemRefType>(alloc.getType());
    if (getConstantIntValue(r) == t.getDimSize(0) &&
        getConstantIntValue(c) == t.getDimSize(1))
      return alloc;
    return subview(loc, alloc, {OpFoldResult(zero), OpFoldResult(zero)}, {r, c}, 2);
  };
  auto place = [&]() {
    if (!aTile && dependsOnly(aDeps)) {
      auto alloc = allocTile(loc, {tm, tk}, e, npu::MemSpace::SPAD, inLoop);
      aTile = tileView(alloc, loops[nb].size, loops[nb + 2].size);
      npu::DmaOp::create(b, loc,
                         operandView(lhs, lhsT, aBatch, loops[nb],
                                     loops[nb + 2]),
                         aTile);
    }
    if (!bTile && dependsOnly(bDeps)) {
      auto alloc = allocTile(loc, {tk, tn}, e, npu::MemSpace::SPAD, inLoop);
      bTile = tileView(alloc, loops[nb + 2].size, loops[nb + 1].size);
      npu::DmaOp::create(b, loc,
                         operandView(rhs, rhsT, bBatch, loops[nb + 2],
                                     loops[nb + 1]),
                         bTile);
    }
  };

  auto region = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
  region->setAttr("npu.op", b.getStringAttr(op->getName().getStringRef()));
  Block *body = &region.getRegion().emplaceBlock();
  b.setInsertionPointToStart(body);
  scf::YieldOp::create(b, loc);
  b.setInsertionPointToStart(body);
  OpBuilder::InsertPoint after = b.saveInsertionPoint();

  // Unset loops: constant 0 with full size until opened.
  b.setInsertionPoint(body->getTerminator());
  for (int64_t d = 0; d < nl; ++d)
    loops[d] = {idx(loc, 0), b.getIndexAttr(std::min(extents[d], steps[d])),
                false};
  (void)after;
  place();
  OpBuilder::InsertPoint cBlockEnd;
  Value cMem;
  for (int64_t d : order) {
    if (d == nb + 2 && !cTile) {
      // C lives across the k loop: allocate it, drain it after.
      // Blocked by array columns ([N/sn][tm][sn]): consecutive matmuls
      // write disjoint ACC ranges, so the array streams back to back
      // (the in-queue scoreboard orders overlapping ranges).
      cTile = allocTile(loc, {ceilDiv(tn, sn), tm, sn}, b.getF32Type(),
                        npu::MemSpace::ACC, inLoop);
      cBlockEnd = b.saveInsertionPoint();
    }
    loops[d] = openLoop(loc, b.getIndexAttr(extents[d]), steps[d]);
    open[d] = true;
    inLoop |= loops[d].generated;
    place();
  }
  // k's tile: accumulate unless this is the first K tile.
  Value kOuter = loops[nb + 2].generated ? loops[nb + 2].iv : Value();

  // Inside the SRAM tile: the array tiles. n and k outer (one weight tile
  // each), the rows of A streaming through (sm per matmul).
  TileLoop k1 = openLoop(loc, loops[nb + 2].size, sk);
  TileLoop n1 = openLoop(loc, loops[nb + 1].size, sn);
  TileLoop m1 = openLoop(loc, loops[nb].size, sm);
  Value acc;
  auto notFirst = [&](Value iv) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, iv,
                                 idx(loc, 0))
        .getResult();
  };
  if (kOuter)
    acc = notFirst(kOuter);
  if (k1.generated)
    acc = acc ? arith::OrIOp::create(b, loc, acc, notFirst(k1.iv)).getResult()
              : notFirst(k1.iv);
  Value aSub = subview(loc, aTile, {OpFoldResult(m1.iv), OpFoldResult(k1.iv)}, {m1.size, k1.size}, 2);
  Value bSub = subview(loc, bTile, {OpFoldResult(k1.iv), OpFoldResult(n1.iv)}, {k1.size, n1.size}, 2);
  auto cBlock = [&](Value n1iv, OpFoldResult rows, OpFoldResult cols,
                    Value m1iv) {
    Value blk = arith::DivSIOp::create(b, loc, n1iv, idx(loc, sn));
    return subview(loc, cTile, {OpFoldResult(blk), OpFoldResult(m1iv), OpFoldResult(b.getIndexAttr(0))},
                   {OpFoldResult(b.getIndexAttr(1)), rows, cols}, 2);
  };
  Value cSub = cBlock(n1.iv, m1.size, n1.size, m1.iv);
  npu::MatmulOp::create(b, loc, aSub, bSub, cSub, acc);

  // Drain the accumulator: straight to DRAM for f32, through a vector cast
  // into SPAD otherwise.
  b.restoreInsertionPoint(cBlockEnd);
  Block *cBlk = b.getInsertionBlock();
  b.setInsertionPoint(cBlk->getTerminator());
  SmallVector<OpFoldResult> offsets, sizes;
  for (int64_t d = 0; d < nb; ++d) {
    offsets.push_back(loops[d].iv);
    sizes.push_back(b.getIndexAttr(1));
  }
  offsets.push_back(loops[nb].iv);
  offsets.push_back(loops[nb + 1].iv);
  sizes.push_back(loops[nb].size);
  sizes.push_back(loops[nb + 1].size);
  Value dst = subview(loc, out, offsets, sizes, 2);
  bool drainInLoop = isa<scf::ForOp>(cBlk->getParentOp());
  OpFoldResult zeroIdx = b.getIndexAttr(0);
  // The epilogue's other operands: their tile of this output tile (a row
  // slice for a broadcast row), loaded into SPAD by the load queue. Single
  // copies: the row-stride-0 view reads them from their base.
  SmallVector<Value> others;
  for (const EpilogueOp &ep : epilogue) {
    if (!ep.other) {
      others.push_back({});
      continue;
    }
    Value mem = memOf.lookup(ep.other);
    if (ep.rowBroadcast) {
      Value row = as2D(loc, mem, 1, N);
      Value tile = allocTile(loc, {1, tn}, outE, npu::MemSpace::SPAD, false);
      Value view = tileView(tile, b.getIndexAttr(1), loops[nb + 1].size);
      npu::DmaOp::create(
          b, loc,
          subview(loc, row, {zeroIdx, OpFoldResult(loops[nb + 1].iv)},
                  {OpFoldResult(b.getIndexAttr(1)), loops[nb + 1].size}, 2),
          view);
      others.push_back(tile);
    } else {
      Value tile = allocTile(loc, {tm, tn}, outE, npu::MemSpace::SPAD, false);
      Value view = tileView(tile, loops[nb].size, loops[nb + 1].size);
      npu::DmaOp::create(b, loc, subview(loc, mem, offsets, sizes, 2), view);
      others.push_back(view);
    }
  }
  Value o;
  if (!outE.isF32() || !epilogue.empty()) {
    auto alloc =
        allocTile(loc, {tm, tn}, outE, npu::MemSpace::SPAD, drainInLoop);
    o = tileView(alloc, loops[nb].size, loops[nb + 1].size);
  }
  // One DMA (or vector cast, or the epilogue's vector ops) per column block
  // of the ACC tile.
  OpBuilder::InsertPoint drain = b.saveInsertionPoint();
  auto wrap = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
  b.setInsertionPointToStart(&wrap.getRegion().emplaceBlock());
  scf::YieldOp::create(b, loc);
  b.setInsertionPointToStart(&wrap.getRegion().front());
  TileLoop nd = openLoop(loc, loops[nb + 1].size, sn);
  Value blockSrc = cBlock(nd.iv, loops[nb].size, nd.size, idx(loc, 0));
  if (!o) {
    Value blockDst = subview(loc, dst, {OpFoldResult(b.getIndexAttr(0)), OpFoldResult(nd.iv)},
                             {loops[nb].size, nd.size}, 2);
    npu::DmaOp::create(b, loc, blockSrc, blockDst);
  } else {
    Value blockDst = subview(loc, o, {OpFoldResult(b.getIndexAttr(0)), OpFoldResult(nd.iv)},
                             {loops[nb].size, nd.size}, 2);
    if (epilogue.empty())
      npu::VecUnaryOp::create(b, loc, "copy", blockSrc, blockDst);
    // Each epilogue op reads the accumulator (first) or the SPAD block
    // (then), and writes the SPAD block in the result type.
    Value running = blockSrc;
    for (auto [i, ep] : llvm::enumerate(epilogue)) {
      if (!ep.other) {
        npu::VecUnaryOp::create(b, loc, ep.fn, running, blockDst);
      } else {
        Value otherView;
        if (ep.rowBroadcast) {
          auto type = MemRefType::get(
              {getConstantIntValue(loops[nb].size).value_or(ShapedType::kDynamic),
               getConstantIntValue(nd.size).value_or(ShapedType::kDynamic)},
              outE,
              StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                     {0, 1}),
              b.getI64IntegerAttr(int64_t(npu::MemSpace::SPAD)));
          otherView = memref::ReinterpretCastOp::create(
              b, loc, type, others[i], OpFoldResult(nd.iv),
              {loops[nb].size, nd.size},
              {OpFoldResult(b.getIndexAttr(0)),
               OpFoldResult(b.getIndexAttr(1))});
        } else {
          otherView = subview(loc, others[i],
                              {zeroIdx, OpFoldResult(nd.iv)},
                              {loops[nb].size, nd.size}, 2);
        }
        if (ep.runningIsLhs)
          npu::VecBinaryOp::create(b, loc, ep.fn, running, otherView,
                                   blockDst);
        else
          npu::VecBinaryOp::create(b, loc, ep.fn, otherView, running,
                                   blockDst);
      }
      running = blockDst;
    }
  }
  b.restoreInsertionPoint(drain);
  b.setInsertionPointAfter(wrap);
  if (o)
    npu::DmaOp::create(b, loc, o, dst);
  (void)cMem;
  b.setInsertionPointAfter(region);
  return success();
}

Value Lowering::as2D(Location loc, Value mem, int64_t rows, int64_t cols) {
  auto t = cast<MemRefType>(mem.getType());
  if (t.getRank() == 2)
    return mem;
  if (t.getRank() == 0 || t.getRank() == 1) {
    SmallVector<ReassociationIndices> re = {{0, 1}};
    if (t.getRank() == 0)
      re.clear();
    return memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({rows, cols}, t.getElementType()), mem, re,
        ArrayRef<OpFoldResult>{b.getIndexAttr(rows), b.getIndexAttr(cols)});
  }
  SmallVector<ReassociationIndices> re(2);
  for (int64_t d = 0; d < t.getRank() - 1; ++d)
    re[0].push_back(d);
  re[1].push_back(t.getRank() - 1);
  return memref::CollapseShapeOp::create(b, loc, mem, re);
}

Value Lowering::reshapeView(Location loc, Value mem, RankedTensorType to) {
  auto t = cast<MemRefType>(mem.getType());
  Type e = t.getElementType();
  Value flat = mem;
  if (t.getRank() == 0) {
    flat = memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({1}, e), mem, ArrayRef<ReassociationIndices>{},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  } else if (t.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < t.getRank(); ++d)
      all.push_back(d);
    flat = memref::CollapseShapeOp::create(
        b, loc, mem, ArrayRef<ReassociationIndices>{all});
  }
  if (to.getRank() == 1)
    return flat;
  if (to.getRank() == 0)
    return memref::CollapseShapeOp::create(b, loc, MemRefType::get({}, e),
                                           flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < to.getRank(); ++d) {
    all.push_back(d);
    sizes.push_back(b.getIndexAttr(to.getDimSize(d)));
  }
  return memref::ExpandShapeOp::create(
      b, loc, MemRefType::get(to.getShape(), e), flat,
      ArrayRef<ReassociationIndices>{all}, sizes);
}

scf::ExecuteRegionOp Lowering::openNest(Operation *op) {
  auto region = scf::ExecuteRegionOp::create(b, op->getLoc(), TypeRange{});
  region->setAttr("npu.op", b.getStringAttr(op->getName().getStringRef()));
  Block *body = &region.getRegion().emplaceBlock();
  b.setInsertionPointToStart(body);
  scf::YieldOp::create(b, op->getLoc());
  b.setInsertionPoint(body->getTerminator());
  return region;
}

LogicalResult Lowering::copyThroughSpad(Operation *op, Value src, Value dst) {
  Location loc = op->getLoc();
  auto st = cast<MemRefType>(src.getType());
  Type e = st.getElementType();
  int64_t rank = st.getRank();
  int64_t eb = std::max<int64_t>(1, e.getIntOrFloatBitWidth() / 8);
  OpBuilder::InsertionGuard guard(b);
  if (rank == 0)
    return op->emitOpError()
           << "cannot run on the NPU yet: moving a rank-0 tensor";
  int64_t C = st.getDimSize(rank - 1);
  int64_t R = rank >= 2 ? st.getDimSize(rank - 2) : 1;
  // A double-buffered tile in a quarter of SPAD (the in and out DMAs of
  // neighbouring tiles overlap).
  int64_t budget = int64_t(target.getSpadBytes()) / 4;
  if (C * eb > budget)
    return op->emitOpError() << "cannot run on the NPU yet: a row of " << C
                             << " elements does not fit a SPAD tile of "
                             << budget << " bytes";
  int64_t tr = std::clamp<int64_t>(budget / (C * eb), 1, R);
  bool inLoop = false;
  SmallVector<OpFoldResult> offsets, sizes;
  for (int64_t d = 0; d + 2 < rank; ++d) {
    TileLoop l = openLoop(loc, b.getIndexAttr(st.getDimSize(d)), 1);
    inLoop |= l.generated;
    offsets.push_back(l.iv);
    sizes.push_back(b.getIndexAttr(1));
  }
  OpFoldResult zero = b.getIndexAttr(0), c = b.getIndexAttr(C);
  if (rank == 1) {
    Value tile = allocTile(loc, {C}, e, npu::MemSpace::SPAD, false);
    npu::DmaOp::create(b, loc, src, tile);
    npu::DmaOp::create(b, loc, tile, dst);
    return success();
  }
  TileLoop rows = openLoop(loc, b.getIndexAttr(R), tr);
  inLoop |= rows.generated;
  offsets.push_back(rows.iv);
  offsets.push_back(zero);
  sizes.push_back(rows.size);
  sizes.push_back(c);
  Value tile = allocTile(loc, {tr, C}, e, npu::MemSpace::SPAD, inLoop);
  if (getConstantIntValue(rows.size) != tr)
    tile = subview(loc, tile, {zero, zero}, {rows.size, c}, 2);
  npu::DmaOp::create(b, loc, subview(loc, src, offsets, sizes, 2), tile);
  npu::DmaOp::create(b, loc, tile, subview(loc, dst, offsets, sizes, 2));
  return success();
}

LogicalResult Lowering::lowerGather(GatherOp op, Value out) {
  Location loc = op.getLoc();
  auto dataT = cast<RankedTensorType>(op.getData().getType());
  auto idxT = cast<RankedTensorType>(op.getIndices().getType());
  Type e = dataT.getElementType();
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += dataT.getRank();
  if (axis != 0)
    return op.emitOpError() << "cannot run on the NPU yet: gather along "
                               "axis 0 only (no host fallback; "
                               "docs/npu-compiler.md)";
  int64_t vocab = dataT.getDimSize(0);
  int64_t rowLen = dataT.getNumElements() / std::max<int64_t>(vocab, 1);
  int64_t n = idxT.getNumElements();
  int64_t eb = std::max<int64_t>(1, e.getIntOrFloatBitWidth() / 8);
  int64_t budget = int64_t(target.getSpadBytes()) / 4;
  if (n == 0 || rowLen == 0)
    return op.emitOpError() << "cannot run on the NPU yet: empty gather";
  if (rowLen * eb > budget)
    return op.emitOpError() << "cannot run on the NPU yet: a row of "
                            << rowLen << " elements does not fit a SPAD tile "
                            << "of " << budget << " bytes";
  int64_t tr = std::clamp<int64_t>(budget / (rowLen * eb), 1, n);

  auto region = openNest(op);
  Value table = reshapeView(loc, memOf.lookup(op.getData()),
                            RankedTensorType::get({vocab, rowLen}, e));
  Value ids = reshapeView(loc, memOf.lookup(op.getIndices()),
                          RankedTensorType::get({n}, idxT.getElementType()));
  Value out2 = reshapeView(loc, out, RankedTensorType::get({n, rowLen}, e));
  TileLoop rows = openLoop(loc, b.getIndexAttr(n), tr);
  bool partial = getConstantIntValue(rows.size) != tr;
  OpFoldResult zero = b.getIndexAttr(0), c = b.getIndexAttr(rowLen);
  // The indices and the rows stay on the load queue until the rows leave.
  Value idxTile = allocTile(loc, {tr}, idxT.getElementType(),
                            npu::MemSpace::SPAD, rows.generated);
  Value rowTile =
      allocTile(loc, {tr, rowLen}, e, npu::MemSpace::SPAD, rows.generated);
  if (partial) {
    idxTile = subview(loc, idxTile, {zero}, {rows.size}, 1);
    rowTile = subview(loc, rowTile, {zero, zero}, {rows.size, c}, 2);
  }
  npu::DmaOp::create(b, loc, subview(loc, ids, {rows.iv}, {rows.size}, 1),
                     idxTile);
  npu::DmaGatherOp::create(b, loc, table, idxTile, rowTile);
  npu::DmaOp::create(b, loc, rowTile,
                     subview(loc, out2, {rows.iv, zero}, {rows.size, c}, 2));
  b.setInsertionPointAfter(region);
  return success();
}

/// transpose, slice, concat (and reshape when its result is a function
/// result): DRAM -> SPAD -> DRAM copies between strided DRAM views.
LogicalResult Lowering::lowerDataMovement(Operation *op, Value out) {
  Location loc = op->getLoc();
  auto region = openNest(op);
  LogicalResult result = success();
  if (auto t = dyn_cast<TransposeOp>(op)) {
    // The input seen in the result's index order: permuted strides.
    Value in = memOf.lookup(t.getInput());
    auto inT = cast<MemRefType>(in.getType());
    auto resT = cast<RankedTensorType>(t.getType());
    SmallVector<int64_t> rowMajor(inT.getRank(), 1), strides;
    for (int64_t d = inT.getRank() - 2; d >= 0; --d)
      rowMajor[d] = rowMajor[d + 1] * inT.getDimSize(d + 1);
    SmallVector<OpFoldResult> sizes, strideFolds;
    for (int64_t p : t.getPerm()) {
      strides.push_back(rowMajor[p]);
      strideFolds.push_back(b.getIndexAttr(rowMajor[p]));
    }
    for (int64_t s : resT.getShape())
      sizes.push_back(b.getIndexAttr(s));
    auto type = MemRefType::get(
        resT.getShape(), resT.getElementType(),
        StridedLayoutAttr::get(b.getContext(), 0, strides));
    Value view = memref::ReinterpretCastOp::create(
        b, loc, type, in, b.getIndexAttr(0), sizes, strideFolds);
    result = copyThroughSpad(op, view, out);
  } else if (auto s = dyn_cast<SliceOp>(op)) {
    Value in = memOf.lookup(s.getInput());
    auto resT = cast<RankedTensorType>(s.getType());
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (auto [d, start] : llvm::enumerate(s.getStarts())) {
      int64_t step = s.getSteps() ? (*s.getSteps())[d] : 1;
      if (step <= 0) {
        region.erase();
        return op->emitOpError()
               << "cannot run on the NPU yet: slice steps must be positive";
      }
      offsets.push_back(b.getIndexAttr(start));
      sizes.push_back(b.getIndexAttr(resT.getDimSize(d)));
      strides.push_back(b.getIndexAttr(step));
    }
    Value view =
        memref::SubViewOp::create(b, loc, in, offsets, sizes, strides);
    result = copyThroughSpad(op, view, out);
  } else if (auto c = dyn_cast<ConcatOp>(op)) {
    auto resT = cast<RankedTensorType>(c.getType());
    int64_t axis = c.getAxis();
    if (axis < 0)
      axis += resT.getRank();
    int64_t at = 0;
    for (Value v : c.getInputs()) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<OpFoldResult> offsets, sizes;
      for (int64_t d = 0; d < t.getRank(); ++d) {
        offsets.push_back(b.getIndexAttr(d == axis ? at : 0));
        sizes.push_back(b.getIndexAttr(t.getDimSize(d)));
      }
      at += t.getDimSize(axis);
      if (t.getNumElements() == 0)
        continue;
      Value dstView = subview(loc, out, offsets, sizes, t.getRank());
      result = copyThroughSpad(op, memOf.lookup(v), dstView);
      if (failed(result))
        break;
      b.setInsertionPoint(region.getRegion().front().getTerminator());
    }
  } else {
    // A reshape written to a function result: a copy of the bytes.
    Value in = memOf.lookup(op->getOperand(0));
    auto outT = cast<MemRefType>(out.getType());
    result = copyThroughSpad(
        op, reshapeView(loc, in, RankedTensorType::get(outT.getShape(),
                                                       outT.getElementType())),
        out);
  }
  if (failed(result)) {
    region.erase();
    return failure();
  }
  b.setInsertionPointAfter(region);
  return success();
}

Value Lowering::scalarsInDram(Location loc, ArrayRef<double> vals,
                              Type e) {
  int64_t n = vals.size();
  auto memT = MemRefType::get({n}, e);
  auto valueT = RankedTensorType::get({n}, e);
  auto fe = cast<FloatType>(e);
  SmallVector<APFloat> fs;
  for (double v : vals) {
    APFloat f(v);
    bool lost;
    f.convert(fe.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    fs.push_back(f);
  }
  OpBuilder::InsertPoint ip = b.saveInsertionPoint();
  b.setInsertionPoint(func);
  std::string name =
      (func.getSymName() + "_const" + Twine(numConstants++)).str();
  auto global = memref::GlobalOp::create(
      b, loc, name, b.getStringAttr("private"), memT,
      DenseElementsAttr::get(valueT, fs), /*constant=*/true, IntegerAttr());
  b.restoreInsertionPoint(ip);
  Value g = memref::GetGlobalOp::create(
      b, loc, memT, FlatSymbolRefAttr::get(global.getSymNameAttr()));
  return g;
}

LogicalResult Lowering::lowerRowwise(Operation *op, Value out) {
  Location loc = op->getLoc();
  Value input = op->getOperand(0);
  auto inT = cast<RankedTensorType>(input.getType());
  Type e = inT.getElementType();
  int64_t r = inT.getRank();
  auto layerNorm = dyn_cast<LayerNormOp>(op);
  auto rmsNorm = dyn_cast<RmsNormOp>(op);
  auto reduce = dyn_cast<ReduceOp>(op);
  int64_t axis = layerNorm ? layerNorm.getAxis()
                 : rmsNorm ? rmsNorm.getAxis()
                           : (reduce.getAxes().size() == 1
                                  ? reduce.getAxes()[0]
                                  : std::numeric_limits<int64_t>::min());
  if (axis < 0 && axis != std::numeric_limits<int64_t>::min())
    axis += r;
  if (r == 0 || axis != r - 1)
    return op->emitOpError() << "cannot run on the NPU yet: lowered over "
                                "the last axis only (no host fallback; "
                                "docs/npu-compiler.md)";
  if (!e.isF32() || !target.vectorSupports(e))
    return op->emitOpError() << "cannot run on the NPU yet: lowered for f32 "
                                "only, not "
                             << e << " (no host fallback; docs/npu-compiler.md)";
  int64_t cols = inT.getDimSize(r - 1);
  int64_t rows = inT.getNumElements() / std::max<int64_t>(cols, 1);
  if (cols == 0 || rows == 0)
    return op->emitOpError() << "cannot run on the NPU yet: empty rows";
  // Row tiles: x and y double-buffered in half of SPAD.
  int64_t budget = int64_t(target.getSpadBytes()) / 8;
  if (cols * 4 > budget)
    return op->emitOpError() << "cannot run on the NPU yet: a row of " << cols
                             << " elements does not fit a SPAD tile of "
                             << budget << " bytes";
  int64_t tr = std::clamp<int64_t>(budget / (cols * 4), 1, rows);

  auto region = openNest(op);
  Value in2 = as2D(loc, memOf.lookup(input), rows, cols);
  OpFoldResult c = b.getIndexAttr(cols), zero = b.getIndexAttr(0);
  // Scalars and the scale/bias rows: on chip once per nest.
  double eps = layerNorm ? layerNorm.getEpsilon().convertToDouble()
               : rmsNorm ? rmsNorm.getEpsilon().convertToDouble()
                         : 0.0;
  bool mean = reduce && reduce.getKind() == ReduceKind::mean;
  // One SPAD buffer for the parameters: the scale and bias rows, then the
  // scalars (1/cols, epsilon). Each on-chip buffer shared by two queues
  // costs two tokens, and the smallest parts have few.
  SmallVector<double> scalarVals;
  if (!reduce)
    scalarVals = {1.0 / cols, eps};
  else if (mean)
    scalarVals = {1.0 / cols};
  Value scaleIn = layerNorm ? layerNorm.getScale()
                  : rmsNorm ? rmsNorm.getScale()
                            : Value();
  Value biasIn = layerNorm ? layerNorm.getBias() : Value();
  SmallVector<Value> rowsIn;
  for (Value v : {scaleIn, biasIn})
    if (v)
      rowsIn.push_back(v);
  int64_t nRows = rowsIn.size(), scalarBase = nRows * cols;
  Value params;
  if (nRows + scalarVals.size() > 0) {
    int64_t n = scalarBase + int64_t(scalarVals.size());
    params = allocTile(loc, {n}, e, npu::MemSpace::SPAD, false);
    for (auto [i, v] : llvm::enumerate(rowsIn))
      npu::DmaOp::create(
          b, loc,
          reshapeView(loc, memOf.lookup(v), RankedTensorType::get({cols}, e)),
          subview(loc, params, {b.getIndexAttr(int64_t(i) * cols)}, {c}, 1));
    if (!scalarVals.empty())
      npu::DmaOp::create(
          b, loc, scalarsInDram(loc, scalarVals, e),
          subview(loc, params, {b.getIndexAttr(scalarBase)},
                  {b.getIndexAttr(int64_t(scalarVals.size()))}, 1));
  }
  int64_t scaleRow = scaleIn ? 0 : -1, biasRow = biasIn ? (scaleIn ? 1 : 0) : -1;
  Value out2 = reduce ? reshapeView(loc, out, RankedTensorType::get({rows}, e))
                      : as2D(loc, out, rows, cols);

  TileLoop rowLoop = openLoop(loc, b.getIndexAttr(rows), tr);
  bool partial = getConstantIntValue(rowLoop.size) != tr;
  auto space = b.getI64IntegerAttr(int64_t(npu::MemSpace::SPAD));
  int64_t staticRows =
      getConstantIntValue(rowLoop.size).value_or(ShapedType::kDynamic);
  auto tile2 = [&]() {
    Value v = allocTile(loc, {tr, cols}, e, npu::MemSpace::SPAD,
                        rowLoop.generated);
    return partial ? subview(loc, v, {zero, zero}, {rowLoop.size, c}, 2) : v;
  };
  auto tile1 = [&]() {
    Value v = allocTile(loc, {tr}, e, npu::MemSpace::SPAD, rowLoop.generated);
    return partial ? subview(loc, v, {zero}, {rowLoop.size}, 1) : v;
  };
  // Scalar k of the parameters read for every row (stride 0).
  auto perRow = [&](int64_t k) -> Value {
    auto type = MemRefType::get(
        {staticRows}, e,
        StridedLayoutAttr::get(b.getContext(), scalarBase + k, {0}), space);
    return memref::ReinterpretCastOp::create(
        b, loc, type, params, b.getIndexAttr(scalarBase + k), {rowLoop.size},
        {OpFoldResult(b.getIndexAttr(0))});
  };
  // A per-row value read for every column (column stride 0).
  auto perElem = [&](Value rowv) -> Value {
    auto type = MemRefType::get({staticRows, cols}, e,
                                StridedLayoutAttr::get(b.getContext(), 0,
                                                       {1, 0}),
                                space);
    return memref::ReinterpretCastOp::create(
        b, loc, type, rowv, zero, {rowLoop.size, c},
        {OpFoldResult(b.getIndexAttr(1)), OpFoldResult(b.getIndexAttr(0))});
  };
  // Parameter row `k` read for every row (row stride 0).
  auto perCol = [&](int64_t k) -> Value {
    auto type = MemRefType::get({staticRows, cols}, e,
                                StridedLayoutAttr::get(b.getContext(),
                                                       k * cols, {0, 1}),
                                space);
    return memref::ReinterpretCastOp::create(
        b, loc, type, params, b.getIndexAttr(k * cols), {rowLoop.size, c},
        {OpFoldResult(b.getIndexAttr(0)), OpFoldResult(b.getIndexAttr(1))});
  };

  Value x = tile2();
  npu::DmaOp::create(
      b, loc,
      subview(loc, in2, {OpFoldResult(rowLoop.iv), zero}, {rowLoop.size, c},
              2),
      x);
  Value rowv = tile1();
  if (reduce) {
    StringRef fn = reduce.getKind() == ReduceKind::max   ? "max"
                   : reduce.getKind() == ReduceKind::min ? "min"
                                                         : "sum";
    npu::VecReduceOp::create(b, loc, fn, x, rowv);
    if (mean)
      npu::VecBinaryOp::create(b, loc, "mul", rowv, perRow(0), rowv);
    npu::DmaOp::create(b, loc, rowv,
                       subview(loc, out2, {OpFoldResult(rowLoop.iv)},
                               {rowLoop.size}, 1));
  } else {
    Value y = tile2();
    Value centred = x;
    if (layerNorm) {
      // x - mean(x), kept in x.
      npu::VecReduceOp::create(b, loc, "sum", x, rowv);
      npu::VecBinaryOp::create(b, loc, "mul", rowv, perRow(0), rowv);
      npu::VecBinaryOp::create(b, loc, "sub", x, perElem(rowv), x);
    }
    // rsqrt(mean(centred^2) + eps) per row.
    npu::VecBinaryOp::create(b, loc, "mul", centred, centred, y);
    npu::VecReduceOp::create(b, loc, "sum", y, rowv);
    npu::VecBinaryOp::create(b, loc, "mul", rowv, perRow(0), rowv);
    npu::VecBinaryOp::create(b, loc, "add", rowv, perRow(1), rowv);
    npu::VecUnaryOp::create(b, loc, "rsqrt", rowv, rowv);
    npu::VecBinaryOp::create(b, loc, "mul", centred, perElem(rowv), y);
    if (scaleRow >= 0)
      npu::VecBinaryOp::create(b, loc, "mul", y, perCol(scaleRow), y);
    if (biasRow >= 0)
      npu::VecBinaryOp::create(b, loc, "add", y, perCol(biasRow), y);
    npu::DmaOp::create(
        b, loc, y,
        subview(loc, out2, {OpFoldResult(rowLoop.iv), zero},
                {rowLoop.size, c}, 2));
  }
  b.setInsertionPointAfter(region);
  return success();
}

/// Elementwise ops on the vector unit: the result as rows x cols (cols =
/// the last dim), row tiles of the schedule's level-1 size for the
/// second-to-last dim; operands of the result's shape are loaded tile by
/// tile (double-buffered), a row-broadcast operand ([cols] or [1.., cols],
/// a bias) is loaded once and read through a view with row stride 0.
LogicalResult Lowering::lowerElementwise(Operation *op, StringRef fn,
                                         Value out) {
  Location loc = op->getLoc();
  auto resT = cast<RankedTensorType>(op->getResult(0).getType());
  Type e = resT.getElementType();
  if (!e.isF32() && !e.isF16() && !e.isBF16())
    return op->emitOpError() << "cannot run on the NPU yet: elementwise ops "
                                "are lowered for f32, f16 and bf16, not "
                             << e << " (no host fallback; docs/npu-compiler.md)";
  for (auto [i, t] : llvm::enumerate(llvm::concat<Type>(
           TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())))) {
    Type te = cast<RankedTensorType>(t).getElementType();
    // where's condition: bytes of 0/1 the vector unit selects on.
    if (i == 0 && isa<WhereOp>(op) && te.isInteger(1))
      continue;
    if (!te.isF32() && !te.isF16() && !te.isBF16())
      return op->emitOpError()
             << "cannot run on the NPU yet: elementwise ops are lowered for "
                "f32, f16 and bf16, not "
             << te << " (no host fallback; docs/npu-compiler.md)";
    if (!target.vectorSupports(te))
      return op->emitOpError()
             << "cannot run on the NPU: the vector unit of " << target.getName()
             << " does not compute on " << te
             << " (no host fallback; docs/npu-compiler.md)";
  }
  int64_t r = resT.getRank();
  int64_t cols = r ? resT.getDimSize(r - 1) : 1;
  int64_t rows = resT.getNumElements() / std::max<int64_t>(cols, 1);
  // Which operands are full tiles and which broadcast rows.
  SmallVector<bool> rowBroadcast;
  for (Value v : op->getOperands()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == resT.getShape()) {
      rowBroadcast.push_back(false);
      continue;
    }
    bool lastOnly = t.getRank() >= 1 && t.getDimSize(t.getRank() - 1) == cols &&
                    t.getNumElements() == cols;
    // A single element (e.g. tensor<f32>): read with strides [0, 0].
    bool scalar = t.getNumElements() == 1;
    if (!lastOnly && !scalar)
      return op->emitOpError()
             << "cannot run on the NPU yet: broadcasting " << t << " to "
             << resT
             << " (operands must have the result's shape, be one row "
                "[..., "
             << cols << "] broadcast over the rows, or one element)";
    rowBroadcast.push_back(true);
  }
  // Without a schedule (ops the cost model does not tile, e.g. cast):
  // every double-buffered f32-sized tile in an equal share of SPAD.
  int64_t tr = std::clamp<int64_t>(
      int64_t(target.getSpadBytes()) /
          (2 * int64_t(op->getNumOperands() + 1) * std::max<int64_t>(cols, 1) *
           4),
      1, std::max<int64_t>(rows, 1));
  if (auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
      schedule && schedule.getNumLevels() >= 2 && r >= 2 &&
      schedule.getLevel(1)[r - 2] > 0)
    tr = std::min(rows, schedule.getLevel(1)[r - 2]);

  auto region = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
  region->setAttr("npu.op", b.getStringAttr(op->getName().getStringRef()));
  Block *body = &region.getRegion().emplaceBlock();
  b.setInsertionPointToStart(body);
  scf::YieldOp::create(b, loc);
  b.setInsertionPoint(body->getTerminator());

  SmallVector<Value> dram;
  for (Value v : op->getOperands()) {
    Value mem = memOf.lookup(v);
    auto t = cast<RankedTensorType>(v.getType());
    bool scalar = t.getNumElements() == 1 && t.getShape() != resT.getShape();
    dram.push_back(scalar ? as2D(loc, mem, 1, 1)
                          : as2D(loc, mem, t.getNumElements() / cols, cols));
  }
  Value out2 = as2D(loc, out, rows, cols);
  // Row-broadcast operands: one row on chip for the whole op.
  SmallVector<Value> bcast(dram.size());
  for (auto [i, v] : llvm::enumerate(dram))
    if (rowBroadcast[i]) {
      auto vt = cast<MemRefType>(v.getType());
      Value tile = allocTile(loc, {1, vt.getDimSize(1)}, vt.getElementType(),
                             npu::MemSpace::SPAD, false);
      npu::DmaOp::create(b, loc, v, tile);
      bcast[i] = tile;
    }
  TileLoop rowLoop = openLoop(loc, b.getIndexAttr(rows), tr);
  OpFoldResult c = b.getIndexAttr(cols), zero = b.getIndexAttr(0);
  SmallVector<Value> srcs;
  for (auto [i, v] : llvm::enumerate(dram)) {
    if (rowBroadcast[i]) {
      // The row read tr times: a view with row stride 0 (and column
      // stride 0 for a single element).
      int64_t colStride =
          cast<MemRefType>(v.getType()).getDimSize(1) == cols ? 1 : 0;
      auto type = MemRefType::get(
          {getConstantIntValue(rowLoop.size).value_or(ShapedType::kDynamic),
           cols},
          cast<MemRefType>(v.getType()).getElementType(),
          StridedLayoutAttr::get(b.getContext(), 0, {0, colStride}),
          b.getI64IntegerAttr(int64_t(npu::MemSpace::SPAD)));
      srcs.push_back(memref::ReinterpretCastOp::create(
          b, loc, type, bcast[i], zero, {rowLoop.size, c},
          {OpFoldResult(b.getIndexAttr(0)),
           OpFoldResult(b.getIndexAttr(colStride))}));
      continue;
    }
    Value tile = allocTile(
        loc, {tr, cols},
        cast<MemRefType>(v.getType()).getElementType(), npu::MemSpace::SPAD,
        rowLoop.generated);
    if (getConstantIntValue(rowLoop.size) != tr)
      tile = subview(loc, tile, {zero, zero}, {rowLoop.size, c}, 2);
    npu::DmaOp::create(
        b, loc, subview(loc, v, {OpFoldResult(rowLoop.iv), zero},
                        {rowLoop.size, c}, 2),
        tile);
    srcs.push_back(tile);
  }
  Value o = allocTile(loc, {tr, cols}, e, npu::MemSpace::SPAD,
                      rowLoop.generated);
  if (getConstantIntValue(rowLoop.size) != tr)
    o = subview(loc, o, {zero, zero}, {rowLoop.size, c}, 2);
  if (srcs.size() == 3)
    npu::VecSelectOp::create(b, loc, srcs[0], srcs[1], srcs[2], o);
  else if (srcs.size() == 1)
    npu::VecUnaryOp::create(b, loc, fn, srcs[0], o);
  else
    npu::VecBinaryOp::create(b, loc, fn, srcs[0], srcs[1], o);
  npu::DmaOp::create(
      b, loc, o,
      subview(loc, out2, {OpFoldResult(rowLoop.iv), zero}, {rowLoop.size, c},
              2));
  b.setInsertionPointAfter(region);
  return success();
}

/// Softmax along the last axis on the vector unit, per row tile: row max
/// (vec_reduce), x - max and / sum through column-stride-0 views of the
/// per-row values, exp, row sum. Rows stay on chip between the steps.
LogicalResult Lowering::lowerSoftmax(SoftmaxOp op, Value out) {
  Location loc = op.getLoc();
  auto t = cast<RankedTensorType>(op.getType());
  Type e = t.getElementType();
  int64_t r = t.getRank();
  int64_t axis = int64_t(op.getAxis());
  if (axis < 0)
    axis += r;
  if (axis != r - 1)
    return op.emitOpError() << "cannot run on the NPU yet: softmax is "
                               "lowered along the last axis only";
  if (!e.isF32() || !target.vectorSupports(e))
    return op.emitOpError() << "cannot run on the NPU yet: softmax is "
                               "lowered for f32 only (no host fallback; "
                               "docs/npu-compiler.md)";
  int64_t cols = t.getDimSize(r - 1);
  int64_t rows = t.getNumElements() / std::max<int64_t>(cols, 1);
  int64_t tr = rows;
  if (auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
      schedule && schedule.getNumLevels() >= 2 && r >= 2 &&
      schedule.getLevel(1)[r - 2] > 0)
    tr = std::min(rows, schedule.getLevel(1)[r - 2]);

  auto region = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
  region->setAttr("npu.op", b.getStringAttr(op->getName().getStringRef()));
  Block *body = &region.getRegion().emplaceBlock();
  b.setInsertionPointToStart(body);
  scf::YieldOp::create(b, loc);
  b.setInsertionPoint(body->getTerminator());
  Value in2 = as2D(loc, memOf.lookup(op.getInput()), rows, cols);
  Value out2 = as2D(loc, out, rows, cols);
  TileLoop rowLoop = openLoop(loc, b.getIndexAttr(rows), tr);
  OpFoldResult c = b.getIndexAttr(cols), zero = b.getIndexAttr(0);
  bool partial = getConstantIntValue(rowLoop.size) != tr;
  auto tile2 = [&](bool buffered) {
    Value v = allocTile(loc, {tr, cols}, e, npu::MemSpace::SPAD, buffered);
    return partial ? subview(loc, v, {zero, zero}, {rowLoop.size, c}, 2) : v;
  };
  Value x = tile2(rowLoop.generated);
  npu::DmaOp::create(
      b, loc,
      subview(loc, in2, {OpFoldResult(rowLoop.iv), zero}, {rowLoop.size, c},
              2),
      x);
  // Per-row values (max, then sum), and their [rows, cols] view with
  // column stride 0.
  Value rowv = allocTile(loc, {tr}, e, npu::MemSpace::SPAD, false);
  if (partial)
    rowv = subview(loc, rowv, {zero}, {rowLoop.size}, 1);
  auto colBroadcast = [&]() {
    auto type = MemRefType::get(
        {getConstantIntValue(rowLoop.size).value_or(ShapedType::kDynamic),
         cols},
        e, StridedLayoutAttr::get(b.getContext(), 0, {1, 0}),
        b.getI64IntegerAttr(int64_t(npu::MemSpace::SPAD)));
    return memref::ReinterpretCastOp::create(
        b, loc, type, rowv, zero, {rowLoop.size, c},
        {OpFoldResult(b.getIndexAttr(1)), OpFoldResult(b.getIndexAttr(0))});
  };
  Value y = tile2(rowLoop.generated);
  npu::VecReduceOp::create(b, loc, "max", x, rowv);
  npu::VecBinaryOp::create(b, loc, "sub", x, colBroadcast(), y);
  npu::VecUnaryOp::create(b, loc, "exp", y, y);
  npu::VecReduceOp::create(b, loc, "sum", y, rowv);
  npu::VecBinaryOp::create(b, loc, "div", y, colBroadcast(), y);
  npu::DmaOp::create(
      b, loc, y,
      subview(loc, out2, {OpFoldResult(rowLoop.iv), zero}, {rowLoop.size, c},
              2));
  b.setInsertionPointAfter(region);
  return success();
}

LogicalResult Lowering::run() {
  if (!target)
    return module.emitError()
           << "kiln-npu-lower-to-npu needs the module's npu.target (run "
              "kiln-npu-attach-target first)";
  FunctionType type = func.getFunctionType();
  auto toMem = [&](Type t, Operation *where) -> FailureOr<MemRefType> {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || !tensor.hasStaticShape())
      return where->emitError() << "NPU functions take and return statically "
                                   "shaped tensors, got "
                                << t;
    return MemRefType::get(tensor.getShape(), tensor.getElementType());
  };
  SmallVector<Type> args;
  for (Type t : type.getInputs()) {
    FailureOr<MemRefType> m = toMem(t, func);
    if (failed(m))
      return failure();
    args.push_back(*m);
  }
  for (Type t : type.getResults()) {
    FailureOr<MemRefType> m = toMem(t, func);
    if (failed(m))
      return failure();
    args.push_back(*m);
  }
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "NPU functions have one block";
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  // Results are written in place into the output arguments.
  DenseMap<Value, unsigned> resultIndex;
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    if (isa<BlockArgument>(v) || resultIndex.count(v))
      return ret.emitError() << "result #" << i
                             << " is an argument or repeats another result: "
                                "not supported on the NPU";
    resultIndex[v] = i;
  }

  b.setInsertionPointAfter(func);
  auto newFunc = func::FuncOp::create(b, func.getLoc(), func.getSymName(),
                                      b.getFunctionType(args, {}));
  newFunc->setAttr("npu.num_inputs",
                   b.getI64IntegerAttr(type.getNumInputs()));
  Block *entry = newFunc.addEntryBlock();
  for (auto [i, a] : llvm::enumerate(func.getArguments()))
    memOf[a] = entry->getArgument(i);
  b.setInsertionPointToStart(entry);
  for (Operation &opRef : func.getBody().front()) {
    Operation *op = &opRef;
    if (isa<func::ReturnOp>(op))
      break;
    auto matmul = dyn_cast<MatmulOp>(op);
    if (fused.count(op))
      continue;
    // Constants are DRAM segments of the program (memref.global, which the
    // emitter turns into a Segment): DMA reads them like inputs.
    if (auto cst = dyn_cast<ConstantOp>(op)) {
      auto t = cast<RankedTensorType>(cst.getType());
      if (resultIndex.count(cst.getResult())) {
        newFunc.erase();
        return cst.emitOpError()
               << "cannot run on the NPU: a constant returned as a result "
                  "(no host fallback; docs/npu-compiler.md)";
      }
      auto memT = MemRefType::get(t.getShape(), t.getElementType());
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(func);
      std::string name = (func.getSymName() + "_const" +
                          Twine(numConstants++)).str();
      auto global = memref::GlobalOp::create(
          b, cst.getLoc(), name, b.getStringAttr("private"), memT,
          cst.getValue(), /*constant=*/true, IntegerAttr());
      b.setInsertionPointToEnd(entry);
      memOf[cst.getResult()] = memref::GetGlobalOp::create(
          b, cst.getLoc(), memT, FlatSymbolRefAttr::get(global.getSymNameAttr()));
      continue;
    }
    StringRef fn = fnOf(op);
    auto softmax = dyn_cast<SoftmaxOp>(op);
    // A reshape of a contiguous DRAM buffer is a view (no nest), unless
    // its result is a function result (then its bytes are copied).
    if (auto reshape = dyn_cast<ReshapeOp>(op);
        reshape && !resultIndex.count(reshape.getResult())) {
      memOf[reshape.getResult()] =
          reshapeView(op->getLoc(), memOf.lookup(reshape.getInput()),
                      cast<RankedTensorType>(reshape.getType()));
      continue;
    }
    bool movesData = isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp>(op);
    bool rowwise = isa<LayerNormOp, RmsNormOp, ReduceOp>(op);
    if (isa<WhereOp>(op))
      fn = "select";
    auto gather = dyn_cast<GatherOp>(op);
    if (!matmul && !softmax && fn.empty() && !movesData && !rowwise &&
        !gather) {
      newFunc.erase();
      return op->emitOpError()
             << "cannot run on the NPU yet: no NPU lowering for '"
             << op->getName()
             << "' (no host fallback; docs/npu-compiler.md lists what runs)";
    }
    if (fused.count(op))
      continue;
    Value result = op->getResult(0);
    // Elementwise consumers of an f32 matmul fuse into its accumulator
    // drain (bias, residual, activation): one nest, no DRAM round trip.
    SmallVector<EpilogueOp> epilogue;
    if (matmul && cast<RankedTensorType>(result.getType())
                      .getElementType()
                      .isF32()) {
      auto rt0 = cast<RankedTensorType>(result.getType());
      int64_t n = rt0.getDimSize(rt0.getRank() - 1);
      while (result.hasOneUse()) {
        Operation *u = *result.getUsers().begin();
        StringRef ufn = fnOf(u);
        if (ufn.empty() || u->getBlock() != op->getBlock() ||
            u->getResult(0).getType() != result.getType())
          break;
        EpilogueOp ep;
        ep.fn = ufn.str();
        if (u->getNumOperands() == 2) {
          if (u->getOperand(0) == u->getOperand(1))
            break;
          ep.runningIsLhs = u->getOperand(0) == result;
          ep.other = u->getOperand(ep.runningIsLhs ? 1 : 0);
          auto ot = cast<RankedTensorType>(ep.other.getType());
          if (ot.getShape() == rt0.getShape())
            ep.rowBroadcast = false;
          else if (ot.getRank() >= 1 && ot.getNumElements() == n &&
                   ot.getDimSize(ot.getRank() - 1) == n)
            ep.rowBroadcast = true;
          else
            break;
          // Available before the matmul runs.
          if (!memOf.count(ep.other))
            break;
        }
        epilogue.push_back(ep);
        fused.insert(u);
        result = u->getResult(0);
      }
    }
    Value out;
    auto rt = cast<RankedTensorType>(result.getType());
    if (auto it = resultIndex.find(result); it != resultIndex.end())
      out = entry->getArgument(type.getNumInputs() + it->second);
    else
      out = memref::AllocOp::create(
          b, op->getLoc(),
          MemRefType::get(rt.getShape(), rt.getElementType()));
    memOf[result] = out;
    if (failed(matmul      ? lowerMatmul(matmul, out, epilogue)
               : softmax   ? lowerSoftmax(softmax, out)
               : movesData ? lowerDataMovement(op, out)
               : rowwise   ? lowerRowwise(op, out)
               : gather    ? lowerGather(gather, out)
                           : lowerElementwise(op, fn, out))) {
      newFunc.erase();
      return failure();
    }
  }
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, ret.getLoc());
  func.erase();
  return success();
}

struct LowerToNPU : kiln::impl::KilnNPULowerToNPUBase<LowerToNPU> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (failed(Lowering(module, func).run()))
        return signalPassFailure();
  }
};
} // namespace
