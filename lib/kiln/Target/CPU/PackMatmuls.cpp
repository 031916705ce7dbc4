//===- PackMatmuls.cpp - mmt4d-style data tiling of scheduled matmuls -----===//
//
// The schedule's `pack` (docs/schedules.md) asks for A and B in
// register-tile-sized, contiguous panels: every k step of the micro-kernel
// then reads m0 + n0 consecutive elements instead of m0 + 1 rows that are a
// whole matrix row apart (which alias in L1 and defeat the prefetchers).
// Packing a constant B (the weights) happens here, at compile time.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUPACKMATMULS
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {

/// On the packs / unpacks this pass creates: the matmul's thread chunks.
constexpr llvm::StringLiteral kRelayoutChunksAttr = "kiln.cpu.relayout_chunks";

/// Folds a 2-D linalg.pack of a constant: the packed bytes become a new
/// dense_resource constant. Out-of-range (padding) elements are zero.
FailureOr<Value> foldPackOfConstant(RewriterBase &rewriter,
                                    linalg::PackOp pack) {
  auto constant = pack.getSource().getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return failure();
  auto sourceType = cast<RankedTensorType>(pack.getSourceType());
  auto packedType = cast<RankedTensorType>(pack.getDestType());
  Type element = sourceType.getElementType();
  if (sourceType.getRank() != 2 || !sourceType.hasStaticShape() ||
      !element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
    return failure();
  std::optional<ArrayRef<char>> data = kiln::getRawElementData(constant.getValue());
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  if (!data ||
      int64_t(data->size()) != sourceType.getNumElements() * bytes)
    return failure();

  ArrayRef<int64_t> innerPos = pack.getInnerDimsPos();
  ArrayRef<int64_t> tiles = pack.getStaticInnerTiles();
  SmallVector<int64_t> outerPerm(pack.getOuterDimsPerm());
  if (outerPerm.empty())
    outerPerm = {0, 1};
  ArrayRef<int64_t> srcShape = sourceType.getShape();
  ArrayRef<int64_t> dstShape = packedType.getShape();
  int64_t tileOf[2] = {1, 1};
  for (auto [pos, tile] : llvm::zip(innerPos, tiles))
    tileOf[pos] = tile;

  std::vector<char> packed(packedType.getNumElements() * bytes, 0);
  // dst index (o0, o1, i...) -> src (outer * tile + inner) per source dim.
  int64_t o[2], idx = 0;
  for (o[0] = 0; o[0] < dstShape[0]; ++o[0])
    for (o[1] = 0; o[1] < dstShape[1]; ++o[1]) {
      int64_t outer[2];
      outer[outerPerm[0]] = o[0];
      outer[outerPerm[1]] = o[1];
      int64_t innerCount = packedType.getNumElements() /
                           (dstShape[0] * dstShape[1]);
      for (int64_t i = 0; i < innerCount; ++i, ++idx) {
        int64_t inner[2] = {0, 0}, rest = i;
        for (int64_t t = int64_t(innerPos.size()) - 1; t >= 0; --t) {
          inner[innerPos[t]] = rest % tiles[t];
          rest /= tiles[t];
        }
        int64_t r = outer[0] * tileOf[0] + inner[0];
        int64_t c = outer[1] * tileOf[1] + inner[1];
        if (r >= srcShape[0] || c >= srcShape[1])
          continue;
        std::memcpy(&packed[idx * bytes],
                    data->data() + (r * srcShape[1] + c) * bytes, bytes);
      }
    }
  // Stored flat and expanded to the packed shape: LLVM turns a constant of
  // type [N1, K1, n0, 1] into millions of nested one-element arrays (13 s
  // to compile the GPT-2 block at d = 768), a flat one into one data array.
  auto flatType = RankedTensorType::get({packedType.getNumElements()},
                                        packedType.getElementType());
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      packed, alignof(std::max_align_t));
  auto attr = DenseResourceElementsAttr::get(flatType, "kiln_packed",
                                             std::move(blob));
  rewriter.setInsertionPoint(pack);
  Value flat =
      arith::ConstantOp::create(rewriter, pack.getLoc(), flatType, attr);
  ReassociationIndices all;
  for (int64_t d = 0; d < packedType.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(rewriter, pack.getLoc(), packedType,
                                       flat, SmallVector<ReassociationIndices>{all})
      .getResult();
}

/// `size` divided by `unit` for the packed loop (0 stays 0: untiled).
int64_t divTile(int64_t size, int64_t unit) {
  return size == 0 ? 0 : std::max<int64_t>(1, size / unit);
}

/// How many thread chunks a matmul schedule's level 0 (`[batch..., m, n,
/// k]`) makes of a result with extents `[M, N]`.
int64_t threadChunks(kiln::ScheduleAttr schedule, ArrayRef<int64_t> extents) {
  ArrayRef<int64_t> l0 = schedule.getLevel(0).drop_back().take_back(2);
  int64_t chunks = 1;
  for (auto [tile, extent] : llvm::zip(l0, extents))
    if (tile > 0)
      chunks *= (extent + tile - 1) / tile;
  return chunks;
}

/// The copy of a pack or unpack (a linalg.transpose from lowerPack /
/// lowerUnPack) becomes an elementwise generic that the tiling pass
/// vectorizes and spreads over as many threads as the matmul's schedule
/// uses: level 0 splits the outermost loop into that many chunks, the
/// register tile is the packed inner tile (`innerDims`: the loops that are
/// whole in one register tile). A mechanical consequence of the matmul's
/// `pack` decision, not a new one.
void scheduleRelayout(RewriterBase &rewriter, linalg::TransposeOp transpose,
                      int64_t chunks, ArrayRef<int64_t> innerDims) {
  auto type = cast<RankedTensorType>(transpose.getInit().getType());
  if (!type.hasStaticShape())
    return;
  rewriter.setInsertionPoint(transpose);
  FailureOr<linalg::GenericOp> generic =
      linalg::generalizeNamedOp(rewriter, transpose);
  if (failed(generic))
    return;
  int64_t rank = type.getRank();
  SmallVector<int64_t> l0(rank, 0), l1(rank, 0), l2(rank, 1);
  int64_t outer = type.getDimSize(0);
  if (chunks > 1 && outer > 1)
    l0[0] = std::max<int64_t>(1, (outer + chunks - 1) / chunks);
  for (int64_t d : innerDims)
    l2[d] = type.getDimSize(d);
  (*generic)->setAttr(kiln::kScheduleAttrName,
                      kiln::ScheduleAttr::get(rewriter.getContext(),
                                              {l0, l1, l2}, {}, {},
                                              std::nullopt));
}

void packMatmul(RewriterBase &rewriter, linalg::MatmulOp mm,
                kiln::ScheduleAttr schedule) {
  ArrayRef<int64_t> p = schedule.getPack();
  if (p.size() != 3 || mm.hasUserDefinedMaps() || schedule.getNumLevels() != 3 ||
      schedule.getNumLoops() < 3)
    return;
  Value a = mm.getDpsInputs()[0], b = mm.getDpsInputs()[1];
  Value c = mm.getDpsInits()[0];
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(b.getType());
  auto ct = cast<RankedTensorType>(c.getType());
  if (!at.hasStaticShape() || !bt.hasStaticShape() || !ct.hasStaticShape())
    return;
  // Leading batch entries of a flattened [B, M, K] x [K, N] matmul must be
  // 0 or 1 at every level (they are dropped).
  unsigned drop = schedule.getNumLoops() - 3;
  for (unsigned l = 0; l < 3; ++l)
    if (llvm::any_of(schedule.getLevel(l).take_front(drop),
                     [](int64_t v) { return v > 1; }))
      return;
  int64_t m0 = p[0], n0 = p[1], k0 = p[2];
  Location loc = mm.getLoc();
  rewriter.setInsertionPoint(mm);
  auto zero = [&](Type t) {
    return arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(t))
        .getResult();
  };
  auto makePack = [&](Value src, ArrayRef<int64_t> innerPos,
                      ArrayRef<int64_t> tiles,
                      ArrayRef<int64_t> outerPerm) -> Value {
    auto srcType = cast<RankedTensorType>(src.getType());
    SmallVector<OpFoldResult> tileSizes =
        getAsIndexOpFoldResult(rewriter.getContext(), tiles);
    Value dest = linalg::PackOp::createDestinationTensor(
        rewriter, loc, src, tileSizes, innerPos, outerPerm);
    return linalg::PackOp::create(rewriter, loc, src, dest, innerPos,
                                  tileSizes, zero(srcType.getElementType()),
                                  outerPerm)
        .getResult();
  };
  // A [M, K] -> [M/m0, K/k0, m0, k0]; B [K, N] -> [N/n0, K/k0, n0, k0];
  // C [M, N] -> [M/m0, N/n0, m0, n0].
  Value ap = makePack(a, {0, 1}, {m0, k0}, {});
  Value bp = makePack(b, {1, 0}, {n0, k0}, {1, 0});
  // A zero-filled accumulator is filled in its packed form (no transpose).
  Value cp;
  if (auto fill = c.getDefiningOp<linalg::FillOp>()) {
    Value empty = linalg::PackOp::createDestinationTensor(
        rewriter, loc, c,
        getAsIndexOpFoldResult(rewriter.getContext(), {m0, n0}), {0, 1}, {});
    cp = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
             .getResult(0);
  } else {
    cp = makePack(c, {0, 1}, {m0, n0}, {});
  }
  auto mmt4d = linalg::Mmt4DOp::create(rewriter, loc, TypeRange{cp.getType()},
                                       ValueRange{ap, bp}, ValueRange{cp});

  // The schedule on the six loops [M1, N1, K1, m0, n0, k0].
  auto level = [&](unsigned l) {
    return schedule.getLevel(l).drop_front(drop);
  };
  SmallVector<SmallVector<int64_t>> tiles = {
      {divTile(level(0)[0], m0), divTile(level(0)[1], n0), 0, 0, 0, 0},
      {divTile(level(1)[0], m0), divTile(level(1)[1], n0),
       divTile(level(1)[2], k0), 0, 0, 0},
      {1, 1, 1, 0, 0, 0}};
  SmallVector<int64_t> order;
  for (int64_t loop : schedule.getOrderOrIdentity())
    if (loop >= int64_t(drop))
      order.push_back(loop - drop);
  order.append({3, 4, 5});
  mmt4d->setAttr(kiln::kScheduleAttrName,
                 kiln::ScheduleAttr::get(rewriter.getContext(), tiles, order,
                                         /*pack=*/{}, schedule.getGroup(),
                                         schedule.getPrefetch()));

  // Thread chunks of the matmul, for the relayout copies (see
  // scheduleRelayout).
  int64_t chunks = threadChunks(schedule, cast<RankedTensorType>(c.getType()).getShape());
  for (Value v : {ap, bp, cp})
    if (auto pack = v.getDefiningOp<linalg::PackOp>())
      pack->setAttr(kRelayoutChunksAttr, rewriter.getI64IntegerAttr(chunks));
  Value result = linalg::UnPackOp::create(rewriter, loc, mmt4d.getResult(0), c,
                                          {0, 1},
                                          getAsIndexOpFoldResult(
                                              rewriter.getContext(), {m0, n0}),
                                          /*outerDimsPerm=*/{})
                     .getResult();
  result.getDefiningOp()->setAttr(kRelayoutChunksAttr,
                                  rewriter.getI64IntegerAttr(chunks));
  rewriter.replaceOp(mm, result);
}

struct PackMatmulsPass
    : kiln::impl::KilnCPUPackMatmulsBase<PackMatmulsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::MatmulOp> matmuls;
    func.walk([&](linalg::MatmulOp mm) {
      if (mm.hasPureTensorSemantics())
        matmuls.push_back(mm);
    });
    for (linalg::MatmulOp mm : matmuls)
      if (auto schedule =
              mm->getAttrOfType<kiln::ScheduleAttr>(kiln::kScheduleAttrName))
        packMatmul(rewriter, mm, schedule);

    // Packs of constants are computed now; the others (and the unpacks)
    // become pad / expand_shape / transpose that bufferize.
    SmallVector<linalg::PackOp> packs;
    func.walk([&](linalg::PackOp op) { packs.push_back(op); });
    for (linalg::PackOp pack : packs) {
      FailureOr<Value> folded = foldPackOfConstant(rewriter, pack);
      if (succeeded(folded)) {
        rewriter.replaceOp(pack, *folded);
        continue;
      }
      rewriter.setInsertionPoint(pack);
      auto chunks = pack->getAttrOfType<IntegerAttr>(kRelayoutChunksAttr);
      int64_t rank = pack.getDestType().getRank();
      FailureOr<linalg::LowerPackResult> lowered =
          linalg::lowerPack(rewriter, pack);
      if (failed(lowered))
        return signalPassFailure();
      // [outer..., inner tiles]: the inner tiles are one register tile.
      if (chunks && lowered->transposeOp)
        scheduleRelayout(rewriter, lowered->transposeOp, chunks.getInt(),
                         {rank - 2, rank - 1});
    }
    SmallVector<linalg::UnPackOp> unpacks;
    func.walk([&](linalg::UnPackOp op) { unpacks.push_back(op); });
    for (linalg::UnPackOp unpack : unpacks) {
      rewriter.setInsertionPoint(unpack);
      auto chunks = unpack->getAttrOfType<IntegerAttr>(kRelayoutChunksAttr);
      FailureOr<linalg::LowerUnPackOpResult> lowered =
          linalg::lowerUnPack(rewriter, unpack);
      if (failed(lowered))
        return signalPassFailure();
      // [M1, m0, N1, n0]: one register tile is one n0 row.
      if (chunks && lowered->transposeOp)
        scheduleRelayout(rewriter, lowered->transposeOp, chunks.getInt(),
                         {3});
      // lowerUnPack ends in a linalg.copy into the unpack's destination. The
      // copy overwrites all of it, so its value is its input: forwarding it
      // saves a serial pass over the result (and the destination's fill).
      Value unpacked = lowered->extractSliceOp
                           ? lowered->extractSliceOp.getResult()
                           : lowered->collapseShapeOp.getResult();
      for (Operation *user : llvm::make_early_inc_range(unpacked.getUsers()))
        if (auto copy = dyn_cast<linalg::CopyOp>(user))
          if (copy.hasPureTensorSemantics() &&
              copy.getInputs()[0] == unpacked &&
              copy.getResultTypes()[0] == unpacked.getType())
            rewriter.replaceOp(copy, unpacked);
    }
  }
};

} // namespace
