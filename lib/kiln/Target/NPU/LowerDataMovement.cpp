//===- LowerDataMovement.cpp - DMA-only nests of kiln-npu-lower-to-npu ------===//
//
// transpose, slice, concat, reshape-to-result and gather: strided DMA
// through SPAD, no compute.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

LogicalResult Lowering::copyThroughSpad(Operation *op, Value src, Value dst) {
  Location loc = op->getLoc();
  auto st = cast<MemRefType>(src.getType());
  Type e = st.getElementType();
  int64_t rank = st.getRank();
  int64_t eb = std::max<int64_t>(1, e.getIntOrFloatBitWidth() / 8);
  OpBuilder::InsertionGuard guard(b);
  // Nothing to move for an empty tensor.
  if (st.getNumElements() == 0)
    return success();
  // A scalar moves as one element.
  if (rank == 0) {
    auto one = RankedTensorType::get({1}, e);
    Value tile = allocTile(loc, {1}, e, npu::MemSpace::SPAD, false);
    npu::DmaOp::create(b, loc, reshapeView(loc, src, one), tile);
    npu::DmaOp::create(b, loc, tile, reshapeView(loc, dst, one));
    return success();
  }
  int64_t C = st.getDimSize(rank - 1);
  int64_t R = rank >= 2 ? st.getDimSize(rank - 2) : 1;
  // Row tiles of the second-to-last dim: the schedule's (the NPU cost
  // model's, for a transpose), or without one a double-buffered tile in a
  // quarter of SPAD (the in and out DMAs of neighbouring tiles overlap).
  // (Only a schedule whose loops are the copied view's dims.)
  int64_t tr;
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  std::optional<int64_t> scheduled =
      schedule && schedule.getNumLoops() == size_t(rank)
          ? scheduledRowTile(op, rank)
          : std::nullopt;
  if (scheduled) {
    tr = std::min(R, *scheduled);
  } else {
    int64_t budget = int64_t(target.getSpadBytes()) / 4;
    if (C * eb > budget)
      return op->emitOpError() << "cannot run on the NPU yet: a row of " << C
                               << " elements does not fit a SPAD tile of "
                               << budget << " bytes";
    tr = std::clamp<int64_t>(budget / (C * eb), 1, R);
  }
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
  // The data as [outer, vocab, rowLen]: one table of rows per outer index.
  int64_t outer = 1, vocab = dataT.getDimSize(axis), rowLen = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= dataT.getDimSize(d);
  for (int64_t d = axis + 1; d < dataT.getRank(); ++d)
    rowLen *= dataT.getDimSize(d);
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
  Value table3 = reshapeView(loc, memOf.lookup(op.getData()),
                             RankedTensorType::get({outer, vocab, rowLen}, e));
  Value ids = reshapeView(loc, memOf.lookup(op.getIndices()),
                          RankedTensorType::get({n}, idxT.getElementType()));
  Value out3 =
      reshapeView(loc, out, RankedTensorType::get({outer, n, rowLen}, e));
  OpFoldResult zero = b.getIndexAttr(0), c = b.getIndexAttr(rowLen),
               one = b.getIndexAttr(1);
  TileLoop outerLoop = openLoop(loc, b.getIndexAttr(outer), 1);
  Value table = subview(loc, table3, {outerLoop.iv, zero, zero},
                        {one, b.getIndexAttr(vocab), c}, 2);
  Value out2 = subview(loc, out3, {outerLoop.iv, zero, zero},
                       {one, b.getIndexAttr(n), c}, 2);
  TileLoop rows = openLoop(loc, b.getIndexAttr(n), tr);
  bool partial = getConstantIntValue(rows.size) != tr;
  bool inLoop = rows.generated || outerLoop.generated;
  // The indices and the rows stay on the load queue until the rows leave.
  Value idxTile = allocTile(loc, {tr}, idxT.getElementType(),
                            npu::MemSpace::SPAD, inLoop);
  Value rowTile = allocTile(loc, {tr, rowLen}, e, npu::MemSpace::SPAD, inLoop);
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

} // namespace kiln::npu_lowering
