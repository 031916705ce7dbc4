//===- LowerAttention.cpp - flash attention nests of kiln-npu-lower-to-npu ===//
//
// kiln.attention as one nest, flash style: for each (batch, head, query
// tile) the scores of one key/value tile at a time are computed on the
// array into ACC, turned into probabilities on the vector unit with a
// running row max and row sum (online softmax), and multiplied with the
// value tile into ACC; the output tile is rescaled and accumulated in SPAD
// and leaves once. Scores never go to DRAM. Tile sizes are the schedule's
// level 1 over [batch, heads, queries, keys, value dim] (NPUCostModel).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "kiln/CostModel/NPUCostModel.h"

#include <cfloat>

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

/// The DRAM constant of the attention nest's parameters: [scale,
/// -FLT_MAX (running max's start), 0, -inf] and, for causal attention,
/// the band the diagonal tiles' masks are windows of: `bandRows` rows of
/// `bandCols` where element (r, c) is -inf when c - r > `bandDiag`.
Value Lowering::attentionParamsInDram(Location loc, double scale,
                                      int64_t bandRows, int64_t bandCols,
                                      int64_t bandDiag) {
  SmallVector<APFloat> vals = {APFloat(float(scale)), APFloat(-FLT_MAX),
                               APFloat(0.0f),
                               APFloat::getInf(APFloat::IEEEsingle(), true)};
  for (int64_t r = 0; r < bandRows; ++r)
    for (int64_t c = 0; c < bandCols; ++c)
      vals.push_back(c - r > bandDiag
                         ? APFloat::getInf(APFloat::IEEEsingle(), true)
                         : APFloat(0.0f));
  return constantInDram(
      loc, DenseElementsAttr::get(
               RankedTensorType::get({int64_t(vals.size())}, b.getF32Type()),
               vals));
}

/// A view of `base` (an on-chip tile) at element `offset` with explicit
/// sizes and strides (0 broadcasts): the emitter's reading of
/// memref.reinterpret_cast (offset relative to the view it casts).
Value Lowering::strided(Location loc, Value base, OpFoldResult offset,
                        ArrayRef<OpFoldResult> sizes,
                        ArrayRef<int64_t> strides) {
  auto t = cast<MemRefType>(base.getType());
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  std::optional<int64_t> off = getConstantIntValue(offset);
  auto type = MemRefType::get(
      shape, t.getElementType(),
      StridedLayoutAttr::get(b.getContext(), off.value_or(ShapedType::kDynamic),
                             strides),
      t.getMemorySpace());
  SmallVector<OpFoldResult> strideFolds;
  for (int64_t s : strides)
    strideFolds.push_back(b.getIndexAttr(s));
  return memref::ReinterpretCastOp::create(b, loc, type, base, offset, sizes,
                                           strideFolds);
}

/// C (ACC, M x N, row stride `cStride`) (+)= A (SPAD, M x K) x B (SPAD,
/// K x N) in array tiles of at most rows x cols: k outer (the first k tile
/// overwrites), n inner. `bTransposed`: B is read out of a row-major
/// N x K tile (the key tile) through swapped strides.
void Lowering::arrayMatmul(Location loc, Value a, int64_t aStride, Value bT,
                           int64_t bStride, bool bTransposed, Value c,
                           int64_t cStride, OpFoldResult m, OpFoldResult k,
                           OpFoldResult n) {
  OpBuilder::InsertionGuard guard(b);
  int64_t sk = std::min<int64_t>(target.getRows(),
                                 getConstantIntValue(k).value_or(INT64_MAX)),
          sn = std::min<int64_t>(target.getCols(),
                                 getConstantIntValue(n).value_or(INT64_MAX));
  TileLoop k1 = openLoop(loc, k, sk);
  TileLoop n1 = openLoop(loc, n, sn);
  auto lin = [&](Value row, int64_t rowStride, Value col) -> OpFoldResult {
    Value r = arith::MulIOp::create(b, loc, row, idx(loc, rowStride));
    return arith::AddIOp::create(b, loc, r, col).getResult();
  };
  Value zero = idx(loc, 0);
  Value aView = strided(loc, a, lin(zero, aStride, k1.iv), {m, k1.size},
                        {aStride, 1});
  Value bView =
      bTransposed
          ? strided(loc, bT, lin(n1.iv, bStride, k1.iv), {k1.size, n1.size},
                    {1, bStride})
          : strided(loc, bT, lin(k1.iv, bStride, n1.iv), {k1.size, n1.size},
                    {bStride, 1});
  Value cView = strided(loc, c, lin(zero, cStride, n1.iv), {m, n1.size},
                        {cStride, 1});
  Value acc;
  if (k1.generated)
    acc = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, k1.iv, zero);
  npu::MatmulOp::create(b, loc, aView, bView, cView, acc);
}

LogicalResult Lowering::lowerAttention(AttentionOp op, Value out) {
  Location loc = op.getLoc();
  auto qT = cast<RankedTensorType>(op.getQuery().getType());
  auto kT = cast<RankedTensorType>(op.getKey().getType());
  auto vT = cast<RankedTensorType>(op.getValue().getType());
  auto resT = cast<RankedTensorType>(op.getType());
  Type e = qT.getElementType();
  for (Type t : {e, kT.getElementType(), vT.getElementType(),
                 resT.getElementType()})
    if (t != e || (!t.isF32() && !t.isBF16() && !t.isF16()))
      return op.emitOpError()
             << "cannot run on the NPU yet: attention is lowered for f32, "
                "bf16 and f16 (one type for all operands), not "
             << t << " (no host fallback; docs/npu-compiler.md)";
  if (!target.matrixSupports(e) || !target.vectorSupports(e))
    return op.emitOpError() << "cannot run on the NPU: " << target.getName()
                            << " lacks " << e
                            << " in its matrix or vector unit";
  if (qT.getRank() != 4)
    return op.emitOpError() << "cannot run on the NPU yet: attention is "
                               "lowered for [batch, heads, seq, head_dim] "
                               "operands only";
  int64_t B = qT.getDimSize(0), Hq = qT.getDimSize(1), Sq = qT.getDimSize(2),
          D = qT.getDimSize(3), Hkv = kT.getDimSize(1), Sk = kT.getDimSize(2),
          Dv = vT.getDimSize(3);
  if (B == 0 || Hq == 0 || Sq == 0 || Dv == 0)
    return op.emitOpError() << "cannot run on the NPU yet: empty attention";
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  if (!schedule || schedule.getNumLevels() < 2 ||
      schedule.getLevel(1).size() != 5)
    return op.emitOpError()
           << "needs a #kiln.schedule whose level 1 tiles [batch, heads, "
              "queries, keys, value dim]: run kiln-select-schedules with "
              "target=npu:NAME";
  auto tileOf = [](int64_t t, int64_t extent) {
    return t <= 0 ? extent : std::min(t, extent);
  };
  int64_t tq = tileOf(schedule.getLevel(1)[2], Sq),
          tk = tileOf(schedule.getLevel(1)[3], std::max<int64_t>(Sk, 1));
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(double(D));
  bool causal = op.getCausal();
  int64_t group = Hkv ? Hq / Hkv : 1;

  // Causal tiles that straddle the diagonal get a window of one on-chip
  // band: d = qi + (Sk - Sq) - kj is the tile's diagonal offset, and a
  // tile needs the mask iff some c - r > d. The band spans the offsets of
  // the tiles the loops will visit.
  std::optional<std::pair<int64_t, int64_t>> offsets =
      causal ? npuCausalBandOffsets(Sq, Sk, tq, tk) : std::nullopt;
  bool band = offsets.has_value();
  int64_t dMax = band ? offsets->second : 0;
  int64_t bandCols = band ? tk + (dMax - offsets->first) : 0;
  int64_t bandRows = band ? tq : 0;

  // The optional mask, viewed as [B, Hq, Sq, Sk] with stride 0 on its
  // broadcast dims; a tile reads one row when it broadcasts over queries.
  Value mask = op.getMask();
  Value maskDram;
  bool boolMask = false, maskRowBroadcast = false;
  SmallVector<int64_t> maskStrides(4, 0);
  Type maskE;
  if (mask) {
    auto mT = cast<RankedTensorType>(mask.getType());
    maskE = mT.getElementType();
    boolMask = maskE.isInteger(1);
    if (!boolMask && maskE != e)
      return op.emitOpError() << "cannot run on the NPU yet: a " << maskE
                              << " mask (f32 or i1 masks are lowered)";
    if (mT.getRank() > 4)
      return op.emitOpError() << "mask of rank > 4";
    int64_t off = 4 - mT.getRank(), s = 1;
    for (int64_t d = mT.getRank() - 1; d >= 0; --d) {
      maskStrides[off + d] = mT.getDimSize(d) == 1 ? 0 : s;
      s *= mT.getDimSize(d);
    }
    maskRowBroadcast = maskStrides[2] == 0;
    Value flat = reshapeView(loc, memOf.lookup(mask),
                             RankedTensorType::get({mT.getNumElements()},
                                                   maskE));
    maskDram = flat;
  }

  auto region = openNest(op);
  Type f32 = b.getF32Type();
  OpFoldResult zero = b.getIndexAttr(0);
  Value zeroV = idx(loc, 0);
  int64_t dk = std::max(D, Dv);

  // Parameters: scalars then the band, one DMA per nest.
  constexpr int64_t kScale = 0, kNegMax = 1, kZero = 2, kNegInf = 3,
                    kBand = 4;
  int64_t nParams = kBand + bandRows * bandCols;
  Value params = allocTile(loc, {nParams}, f32, npu::MemSpace::SPAD, false);
  npu::DmaOp::create(
      b, loc,
      attentionParamsInDram(loc, scale, bandRows, bandCols, dMax), params);
  auto scalar = [&](int64_t k, ArrayRef<OpFoldResult> sizes) {
    return strided(loc, params, b.getIndexAttr(k), sizes,
                   SmallVector<int64_t>(sizes.size(), 0));
  };
  // Compute-only buffers (one queue: no tokens, no copies): the scores and
  // P @ V in ACC, the probabilities and the per-row values in SPAD.
  Value sAcc = allocTile(loc, {tq, tk}, f32, npu::MemSpace::ACC, false);
  Value pvAcc = allocTile(loc, {tq, Dv}, f32, npu::MemSpace::ACC, false);
  // P feeds the array, so it has the inputs' type; with f32 inputs the
  // output tile accumulates in place, otherwise in an f32 tile beside it.
  bool narrow = !e.isF32();
  Value p = allocTile(loc, {tq, tk}, e, npu::MemSpace::SPAD, false);
  Value oAcc = narrow ? allocTile(loc, {tq, Dv}, f32, npu::MemSpace::SPAD,
                                  false)
                      : Value();
  Value rows = allocTile(loc, {5, tq}, f32, npu::MemSpace::SPAD, false);

  TileLoop bl = openLoop(loc, b.getIndexAttr(B), 1);
  TileLoop hl = openLoop(loc, b.getIndexAttr(Hq), 1);
  Value kvh = arith::DivSIOp::create(b, loc, hl.iv, idx(loc, group));
  Value kb = kT.getDimSize(0) == 1 ? zeroV : bl.iv;
  // Keys and values of one tile in one buffer (one pair of tokens),
  // double-buffered when a loop around it is generated.
  auto loadKeysAndValues = [&](Value kj, OpFoldResult tkr,
                               bool inLoop) -> std::pair<Value, Value> {
    Value kv = allocTile(loc, {2, tk, dk}, e, npu::MemSpace::SPAD, inLoop);
    Value kTile = strided(loc, kv, zero, {tkr, b.getIndexAttr(D)}, {dk, 1});
    Value vTile = strided(loc, kv, b.getIndexAttr(tk * dk),
                          {tkr, b.getIndexAttr(Dv)}, {dk, 1});
    // Rows kj.. (tkr of them, `width` wide) of this head of K or V.
    auto load = [&](Value whole, int64_t width, Value dst) {
      npu::DmaOp::create(b, loc,
                         subview(loc, whole, {kb, kvh, kj, zero},
                                 {b.getIndexAttr(1), b.getIndexAttr(1), tkr,
                                  b.getIndexAttr(width)},
                                 2),
                         dst);
    };
    load(memOf.lookup(op.getKey()), D, kTile);
    load(memOf.lookup(op.getValue()), Dv, vTile);
    return {kTile, vTile};
  };
  // One key tile for every query tile: loaded once per head.
  bool keysPerHead = !causal && Sk <= tk;
  std::pair<Value, Value> headKV;
  if (keysPerHead)
    headKV = loadKeysAndValues(zeroV, b.getIndexAttr(Sk),
                               bl.generated || hl.generated);
  TileLoop ql = openLoop(loc, b.getIndexAttr(Sq), tq);
  bool qInLoop = bl.generated || hl.generated || ql.generated;
  OpFoldResult tqr = ql.size;

  // Per-row values: running max m, running sum l, the tile's max (then
  // the new max), the rescale factor alpha, the tile's row sum.
  auto row = [&](int64_t i) {
    return strided(loc, rows, b.getIndexAttr(i * tq), {tqr}, {1});
  };
  Value m = row(0), l = row(1), mNew = row(2), alpha = row(3), rs = row(4);
  auto perRow = [&](Value rowv, OpFoldResult cols) {
    return strided(loc, rowv, zero, {tqr, cols}, {1, 0});
  };

  // The query tile, scaled in place (so the scores come out scaled).
  Value qTile = allocTile(loc, {tq, D}, e, npu::MemSpace::SPAD, qInLoop);
  Value qView = strided(loc, qTile, zero, {tqr, b.getIndexAttr(D)}, {D, 1});
  Value qDram = memOf.lookup(op.getQuery());
  npu::DmaOp::create(b, loc,
                     subview(loc, qDram, {bl.iv, hl.iv, ql.iv, zero},
                             {b.getIndexAttr(1), b.getIndexAttr(1), tqr,
                              b.getIndexAttr(D)},
                             2),
                     qView);
  // (Narrow types: the f32 scores are scaled instead, so Q keeps its bits.)
  if (!narrow)
    npu::VecBinaryOp::create(b, loc, "mul", qView,
                             scalar(kScale, {tqr, b.getIndexAttr(D)}), qView);
  // The output tile accumulates in SPAD; m, l and it start empty.
  Value oTile = allocTile(loc, {tq, Dv}, e, npu::MemSpace::SPAD, qInLoop);
  Value oOut = strided(loc, oTile, zero, {tqr, b.getIndexAttr(Dv)}, {Dv, 1});
  Value oView =
      narrow ? strided(loc, oAcc, zero, {tqr, b.getIndexAttr(Dv)}, {Dv, 1})
             : oOut;
  npu::VecUnaryOp::create(b, loc, "copy",
                          scalar(kZero, {tqr, b.getIndexAttr(Dv)}), oView);
  npu::VecUnaryOp::create(b, loc, "copy", scalar(kNegMax, {tqr}), m);
  npu::VecUnaryOp::create(b, loc, "copy", scalar(kZero, {tqr}), l);

  // Key tiles up to the last one a query of this tile may see.
  OpFoldResult kvEnd = b.getIndexAttr(Sk);
  if (causal) {
    // Folded when the query loop is not generated (a static key loop).
    Value last = b.createOrFold<arith::AddIOp>(
        loc, ql.iv, getValueOrCreateConstantIndexOp(b, loc, tqr));
    last = b.createOrFold<arith::AddIOp>(loc, last, idx(loc, Sk - Sq));
    kvEnd = getAsOpFoldResult(
        b.createOrFold<arith::MinSIOp>(loc, last, idx(loc, Sk)));
  }
  OpBuilder::InsertPoint afterKeys = b.saveInsertionPoint();
  TileLoop kl = openLoop(loc, kvEnd, tk);
  OpFoldResult tkr = kl.size;
  auto [kTile, vTile] =
      keysPerHead ? headKV
                  : loadKeysAndValues(kl.iv, tkr, kl.generated || qInLoop);
  Value maskTile;
  if (mask) {
    // The mask's tile: element (b, h, qi + r, kj + c) of the broadcast view.
    int64_t mr = maskRowBroadcast ? 1 : tq;
    Value alloc =
        allocTile(loc, {mr, tk}, maskE, npu::MemSpace::SPAD,
                  kl.generated || qInLoop);
    OpFoldResult mRows = maskRowBroadcast ? b.getIndexAttr(1) : tqr;
    Value dst = strided(loc, alloc, zero, {mRows, tkr}, {tk, 1});
    auto term = [&](Value iv, int64_t stride) -> Value {
      return arith::MulIOp::create(b, loc, iv, idx(loc, stride));
    };
    Value off = arith::AddIOp::create(b, loc, term(bl.iv, maskStrides[0]),
                                      term(hl.iv, maskStrides[1]));
    off = arith::AddIOp::create(b, loc, off, term(ql.iv, maskStrides[2]));
    off = arith::AddIOp::create(b, loc, off, term(kl.iv, maskStrides[3]));
    Value src = strided(loc, maskDram, off, {mRows, tkr},
                        {maskStrides[2], maskStrides[3]});
    npu::DmaOp::create(b, loc, src, dst);
    maskTile = strided(loc, alloc, zero, {tqr, tkr},
                       {maskRowBroadcast ? 0 : tk, 1});
  }

  // S = (Q * scale) @ K^T into ACC.
  Value sView = strided(loc, sAcc, zero, {tqr, tkr}, {tk, 1});
  arrayMatmul(loc, qView, D, kTile, dk, /*bTransposed=*/true, sAcc, tk, tqr,
              b.getIndexAttr(D), tkr);
  if (narrow)
    npu::VecBinaryOp::create(b, loc, "mul", sView, scalar(kScale, {tqr, tkr}),
                             sView);
  if (maskTile) {
    if (boolMask)
      npu::VecSelectOp::create(b, loc, maskTile, sView,
                               scalar(kNegInf, {tqr, tkr}), sView);
    else
      npu::VecBinaryOp::create(b, loc, "add", sView, maskTile, sView);
  }
  if (band) {
    // Tiles that straddle the diagonal add their window of the band.
    Value d = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, ql.iv, idx(loc, Sk - Sq)),
        kl.iv);
    Value tkrV = getValueOrCreateConstantIndexOp(b, loc, tkr);
    Value needs = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::slt, d,
        arith::SubIOp::create(b, loc, tkrV, idx(loc, 1)));
    auto ifOp = scf::IfOp::create(b, loc, needs, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    Value o = arith::SubIOp::create(b, loc, idx(loc, dMax), d);
    o = arith::AddIOp::create(b, loc, o, idx(loc, kBand));
    npu::VecBinaryOp::create(b, loc, "add", sView,
                             strided(loc, params, o, {tqr, tkr},
                                     {bandCols, 1}),
                             sView);
  }
  // Online softmax: m' = max(m, rowmax S); alpha = exp(m - m');
  // P = exp(S - m'); l = l * alpha + rowsum P.
  npu::VecReduceOp::create(b, loc, "max", sView, mNew);
  npu::VecBinaryOp::create(b, loc, "max", mNew, m, mNew);
  npu::VecBinaryOp::create(b, loc, "sub", m, mNew, alpha);
  npu::VecUnaryOp::create(b, loc, "exp", alpha, alpha);
  npu::VecUnaryOp::create(b, loc, "copy", mNew, m);
  Value pView = strided(loc, p, zero, {tqr, tkr}, {tk, 1});
  // Narrow types: exp in f32 in ACC, the sum of those, then P rounded.
  Value pF32 = narrow ? sView : pView;
  npu::VecBinaryOp::create(b, loc, "sub", sView, perRow(m, tkr), pF32);
  npu::VecUnaryOp::create(b, loc, "exp", pF32, pF32);
  npu::VecReduceOp::create(b, loc, "sum", pF32, rs);
  if (narrow)
    npu::VecUnaryOp::create(b, loc, "copy", pF32, pView);
  npu::VecBinaryOp::create(b, loc, "mul", l, alpha, l);
  npu::VecBinaryOp::create(b, loc, "add", l, rs, l);
  // O = O * alpha + P @ V.
  arrayMatmul(loc, pView, tk, vTile, dk, /*bTransposed=*/false, pvAcc, Dv,
              tqr, tkr, b.getIndexAttr(Dv));
  Value pvView = strided(loc, pvAcc, zero, {tqr, b.getIndexAttr(Dv)}, {Dv, 1});
  npu::VecBinaryOp::create(b, loc, "mul", oView,
                           perRow(alpha, b.getIndexAttr(Dv)), oView);
  npu::VecBinaryOp::create(b, loc, "add", oView, pvView, oView);

  // After the key loop: O / l, out.
  b.restoreInsertionPoint(afterKeys);
  npu::VecUnaryOp::create(b, loc, "recip", l, l);
  npu::VecBinaryOp::create(b, loc, "mul", oView,
                           perRow(l, b.getIndexAttr(Dv)), oOut);
  npu::DmaOp::create(b, loc, oOut,
                     subview(loc, out, {bl.iv, hl.iv, ql.iv, zero},
                             {b.getIndexAttr(1), b.getIndexAttr(1), tqr,
                              b.getIndexAttr(Dv)},
                             2));
  b.setInsertionPointAfter(region);
  return success();
}

} // namespace kiln::npu_lowering
