//===- LowerMatmul.cpp - matmul nests of kiln-npu-lower-to-npu --------------===//
//
// Matmuls as SRAM tiles (the schedule's level 1) of array tiles (level 2),
// with elementwise epilogues fused into the accumulator drain.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

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
  if (!e.isF32() && !e.isF16() && !e.isBF16() && !e.isInteger(8))
    return op.emitOpError() << "cannot run on the NPU yet: matmuls are "
                               "lowered for f32, f16, bf16 and i8, not "
                            << e;
  // The accumulator: f32 for float inputs; i32 for i8 (wrapping sums,
  // whose low 8 bits are kiln's wrapping i8 result: the drain's copy keeps
  // them).
  bool intMatmul = e.isInteger(8);
  Type accE = intMatmul ? Type(b.getI32Type()) : Type(b.getF32Type());
  if (!outE.isF32() && (!target.vectorSupports(outE) ||
                        !target.vectorSupports(accE)))
    return op.emitOpError() << "cannot run on the NPU: the vector unit of "
                            << target.getName() << " cannot convert the "
                            << accE << " accumulator to " << outE;
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
  auto place = [&]() {
    if (!aTile && dependsOnly(aDeps)) {
      auto alloc = allocTile(loc, {tm, tk}, e, npu::MemSpace::SPAD, inLoop);
      aTile = leadingPart(loc, alloc, {loops[nb].size, loops[nb + 2].size});
      npu::DmaOp::create(b, loc,
                         operandView(lhs, lhsT, aBatch, loops[nb],
                                     loops[nb + 2]),
                         aTile);
    }
    if (!bTile && dependsOnly(bDeps)) {
      auto alloc = allocTile(loc, {tk, tn}, e, npu::MemSpace::SPAD, inLoop);
      bTile = leadingPart(loc, alloc, {loops[nb + 2].size, loops[nb + 1].size});
      npu::DmaOp::create(b, loc,
                         operandView(rhs, rhsT, bBatch, loops[nb + 2],
                                     loops[nb + 1]),
                         bTile);
    }
  };

  auto region = openNest(op);

  // Unset loops: constant 0 with full size until opened.
  for (int64_t d = 0; d < nl; ++d)
    loops[d] = {idx(loc, 0), b.getIndexAttr(std::min(extents[d], steps[d])),
                false};
  place();
  OpBuilder::InsertPoint cBlockEnd;
  for (int64_t d : order) {
    if (d == nb + 2 && !cTile) {
      // C lives across the k loop: allocate it, drain it after.
      // Blocked by array columns ([N/sn][tm][sn]): consecutive matmuls
      // write disjoint ACC ranges, so the array streams back to back
      // (the in-queue scoreboard orders overlapping ranges).
      cTile = allocTile(loc, {ceilDiv(tn, sn), tm, sn}, accE,
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
      Value view =
          leadingPart(loc, tile, {b.getIndexAttr(1), loops[nb + 1].size});
      npu::DmaOp::create(
          b, loc,
          subview(loc, row, {zeroIdx, OpFoldResult(loops[nb + 1].iv)},
                  {OpFoldResult(b.getIndexAttr(1)), loops[nb + 1].size}, 2),
          view);
      others.push_back(tile);
    } else {
      Value tile = allocTile(loc, {tm, tn}, outE, npu::MemSpace::SPAD, false);
      Value view = leadingPart(loc, tile, {loops[nb].size, loops[nb + 1].size});
      npu::DmaOp::create(b, loc, subview(loc, mem, offsets, sizes, 2), view);
      others.push_back(view);
    }
  }
  Value o;
  if (!outE.isF32() || !epilogue.empty()) {
    auto alloc =
        allocTile(loc, {tm, tn}, outE, npu::MemSpace::SPAD, drainInLoop);
    o = leadingPart(loc, alloc, {loops[nb].size, loops[nb + 1].size});
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
  b.setInsertionPointAfter(region);
  return success();
}

} // namespace kiln::npu_lowering
