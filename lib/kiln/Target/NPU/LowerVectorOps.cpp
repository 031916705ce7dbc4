//===- LowerVectorOps.cpp - vector-unit nests of kiln-npu-lower-to-npu ------===//
//
// Elementwise ops, softmax, layer/RMS norm and reductions on the vector
// unit, per row tile.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

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
  // Row tiles: the schedule's (the NPU cost model's: level 1 at the
  // second-to-last loop), or without one x and y double-buffered in half
  // of SPAD.
  int64_t tr;
  if (std::optional<int64_t> t = scheduledRowTile(op, r)) {
    tr = std::min(rows, *t);
  } else {
    int64_t budget = int64_t(target.getSpadBytes()) / 8;
    if (cols * 4 > budget)
      return op->emitOpError() << "cannot run on the NPU yet: a row of "
                               << cols << " elements does not fit a SPAD tile of "
                               << budget << " bytes";
    tr = std::clamp<int64_t>(budget / (cols * 4), 1, rows);
  }

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
  if (srcs.size() == 3) {
    npu::VecSelectOp::create(b, loc, srcs[0], srcs[1], srcs[2], o);
  } else if (castViaI64) {
    Value wide = allocTile(loc, {tr, cols}, i64, npu::MemSpace::SPAD,
                           rowLoop.generated);
    if (getConstantIntValue(rowLoop.size) != tr)
      wide = subview(loc, wide, {zero, zero}, {rowLoop.size, c}, 2);
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
  int64_t tr = std::min(rows, scheduledRowTile(op, r).value_or(rows));

  auto region = openNest(op);
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

} // namespace kiln::npu_lowering
