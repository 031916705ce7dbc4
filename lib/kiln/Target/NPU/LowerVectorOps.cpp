//===- LowerVectorOps.cpp - vector-unit nests of kiln-npu-lower-to-npu ------===//
//
// Elementwise ops, softmax, layer/RMS norm and reductions on the vector
// unit, per row tile.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "kiln/CostModel/NPUCostModel.h"

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

/// softmax, layer_norm, rms_norm and reduce on the vector unit: the input
/// as [outer, A, inner] (npuRowwiseSteps; A reduced for each of the outer
/// x inner rows), in tiles of rows that stay on chip between the steps.
///  - inner == 1 (the last axis, the norms' trailing block): a tile is
///    TR x A row-major; per-row values are read with column stride 0.
///  - inner > 1 (a softmax/reduce axis before the last): a tile of
///    [to, A, ti] comes in by one 3-D DMA into an A-major layout [A, TR]
///    (row (o, i) at column o * TI + i), so its rows are one dim of stride
///    1: vec_reduce reads [rows, A] with strides [1, TR] and per-row values
///    broadcast with stride 0 over A. Tiles are whole inner runs times
///    several outer rows, or part of one run (npuRowTileShape).
///  - a reduce whose axes are several blocks of dims (e.g. [0, 2]): one
///    such nest per block, innermost first, each reducing the previous
///    one's result through a DRAM temporary in the compute type (f32, or
///    an integer reduce's accumulator; the first nest reads the
///    input once and the later ones read far less; a permutation of the
///    input through DRAM would move all of it twice more). max/min/sum
///    compose; a mean sums and scales once, in the last nest.
///  - a row too long for SPAD: chunks of the reduced dim (below).
/// bf16 and f16 compute in f32: the tile is converted after its load and
/// the result rounded once before its store (the vector copy rounds to
/// nearest even), as the reference interpreter rounds once per op.
/// Integer reduces stay in the integer domain (exact): vec_reduce reads
/// the tile in its type into i32 or i64 per-row values, a mean divides
/// them by the count (truncating), one copy converts to the type.
LogicalResult Lowering::lowerRowwise(Operation *op, Value out) {
  Location loc = op->getLoc();
  Value input = op->getOperand(0);
  auto inT = cast<RankedTensorType>(input.getType());
  Type e = inT.getElementType();
  auto reduce = dyn_cast<ReduceOp>(op);
  bool mean = reduce && reduce.getKind() == ReduceKind::mean;
  bool integer = e.isInteger(8) || e.isInteger(32) || e.isInteger(64);
  if (!e.isF32() && !e.isBF16() && !e.isF16() && !(reduce && integer))
    return op->emitOpError()
           << "cannot run on the NPU yet: lowered for f32, bf16 and f16"
           << (reduce ? ", i8, i32 and i64" : "") << " only, not " << e
           << " (no host fallback; docs/npu-compiler.md)";
  // The elements each result reduces (a mean's divisor).
  int64_t count = 1;
  if (reduce)
    for (int64_t a : reduce.getAxes())
      count *= inT.getDimSize(a < 0 ? a + inT.getRank() : a);
  // Integers reduce in the integer domain, exactly (docs/npu.md), in the
  // accumulator `ec` (npuRowwiseComputeType: i64 for i64; i32 for i8/i32,
  // where wrapping and again at the result's type is the reference's wrap
  // of its i64 sum; a mean truncates the exact sum's quotient: i32 sums in
  // i64, i8 sums in i32 while they cannot overflow it, |sum| <= 128 *
  // count <= 2^31).
  Type ec = npuRowwiseComputeType(op);
  for (Type t : {e, ec})
    if (!target.vectorSupports(t)) {
      InFlightDiagnostic d = op->emitOpError()
                             << "cannot run on the NPU: the vector unit of "
                             << target.getName() << " does not compute on "
                             << t;
      if (t != e && integer && mean && ec.isInteger(64))
        d << " (a mean of " << e << " sums exactly in it)";
      else if (t != e && integer)
        d << " (" << e << " reductions accumulate in it)";
      return d << " (no host fallback; docs/npu-compiler.md)";
    }
  // A reduction over no elements: sum (and an integer mean) is 0, a float
  // mean NaN (0/0), as the reference interpreter defines them; max and
  // min have no value (the reference rejects them too).
  if (reduce && count == 0) {
    if (!mean && reduce.getKind() != ReduceKind::sum)
      return op->emitOpError()
             << "cannot compute " << stringifyReduceKind(reduce.getKind())
             << " over zero elements (input " << inT
             << "; the reference interpreter rejects it too)";
    return fillResult(op, out,
                      integer ? Attribute(b.getIntegerAttr(e, 0))
                      : mean  ? Attribute(b.getFloatAttr(
                                    e, APFloat::getNaN(
                                           cast<FloatType>(e)
                                               .getFloatSemantics())))
                              : Attribute(b.getFloatAttr(e, 0.0)));
  }
  SmallVector<NPURowwiseStep> steps = npuRowwiseSteps(op);
  if (steps.empty())
    return op->emitOpError() << "cannot run on the NPU yet: a static shape "
                                "of rank 1 or more is needed";
  for (const NPURowwiseStep &s : steps)
    if (s.reduced == 0 || s.outer * s.inner == 0)
      return op->emitOpError() << "cannot run on the NPU yet: empty rows";
  Value inMem = memOf.lookup(input);
  for (auto [k, step] : llvm::enumerate(steps)) {
    bool first = k == 0, last = k + 1 == steps.size();
    // Between the nests of a reduce: partial results in DRAM, in `ec`.
    Value outMem = last ? out
                        : memref::AllocOp::create(
                              b, loc,
                              MemRefType::get({step.outer * step.inner}, ec))
                              .getResult();
    if (failed(lowerRowwiseNest(op, step, first, inMem, first ? e : ec,
                                outMem, last ? e : ec, ec,
                                last && mean ? count : 0)))
      return failure();
    inMem = outMem;
  }
  return success();
}

/// `out` (a contiguous DRAM buffer) filled with `value`: one nest copying
/// a one-element DRAM constant, read with stride 0, through SPAD.
LogicalResult Lowering::fillResult(Operation *op, Value out,
                                   Attribute value) {
  Location loc = op->getLoc();
  auto outT = cast<MemRefType>(out.getType());
  Type e = outT.getElementType();
  int64_t n = outT.getNumElements();
  auto nest = openNest(op);
  Value one = constantInDram(
      loc, DenseElementsAttr::get(RankedTensorType::get({1}, e), value));
  Value src = memref::ReinterpretCastOp::create(
      b, loc,
      MemRefType::get({n}, e,
                      StridedLayoutAttr::get(b.getContext(), 0, {0})),
      one, b.getIndexAttr(0), ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(0)});
  if (failed(copyThroughSpad(op, src,
                             reshapeView(loc, out,
                                         RankedTensorType::get({n}, e)))))
    return failure();
  b.setInsertionPointAfter(nest);
  return success();
}

LogicalResult Lowering::lowerRowwiseNest(Operation *op,
                                         const NPURowwiseStep &step,
                                         bool scheduled, Value inMem,
                                         Type ein, Value out, Type eout,
                                         Type ec, int64_t meanOf) {
  Location loc = op->getLoc();
  Type f32 = b.getF32Type();
  auto softmax = dyn_cast<SoftmaxOp>(op);
  auto layerNorm = dyn_cast<LayerNormOp>(op);
  auto rmsNorm = dyn_cast<RmsNormOp>(op);
  auto reduce = dyn_cast<ReduceOp>(op);
  int64_t outer = step.outer, cols = step.reduced, inner = step.inner;
  int64_t rows = outer * inner;
  // Integers (a reduce): the tile stays in its type (vec_reduce reads it
  // and accumulates in `ec`); the result is converted if `ec` is not its
  // type. Floats: the tile in f32.
  bool integer = isa<IntegerType>(ec);
  Type et = integer ? ein : f32;
  bool convertIn = ein != et, convertOut = eout != ec, aMajor = inner > 1;
  // Row tiles: the schedule's (the NPU cost model's: level 1 at the
  // second-to-last loop, rows of [outer, inner]; for the first nest), or
  // without one x and y double-buffered in half of SPAD.
  // A row too long for SPAD is cut into chunks of CA elements (the
  // schedule's level 1 at the last loop).
  int64_t rank = cast<ShapedType>(op->getOperand(0).getType()).getRank();
  int64_t tr, CA = cols;
  std::optional<int64_t> t =
      scheduled ? scheduledRowTile(op, rank) : std::nullopt;
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  if (t) {
    tr = std::min(rows, *t);
    if (int64_t ca = schedule.getLevel(1)[rank - 1]; ca > 0)
      CA = std::min(cols, ca);
  } else {
    int64_t budget = int64_t(target.getSpadBytes()) / 8;
    if (cols * 4 > budget) {
      // (Two passes that each hold x and y, and the norms' parameters.)
      tr = std::min<int64_t>(rows, 8);
      std::pair<int64_t, int64_t> s = npuRowTileShape(step, tr);
      CA = std::max<int64_t>(
          1, budget / (4 * s.first * s.second * (reduce ? 1 : 6)));
    } else {
      tr = std::clamp<int64_t>(budget / (cols * 4), 1, rows);
    }
  }
  bool chunked = CA < cols;
  std::pair<int64_t, int64_t> tileShape = npuRowTileShape(step, tr);
  int64_t TO = tileShape.first, TI = tileShape.second, TR = TO * TI;

  auto region = openNest(op);
  OpFoldResult zero = b.getIndexAttr(0), c = b.getIndexAttr(cols);
  // Scalars and the scale/bias rows: on chip once per nest, in f32.
  double eps = layerNorm ? layerNorm.getEpsilon().convertToDouble()
               : rmsNorm ? rmsNorm.getEpsilon().convertToDouble()
                         : 0.0;
  bool mean = meanOf > 0;
  // One SPAD buffer for the parameters: the scale and bias rows, then the
  // scalars (1/cols, epsilon). Each on-chip buffer shared by two queues
  // costs two tokens, and the smallest parts have few.
  // (A mean of integers divides by the count, truncating: the exact
  // quotient of the reference.)
  SmallVector<double> scalarVals;
  if (layerNorm || rmsNorm)
    scalarVals = {1.0 / cols, eps};
  else if (mean)
    scalarVals = {integer ? double(meanOf) : 1.0 / double(meanOf)};
  if (layerNorm && chunked)
    scalarVals.push_back(1.0 / CA); // the first chunk's mean
  Value scaleIn = layerNorm ? layerNorm.getScale()
                  : rmsNorm ? rmsNorm.getScale()
                            : Value();
  Value biasIn = layerNorm ? layerNorm.getBias() : Value();
  SmallVector<Value> rowsIn, chunkRowsIn;
  for (Value v : {scaleIn, biasIn})
    if (v)
      (chunked ? chunkRowsIn : rowsIn).push_back(v);
  int64_t nRows = rowsIn.size(), scalarBase = nRows * cols;
  Value params;
  if (nRows + scalarVals.size() > 0) {
    int64_t n = scalarBase + int64_t(scalarVals.size());
    params = allocTile(loc, {n}, ec, npu::MemSpace::SPAD, false);
    // bf16/f16 rows come in to a staging buffer and are converted once.
    Value staging =
        nRows && convertIn
            ? allocTile(loc, {scalarBase}, ein, npu::MemSpace::SPAD, false)
            : params;
    for (auto [i, v] : llvm::enumerate(rowsIn))
      npu::DmaOp::create(
          b, loc,
          reshapeView(loc, memOf.lookup(v), RankedTensorType::get({cols}, ein)),
          subview(loc, staging, {b.getIndexAttr(int64_t(i) * cols)}, {c}, 1));
    // (The load queue's writes to params first: then params changes hands
    // once, load to compute. The other order is valid too but costs
    // kiln-npu-insert-tokens a second hand-off token, compute to load.)
    if (!scalarVals.empty())
      npu::DmaOp::create(
          b, loc,
          integer ? constantInDram(
                        loc, DenseElementsAttr::get(
                                 RankedTensorType::get({1}, ec),
                                 b.getIntegerAttr(ec, int64_t(scalarVals[0]))))
                  : scalarsInDram(loc, scalarVals, f32),
          subview(loc, params, {b.getIndexAttr(scalarBase)},
                  {b.getIndexAttr(int64_t(scalarVals.size()))}, 1));
    if (nRows && convertIn)
      npu::VecUnaryOp::create(
          b, loc, "copy", staging,
          subview(loc, params, {zero}, {b.getIndexAttr(scalarBase)}, 1));
  }
  int64_t scaleRow = scaleIn ? 0 : -1, biasRow = biasIn ? (scaleIn ? 1 : 0) : -1;

  // The tile loops: whole inner runs (rows of [outer, inner] o0.. x all
  // of inner), or one outer row and part of its inner run.
  OpFoldResult o0 = zero, i0 = zero, to = b.getIndexAttr(1), ti, R;
  bool inLoop;
  if (TI == inner) {
    TileLoop l = openLoop(loc, b.getIndexAttr(outer), TO);
    o0 = l.iv, to = l.size, ti = b.getIndexAttr(inner);
    inLoop = l.generated;
    if (std::optional<int64_t> s = getConstantIntValue(to))
      R = b.getIndexAttr(*s * inner);
    else
      R = arith::MulIOp::create(b, loc, cast<Value>(to), idx(loc, inner))
              .getResult();
  } else {
    // One loop over (outer row, inner part) pairs, so that the double
    // buffers rotate across outer rows too (two nested loops would restart
    // the rotation, and stall, at every outer row).
    int64_t parts = ceilDiv(inner, TI);
    TileLoop l = openLoop(loc, b.getIndexAttr(outer * parts), 1);
    Value iv = l.iv, np = idx(loc, parts);
    o0 = arith::DivSIOp::create(b, loc, iv, np).getResult();
    Value start = arith::MulIOp::create(
        b, loc, arith::RemSIOp::create(b, loc, iv, np), idx(loc, TI));
    i0 = start;
    ti = b.getIndexAttr(TI);
    if (inner % TI)
      ti = arith::MinSIOp::create(
               b, loc, idx(loc, TI),
               arith::SubIOp::create(b, loc, idx(loc, inner), start))
               .getResult();
    R = ti;
    inLoop = l.generated;
  }
  bool partialRows = getConstantIntValue(R) != TR, partial = partialRows;
  // The chunk of the reduced dim the tile views cover: [a0, a0 + c) of at
  // most CA (all of it unless chunked); its tiles' loop.
  OpFoldResult a0 = zero;
  bool tileInLoop = inLoop;
  // A tile's buffer and its views (see the layouts above).
  auto tile = [&](Type t) {
    return aMajor ? allocTile(loc, {CA, TR}, t, npu::MemSpace::SPAD, tileInLoop)
                  : allocTile(loc, {TR, CA}, t, npu::MemSpace::SPAD, tileInLoop);
  };
  auto full = [&](Value buf) -> Value {
    if (!partial)
      return buf;
    return aMajor ? subview(loc, buf, {zero, zero}, {c, R}, 2)
                  : subview(loc, buf, {zero, zero}, {R, c}, 2);
  };
  auto reduceSrc = [&](Value buf) -> Value {
    return aMajor ? strided(loc, buf, zero, {R, c}, {1, TR}) : full(buf);
  };
  // The DMA side of a tile: [to, A, ti] (A-major) or [R, A].
  auto dmaView = [&](Value buf) -> Value {
    return aMajor ? strided(loc, buf, zero, {to, c, ti}, {TI, TR, 1})
                  : full(buf);
  };
  auto rowTile = [&](Type t, bool buffered) {
    Value v = allocTile(loc, {TR}, t, npu::MemSpace::SPAD, buffered);
    return partialRows ? subview(loc, v, {zero}, {R}, 1) : v;
  };
  // A per-row value read for every element (stride 0 over A).
  auto perElem = [&](Value rowv) -> Value {
    return aMajor ? strided(loc, rowv, zero, {c, R}, {0, 1})
                  : strided(loc, rowv, zero, {R, c}, {1, 0});
  };
  // Scalar k of the parameters read for every row (stride 0).
  auto perRow = [&](int64_t k) -> Value {
    return strided(loc, params, b.getIndexAttr(scalarBase + k), {R}, {0});
  };
  // Parameter row `k` read for every row (row stride 0; norms: inner 1).
  auto perCol = [&](int64_t k) -> Value {
    return strided(loc, params, b.getIndexAttr(k * cols), {R, c}, {0, 1});
  };
  Value in3 = aMajor ? reshapeView(loc, inMem,
                                   RankedTensorType::get({outer, cols, inner}, ein))
                     : reshapeView(loc, inMem,
                                   RankedTensorType::get({outer, cols}, ein));
  auto dramTile = [&](Value whole) -> Value {
    return aMajor ? subview(loc, whole, {o0, a0, i0}, {to, c, ti}, 3)
                  : subview(loc, whole, {o0, a0}, {to, c}, 2);
  };
  // The result's DRAM view (softmax and the norms: the input's shape).
  auto out3 = [&]() {
    return aMajor ? reshapeView(loc, out,
                                RankedTensorType::get({outer, cols, inner}, eout))
                  : reshapeView(loc, out,
                                RankedTensorType::get({outer, cols}, eout));
  };
  // The per-row result of a reduce to DRAM (a mean's sum first scaled by
  // the count: integers divide, floats multiply by the reciprocal).
  auto storeRows = [&](Value rowv) {
    if (mean)
      npu::VecBinaryOp::create(b, loc, integer ? "div" : "mul", rowv,
                               perRow(0), rowv);
    Value res = rowv;
    if (convertOut) {
      res = rowTile(eout, inLoop);
      npu::VecUnaryOp::create(b, loc, "copy", rowv, res);
    }
    if (aMajor)
      npu::DmaOp::create(
          b, loc, strided(loc, res, zero, {to, ti}, {TI, 1}),
          subview(loc,
                  reshapeView(loc, out,
                              RankedTensorType::get({outer, inner}, eout)),
                  {o0, i0}, {to, ti}, 2));
    else
      npu::DmaOp::create(
          b, loc, res,
          subview(loc, reshapeView(loc, out, RankedTensorType::get({outer}, eout)),
                  {o0}, {to}, 1));
  };
  // A result tile (f32 y) to DRAM, rounded once to the type (its own tile:
  // a buffer has one producer and one consumer queue).
  auto storeTile = [&](Value y, Value fy) {
    Value res = y;
    if (convertOut) {
      res = tile(eout);
      npu::VecUnaryOp::create(b, loc, "copy", fy, full(res));
    }
    npu::DmaOp::create(b, loc, dmaView(res), dramTile(out3()));
  };
  // A reduce's vector function (also how a chunk's partial folds in).
  StringRef reduceFn;
  if (reduce)
    reduceFn = reduce.getKind() == ReduceKind::max   ? "max"
               : reduce.getKind() == ReduceKind::min ? "min"
                                                     : "sum";

  if (chunked) {
    // Chunks of the reduced dim: each pass is one loop over them (double
    // buffers rotate across chunks); the first chunk (an scf.if on a0 == 0)
    // starts the per-row values, the others fold into them.
    auto chunkLoop = [&](llvm::function_ref<void(Value first)> body) {
      OpBuilder::InsertPoint after = b.saveInsertionPoint();
      TileLoop l = openLoop(loc, b.getIndexAttr(cols), CA);
      a0 = l.iv, c = l.size, tileInLoop = l.generated;
      partial = partialRows || getConstantIntValue(c) != CA;
      body(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, l.iv,
                                 idx(loc, 0)));
      b.restoreInsertionPoint(after);
    };
    // Emits `first` in the then-branch and `rest` in the else-branch of
    // an scf.if on `cond`.
    auto ifElse = [&](Value cond, llvm::function_ref<void()> first,
                      llvm::function_ref<void()> rest) {
      OpBuilder::InsertionGuard guard(b);
      auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/true);
      b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
      first();
      b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
      rest();
    };
    auto load = [&]() {
      Value x = tile(et), xe = convertIn ? tile(ein) : x;
      npu::DmaOp::create(b, loc, dramTile(in3), dmaView(xe));
      if (convertIn)
        npu::VecUnaryOp::create(b, loc, "copy", full(xe), full(x));
      return x;
    };
    if (layerNorm || rmsNorm) {
      // Pass 1: per row, with K the first chunk's mean (a shift that keeps
      // the variance's subtraction well conditioned), s = sum(x - K) and
      // q = sum((x - K)^2); mean = K + s/n, var = q/n - (s/n)^2 (rms_norm:
      // K = 0, s unused). Pass 2: (x - mean) * rsqrt(var + eps), the scale
      // and bias chunks loaded beside each x chunk.
      Value shift = rowTile(f32, inLoop), sum = rowTile(f32, inLoop),
            sq = rowTile(f32, inLoop);
      chunkLoop([&](Value first) {
        Value x = load(), y = tile(f32), fx = full(x), fy = full(y);
        Value tmp = rowTile(f32, false);
        if (rmsNorm) {
          npu::VecBinaryOp::create(b, loc, "mul", fx, fx, fy);
          ifElse(
              first,
              [&] { npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), sq); },
              [&] {
                npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), tmp);
                npu::VecBinaryOp::create(b, loc, "add", sq, tmp, sq);
              });
          return;
        }
        ifElse(
            first,
            [&] {
              npu::VecReduceOp::create(b, loc, "sum", reduceSrc(x), shift);
              npu::VecBinaryOp::create(b, loc, "mul", shift, perRow(2), shift);
              npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(shift), fy);
              npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), sum);
              npu::VecBinaryOp::create(b, loc, "mul", fy, fy, fy);
              npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), sq);
            },
            [&] {
              npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(shift), fy);
              npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), tmp);
              npu::VecBinaryOp::create(b, loc, "add", sum, tmp, sum);
              npu::VecBinaryOp::create(b, loc, "mul", fy, fy, fy);
              npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), tmp);
              npu::VecBinaryOp::create(b, loc, "add", sq, tmp, sq);
            });
      });
      // sq <- rsqrt(q/n - (s/n)^2 + eps); shift <- K + s/n.
      npu::VecBinaryOp::create(b, loc, "mul", sq, perRow(0), sq);
      if (layerNorm) {
        npu::VecBinaryOp::create(b, loc, "mul", sum, perRow(0), sum);
        npu::VecBinaryOp::create(b, loc, "add", shift, sum, shift);
        npu::VecBinaryOp::create(b, loc, "mul", sum, sum, sum);
        npu::VecBinaryOp::create(b, loc, "sub", sq, sum, sq);
      }
      npu::VecBinaryOp::create(b, loc, "add", sq, perRow(1), sq);
      npu::VecUnaryOp::create(b, loc, "rsqrt", sq, sq);
      chunkLoop([&](Value) {
        Value x = load(), y = tile(f32), fx = full(x), fy = full(y);
        // This chunk of the scale and bias rows, in f32.
        Value pc;
        int64_t nc = chunkRowsIn.size();
        if (nc) {
          pc = allocTile(loc, {nc, CA}, f32, npu::MemSpace::SPAD, tileInLoop);
          Value pin = convertIn ? allocTile(loc, {nc, CA}, ein,
                                            npu::MemSpace::SPAD, tileInLoop)
                                : pc;
          for (auto [k, v] : llvm::enumerate(chunkRowsIn))
            npu::DmaOp::create(
                b, loc,
                subview(loc,
                        reshapeView(loc, memOf.lookup(v),
                                    RankedTensorType::get({cols}, ein)),
                        {a0}, {c}, 1),
                subview(loc, pin, {b.getIndexAttr(int64_t(k)), zero},
                        {b.getIndexAttr(1), c}, 1));
          if (convertIn)
            npu::VecUnaryOp::create(
                b, loc, "copy",
                subview(loc, pin, {zero, zero}, {b.getIndexAttr(nc), c}, 2),
                subview(loc, pc, {zero, zero}, {b.getIndexAttr(nc), c}, 2));
        }
        auto chunkRow = [&](int64_t k) {
          return strided(loc, pc, b.getIndexAttr(k * CA), {R, c}, {0, 1});
        };
        Value centred = fx;
        if (layerNorm) {
          npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(shift), fy);
          centred = fy;
        }
        npu::VecBinaryOp::create(b, loc, "mul", centred, perElem(sq), fy);
        for (int64_t k = 0; k < nc; ++k)
          npu::VecBinaryOp::create(b, loc,
                                   chunkRowsIn[k] == scaleIn ? "mul" : "add",
                                   fy, chunkRow(k), fy);
        storeTile(y, fy);
      });
      b.setInsertionPointAfter(region);
      return success();
    }
    if (reduce) {
      // acc = fn over the chunks' reductions.
      Value acc = rowTile(ec, inLoop);
      chunkLoop([&](Value first) {
        Value x = load();
        Value part = rowTile(ec, false);
        ifElse(
            first,
            [&] {
              npu::VecReduceOp::create(b, loc, reduceFn, reduceSrc(x), acc);
            },
            [&] {
              npu::VecReduceOp::create(b, loc, reduceFn, reduceSrc(x), part);
              npu::VecBinaryOp::create(b, loc,
                                       reduceFn == "sum" ? "add" : reduceFn,
                                       acc, part, acc);
            });
      });
      storeRows(acc);
      b.setInsertionPointAfter(region);
      return success();
    }
    // softmax, online: the running max m and sum s of exp(x - m) over the
    // chunks (s rescaled by exp(m_old - m_new) when the max grows), then a
    // second pass writes exp(x - m) / s.
    Value m = rowTile(f32, inLoop), sum = rowTile(f32, inLoop);
    chunkLoop([&](Value first) {
      Value x = load(), y = tile(f32), fx = full(x), fy = full(y);
      Value mc = rowTile(f32, false), tmp = rowTile(f32, false);
      ifElse(
          first,
          [&] {
            npu::VecReduceOp::create(b, loc, "max", reduceSrc(x), m);
            npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(m), fy);
            npu::VecUnaryOp::create(b, loc, "exp", fy, fy);
            npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), sum);
          },
          [&] {
            npu::VecReduceOp::create(b, loc, "max", reduceSrc(x), mc);
            npu::VecBinaryOp::create(b, loc, "max", mc, m, mc);
            npu::VecBinaryOp::create(b, loc, "sub", m, mc, tmp);
            npu::VecUnaryOp::create(b, loc, "exp", tmp, tmp);
            npu::VecBinaryOp::create(b, loc, "mul", sum, tmp, sum);
            npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(mc), fy);
            npu::VecUnaryOp::create(b, loc, "exp", fy, fy);
            npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), tmp);
            npu::VecBinaryOp::create(b, loc, "add", sum, tmp, sum);
            npu::VecUnaryOp::create(b, loc, "copy", mc, m);
          });
    });
    chunkLoop([&](Value) {
      Value x = load(), y = tile(f32), fy = full(y);
      npu::VecBinaryOp::create(b, loc, "sub", full(x), perElem(m), fy);
      npu::VecUnaryOp::create(b, loc, "exp", fy, fy);
      npu::VecBinaryOp::create(b, loc, "div", fy, perElem(sum), fy);
      storeTile(y, fy);
    });
    b.setInsertionPointAfter(region);
    return success();
  }

  // x: the tile in `et` (loaded directly, or through `xe` in the type).
  Value x = tile(et), xe = convertIn ? tile(ein) : x;
  npu::DmaOp::create(b, loc, dramTile(in3), dmaView(xe));
  Value fx = full(x);
  if (convertIn)
    npu::VecUnaryOp::create(b, loc, "copy", full(xe), fx);
  if (reduce) {
    Value rowv = rowTile(ec, inLoop);
    npu::VecReduceOp::create(b, loc, reduceFn, reduceSrc(x), rowv);
    storeRows(rowv);
    b.setInsertionPointAfter(region);
    return success();
  }
  Value y = tile(f32), fy = full(y);
  if (softmax) {
    // exp(x - max) / sum, per row.
    Value rowv = rowTile(f32, false);
    npu::VecReduceOp::create(b, loc, "max", reduceSrc(x), rowv);
    npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(rowv), fy);
    npu::VecUnaryOp::create(b, loc, "exp", fy, fy);
    npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), rowv);
    npu::VecBinaryOp::create(b, loc, "div", fy, perElem(rowv), fy);
  } else {
    Value rowv = rowTile(f32, inLoop);
    if (layerNorm) {
      // x - mean(x), kept in x.
      npu::VecReduceOp::create(b, loc, "sum", reduceSrc(x), rowv);
      npu::VecBinaryOp::create(b, loc, "mul", rowv, perRow(0), rowv);
      npu::VecBinaryOp::create(b, loc, "sub", fx, perElem(rowv), fx);
    }
    // rsqrt(mean(centred^2) + eps) per row.
    npu::VecBinaryOp::create(b, loc, "mul", fx, fx, fy);
    npu::VecReduceOp::create(b, loc, "sum", reduceSrc(y), rowv);
    npu::VecBinaryOp::create(b, loc, "mul", rowv, perRow(0), rowv);
    npu::VecBinaryOp::create(b, loc, "add", rowv, perRow(1), rowv);
    npu::VecUnaryOp::create(b, loc, "rsqrt", rowv, rowv);
    npu::VecBinaryOp::create(b, loc, "mul", fx, perElem(rowv), fy);
    if (scaleRow >= 0)
      npu::VecBinaryOp::create(b, loc, "mul", fy, perCol(scaleRow), fy);
    if (biasRow >= 0)
      npu::VecBinaryOp::create(b, loc, "add", fy, perCol(biasRow), fy);
  }
  storeTile(y, fy);
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
  // The vector unit computes on the float types and, exactly (two's
  // complement, wrapping), on i8, i32 and i64; i1 is bytes of 0/1 (a
  // where's condition or values, a cast's source or result). Each type
  // must be one the description lists.
  auto isInt = [](Type t) {
    return t.isInteger(8) || t.isInteger(32) || t.isInteger(64);
  };
  for (Type t : llvm::concat<Type>(TypeRange(op->getOperandTypes()),
                                   TypeRange(op->getResultTypes()))) {
    Type te = cast<RankedTensorType>(t).getElementType();
    if (!te.isF32() && !te.isF16() && !te.isBF16() && !isInt(te) &&
        !te.isInteger(1))
      return op->emitOpError()
             << "cannot run on the NPU yet: elementwise ops are lowered for "
                "f32, f16, bf16, i8, i32, i64 and i1, not "
             << te << " (no host fallback; docs/npu-compiler.md)";
    if (!target.vectorSupports(te))
      return op->emitOpError()
             << "cannot run on the NPU: the vector unit of " << target.getName()
             << " does not compute on " << te
             << " (no host fallback; docs/npu-compiler.md)";
  }
  // kiln.cast from a float to i32 or i8 truncates toward zero, saturating
  // at the i64 range, then wraps: the vector unit's copy to i64 (truncate,
  // saturate at i64, NaN -> 0) and then i64 -> i32/i8 (keep the low bits).
  // A direct copy would saturate at the i32/i8 range instead.
  Type i64 = b.getI64Type();
  bool castViaI64 = false;
  if (isa<CastOp>(op)) {
    Type from = cast<RankedTensorType>(op->getOperand(0).getType())
                    .getElementType();
    castViaI64 = isa<FloatType>(from) && (e.isInteger(32) || e.isInteger(8));
    if (castViaI64 && !target.vectorSupports(i64))
      return op->emitOpError()
             << "cannot run on the NPU: the vector unit of " << target.getName()
             << " does not compute on i64, which a cast from " << from
             << " to " << e
             << " goes through (kiln truncates and saturates to the i64 "
                "range, then wraps; no host fallback; docs/npu-compiler.md)";
  }
  int64_t r = resT.getRank();
  int64_t cols = r ? resT.getDimSize(r - 1) : 1;
  int64_t rows = resT.getNumElements() / std::max<int64_t>(cols, 1);
  // Which operands are full tiles and which broadcast rows; any other
  // broadcast (e.g. [S, D] over a batch, or a column [R, 1]) is first
  // written out in the result's shape (materialized, below).
  SmallVector<bool> rowBroadcast, materialize;
  for (Value v : op->getOperands()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == resT.getShape()) {
      rowBroadcast.push_back(false);
      materialize.push_back(false);
      continue;
    }
    bool lastOnly = t.getRank() >= 1 && t.getDimSize(t.getRank() - 1) == cols &&
                    t.getNumElements() == cols;
    // A single element (e.g. tensor<f32>): read with strides [0, 0].
    bool scalar = t.getNumElements() == 1;
    bool broadcasts = t.getRank() <= r;
    for (int64_t d = 0; broadcasts && d < t.getRank(); ++d) {
      int64_t s = t.getDimSize(t.getRank() - 1 - d),
              o = resT.getDimSize(r - 1 - d);
      broadcasts = s == o || s == 1;
    }
    if (!lastOnly && !scalar && !broadcasts)
      return op->emitOpError()
             << "cannot run on the NPU: " << t << " does not broadcast to "
             << resT;
    rowBroadcast.push_back(lastOnly || scalar);
    materialize.push_back(!lastOnly && !scalar);
  }
  // Materialized operands: one DMA-only nest per operand copies it through
  // SPAD into a DRAM buffer of the result's shape, read through a view
  // with stride 0 on its broadcast dims (the barrier after the nest makes
  // it visible to the op's nest).
  SmallVector<Value> materialized(op->getNumOperands());
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (!materialize[i])
      continue;
    auto t = cast<RankedTensorType>(v.getType());
    Type te = t.getElementType();
    Value full = memref::AllocOp::create(
        b, loc, MemRefType::get(resT.getShape(), te));
    SmallVector<int64_t> strides(r, 0), rowMajor(t.getRank(), 1);
    for (int64_t d = t.getRank() - 2; d >= 0; --d)
      rowMajor[d] = rowMajor[d + 1] * t.getDimSize(d + 1);
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (t.getDimSize(d) != 1)
        strides[r - t.getRank() + d] = rowMajor[d];
    SmallVector<OpFoldResult> sizes, strideFolds;
    for (int64_t d = 0; d < r; ++d) {
      sizes.push_back(b.getIndexAttr(resT.getDimSize(d)));
      strideFolds.push_back(b.getIndexAttr(strides[d]));
    }
    auto nest = openNest(op);
    nest->setAttr("npu.op", b.getStringAttr("broadcast"));
    Value view = memref::ReinterpretCastOp::create(
        b, loc,
        MemRefType::get(resT.getShape(), te,
                        StridedLayoutAttr::get(b.getContext(), 0, strides)),
        memOf.lookup(v), b.getIndexAttr(0), sizes, strideFolds);
    if (failed(copyThroughSpad(op, view, full)))
      return failure();
    b.setInsertionPointAfter(nest);
    materialized[i] = full;
  }
  // Without a schedule (ops the cost model does not tile, e.g. cast):
  // every double-buffered tile, at least f32-sized (an i64 source of a
  // cast takes 8 bytes), in SPAD.
  int64_t rowBytes = castViaI64 ? 8 : 0;
  for (Type t : llvm::concat<Type>(TypeRange(op->getOperandTypes()),
                                   TypeRange(op->getResultTypes())))
    rowBytes += std::max<int64_t>(
        4, cast<RankedTensorType>(t).getElementTypeBitWidth() / 8);
  int64_t tr = std::clamp<int64_t>(
      int64_t(target.getSpadBytes()) /
          (2 * rowBytes * std::max<int64_t>(cols, 1)),
      1, std::max<int64_t>(rows, 1));
  if (std::optional<int64_t> t = scheduledRowTile(op, r))
    tr = std::min(rows, *t);

  auto region = openNest(op);

  SmallVector<Value> dram;
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (materialized[i]) {
      dram.push_back(as2D(loc, materialized[i], rows, cols));
      continue;
    }
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
    tile = leadingPart(loc, tile, {rowLoop.size, c});
    npu::DmaOp::create(
        b, loc, subview(loc, v, {OpFoldResult(rowLoop.iv), zero},
                        {rowLoop.size, c}, 2),
        tile);
    srcs.push_back(tile);
  }
  Value o = allocTile(loc, {tr, cols}, e, npu::MemSpace::SPAD,
                      rowLoop.generated);
  o = leadingPart(loc, o, {rowLoop.size, c});
  if (srcs.size() == 3) {
    npu::VecSelectOp::create(b, loc, srcs[0], srcs[1], srcs[2], o);
  } else if (castViaI64) {
    Value wide = allocTile(loc, {tr, cols}, i64, npu::MemSpace::SPAD,
                           rowLoop.generated);
    wide = leadingPart(loc, wide, {rowLoop.size, c});
    npu::VecUnaryOp::create(b, loc, fn, srcs[0], wide);
    npu::VecUnaryOp::create(b, loc, fn, wide, o);
  } else if (srcs.size() == 1) {
    npu::VecUnaryOp::create(b, loc, fn, srcs[0], o);
  } else {
    npu::VecBinaryOp::create(b, loc, fn, srcs[0], srcs[1], o);
  }
  npu::DmaOp::create(
      b, loc, o,
      subview(loc, out2, {OpFoldResult(rowLoop.iv), zero}, {rowLoop.size, c},
              2));
  b.setInsertionPointAfter(region);
  return success();
}

/// Softmax along any axis: lowerRowwise's nest.
LogicalResult Lowering::lowerSoftmax(SoftmaxOp op, Value out) {
  return lowerRowwise(op, out);
}

} // namespace kiln::npu_lowering
