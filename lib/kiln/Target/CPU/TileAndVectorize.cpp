//===- TileAndVectorize.cpp - Schedule-driven tiling and vectorization ----===//
//
// The doing half of the CPU's schedules (docs/schedules.md): every linalg op
// of a supported kind that carries `kiln.schedule` is tiled with scf.for at
// the schedule's three levels and its register tile is vectorized. The pass
// only reads the attribute; it never decides.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUTILEANDVECTORIZE
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {

/// Marks the register-tile op to vectorize; the value is the vector shape
/// (an upper bound of each loop's extent).
constexpr llvm::StringLiteral kVectorSizesAttr = "kiln.cpu.vector_sizes";
/// Set on register-tile ops of matmul-like ops (vectorized straight to
/// vector.contract).
constexpr llvm::StringLiteral kContractionAttr = "kiln.cpu.contraction";
/// Vectors larger than this many elements are not formed (the register tile
/// stays scalar): an entry of 0 at level 2 can make the tile a whole block.
constexpr int64_t kMaxVectorElements = 1 << 13;

bool isMatmulLike(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op.getOperation()))
    return true;
  if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation()))
    return linalg::isaContractionOpInterface(generic);
  return false;
}

bool isElementwiseGeneric(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
    return map.isProjectedPermutation();
  });
}

/// The schedule's three levels and cache-level order, mapped onto an op with
/// `numLoops` loops. A schedule with more entries than the op has loops (a
/// `[B, M, K] x [K, N]` matmul lowered with the batch folded into `m`) maps
/// when the extra leading entries are 0 or 1 at every level: they are
/// dropped and `order` is renumbered.
struct Plan {
  SmallVector<SmallVector<int64_t>> tiles;
  SmallVector<int64_t> order;
};

std::optional<Plan> mapSchedule(kiln::ScheduleAttr schedule,
                                unsigned numLoops) {
  if (schedule.getNumLevels() != 3)
    return std::nullopt;
  unsigned entries = schedule.getNumLoops();
  if (entries < numLoops)
    return std::nullopt;
  unsigned drop = entries - numLoops;
  Plan plan;
  for (unsigned level = 0; level < 3; ++level) {
    ArrayRef<int64_t> sizes = schedule.getLevel(level);
    if (llvm::any_of(sizes.take_front(drop), [](int64_t s) { return s > 1; }))
      return std::nullopt;
    plan.tiles.emplace_back(sizes.drop_front(drop));
  }
  for (int64_t loop : schedule.getOrderOrIdentity())
    if (loop >= static_cast<int64_t>(drop))
      plan.order.push_back(loop - drop);
  return plan;
}

/// Tiles `op` by `sizes` (0: not tiled) with scf.for loops nested in
/// `interchange` (empty: domain order); returns the tiled op.
FailureOr<Operation *> tileLevel(RewriterBase &rewriter, Operation *op,
                                 ArrayRef<int64_t> sizes,
                                 ArrayRef<int64_t> interchange) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  bool identity = true;
  for (auto [i, loop] : llvm::enumerate(interchange))
    identity &= static_cast<int64_t>(i) == loop;
  if (!identity)
    options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(tiled) || tiled->tiledOps.empty())
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return tiled->tiledOps.back();
}

/// Tiles one scheduled op at the three levels and marks its register tile
/// for vectorization. Failures leave a correct (partially tiled) op.
void tileOp(RewriterBase &rewriter, linalg::LinalgOp op,
            kiln::ScheduleAttr schedule) {
  if (!isa<TilingInterface>(op.getOperation()))
    return;
  bool contraction = isMatmulLike(op);
  if (!contraction && !isElementwiseGeneric(op))
    return;
  std::optional<Plan> plan = mapSchedule(schedule, op.getNumLoops());
  if (!plan)
    return;
  SmallVector<int64_t> extents = op.getStaticLoopRanges();

  // A level's size that covers the whole enclosing tile (statically) does
  // not tile; what remains is the register tile's vector shape: the level-2
  // size, else the enclosing tile's (an upper bound: the last tile may be
  // partial).
  SmallVector<int64_t> vectorSizes;
  for (unsigned i = 0; i < extents.size(); ++i) {
    int64_t size = extents[i];
    for (unsigned level = 0; level < 3; ++level) {
      int64_t &t = plan->tiles[level][i];
      if (t > 0 && !ShapedType::isDynamic(size) && t >= size)
        t = 0;
      if (t > 0)
        size = t;
    }
    vectorSizes.push_back(size);
  }

  Operation *current = op.getOperation();
  // Level 0 (per-thread chunk): sequential scf.for until threading lands.
  // Level 1 (cache block): nested in `order`. Level 2 (register tile):
  // domain order, so the reduction loop of a matmul is innermost and its
  // accumulator stays in registers.
  ArrayRef<int64_t> interchanges[3] = {{}, plan->order, {}};
  for (unsigned level = 0; level < 3; ++level) {
    FailureOr<Operation *> tiled =
        tileLevel(rewriter, current, plan->tiles[level], interchanges[level]);
    if (failed(tiled))
      return;
    current = *tiled;
  }
  current->removeAttr(kiln::kScheduleAttrName);
  current->removeAttr("kiln.predicted_time_us");
  if (llvm::any_of(vectorSizes, ShapedType::isDynamic))
    return;
  int64_t elements = 1;
  for (int64_t s : vectorSizes)
    elements *= s;
  if (elements > kMaxVectorElements)
    return;
  // Vectors of sub-byte elements (i1 masks) are bit-packed in LLVM while
  // memrefs store one byte per element: such ops stay scalar.
  for (Value operand : op->getOperands()) {
    Type element = getElementTypeOrSelf(operand.getType());
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
      return;
  }
  current->setAttr(kVectorSizesAttr, rewriter.getDenseI64ArrayAttr(vectorSizes));
  if (contraction)
    current->setAttr(kContractionAttr, rewriter.getUnitAttr());
}

void addCanonicalizations(MLIRContext *ctx, RewritePatternSet &patterns) {
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}

struct TileAndVectorizePass
    : kiln::impl::KilnCPUTileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 1. Tile every scheduled op.
    SmallVector<std::pair<linalg::LinalgOp, kiln::ScheduleAttr>> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (auto schedule =
              op->getAttrOfType<kiln::ScheduleAttr>(kiln::kScheduleAttrName))
        if (op.hasPureTensorSemantics())
          ops.emplace_back(op, schedule);
    });
    if (ops.empty())
      return;
    for (auto [op, schedule] : ops)
      tileOp(rewriter, op, schedule);

    // 2. Simplify the tile sizes (affine.min over loop bounds) so full
    //    register tiles get static shapes.
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      scf::populateSCFForLoopCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // 3. Vectorize the register tiles.
    SmallVector<linalg::LinalgOp> marked;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kVectorSizesAttr))
        marked.push_back(op);
    });
    for (linalg::LinalgOp op : marked) {
      auto sizesAttr = op->getAttrOfType<DenseI64ArrayAttr>(kVectorSizesAttr);
      bool contraction = op->hasAttr(kContractionAttr);
      op->removeAttr(kVectorSizesAttr);
      op->removeAttr(kContractionAttr);
      // Only full, static register tiles are vectorized for now; a partial
      // (dynamic) tile stays scalar (masked vectorization: later).
      if (op.hasDynamicShape() ||
          op.getStaticLoopRanges() != ArrayRef<int64_t>(sizesAttr.asArrayRef()))
        continue;
      SmallVector<int64_t> sizes;
      if (failed(linalg::vectorizeOpPrecondition(op, sizes)))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, op, sizes, /*inputScalableVecDims=*/{},
          /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/contraction);
      if (failed(result))
        continue;
      rewriter.replaceOp(op, result->replacements);
    }

    // 4. Clean up: fold tensor slices into transfers, drop unit dims,
    //    simplify transfer permutation maps, form contractions.
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      scf::populateSCFForLoopCanonicalizationPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // 5. Keep accumulators in registers: hoist loop-invariant
    //    transfer_read/transfer_write (and slice) pairs out of the loops,
    //    innermost loops first.
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      (void)hoistLoopInvariantSubsets(
          rewriter, cast<LoopLikeOpInterface>(loop.getOperation()));

    // 6. Lower vector.contract to outer products and those to FMAs; the
    //    transfers stay until after bufferization (convert-vector-to-scf).
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
