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

#include "llvm/ADT/MapVector.h"
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
#include "mlir/Dialect/UB/IR/UBOps.h"
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

/// Vectors larger than this many elements are not formed (the register tile
/// stays scalar): an entry of 0 at level 2 can make the tile a whole block.
constexpr int64_t kMaxVectorElements = 1 << 13;

/// Named matmuls in their default form: the register tile is `[.., mr,
/// nr, 1]` over (m, n, k) and vectorizes to an outer-product contraction.
/// Contraction generics (transposed or broadcast operands) stay on the
/// naive path: their vectorized forms need transposes that the cleanup
/// patterns below do not bound.
bool isMatmulLike(linalg::LinalgOp op) {
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
    return !mm.hasUserDefinedMaps();
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return !bmm.hasUserDefinedMaps();
  // Packed by kiln-cpu-pack-matmuls; the register tile is [1, 1, 1, m0, n0,
  // k0].
  return isa<linalg::Mmt4DOp>(op.getOperation());
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

/// Drops tile sizes that statically cover their enclosing tile (they do not
/// tile) and returns the register tile's vector shape: the level-2 size,
/// else the enclosing tile's (an upper bound: the last tile may be
/// partial).
SmallVector<int64_t> normalizeTiles(Plan &plan, ArrayRef<int64_t> extents) {
  SmallVector<int64_t> vectorSizes;
  for (unsigned i = 0; i < extents.size(); ++i) {
    int64_t size = extents[i];
    for (unsigned level = 0; level < 3; ++level) {
      int64_t &t = plan.tiles[level][i];
      if (t > 0 && !ShapedType::isDynamic(size) && t >= size)
        t = 0;
      if (t > 0)
        size = t;
    }
    vectorSizes.push_back(size);
  }
  return vectorSizes;
}

/// The nesting of the register-tile loops: the parallel loops in `order`
/// (for the Goto nest n, k, m that is n then m: one kc x nr panel of B stays
/// in L1 while the m tiles sweep past it), then the reductions innermost, so
/// that a matmul's accumulator stays in registers.
SmallVector<int64_t> registerTileOrder(const Plan &plan,
                                       ArrayRef<utils::IteratorType> iterators) {
  SmallVector<int64_t> order;
  for (int64_t loop : plan.order)
    if (iterators[loop] == utils::IteratorType::parallel)
      order.push_back(loop);
  for (int64_t loop : plan.order)
    if (iterators[loop] != utils::IteratorType::parallel)
      order.push_back(loop);
  return order;
}

/// Whether the register tile `vectorSizes` may become vectors at all.
bool vectorizable(Operation *op, ArrayRef<int64_t> vectorSizes) {
  if (llvm::any_of(vectorSizes, ShapedType::isDynamic))
    return false;
  int64_t elements = 1;
  for (int64_t s : vectorSizes)
    elements *= s;
  if (elements > kMaxVectorElements)
    return false;
  // Vectors of sub-byte elements (i1 masks) are bit-packed in LLVM while
  // memrefs store one byte per element: such ops stay scalar.
  for (Value operand : op->getOperands()) {
    Type element = getElementTypeOrSelf(operand.getType());
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
      return false;
  }
  return true;
}

/// Tiles `op` by `sizes` (0: not tiled) with scf.for loops nested in
/// `interchange` (empty: domain order); returns the tiled op.
FailureOr<Operation *> tileLevel(RewriterBase &rewriter, Operation *op,
                                 ArrayRef<int64_t> sizes,
                                 ArrayRef<int64_t> interchange,
                                 bool parallel) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setLoopType(parallel ? scf::SCFTilingOptions::LoopType::ForallOp
                               : scf::SCFTilingOptions::LoopType::ForOp);
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

/// The threads' level of a contraction, with the linalg.fill of its
/// accumulator fused into each thread's chunk: every thread zeroes its own
/// part of the result instead of one thread zeroing all of it before the
/// parallel loop (and a fill shared by several matmuls after CSE is not
/// copied for each by bufferization).
FailureOr<Operation *> tileThreadsFusingFill(RewriterBase &rewriter,
                                             Operation *op,
                                             ArrayRef<int64_t> sizes) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions tiling;
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  tiling.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.setFusionControlFn(
      [](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (isDestination && isa<linalg::FillOp>(producer.getOwner()))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op), options);
  if (failed(result) || result->tiledAndFusedOps.empty())
    return failure();
  for (OpResult r : op->getResults())
    if (Value replacement = result->replacements.lookup(r))
      rewriter.replaceAllUsesWith(r, replacement);
  Operation *tiled = result->tiledAndFusedOps.front();
  if (op->use_empty())
    rewriter.eraseOp(op);
  for (Operation *producer : result->fusedProducers)
    if (producer->use_empty())
      rewriter.eraseOp(producer);
  return tiled;
}

/// Vectorizes a register tile right after tiling (before any cleanup can
/// rebuild the op). Only a full tile (static, the vector shape) is
/// vectorized; a partial edge tile stays a scalar loop that LLVM's loop
/// vectorizer may still take. (Masked vectorization of partial tiles
/// produced invalid masks for some elementwise bodies in MLIR 22.)
void vectorizeRegisterTile(RewriterBase &rewriter, linalg::LinalgOp op,
                           ArrayRef<int64_t> vectorSizes, bool contraction) {
  if (op.hasDynamicShape() || op.getStaticLoopRanges() != vectorSizes)
    return;
  if (failed(linalg::vectorizeOpPrecondition(op)))
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
      rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
      /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/contraction);
  if (failed(result))
    return;
  rewriter.replaceOp(op, result->replacements);
}

/// A reduction generic whose reductions are its innermost loops (softmax's
/// row max and sum, the norms' statistics, kiln.reduce over trailing axes):
/// one row at a time becomes one vector reduction.
bool isRowReduction(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || op.getNumReductionLoops() == 0 || op.hasDynamicShape())
    return false;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned firstReduction = op.getNumLoops() - op.getNumReductionLoops();
  for (auto [i, it] : llvm::enumerate(iterators))
    if ((it == utils::IteratorType::reduction) != (i >= firstReduction))
      return false;
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
    return map.isProjectedPermutation();
  });
}

/// The rows of a row reduction (after its threads' level): every parallel
/// loop tiled by 1, the row a vector, reduced by one `vector.reduction`
/// (the multi-reduction lowered with the reduction innermost; the pass's
/// general lowering keeps the parallel dims innermost, which for one row
/// would be a scalar loop over its elements). LLVM's loop vectorizer would
/// not take the scalar loop of a `maxnumf` row maximum (no `nnan`).
void vectorizeRows(RewriterBase &rewriter, Operation *op) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  SmallVector<int64_t> rowTile;
  for (utils::IteratorType it : linalgOp.getIteratorTypesArray())
    rowTile.push_back(it == utils::IteratorType::parallel ? 1 : 0);
  FailureOr<Operation *> tiled =
      tileLevel(rewriter, op, rowTile, {}, /*parallel=*/false);
  if (failed(tiled))
    return;
  auto row = cast<linalg::LinalgOp>(*tiled);
  SmallVector<int64_t> vectorSizes = row.getStaticLoopRanges();
  if (!vectorizable(row, vectorSizes))
    return;
  Operation *parent = row->getParentOp();
  vectorizeRegisterTile(rewriter, row, vectorSizes, /*contraction=*/false);
  SmallVector<Operation *> reductions;
  parent->walk([&](vector::MultiDimReductionOp r) { reductions.push_back(r); });
  if (reductions.empty())
    return;
  RewritePatternSet patterns(op->getContext());
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerReduction);
  (void)applyOpPatternsGreedily(reductions, std::move(patterns));
  // A float sum of a row in any order (as kiln-cpu-reassociate-reductions
  // allows for the scalar loops): LLVM's ordered fadd reduction would be a
  // chain of scalar adds.
  parent->walk([](vector::ReductionOp r) {
    if (!isa<FloatType>(r.getType()) ||
        (r.getKind() != vector::CombiningKind::ADD &&
         r.getKind() != vector::CombiningKind::MUL))
      return;
    r.setFastmathAttr(arith::FastMathFlagsAttr::get(
        r.getContext(), r.getFastmath() | arith::FastMathFlags::reassoc));
  });
}

/// Tiles one scheduled op at the three levels and vectorizes its register
/// tile. Failures leave a correct (partially tiled or scalar) op.
void tileOp(RewriterBase &rewriter, linalg::LinalgOp op,
            kiln::ScheduleAttr schedule) {
  if (!isa<TilingInterface>(op.getOperation()))
    return;
  bool contraction = isMatmulLike(op);
  std::optional<Plan> plan = mapSchedule(schedule, op.getNumLoops());
  if (!plan)
    return;
  // Other kinds (reductions, softmax parts, transposes, gathers): only the
  // threads' level; each chunk runs the naive loops.
  if (!contraction && !isElementwiseGeneric(op)) {
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    for (auto [size, it] : llvm::zip(plan->tiles[0], iterators))
      if (size != 0 && it != utils::IteratorType::parallel)
        return;
    // A failure leaves the op untiled (it still runs, on one thread). The
    // tiled op keeps its schedule attribute: nothing visits it again.
    bool rows = isRowReduction(op);
    FailureOr<Operation *> chunk = tileLevel(rewriter, op.getOperation(),
                                             plan->tiles[0], {},
                                             /*parallel=*/true);
    if (succeeded(chunk) && rows)
      vectorizeRows(rewriter, *chunk);
    return;
  }
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  // `op` is replaced by the tiling below: only `current` is valid after it.

  SmallVector<int64_t> vectorSizes = normalizeTiles(*plan, extents);

  Operation *current = op.getOperation();
  // Level 0 (per-thread chunk): scf.forall, one iteration per chunk (the
  // threading passes turn it into an OpenMP worksharing loop). Level 1
  // (cache block): nested in `order`. Level 2: registerTileOrder.
  SmallVector<int64_t> registerOrder =
      registerTileOrder(*plan, op.getIteratorTypesArray());
  ArrayRef<int64_t> interchanges[3] = {{}, plan->order, registerOrder};
  for (unsigned level = 0; level < 3; ++level) {
    FailureOr<Operation *> tiled =
        level == 0 && contraction
            ? tileThreadsFusingFill(rewriter, current, plan->tiles[0])
            : tileLevel(rewriter, current, plan->tiles[level],
                        interchanges[level], /*parallel=*/level == 0);
    if (failed(tiled))
      return;
    current = *tiled;
  }
  current->removeAttr(kiln::kScheduleAttrName);
  current->removeAttr("kiln.predicted_time_us");
  // The register tile's k loop: kiln-cpu-prefetch-panels (after
  // bufferization) prefetches the next B panel around it.
  if (std::optional<int64_t> prefetch = schedule.getPrefetch())
    if (isa<linalg::Mmt4DOp>(current))
      if (auto kLoop = dyn_cast<scf::ForOp>(current->getParentOp()))
        kLoop->setAttr(kiln::kPrefetchPanelAttrName,
                       rewriter.getI64IntegerAttr(*prefetch));
  if (!vectorizable(current, vectorSizes))
    return;
  vectorizeRegisterTile(rewriter, cast<linalg::LinalgOp>(current), vectorSizes,
                        contraction);
}

/// A fusion group of elementwise ops over one iteration domain (the
/// schedule's `group`): the last op (the consumer) is tiled at the three
/// levels of its schedule and the other members are fused into each level's
/// loops (TilingInterface tile-and-fuse), so the chain runs tile by tile
/// and its intermediates never reach memory; every register tile is then
/// vectorized. Returns false (nothing changed) when the group does not
/// qualify.
bool tileAndFuseGroup(RewriterBase &rewriter, ArrayRef<linalg::LinalgOp> group,
                      kiln::ScheduleAttr schedule) {
  if (group.size() < 2)
    return false;
  SmallVector<int64_t> extents =
      linalg::LinalgOp(group.front()).getStaticLoopRanges();
  for (linalg::LinalgOp op : group)
    if (!isElementwiseGeneric(op) || op.getStaticLoopRanges() != extents ||
        llvm::any_of(extents, ShapedType::isDynamic))
      return false;
  // The consumer: the member no other member uses.
  llvm::SmallPtrSet<Operation *, 8> members;
  for (linalg::LinalgOp op : group)
    members.insert(op.getOperation());
  Operation *consumer = nullptr;
  for (linalg::LinalgOp op : group) {
    bool usedInGroup = llvm::any_of(op->getUsers(), [&](Operation *user) {
      return members.contains(user);
    });
    if (!usedInGroup) {
      if (consumer)
        return false; // Two sinks: not a chain this pass fuses.
      consumer = op.getOperation();
    }
  }
  std::optional<Plan> plan = mapSchedule(schedule, extents.size());
  if (!consumer || !plan)
    return false;
  SmallVector<int64_t> vectorSizes = normalizeTiles(*plan, extents);

  SmallVector<int64_t> registerOrder = registerTileOrder(
      *plan, linalg::LinalgOp(group.front()).getIteratorTypesArray());
  ArrayRef<int64_t> interchanges[3] = {{}, plan->order, registerOrder};
  SmallVector<Operation *> current(members.begin(), members.end());
  for (unsigned level = 0; level < 3; ++level) {
    if (llvm::all_of(plan->tiles[level], [](int64_t t) { return t == 0; }))
      continue;
    llvm::SmallPtrSet<Operation *, 8> fusible(current.begin(), current.end());
    scf::SCFTileAndFuseOptions options;
    scf::SCFTilingOptions tiling;
    tiling.setLoopType(level == 0 ? scf::SCFTilingOptions::LoopType::ForallOp
                                  : scf::SCFTilingOptions::LoopType::ForOp);
    tiling.setTileSizes(
        getAsIndexOpFoldResult(rewriter.getContext(), plan->tiles[level]));
    if (!interchanges[level].empty())
      tiling.setInterchange(interchanges[level]);
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (fusible.contains(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(consumer);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(consumer), options);
    if (failed(result))
      return level > 0; // Level 0 failing leaves the group untouched.
    for (OpResult r : consumer->getResults())
      if (Value repl = result->replacements.lookup(r))
        rewriter.replaceAllUsesWith(r, repl);
    // The fused producers' originals are dead once the consumer is replaced.
    for (Operation *op : llvm::reverse(current))
      if (op->use_empty())
        rewriter.eraseOp(op);
    current.assign(result->tiledAndFusedOps.begin(),
                   result->tiledAndFusedOps.end());
    consumer = current.front();
  }
  for (Operation *op : current) {
    op->removeAttr(kiln::kScheduleAttrName);
    op->removeAttr("kiln.predicted_time_us");
    if (vectorizable(op, vectorSizes))
      vectorizeRegisterTile(rewriter, cast<linalg::LinalgOp>(op), vectorSizes,
                            /*contraction=*/false);
  }
  return true;
}

/// A mixed-precision contraction (f16/bf16 operands, f32 accumulator) gets
/// its operands extended first: the outer-product lowering wants one
/// element type (and the CPU computes in f32 anyway).
struct ExtendContractOperands : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !isa<FloatType>(accType.getElementType()))
      return failure();
    Type acc = accType.getElementType();
    auto extend = [&](Value v) -> Value {
      auto t = cast<VectorType>(v.getType());
      if (t.getElementType() == acc)
        return v;
      return arith::ExtFOp::create(rewriter, op.getLoc(), t.clone(acc), v);
    };
    Value lhs = extend(op.getLhs()), rhs = extend(op.getRhs());
    if (lhs == op.getLhs() && rhs == op.getRhs())
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getLhsMutable().assign(lhs);
      op.getRhsMutable().assign(rhs);
    });
    return success();
  }
};

/// A contraction whose reduction dims all have size 1 and whose result is
/// `m x n` is one outer product: `acc + lhs (x) rhs`. This is the register
/// tile of a packed (mmt4d, k0 = 1) matmul; the upstream lowering would
/// treat the unit `k0` innermost in both operands as a dot product and
/// scalarize it.
struct UnitReductionContractToOuterProduct
    : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || accType.getRank() != 2 ||
        op.getKind() != vector::CombiningKind::ADD ||
        op->getParentOfType<vector::MaskOp>())
      return failure();
    SmallVector<int64_t> bounds;
    op.getIterationBounds(bounds);
    auto iterators = op.getIteratorTypesArray();
    for (auto [bound, it] : llvm::zip(bounds, iterators))
      if (it == vector::IteratorType::reduction && bound != 1)
        return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (!maps[2].isProjectedPermutation())
      return failure();
    unsigned m = maps[2].getDimPosition(0), n = maps[2].getDimPosition(1);
    auto uses = [&](AffineMap map, unsigned dim) {
      return map.isFunctionOfDim(dim);
    };
    Value lhs = op.getLhs(), rhs = op.getRhs();
    if (uses(maps[0], n) && uses(maps[1], m))
      std::swap(lhs, rhs);
    else if (!(uses(maps[0], m) && uses(maps[1], n)))
      return failure();
    auto flatten = [&](Value v, int64_t size) -> Value {
      auto t = cast<VectorType>(v.getType());
      if (t.getNumElements() != size)
        return {};
      Type elem = accType.getElementType();
      Value flat = vector::ShapeCastOp::create(
          rewriter, op.getLoc(), VectorType::get({size}, t.getElementType()),
          v);
      if (t.getElementType() != elem)
        flat = arith::ExtFOp::create(rewriter, op.getLoc(),
                                     VectorType::get({size}, elem), flat);
      return flat;
    };
    if (cast<VectorType>(lhs.getType()).getNumElements() != bounds[m] ||
        cast<VectorType>(rhs.getType()).getNumElements() != bounds[n] ||
        !isa<FloatType>(accType.getElementType()))
      return failure();
    Value l = flatten(lhs, bounds[m]), r = flatten(rhs, bounds[n]);
    rewriter.replaceOpWithNewOp<vector::OuterProductOp>(
        op, accType, l, r, op.getAcc(),
        vector::CombiningKindAttr::get(rewriter.getContext(),
                                       vector::CombiningKind::ADD));
    return success();
  }
};

/// Assembles a rank-2 vector from its rows.
Value assembleRows(RewriterBase &rewriter, Location loc, VectorType type,
                   ValueRange rows) {
  Value acc = ub::PoisonOp::create(rewriter, loc, type);
  for (auto [r, row] : llvm::enumerate(rows))
    acc = vector::InsertOp::create(rewriter, loc, row, acc, int64_t(r));
  return acc;
}

bool isRank2Vector(Type t) {
  auto v = dyn_cast<VectorType>(t);
  return v && v.getRank() == 2 && !v.isScalable();
}

/// Each rank-2 vector of `values` as its rows; the other values as they are.
SmallVector<Value> splitRows(RewriterBase &rewriter, Location loc,
                             ValueRange values) {
  SmallVector<Value> flat;
  for (Value v : values) {
    if (!isRank2Vector(v.getType())) {
      flat.push_back(v);
      continue;
    }
    for (int64_t r = 0, e = cast<VectorType>(v.getType()).getDimSize(0);
         r < e; ++r)
      flat.push_back(vector::ExtractOp::create(rewriter, loc, v, r));
  }
  return flat;
}

/// The inverse of splitRows: `flat` regrouped into values of `types`.
SmallVector<Value> joinRows(RewriterBase &rewriter, Location loc,
                            TypeRange types, ValueRange flat) {
  SmallVector<Value> values;
  unsigned next = 0;
  for (Type t : types) {
    if (!isRank2Vector(t)) {
      values.push_back(flat[next++]);
      continue;
    }
    auto type = cast<VectorType>(t);
    values.push_back(assembleRows(rewriter, loc, type,
                                  flat.slice(next, type.getDimSize(0))));
    next += type.getDimSize(0);
  }
  return values;
}

/// Rewrites a loop that carries rank-2 vectors (the hoisted `mr x nr`
/// accumulator of a matmul's register tile) to carry each row as a 1-D
/// vector. LLVM gets a 2-D vector as an array of vectors, which it keeps in
/// memory across the loop's back edge; 1-D vectors it splits into
/// registers. Canonicalization afterwards folds the row inserts/extracts.
void splitVectorIterArgsIntoRows(RewriterBase &rewriter, scf::ForOp loop) {
  if (llvm::none_of(loop.getInitArgs().getTypes(), isRank2Vector))
    return;
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  auto newLoop = scf::ForOp::create(
      rewriter, loc, loop.getLowerBound(), loop.getUpperBound(),
      loop.getStep(), splitRows(rewriter, loc, loop.getInitArgs()));
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *body = newLoop.getBody();
  if (!body->empty())
    rewriter.eraseOp(body->getTerminator());

  rewriter.setInsertionPointToStart(body);
  SmallVector<Value> args = {newLoop.getInductionVar()};
  llvm::append_range(args, joinRows(rewriter, loc,
                                    loop.getInitArgs().getTypes(),
                                    newLoop.getRegionIterArgs()));
  rewriter.mergeBlocks(loop.getBody(), body, args);

  auto yield = cast<scf::YieldOp>(body->getTerminator());
  rewriter.setInsertionPoint(yield);
  rewriter.replaceOpWithNewOp<scf::YieldOp>(
      yield, splitRows(rewriter, loc, yield.getOperands()));

  rewriter.setInsertionPointAfter(newLoop);
  rewriter.replaceOp(loop, joinRows(rewriter, loc, loop.getResultTypes(),
                                    newLoop.getResults()));
}

void addCanonicalizations(MLIRContext *ctx, RewritePatternSet &patterns) {
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}


/// A matmul's accumulator starts as `linalg.fill` of a constant that the
/// tile loops then read, update and write back tile by tile. The fill is a
/// separate pass over the whole result (a 4 MB memset for a 1024x1024
/// SGEMM, 2-3% of its time). When the loop nest reads and writes the
/// accumulator only as whole vector tiles that together cover it, each read
/// becomes "the fill value on the first iteration of every reduction loop,
/// else the tile in memory", and the fill goes: every element is written in
/// the first reduction step before anything reads it back.
void elideAccumulatorFill(RewriterBase &rewriter, linalg::FillOp fill) {
  auto type = dyn_cast<RankedTensorType>(fill.getResult(0).getType());
  if (!type || !type.hasStaticShape() || !fill->hasOneUse())
    return;
  OpOperand &use = *fill->getUses().begin();
  auto outer = dyn_cast<scf::ForOp>(use.getOwner());
  if (!outer || !outer.getTiedLoopRegionIterArg(&use))
    return;
  struct Read {
    vector::TransferReadOp op;
    SmallVector<scf::ForOp> loops;
  };
  SmallVector<Read> reads;
  SmallVector<scf::ForOp> path;
  // Every use of the accumulator inside the nest must be one of: the init
  // of a nested scf.for, a whole-tile transfer_read, the destination of a
  // transfer_write (whose result continues the chain), or a yield.
  std::function<bool(Value)> visit = [&](Value acc) -> bool {
    for (OpOperand &u : acc.getUses()) {
      Operation *user = u.getOwner();
      if (auto loop = dyn_cast<scf::ForOp>(user)) {
        BlockArgument arg = loop.getTiedLoopRegionIterArg(&u);
        if (!arg)
          return false;
        path.push_back(loop);
        bool ok = visit(arg);
        path.pop_back();
        if (!ok)
          return false;
      } else if (auto read = dyn_cast<vector::TransferReadOp>(user)) {
        if (read.getMask() || !read.getPermutationMap().isMinorIdentity())
          return false;
        reads.push_back({read, path});
      } else if (auto write = dyn_cast<vector::TransferWriteOp>(user)) {
        if (write.getBase() != acc || write.getMask() ||
            !write.getPermutationMap().isMinorIdentity() || !visit(write.getResult()))
          return false;
      } else if (!isa<scf::YieldOp>(user)) {
        return false;
      }
    }
    return true;
  };
  path.push_back(outer);
  if (!visit(outer.getTiedLoopRegionIterArg(&use)) || reads.empty())
    return;
  // Coverage: the loops that index a read, times its tile, span the whole
  // accumulator; the other loops of its nest are reductions.
  SmallVector<SmallVector<scf::ForOp>> reductionsOf;
  for (Read &read : reads) {
    int64_t covered = read.op.getVectorType().getNumElements();
    SmallVector<scf::ForOp> reductions;
    for (scf::ForOp loop : read.loops) {
      Value iv = loop.getInductionVar();
      bool indexes = llvm::any_of(read.op.getIndices(), [&](Value index) {
        return index == iv;
      });
      if (!indexes) {
        reductions.push_back(loop);
        continue;
      }
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!trips)
        return;
      covered *= trips->getSExtValue();
    }
    if (covered != type.getNumElements())
      return;
    reductionsOf.push_back(std::move(reductions));
  }
  Value fillValue = fill.getInputs()[0];
  for (auto [read, reductions] : llvm::zip(reads, reductionsOf)) {
    rewriter.setInsertionPoint(read.op);
    Location loc = read.op.getLoc();
    VectorType vectorType = read.op.getVectorType();
    Value splat = vector::BroadcastOp::create(rewriter, loc, vectorType, fillValue);
    if (reductions.empty()) {
      rewriter.replaceOp(read.op, splat);
      continue;
    }
    Value first;
    for (scf::ForOp loop : reductions) {
      Value isFirst = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                            loop.getInductionVar(), loop.getLowerBound());
      first = first ? arith::AndIOp::create(rewriter, loc, first, isFirst).getResult()
                    : isFirst;
    }
    auto select = scf::IfOp::create(rewriter, loc, TypeRange{vectorType}, first,
                                    /*withElseRegion=*/true);
    rewriter.setInsertionPointToStart(select.thenBlock());
    scf::YieldOp::create(rewriter, loc, splat);
    rewriter.setInsertionPointToStart(select.elseBlock());
    Operation *clone = rewriter.clone(*read.op);
    scf::YieldOp::create(rewriter, loc, clone->getResult(0));
    rewriter.replaceOp(read.op, select.getResults());
  }
  rewriter.replaceOp(fill, fill.getOutputs()[0]);
}

struct TileAndVectorizePass
    : kiln::impl::KilnCPUTileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 1. Tile every scheduled op and vectorize its register tiles.
    SmallVector<std::pair<linalg::LinalgOp, kiln::ScheduleAttr>> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (auto schedule =
              op->getAttrOfType<kiln::ScheduleAttr>(kiln::kScheduleAttrName))
        if (op.hasPureTensorSemantics())
          ops.emplace_back(op, schedule);
    });
    if (ops.empty())
      return;
    // Fusion groups first (in order of first appearance), then the rest.
    llvm::MapVector<int64_t, SmallVector<linalg::LinalgOp>> groups;
    for (auto [op, schedule] : ops)
      if (std::optional<int64_t> g = schedule.getGroup())
        if (isElementwiseGeneric(op))
          groups[*g].push_back(op);
    llvm::SmallPtrSet<Operation *, 16> fused;
    for (auto &[id, members] : groups) {
      // The consumer's schedule drives the group.
      linalg::LinalgOp last = members.back();
      auto schedule =
          last->getAttrOfType<kiln::ScheduleAttr>(kiln::kScheduleAttrName);
      SmallVector<Operation *> originals;
      for (linalg::LinalgOp m : members)
        originals.push_back(m.getOperation());
      if (tileAndFuseGroup(rewriter, members, schedule))
        fused.insert(originals.begin(), originals.end());
    }
    for (auto [op, schedule] : ops)
      if (!fused.contains(op.getOperation()))
        tileOp(rewriter, op, schedule);

    // 2. Clean up: fold tensor slices into transfers, drop unit dims,
    //    simplify transfer permutation maps. (Contractions are formed by the
    //    vectorizer itself; the reduction-to-contract patterns ping-pong with
    //    the extf of mixed-precision matmuls.)
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      scf::populateSCFForLoopCanonicalizationPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // 3. Keep accumulators in registers: hoist loop-invariant
    //    transfer_read/transfer_write (and slice) pairs out of the loops,
    //    innermost loops first.
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      (void)hoistLoopInvariantSubsets(
          rewriter, cast<LoopLikeOpInterface>(loop.getOperation()));
    SmallVector<linalg::FillOp> fills;
    func.walk([&](linalg::FillOp fill) { fills.push_back(fill); });
    for (linalg::FillOp fill : fills)
      elideAccumulatorFill(rewriter, fill);

    // 4. Lower vector.contract to outer products and those to FMAs; the
    //    transfers stay until after bufferization (convert-vector-to-scf).
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      patterns.add<UnitReductionContractToOuterProduct>(ctx, /*benefit=*/20);
      patterns.add<ExtendContractOperands>(ctx, /*benefit=*/10);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      // shape_casts stay for vector-to-llvm: lowering them here element by
      // element ping-pongs with their canonicalization.
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // 5. Accumulators in registers: loops carry them as rows (innermost
    //    loops first), then the row inserts/extracts fold away.
    SmallVector<scf::ForOp> vectorLoops;
    func.walk([&](scf::ForOp loop) { vectorLoops.push_back(loop); });
    for (scf::ForOp loop : vectorLoops)
      splitVectorIterArgsIntoRows(rewriter, loop);
    {
      RewritePatternSet patterns(ctx);
      addCanonicalizations(ctx, patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
