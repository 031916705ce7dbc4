//===- LowerRope.cpp - kiln.rope on the vector unit -----------------------===//
//
// Rotary position embedding, per row tile through SPAD. The pairs are two
// strided views of one row tile: the halves [0, D/2) and [D/2, D), or the
// even and odd lanes (column stride 2) with `interleaved`, so no data is
// rearranged: four products into f32 SPAD temporaries, then one subtract
// and one add that write the two halves of the output tile (converted once
// to its type). cos/sin are [T, D/2] tables (T = the trailing rows they
// cover); the row loop runs over table tiles outside and over the T-row
// blocks of the input inside, so each table tile is loaded once.
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
  int64_t rows = inT.getNumElements() / std::max<int64_t>(d, 1);
  if (d == 0 || rows == 0)
    return op.emitOpError() << "cannot run on the NPU yet: empty rows";
  // The tables must cover a trailing block of the rows: their shape, less
  // leading 1s, a suffix of [..., S, D/2] ending in D/2. Then input row i
  // uses table row i mod T.
  ArrayRef<int64_t> ts = tabT.getShape();
  while (!ts.empty() && ts.front() == 1 && ts.size() > 1)
    ts = ts.drop_front();
  SmallVector<int64_t> table(inT.getShape());
  table.back() = half;
  bool suffix = !ts.empty() && ts.size() <= table.size() &&
                ts.back() == half &&
                llvm::equal(ts, ArrayRef<int64_t>(table).take_back(ts.size()));
  if (!suffix)
    return op.emitOpError()
           << "cannot run on the NPU yet: cos/sin " << tabT
           << " broadcast to the rows of " << inT
           << " in a pattern the lowering does not tile (the tables must be "
              "the trailing dims of [..., S, "
           << half << "], e.g. [S, " << half
           << "] or the full shape; no host fallback; docs/npu-compiler.md)";
  int64_t tabRows = tabT.getNumElements() / half;
  int64_t blocks = rows / tabRows;
  unsigned eb = e.getIntOrFloatBitWidth() / 8;

  // The row tile: all the buffers in half of SPAD (rope has no schedule
  // loops, so the cost model writes no schedule for it).
  int64_t budget = int64_t(target.getSpadBytes()) / 2;
  if (ropeRowBytes(d, eb) > budget)
    return op.emitOpError() << "cannot run on the NPU yet: a row of " << d
                            << " elements needs " << ropeRowBytes(d, eb)
                            << " bytes of SPAD buffers, more than half of "
                               "SPAD (no host fallback; docs/npu-compiler.md)";
  int64_t tr = budget / ropeRowBytes(d, eb);
  tr = std::clamp<int64_t>(tr, 1, tabRows);

  auto region = openNest(op);
  // The input and output as [blocks, T, D], the tables as [T, D/2].
  auto blocked = RankedTensorType::get({blocks, tabRows, d}, e);
  Value in3 = reshapeView(loc, memOf.lookup(op.getInput()), blocked);
  Value out3 = reshapeView(loc, out, blocked);
  auto tab2 = RankedTensorType::get({tabRows, half}, e);
  Value cosD = reshapeView(loc, memOf.lookup(op.getCos()), tab2);
  Value sinD = reshapeView(loc, memOf.lookup(op.getSin()), tab2);
  OpFoldResult zero = b.getIndexAttr(0), hc = b.getIndexAttr(half),
               dc = b.getIndexAttr(d);

  TileLoop tLoop = openLoop(loc, b.getIndexAttr(tabRows), tr);
  bool partial = getConstantIntValue(tLoop.size) != tr;
  auto fit = [&](Value tile, OpFoldResult cols) {
    return partial ? subview(loc, tile, {zero, zero}, {tLoop.size, cols}, 2)
                   : tile;
  };
  // cos in the first D/2 columns of one tile, sin in the others: one SPAD
  // buffer shared by the load and compute queues costs two tokens, and
  // the smallest parts have few.
  Value tab = fit(allocTile(loc, {tr, d}, e, npu::MemSpace::SPAD,
                            tLoop.generated),
                  dc);
  Value c = lanes(b, loc, tab, tLoop.size, 0, half, 1),
        s = lanes(b, loc, tab, tLoop.size, half, half, 1);
  for (auto [src, dst] : {std::pair{cosD, c}, std::pair{sinD, s}})
    npu::DmaOp::create(b, loc,
                       subview(loc, src, {OpFoldResult(tLoop.iv), zero},
                               {tLoop.size, hc}, 2),
                       dst);
  TileLoop bLoop = openLoop(loc, b.getIndexAttr(blocks), 1);
  bool inLoop = tLoop.generated || bLoop.generated;
  Value x = fit(allocTile(loc, {tr, d}, e, npu::MemSpace::SPAD, inLoop), dc);
  npu::DmaOp::create(
      b, loc,
      subview(loc, in3, {OpFoldResult(bLoop.iv), OpFoldResult(tLoop.iv), zero},
              {b.getIndexAttr(1), tLoop.size, dc}, 2),
      x);
  Value y = fit(allocTile(loc, {tr, d}, e, npu::MemSpace::SPAD, inLoop), dc);
  // Products in f32 (compute-queue only: no double buffering needed).
  SmallVector<Value> p;
  for (int k = 0; k < 4; ++k)
    p.push_back(
        fit(allocTile(loc, {tr, half}, f32, npu::MemSpace::SPAD, false), hc));
  bool inter = op.getInterleaved();
  int64_t second = inter ? 1 : half, stride = inter ? 2 : 1;
  Value x1 = lanes(b, loc, x, tLoop.size, 0, half, stride),
        x2 = lanes(b, loc, x, tLoop.size, second, half, stride),
        y1 = lanes(b, loc, y, tLoop.size, 0, half, stride),
        y2 = lanes(b, loc, y, tLoop.size, second, half, stride);
  // All four products first, so the subtract and add find them complete.
  npu::VecBinaryOp::create(b, loc, "mul", x1, c, p[0]);
  npu::VecBinaryOp::create(b, loc, "mul", x2, s, p[1]);
  npu::VecBinaryOp::create(b, loc, "mul", x2, c, p[2]);
  npu::VecBinaryOp::create(b, loc, "mul", x1, s, p[3]);
  npu::VecBinaryOp::create(b, loc, "sub", p[0], p[1], y1);
  npu::VecBinaryOp::create(b, loc, "add", p[2], p[3], y2);
  npu::DmaOp::create(
      b, loc, y,
      subview(loc, out3,
              {OpFoldResult(bLoop.iv), OpFoldResult(tLoop.iv), zero},
              {b.getIndexAttr(1), tLoop.size, dc}, 2));
  b.setInsertionPointAfter(region);
  return success();
}

} // namespace kiln::npu_lowering
