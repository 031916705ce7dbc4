//===- LowerRope.cpp - kiln.rope on the vector unit -----------------------===//
//
// Rotary position embedding, per row tile through SPAD. The pairs are two
// strided views of one row tile: the halves [0, D/2) and [D/2, D), or the
// even and odd lanes (column stride 2) with `interleaved`, so no data is
// rearranged: four products into f32 SPAD temporaries, then one subtract
// and one add that write the two halves of the output tile (converted once
// to its type). cos/sin broadcast to [..., S, D/2] in any numpy pattern:
// the loops run over the dims the tables have outside the row tile and
// over the dims they are broadcast over inside it, so each table tile is
// loaded once (a broadcast row or column is read through a stride-0 view).
// Rows whose buffers do not fit are cut into chunks of pairs.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

namespace {
/// A 2-D view [rows, cols] of `tile` at column `col0` with column stride
/// `colStride` (the strides multiply the tile's own).
Value lanes(OpBuilder &b, Location loc, Value tile, OpFoldResult rows,
            int64_t col0, int64_t cols, int64_t colStride) {
  auto srcType = cast<MemRefType>(tile.getType());
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0),
                                       b.getIndexAttr(col0)};
  SmallVector<OpFoldResult> sizes = {rows, b.getIndexAttr(cols)};
  SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                       b.getIndexAttr(colStride)};
  auto type = memref::SubViewOp::inferResultType(srcType, offsets, sizes,
                                                 strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(type), tile,
                                   offsets, sizes, strides);
}
} // namespace

/// SPAD bytes per row of a rope tile: x, out and cos|sin double-buffered,
/// four f32 temporaries of D/2.
static int64_t ropeRowBytes(int64_t d, unsigned eb) {
  return 2 * 3 * d * eb + 2 * d * 4;
}

LogicalResult Lowering::lowerRope(RopeOp op, Value out) {
  Location loc = op.getLoc();
  auto inT = cast<RankedTensorType>(op.getInput().getType());
  auto tabT = cast<RankedTensorType>(op.getCos().getType());
  Type e = inT.getElementType();
  Type f32 = b.getF32Type();
  int64_t r = inT.getRank();
  if (!(e.isF32() || e.isF16() || e.isBF16()))
    return op.emitOpError() << "cannot run on the NPU yet: rope is lowered "
                               "for f32, f16 and bf16, not "
                            << e << " (no host fallback; docs/npu-compiler.md)";
  for (Type t : {e, f32})
    if (!target.vectorSupports(t))
      return op.emitOpError()
             << "cannot run on the NPU: the vector unit of "
             << target.getName() << " does not compute on " << t
             << " (rope computes its products in f32; no host fallback; "
                "docs/npu-compiler.md)";
  int64_t d = inT.getDimSize(r - 1), half = d / 2;
  // (An empty result never gets here: run() skips it.)
  assert(inT.getNumElements() > 0 && "rope of an empty tensor");
  // The input's row dims (all but the last), each either covered by the
  // tables (`table`: the tables have the dim) or broadcast over (the
  // tables have 1 there or lack it); dims of 1 dropped, neighbours of one
  // kind merged. The last merged dim is the row-tile dim; the loops run
  // over the tables' dims outside it and the broadcast dims inside it, so
  // each table tile is loaded once. E.g. [S, D/2] over [B, H, S, D] is
  // {B*H broadcast, S table}; [B, 1, S, D/2] is {B table, H broadcast, S
  // table}; [B, H, 1, D/2] is {B*H table, S broadcast} (a table row read
  // with row stride 0). Tables of [..., 1] (one value per row) are read
  // with column stride 0.
  ArrayRef<int64_t> ts = tabT.getShape();
  SmallVector<int64_t> aligned(r - ts.size(), 1);
  aligned.append(ts.begin(), ts.end());
  struct RowDim {
    int64_t extent;
    bool table;
  };
  SmallVector<RowDim> dims;
  for (int64_t i = 0; i + 1 < r; ++i) {
    int64_t n = inT.getDimSize(i);
    if (n == 1)
      continue;
    bool table = aligned[i] == n;
    if (!dims.empty() && dims.back().table == table)
      dims.back().extent *= n;
    else
      dims.push_back({n, table});
  }
  if (dims.empty())
    dims.push_back({1, true});
  bool colBcast = aligned.back() == 1 && half != 1;
  int64_t tabCols = colBcast ? 1 : half;
  RowDim tileDim = dims.back();
  int64_t tabRows = tabT.getNumElements() / tabCols;
  unsigned eb = e.getIntOrFloatBitWidth() / 8;

  // The row tile: all the buffers in half of SPAD (rope has no schedule
  // loops, so the cost model writes no schedule for it).
  // A row whose buffers do not fit is cut into chunks of hw pairs, the
  // last chunk shifted back to end at D/2 (static shapes; the pairs it
  // shares with its predecessor are computed twice, to the same bits).
  int64_t budget = int64_t(target.getSpadBytes()) / 2;
  int64_t hw = half;
  if (ropeRowBytes(d, eb) > budget) {
    int64_t hwMax = budget / ropeRowBytes(2, eb);
    if (hwMax < 1)
      return op.emitOpError() << "cannot run on the NPU: one pair needs "
                              << ropeRowBytes(2, eb)
                              << " bytes of SPAD buffers, more than half of "
                                 "SPAD";
    hw = ceilDiv(half, ceilDiv(half, hwMax));
  }
  bool chunked = hw != half;
  int64_t dt = 2 * hw, tabW = colBcast ? 1 : hw;
  int64_t tr = budget / ropeRowBytes(dt, eb);
  tr = std::clamp<int64_t>(tr, 1, tileDim.extent);

  auto region = openNest(op);
  // The input and output as [merged dims..., D], the tables as [rows, D/2]
  // (or [rows, 1]).
  SmallVector<int64_t> merged;
  for (RowDim m : dims)
    merged.push_back(m.extent);
  merged.push_back(d);
  auto blocked = RankedTensorType::get(merged, e);
  Value inM = reshapeView(loc, memOf.lookup(op.getInput()), blocked);
  Value outM = reshapeView(loc, out, blocked);
  auto tab2 = RankedTensorType::get({tabRows, tabCols}, e);
  Value cosD = reshapeView(loc, memOf.lookup(op.getCos()), tab2);
  Value sinD = reshapeView(loc, memOf.lookup(op.getSin()), tab2);
  OpFoldResult zero = b.getIndexAttr(0), hc = b.getIndexAttr(hw),
               dc = b.getIndexAttr(dt), tc = b.getIndexAttr(tabW);

  bool inLoop = false;
  // The chunk's first pair (outermost: each chunk is a rope of its own).
  OpFoldResult p0 = zero;
  if (chunked) {
    TileLoop pl = openLoop(loc, b.getIndexAttr(half), hw);
    inLoop |= pl.generated;
    Value first = pl.iv;
    if (half % hw)
      first = arith::MinSIOp::create(b, loc, first, idx(loc, half - hw));
    p0 = first;
  }
  // Loops over the tables' dims before the tile dim; the table row is
  // their row-major index (the tables hold exactly these dims).
  SmallVector<OpFoldResult> ivs(dims.size(), zero);
  Value tabRow = idx(loc, 0);
  int64_t tabStride = tileDim.table ? tileDim.extent : 1;
  for (int64_t i = int64_t(dims.size()) - 2; i >= 0; --i)
    if (dims[i].table)
      tabStride *= dims[i].extent;
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    if (!dims[i].table)
      continue;
    tabStride /= dims[i].extent;
    TileLoop l = openLoop(loc, b.getIndexAttr(dims[i].extent), 1);
    inLoop |= l.generated;
    ivs[i] = l.iv;
    tabRow = arith::AddIOp::create(
        b, loc, tabRow,
        arith::MulIOp::create(b, loc, l.iv, idx(loc, tabStride)));
  }
  TileLoop tLoop = openLoop(loc, b.getIndexAttr(tileDim.extent), tr);
  inLoop |= tLoop.generated;
  ivs.back() = tLoop.iv;
  bool partial = getConstantIntValue(tLoop.size) != tr;
  auto fit = [&](Value tile, OpFoldResult cols) {
    return partial ? subview(loc, tile, {zero, zero}, {tLoop.size, cols}, 2)
                   : tile;
  };
  // cos in the first columns of one tile, sin in the others: one SPAD
  // buffer shared by the load and compute queues costs two tokens, and
  // the smallest parts have few. A table broadcast over the tile's rows
  // is one row.
  OpFoldResult tabTileRows = tileDim.table ? tLoop.size : b.getIndexAttr(1);
  if (tileDim.table)
    tabRow = arith::AddIOp::create(b, loc, tabRow, tLoop.iv);
  Value tab = allocTile(loc, {tileDim.table ? tr : 1, 2 * tabW}, e,
                        npu::MemSpace::SPAD, inLoop);
  if (tileDim.table && partial)
    tab = subview(loc, tab, {zero, zero},
                  {tLoop.size, b.getIndexAttr(2 * tabW)}, 2);
  Value c, s;
  if (tileDim.table && !colBcast) {
    c = lanes(b, loc, tab, tLoop.size, 0, hw, 1);
    s = lanes(b, loc, tab, tLoop.size, hw, hw, 1);
  } else {
    // Row stride 0 for a broadcast row, column stride 0 for one value
    // per row.
    int64_t rowStride = tileDim.table ? 2 * tabW : 0,
            colStride = colBcast ? 0 : 1;
    c = strided(loc, tab, zero, {tLoop.size, hc}, {rowStride, colStride});
    s = strided(loc, tab, tc, {tLoop.size, hc}, {rowStride, colStride});
  }
  OpFoldResult tabCol = colBcast ? zero : p0;
  for (auto [src, col] : {std::pair{cosD, int64_t(0)}, std::pair{sinD, tabW}})
    npu::DmaOp::create(
        b, loc,
        subview(loc, src, {OpFoldResult(tabRow), tabCol}, {tabTileRows, tc},
                2),
        subview(loc, tab, {zero, b.getIndexAttr(col)}, {tabTileRows, tc}, 2));
  // Loops over the broadcast dims before the tile dim, inside.
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    if (dims[i].table)
      continue;
    TileLoop l = openLoop(loc, b.getIndexAttr(dims[i].extent), 1);
    inLoop |= l.generated;
    ivs[i] = l.iv;
  }
  bool inter = op.getInterleaved();
  // The tile's columns in a row of the input/output: all of it, or the
  // chunk's pairs (one block when interleaved, one per half otherwise).
  auto rowDma = [&](Value dram, Value tile, bool load) {
    SmallVector<std::pair<OpFoldResult, int64_t>> blocks;
    if (!chunked) {
      blocks.push_back({zero, 0});
    } else if (inter) {
      blocks.push_back(
          {arith::MulIOp::create(b, loc, cast<Value>(p0), idx(loc, 2))
               .getResult(),
           0});
    } else {
      blocks.push_back({p0, 0});
      blocks.push_back(
          {arith::AddIOp::create(b, loc, cast<Value>(p0), idx(loc, half))
               .getResult(),
           hw});
    }
    OpFoldResult width =
        b.getIndexAttr(blocks.size() == 1 ? dt : hw);
    for (auto [col, at] : blocks) {
      SmallVector<OpFoldResult> offsets(ivs), sizes(dims.size(),
                                                    b.getIndexAttr(1));
      offsets.push_back(col);
      sizes.back() = tLoop.size;
      sizes.push_back(width);
      Value mem = subview(loc, dram, offsets, sizes, 2);
      Value part = blocks.size() == 1
                       ? tile
                       : subview(loc, tile, {zero, b.getIndexAttr(at)},
                                 {tLoop.size, width}, 2);
      npu::DmaOp::create(b, loc, load ? mem : part, load ? part : mem);
    }
  };
  Value x = fit(allocTile(loc, {tr, dt}, e, npu::MemSpace::SPAD, inLoop), dc);
  rowDma(inM, x, true);
  Value y = fit(allocTile(loc, {tr, dt}, e, npu::MemSpace::SPAD, inLoop), dc);
  // Products in f32 (compute-queue only: no double buffering needed).
  SmallVector<Value> p;
  for (int k = 0; k < 4; ++k)
    p.push_back(
        fit(allocTile(loc, {tr, hw}, f32, npu::MemSpace::SPAD, false), hc));
  int64_t second = inter ? 1 : hw, stride = inter ? 2 : 1;
  Value x1 = lanes(b, loc, x, tLoop.size, 0, hw, stride),
        x2 = lanes(b, loc, x, tLoop.size, second, hw, stride),
        y1 = lanes(b, loc, y, tLoop.size, 0, hw, stride),
        y2 = lanes(b, loc, y, tLoop.size, second, hw, stride);
  // All four products first, so the subtract and add find them complete.
  npu::VecBinaryOp::create(b, loc, "mul", x1, c, p[0]);
  npu::VecBinaryOp::create(b, loc, "mul", x2, s, p[1]);
  npu::VecBinaryOp::create(b, loc, "mul", x2, c, p[2]);
  npu::VecBinaryOp::create(b, loc, "mul", x1, s, p[3]);
  npu::VecBinaryOp::create(b, loc, "sub", p[0], p[1], y1);
  npu::VecBinaryOp::create(b, loc, "add", p[2], p[3], y2);
  rowDma(outM, y, false);
  b.setInsertionPointAfter(region);
  return success();
}

} // namespace kiln::npu_lowering
