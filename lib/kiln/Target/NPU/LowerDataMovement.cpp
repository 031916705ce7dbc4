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

/// Bytes per element in memory (i1 is stored as one byte).
static int64_t bytesPerElem(Type e) {
  return std::max<int64_t>(1, e.getIntOrFloatBitWidth() / 8);
}

LogicalResult Lowering::copyThroughSpad(Operation *op, Value src, Value dst) {
  Location loc = op->getLoc();
  auto st = cast<MemRefType>(src.getType());
  Type e = st.getElementType();
  int64_t rank = st.getRank();
  int64_t eb = bytesPerElem(e);
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
  int64_t tr, cw = C;
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  std::optional<int64_t> scheduled =
      schedule && schedule.getNumLoops() == size_t(rank)
          ? scheduledRowTile(op, rank)
          : std::nullopt;
  if (scheduled) {
    tr = std::min(R, *scheduled);
  } else {
    // A row longer than the tile is copied in column chunks, a row per
    // tile.
    int64_t budget = int64_t(target.getSpadBytes()) / 4;
    cw = std::clamp<int64_t>(budget / eb, 1, C);
    tr = std::clamp<int64_t>(budget / (cw * eb), 1, R);
  }
  bool inLoop = false;
  SmallVector<OpFoldResult> offsets, sizes;
  for (int64_t d = 0; d + 2 < rank; ++d) {
    TileLoop l = openLoop(loc, b.getIndexAttr(st.getDimSize(d)), 1);
    inLoop |= l.generated;
    offsets.push_back(l.iv);
    sizes.push_back(b.getIndexAttr(1));
  }
  if (rank == 1) {
    TileLoop cols = openLoop(loc, b.getIndexAttr(C), cw);
    Value tile = allocTile(loc, {cw}, e, npu::MemSpace::SPAD, cols.generated);
    tile = leadingPart(loc, tile, {cols.size});
    npu::DmaOp::create(b, loc, subview(loc, src, {cols.iv}, {cols.size}, 1),
                       tile);
    npu::DmaOp::create(b, loc, tile,
                       subview(loc, dst, {cols.iv}, {cols.size}, 1));
    return success();
  }
  TileLoop rows = openLoop(loc, b.getIndexAttr(R), tr);
  TileLoop cols = openLoop(loc, b.getIndexAttr(C), cw);
  inLoop |= rows.generated || cols.generated;
  offsets.push_back(rows.iv);
  offsets.push_back(cols.iv);
  sizes.push_back(rows.size);
  sizes.push_back(cols.size);
  Value tile = allocTile(loc, {tr, cw}, e, npu::MemSpace::SPAD, inLoop);
  tile = leadingPart(loc, tile, {rows.size, cols.size});
  npu::DmaOp::create(b, loc, subview(loc, src, offsets, sizes, 2), tile);
  npu::DmaOp::create(b, loc, tile, subview(loc, dst, offsets, sizes, 2));
  return success();
}

// A reversed last axis of several rows, in two nests through a DRAM
// scratch S = the source transposed ([outer..., C, R]): the first copies
// row tiles in (contiguous when the source is; gathered in reverse when the
// rows are reversed too) and stores them transposed
// (SPAD-side strides, DRAM rows of S contiguous); the second gathers the
// rows of S (columns of the source) in reverse, runs of a row tile's
// length, and stores them transposed back into contiguous rows. Four
// passes of contiguous DRAM runs instead of one burst per element.
LogicalResult Lowering::reverseColumns(Operation *op, Value base,
                                       int64_t offset,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<bool> flips, Value dst) {
  Location loc = op->getLoc();
  auto dt = cast<MemRefType>(dst.getType());
  Type e = dt.getElementType();
  int64_t rank = dt.getRank();
  int64_t eb = bytesPerElem(e);
  int64_t C = dt.getDimSize(rank - 1), cs = strides[rank - 1];
  int64_t R = dt.getDimSize(rank - 2), rs = strides[rank - 2];
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  // Tiles of at least 16 rows when a row fits (so the gathered runs are
  // long), all double-buffered in half of SPAD with the indices.
  int64_t budget = int64_t(target.getSpadBytes()) / 2;
  int64_t minRows = std::min<int64_t>(R, 16);
  int64_t w = C;
  if (2 * eb * C * minRows + 4 * C > budget)
    w = ceilDiv(C, ceilDiv(C, std::max<int64_t>(
                                  1, budget / (2 * eb * minRows + 4))));
  int64_t tr = std::clamp<int64_t>((budget - 4 * w) / (2 * eb * w), 1, R);
  bool flipR = flips[rank - 2];
  // Reversed rows too: the first nest gathers each row tile in reverse
  // (balanced tiles, the last shifted back: a static index list).
  if (flipR)
    tr = ceilDiv(R, ceilDiv(R, tr));

  Operation *second = b.getInsertionBlock()->getParentOp();
  OpBuilder::InsertPoint inSecond = b.saveInsertionPoint();
  b.setInsertionPoint(second);
  SmallVector<int64_t> sShape(dt.getShape().drop_back(2));
  sShape.append({C, R});
  Value S = memref::AllocOp::create(b, loc, MemRefType::get(sShape, e));
  auto first = openNest(op);
  first->setAttr("npu.op", b.getStringAttr("slice (transpose)"));

  // Outer loops; `src` adds the source offset of the outer indices
  // (mirrored where reversed).
  auto outerLoops = [&](bool src, Value &srcOff,
                        SmallVector<OpFoldResult> &offsets, bool &inLoop) {
    for (int64_t d = 0; d + 2 < rank; ++d) {
      int64_t n = dt.getDimSize(d);
      TileLoop l = openLoop(loc, b.getIndexAttr(n), 1);
      inLoop |= l.generated;
      offsets.push_back(l.iv);
      if (!src)
        continue;
      Value i = flips[d]
                    ? arith::SubIOp::create(b, loc, idx(loc, n - 1), l.iv)
                    : l.iv;
      srcOff = arith::AddIOp::create(
          b, loc, srcOff,
          arith::MulIOp::create(b, loc, i, idx(loc, strides[d])));
    }
  };
  auto sizes2 = [&](SmallVector<OpFoldResult> offsets, OpFoldResult a,
                    OpFoldResult bb) {
    SmallVector<OpFoldResult> sizes(offsets.size() - 2, one);
    sizes.append({a, bb});
    return sizes;
  };
  // The index list n-1, ..., 0 in SPAD (loaded once): a gather of n rows in
  // reverse, for both nests.
  auto reversedIds = [&](int64_t n) {
    SmallVector<int32_t> ids;
    for (int64_t j = 0; j < n; ++j)
      ids.push_back(int32_t(n - 1 - j));
    auto idsT = RankedTensorType::get({n}, b.getI32Type());
    Value tile =
        allocTile(loc, {n}, b.getI32Type(), npu::MemSpace::SPAD, false);
    npu::DmaOp::create(b, loc,
                       constantInDram(loc, DenseElementsAttr::get(
                                               idsT, ArrayRef<int32_t>(ids))),
                       tile);
    return tile;
  };

  // First nest: S[o][k:k+w, t:t+tr] = source[o][t:t+tr, k:k+w]^T (rows
  // mirrored where reversed).
  {
    Value rowIds = flipR ? reversedIds(tr) : Value();
    Value srcOff = idx(loc, offset);
    SmallVector<OpFoldResult> offsets;
    bool inLoop = false;
    outerLoops(true, srcOff, offsets, inLoop);
    TileLoop rows = openLoop(loc, b.getIndexAttr(R), tr);
    TileLoop cols = openLoop(loc, b.getIndexAttr(C), w);
    inLoop |= rows.generated || cols.generated;
    Value t = rows.iv, firstRow = rows.iv;
    OpFoldResult rowsSize = rows.size;
    if (flipR) {
      if (R % tr)
        t = arith::MinSIOp::create(b, loc, t, idx(loc, R - tr));
      firstRow = arith::SubIOp::create(b, loc, idx(loc, R - tr), t);
      rowsSize = b.getIndexAttr(tr);
    }
    srcOff = arith::AddIOp::create(
        b, loc, srcOff,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, firstRow, idx(loc, rs)),
            arith::MulIOp::create(b, loc, cols.iv, idx(loc, cs))));
    Value tile = allocTile(loc, {tr, w}, e, npu::MemSpace::SPAD, inLoop);
    tile = leadingPart(loc, tile, {rowsSize, cols.size});
    Value src = strided(loc, base, srcOff, {rowsSize, cols.size}, {rs, cs});
    if (flipR)
      npu::DmaGatherOp::create(b, loc, src, rowIds, tile);
    else
      npu::DmaOp::create(b, loc, src, tile);
    offsets.append({cols.iv, t});
    npu::DmaOp::create(
        b, loc, strided(loc, tile, zero, {cols.size, rowsSize}, {1, w}),
        subview(loc, S, offsets, sizes2(offsets, cols.size, rowsSize), 2));
  }

  // Second nest: out[o][t:t+tr, k:k+w] = (S[o] rows C-k-w .. C-k, in
  // reverse, columns t:t+tr)^T. The column chunks are balanced and the last
  // one shifted back to end at C, so the index list is static.
  b.restoreInsertionPoint(inSecond);
  Value idsTile = reversedIds(w);
  Value unused;
  SmallVector<OpFoldResult> offsets;
  bool inLoop = false;
  outerLoops(false, unused, offsets, inLoop);
  TileLoop rows = openLoop(loc, b.getIndexAttr(R), tr);
  TileLoop cols = openLoop(loc, b.getIndexAttr(C), w);
  inLoop |= rows.generated || cols.generated;
  Value k = cols.iv;
  if (C % w)
    k = arith::MinSIOp::create(b, loc, k, idx(loc, C - w));
  Value firstRow = arith::SubIOp::create(b, loc, idx(loc, C - w), k);
  Value tile = allocTile(loc, {w, tr}, e, npu::MemSpace::SPAD, inLoop);
  tile = leadingPart(loc, tile, {b.getIndexAttr(w), rows.size});
  SmallVector<OpFoldResult> sOffsets(offsets);
  sOffsets.append({firstRow, rows.iv});
  npu::DmaGatherOp::create(
      b, loc,
      subview(loc, S, sOffsets,
              sizes2(sOffsets, b.getIndexAttr(w), rows.size), 2),
      idsTile, tile);
  offsets.append({rows.iv, k});
  npu::DmaOp::create(
      b, loc, strided(loc, tile, zero, {rows.size, b.getIndexAttr(w)}, {1, tr}),
      subview(loc, dst, offsets, sizes2(offsets, rows.size, b.getIndexAttr(w)),
              2));
  return success();
}

// The ISA's strides are non-negative (docs/npu.md), so a reversal is the
// DMA engine's gather: row j of a tile comes from the table row its index
// names. A constant index list for one tile, loaded into SPAD once, serves
// every tile, because each tile gathers from a table that starts at its own
// source rows. Reversed rows (or outer axes) only: a gather of whole rows,
// as many DRAM runs as a plain copy. A reversed last axis of several rows:
// reverseColumns (a transposed DRAM scratch whose rows are gathered). One
// reversed row (rank 1 or a single row): rows of one element
// (the table is the tile's source span), one DRAM burst per element on the
// load side. Negative DMA strides would avoid the scratch, but DMA engines
// that walk descriptors forward in bursts are the common case, and the
// ISA, its checks and the address analysis all assume non-negative strides.
LogicalResult Lowering::copyFlipped(Operation *op, Value base, int64_t offset,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<bool> flips, Value dst) {
  Location loc = op->getLoc();
  auto dt = cast<MemRefType>(dst.getType());
  Type e = dt.getElementType();
  int64_t rank = dt.getRank();
  int64_t eb = bytesPerElem(e);
  int64_t C = dt.getDimSize(rank - 1), cs = strides[rank - 1];
  int64_t R = rank >= 2 ? dt.getDimSize(rank - 2) : 1,
          rs = rank >= 2 ? strides[rank - 2] : 0;
  bool flipC = flips[rank - 1], flipR = rank >= 2 && flips[rank - 2];
  if (flipC && R >= 2)
    return reverseColumns(op, base, offset, strides, flips, dst);
  // Tiles of tr rows x w columns: the double-buffered data and the
  // indices (one per element for a reversed last axis, else one per row)
  // in half of SPAD; a row that does not fit is cut into chunks of
  // columns (one row per tile). Tiles are balanced and the last one is
  // shifted back to end at the last row (column) rather than partial (it
  // overlaps its predecessor: the same bytes written twice), so the
  // tables, the tiles and the index list have static shapes.
  int64_t budget = int64_t(target.getSpadBytes()) / 2;
  int64_t tr = 1, w = 1;
  auto plan = [&](int64_t ib) {
    int64_t perElem = 2 * eb + (flipC ? ib : 0), perRow = flipC ? 0 : ib;
    if (C * perElem + perRow <= budget) {
      w = C;
      int64_t trMax = std::clamp<int64_t>(budget / (C * perElem + perRow), 1, R);
      tr = ceilDiv(R, ceilDiv(R, trMax));
    } else {
      tr = 1;
      int64_t wMax = std::max<int64_t>(1, (budget - perRow) / perElem);
      w = ceilDiv(C, ceilDiv(C, wMax));
    }
    return flipC ? (tr - 1) * rs + (w - 1) * cs : tr - 1;
  };
  bool wide = plan(4) > std::numeric_limits<int32_t>::max();
  if (wide)
    plan(8);
  SmallVector<int64_t> ids;
  for (int64_t j = 0; j < tr; ++j) {
    int64_t row = flipR ? tr - 1 - j : j;
    if (!flipC) {
      ids.push_back(row);
      continue;
    }
    for (int64_t k = 0; k < w; ++k)
      ids.push_back(row * rs + (w - 1 - k) * cs);
  }
  Type it = wide ? b.getI64Type() : b.getI32Type();
  auto idsT = RankedTensorType::get({int64_t(ids.size())}, it);
  DenseElementsAttr idsAttr;
  if (wide) {
    idsAttr = DenseElementsAttr::get(idsT, ArrayRef<int64_t>(ids));
  } else {
    SmallVector<int32_t> narrow(ids.begin(), ids.end());
    idsAttr = DenseElementsAttr::get(idsT, ArrayRef<int32_t>(narrow));
  }
  Value idsTile =
      allocTile(loc, {int64_t(ids.size())}, it, npu::MemSpace::SPAD, false);
  npu::DmaOp::create(b, loc, constantInDram(loc, idsAttr), idsTile);

  // The source offset of the tile: the outer indices (mirrored where
  // reversed), then the first source row and column of the tile.
  auto add = [&](Value acc, Value i, int64_t stride) -> Value {
    if (stride == 0)
      return acc;
    return arith::AddIOp::create(
        b, loc, acc, arith::MulIOp::create(b, loc, i, idx(loc, stride)));
  };
  // A tile loop over `n` by `step` whose last tile ends at n; returns the
  // tile's first index and the first source index (mirrored if `flip`).
  bool inLoop = false;
  auto tileLoop = [&](int64_t n, int64_t step, bool flip) {
    TileLoop l = openLoop(loc, b.getIndexAttr(n), step);
    inLoop |= l.generated;
    Value t = l.iv;
    if (n % step)
      t = arith::MinSIOp::create(b, loc, t, idx(loc, n - step));
    Value first =
        flip ? arith::SubIOp::create(b, loc, idx(loc, n - step), t) : t;
    return std::pair{t, first};
  };
  Value srcOff = idx(loc, offset);
  SmallVector<OpFoldResult> offsets, sizes;
  for (int64_t d = 0; d + 2 < rank; ++d) {
    auto [i, first] = tileLoop(dt.getDimSize(d), 1, flips[d]);
    offsets.push_back(i);
    sizes.push_back(b.getIndexAttr(1));
    srcOff = add(srcOff, first, strides[d]);
  }
  auto [t, firstRow] = tileLoop(R, tr, flipR);
  srcOff = add(srcOff, firstRow, rs);
  auto [k, firstCol] = tileLoop(C, w, flipC);
  srcOff = add(srcOff, firstCol, cs);
  Value dstTile;
  if (rank >= 2) {
    offsets.append({t, k});
    sizes.append({b.getIndexAttr(tr), b.getIndexAttr(w)});
    dstTile = subview(loc, dst, offsets, sizes, 2);
  } else {
    dstTile = reshapeView(loc, dst, RankedTensorType::get({1, C}, e));
    dstTile = subview(loc, dstTile, {b.getIndexAttr(0), k},
                      {b.getIndexAttr(1), b.getIndexAttr(w)}, 2);
  }
  Value tile = allocTile(loc, {tr, w}, e, npu::MemSpace::SPAD, inLoop);
  OpFoldResult off = srcOff;
  if (std::optional<int64_t> c = getConstantIntValue(srcOff))
    off = b.getIndexAttr(*c);
  if (flipC) {
    // Rows of one element: the table spans the tile's source elements.
    int64_t span = (tr - 1) * rs + (w - 1) * cs + 1;
    Value table = strided(loc, base, off,
                          {b.getIndexAttr(span), b.getIndexAttr(1)}, {1, 1});
    Value elems = strided(loc, tile, b.getIndexAttr(0),
                          {b.getIndexAttr(tr * w), b.getIndexAttr(1)},
                          {1, 1});
    npu::DmaGatherOp::create(b, loc, table, idsTile, elems);
  } else {
    Value table = strided(loc, base, off,
                          {b.getIndexAttr(tr), b.getIndexAttr(w)}, {rs, cs});
    npu::DmaGatherOp::create(b, loc, table, idsTile, tile);
  }
  npu::DmaOp::create(b, loc, tile, dstTile);
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
  int64_t eb = bytesPerElem(e);
  int64_t budget = int64_t(target.getSpadBytes()) / 4;
  // (An empty result never reaches here: run() skips it.) A row longer
  // than a tile is gathered in column chunks: each chunk is a table of
  // its own (the same rows, fewer columns), the index tile is reused.
  int64_t cw = std::clamp<int64_t>(budget / eb, 1, rowLen);
  int64_t tr = std::clamp<int64_t>(budget / (cw * eb), 1, n);

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
  if (partial)
    idxTile = subview(loc, idxTile, {zero}, {rows.size}, 1);
  npu::DmaOp::create(b, loc, subview(loc, ids, {rows.iv}, {rows.size}, 1),
                     idxTile);
  TileLoop cols = openLoop(loc, c, cw);
  Value rowTile = allocTile(loc, {tr, cw}, e, npu::MemSpace::SPAD,
                            inLoop || cols.generated);
  if (partial || getConstantIntValue(cols.size) != cw)
    rowTile = subview(loc, rowTile, {zero, zero}, {rows.size, cols.size}, 2);
  if (cols.generated)
    table = subview(loc, table, {zero, cols.iv},
                    {b.getIndexAttr(vocab), cols.size}, 2);
  npu::DmaGatherOp::create(b, loc, table, idxTile, rowTile);
  npu::DmaOp::create(
      b, loc, rowTile,
      subview(loc, out2, {rows.iv, cols.iv}, {rows.size, cols.size}, 2));
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
    auto inT = cast<MemRefType>(in.getType());
    auto resT = cast<RankedTensorType>(s.getType());
    // A negative step takes the same elements as the positive one from
    // the last index taken, reversed (copyFlipped).
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<int64_t> elemStrides(inT.getRank(), 1);
    for (int64_t d = inT.getRank() - 2; d >= 0; --d)
      elemStrides[d] = elemStrides[d + 1] * inT.getDimSize(d + 1);
    SmallVector<bool> flips;
    int64_t offset = 0;
    for (auto [d, start] : llvm::enumerate(s.getStarts())) {
      int64_t step = s.getSteps() ? (*s.getSteps())[d] : 1;
      int64_t n = resT.getDimSize(d);
      int64_t first = step < 0 ? start + (n - 1) * step : start;
      flips.push_back(step < 0);
      offset += first * elemStrides[d];
      elemStrides[d] *= std::abs(step);
      offsets.push_back(b.getIndexAttr(first));
      sizes.push_back(b.getIndexAttr(n));
      strides.push_back(b.getIndexAttr(std::abs(step)));
    }
    if (llvm::is_contained(flips, true)) {
      // Dims of 1 dropped (so [B, 1, C] has B rows); a contiguous reversed
      // vector of a*b elements is a reversed [a, b] (both axes reversed,
      // a a divisor close to the square root): rows for the transposed
      // scratch (copyFlipped). A strided one is read one element per burst
      // either way.
      SmallVector<int64_t> shape, st;
      SmallVector<bool> fl;
      for (int64_t d = 0; d < resT.getRank(); ++d)
        if (resT.getDimSize(d) != 1) {
          shape.push_back(resT.getDimSize(d));
          st.push_back(elemStrides[d]);
          fl.push_back(flips[d]);
        }
      int64_t a = 1;
      if (shape.size() == 1 && st[0] == 1)
        for (int64_t f = 2; f * f <= shape[0]; ++f)
          if (shape[0] % f == 0)
            a = f;
      if (a > 1) {
        shape = {a, shape[0] / a};
        st = {shape[1], 1};
        fl = {true, true};
      }
      if (shape.empty()) {
        shape.push_back(1);
        st.push_back(1);
        fl.push_back(false);
      }
      result = copyFlipped(
          op, in, offset, st, fl,
          reshapeView(loc, out,
                      RankedTensorType::get(shape, resT.getElementType())));
    } else {
      Value view =
          memref::SubViewOp::create(b, loc, in, offsets, sizes, strides);
      result = copyThroughSpad(op, view, out);
    }
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
