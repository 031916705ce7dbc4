//===- TileToBlocksAndThreads.cpp - kiln-gpu-tile -------------------------===//
//
// Doing what the GPU cost model decided: level 0 of a two-level
// `kiln.schedule` is the thread block's tile, level 1 each thread's tile
// (docs/gpu.md). Both become scf.forall loops with GPU mapping attributes;
// kiln-gpu-map-parallel-loops turns them into launch dimensions after
// bufferization.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Target/GPU/Passes.h"
#include "kiln/Target/GPU/TensorCoreSchedule.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUTILE
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Marks the op being tiled so its tiled clone can be found again.
constexpr llvm::StringLiteral kTilingMarker = "kiln.gpu.tiling";
/// Marks the elementwise ops kiln-gpu-tensor-core-matmul applies to a
/// tensor-core matmul's accumulators (left untiled here).
constexpr llvm::StringLiteral kEpilogueMarker = "kiln.gpu.tensor_core_epilogue";

/// A matmul kiln-gpu-tensor-core-matmul lowers after bufferization.
bool hasTensorCoreSchedule(Operation *op) {
  return kiln::TensorCoreSchedule::read(
             op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule"))
      .has_value();
}

/// Mapping attributes for `count` tiled loops, outermost first: the
/// innermost loop is x (consecutive threads and blocks touch consecutive
/// elements), then y, z; beyond three loops linear ids (the mapping pass
/// collapses the leading loops).
SmallVector<Attribute> mappingFor(MLIRContext *ctx, unsigned count,
                                  bool threads) {
  SmallVector<Attribute> mapping;
  for (unsigned i = 0; i < count; ++i) {
    unsigned fromInner = count - 1 - i;
    gpu::MappingId id =
        count <= 3 ? static_cast<gpu::MappingId>(fromInner)
                   : static_cast<gpu::MappingId>(
                         static_cast<unsigned>(gpu::MappingId::LinearDim0) +
                         fromInner);
    if (threads)
      mapping.push_back(gpu::GPUThreadMappingAttr::get(ctx, id));
    else
      mapping.push_back(gpu::GPUBlockMappingAttr::get(ctx, id));
  }
  return mapping;
}

/// True when `op` carries a schedule kiln-gpu-tile applies to it.
bool hasGPUSchedule(linalg::LinalgOp op);

/// The fusion group of `op`'s schedule (kiln-form-fusion-groups), if any.
std::optional<int64_t> groupOf(Operation *op) {
  if (auto s = op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule"))
    return s.getGroup();
  return std::nullopt;
}

/// Whether fusing `op` into a consumer's tiles computes each of its
/// results once: true without reductions, and for contractions (each
/// output element has its own reduction). A norm's row statistics would be
/// recomputed by every thread tile of the row.
bool fusableWithoutRecomputation(linalg::LinalgOp op) {
  return op.getNumReductionLoops() == 0 ||
         linalg::isaContractionOpInterface(op);
}

/// What is fused into `root`'s tiles: fills, and producers without a GPU
/// schedule of their own or in root's fusion group whose every use is
/// `root` or another fused producer (a matmul under its epilogue, the
/// elementwise ops of a chain). A fill is fused even when
/// shared: recomputing zeros is free.
llvm::SmallPtrSet<Operation *, 8> fusedProducers(Operation *root) {
  llvm::SmallPtrSet<Operation *, 8> set;
  set.insert(root);
  SmallVector<Operation *> work{root};
  while (!work.empty()) {
    Operation *current = work.pop_back_val();
    for (Value operand : current->getOperands()) {
      auto producer = operand.getDefiningOp<linalg::LinalgOp>();
      if (!producer || set.contains(producer) ||
          !producer.hasPureTensorSemantics())
        continue;
      // Tensor-core matmuls and their epilogues are one kernel of their
      // own (kiln-gpu-tensor-core-matmul), never a thread's tile.
      if (hasTensorCoreSchedule(producer) ||
          producer->hasAttr(kEpilogueMarker))
        continue;
      bool fill = isa<linalg::FillOp>(producer);
      bool onlyHere = llvm::all_of(producer->getUsers(), [&](Operation *u) {
        return set.contains(u);
      });
      // A member of root's fusion group is fused although it has a
      // schedule: the group's consumer drives.
      std::optional<int64_t> group = groupOf(producer);
      bool sameGroup = group && group == groupOf(root);
      if (!fill && ((hasGPUSchedule(producer) && !sameGroup) || !onlyHere ||
                    !fusableWithoutRecomputation(producer)))
        continue;
      set.insert(producer);
      work.push_back(producer);
    }
  }
  set.erase(root);
  return set;
}

scf::SCFTileAndFuseOptions::ControlFnTy
fuseOnly(llvm::SmallPtrSet<Operation *, 8> producers) {
  return [producers](tensor::ExtractSliceOp, OpResult producer, bool)
             -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
    if (producers.contains(producer.getOwner()))
      return scf::SCFTileAndFuseOptions::ControlFnResult{};
    return std::nullopt;
  };
}

/// The schedule's two levels over the op's loops. A `[B, M, K] x [K, N]`
/// matmul is lowered with the batch folded into m, and a matmul with f16 /
/// bf16 results as an f32 matmul plus a truncation that carries the
/// schedule: so a schedule may have more entries than the linalg op has
/// loops. Extra leading entries must be 0 or 1 (one batch element per
/// block), extra trailing ones 0 (the matmul's k, fused inside each
/// thread); they are dropped.
FailureOr<std::array<SmallVector<int64_t>, 2>>
levelsFor(kiln::ScheduleAttr schedule, linalg::LinalgOp op) {
  if (schedule.getNumLevels() != 2)
    return failure();
  unsigned n = op.getNumLoops(), entries = schedule.getNumLoops();
  if (entries < n)
    return failure();
  unsigned extra = entries - n;
  // Both readings may fit ([1, 64, 64, 0] on a [b, m, n] epilogue): an op
  // without reductions (an epilogue) drops trailing entries first, the
  // contraction itself leading ones.
  bool trailingFirst = op.getNumReductionLoops() == 0;
  for (unsigned step = 0; step <= extra; ++step) {
    unsigned lead = trailingFirst ? step : extra - step;
    unsigned trail = extra - lead;
    bool ok = true;
    std::array<SmallVector<int64_t>, 2> levels;
    for (unsigned l = 0; l < 2 && ok; ++l) {
      ArrayRef<int64_t> level = schedule.getLevel(l);
      for (unsigned i = 0; i < lead; ++i)
        ok &= level[i] <= 1;
      for (unsigned i = entries - trail; i < entries; ++i)
        ok &= level[i] == 0;
      levels[l].assign(level.begin() + lead, level.end() - trail);
    }
    if (ok)
      return levels;
  }
  return failure();
}

bool hasGPUSchedule(linalg::LinalgOp op) {
  auto schedule = op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule");
  return schedule && succeeded(levelsFor(schedule, op));
}

struct TilePass : kiln::impl::KilnGPUTileBase<TilePass> {
  void runOnOperation() override {
    markTensorCoreEpilogues();
    moveSchedulesToEpilogues();
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (hasGPUSchedule(op) && op.hasPureTensorSemantics() &&
          !op->getParentOfType<scf::ForallOp>())
        ops.push_back(op);
    });
    // A member of a fusion group whose every use is a later scheduled op of
    // the same group is not tiled on its own: that consumer's tiles fuse
    // it (fusedProducers), so a chain (bias add, GELU) is one kernel.
    llvm::SmallPtrSet<Operation *, 16> scheduled;
    for (linalg::LinalgOp op : ops)
      scheduled.insert(op);
    llvm::erase_if(ops, [&](linalg::LinalgOp op) {
      std::optional<int64_t> group = groupOf(op);
      return group && !op->use_empty() && fusableWithoutRecomputation(op) &&
             llvm::all_of(op->getUsers(), [&](Operation *user) {
               return scheduled.contains(user) && groupOf(user) == group;
             });
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops)
      if (failed(tile(rewriter, op)))
        return signalPassFailure();
  }

  /// A tensor-core matmul's chain of single-use elementwise consumers
  /// (through reshapes) that have no schedule or share its fusion group is
  /// its epilogue: marked and left untiled, kiln-gpu-tensor-core-matmul
  /// applies it to the accumulators.
  void markTensorCoreEpilogues() {
    // convert-kiln-to-linalg puts a batch-folded matmul's schedule on the
    // truncation after it (the op's last linalg op): back to the matmul,
    // which the tensor-core lowering reads it from.
    getOperation().walk([&](linalg::GenericOp g) {
      if (!hasTensorCoreSchedule(g) ||
          g.getNumLoops() != g.getNumParallelLoops() || g.getNumDpsInputs() != 1)
        return;
      Value in = g.getDpsInputs()[0];
      if (auto e = in.getDefiningOp<tensor::ExpandShapeOp>())
        in = e.getSrc();
      auto mm = in.getDefiningOp<linalg::LinalgOp>();
      if (!mm || !isa<linalg::MatmulOp, linalg::BatchMatmulOp>(mm) ||
          mm->hasAttr("kiln.schedule") || !in.hasOneUse())
        return;
      mm->setAttr("kiln.schedule", g->getAttr("kiln.schedule"));
      g->removeAttr("kiln.schedule");
    });
    SmallVector<linalg::LinalgOp> matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (hasTensorCoreSchedule(op) && op.hasPureTensorSemantics())
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls) {
      // The lowering starts the accumulators from the fill just before the
      // matmul. A fill CSE shares between matmuls would bufferize to a copy,
      // one defined earlier to a fill with other ops in between: each gets
      // its own, just before it (an alloc_tensor, which CSE does not merge).
      if (auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
          fill && (!fill->hasOneUse() || fill->getNextNode() != op)) {
        OpBuilder b(op);
        auto type = cast<RankedTensorType>(fill.getResult(0).getType());
        Value empty = bufferization::AllocTensorOp::create(
            b, op.getLoc(), type, ValueRange{});
        Value own = linalg::FillOp::create(b, fill.getLoc(),
                                           fill.getDpsInputs()[0], empty)
                        .getResult(0);
        op->setOperand(op.getDpsInitsMutable()[0].getOperandNumber(), own);
      }
      std::optional<int64_t> group = groupOf(op);
      Value v = op->getResult(0);
      while (v.hasOneUse()) {
        Operation *user = *v.getUsers().begin();
        if (isa<tensor::ExpandShapeOp>(user)) {
          v = user->getResult(0);
          continue;
        }
        auto next = dyn_cast<linalg::GenericOp>(user);
        if (!next || next.getNumLoops() != next.getNumParallelLoops() ||
            next->getNumResults() != 1 || !next.hasPureTensorSemantics())
          break;
        std::optional<int64_t> g = groupOf(next);
        if (next->hasAttr("kiln.schedule") && !(g && g == group))
          break;
        next->removeAttr("kiln.schedule");
        next->setAttr(kEpilogueMarker, UnitAttr::get(&getContext()));
        v = next->getResult(0);
      }
    }
  }

  /// A scheduled contraction whose single-use elementwise consumers have no
  /// schedule (the truncation of an f16 / bf16 matmul's f32 accumulator) or
  /// are in its fusion group (bias add, activation) hands its schedule to
  /// the last of them: that epilogue is tiled, the contraction and the ops
  /// between fused into each thread's tile, so the intermediate results
  /// never reach memory.
  void moveSchedulesToEpilogues() {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (hasGPUSchedule(op) && linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions) {
      // Down the chain of single-use elementwise consumers that have no
      // schedule or are in the contraction's fusion group.
      Operation *last = op;
      while (last->getNumResults() == 1 && last->getResult(0).hasOneUse()) {
        auto next =
            dyn_cast<linalg::GenericOp>(*last->getResult(0).getUsers().begin());
        if (!next || next.getNumLoops() != next.getNumParallelLoops() ||
            next.getNumLoops() != op.getNumParallelLoops() ||
            !next.hasPureTensorSemantics())
          break;
        std::optional<int64_t> group = groupOf(next);
        if (hasGPUSchedule(next) && !(group && group == groupOf(op)))
          break;
        last = next;
      }
      if (last == op)
        continue;
      Attribute previous = last->getAttr("kiln.schedule");
      last->setAttr("kiln.schedule", op->getAttr("kiln.schedule"));
      if (!hasGPUSchedule(cast<linalg::LinalgOp>(last))) {
        if (previous)
          last->setAttr("kiln.schedule", previous);
        else
          last->removeAttr("kiln.schedule");
        continue;
      }
      op->removeAttr("kiln.schedule");
    }
  }

  LogicalResult tile(IRRewriter &rewriter, linalg::LinalgOp op) {
    auto schedule = op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule");
    std::array<SmallVector<int64_t>, 2> levels = *levelsFor(schedule, op);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
    unsigned n = op.getNumLoops();
    // Level 0: block tile on parallel loops (a tile covering its loop still
    // makes a one-block loop: the op must run inside a block).
    SmallVector<int64_t> block(n, 0), perBlock(n, 0);
    unsigned blockLoops = 0;
    for (unsigned i = 0; i < n; ++i) {
      int64_t t = levels[0][i];
      if (t > 0 && kinds[i] == utils::IteratorType::parallel) {
        block[i] = t;
        ++blockLoops;
      }
      perBlock[i] = block[i] > 0 ? block[i] : ranges[i];
      if (!ShapedType::isDynamic(ranges[i]))
        perBlock[i] = std::min(perBlock[i], ranges[i]);
    }
    // Level 1: threads per loop = ceil(block tile / thread tile).
    SmallVector<int64_t> threads(n, 0);
    unsigned threadLoops = 0;
    for (unsigned i = 0; i < n; ++i) {
      int64_t t = levels[1][i];
      if (t <= 0 || kinds[i] != utils::IteratorType::parallel ||
          ShapedType::isDynamic(perBlock[i]))
        continue;
      int64_t count = (perBlock[i] + t - 1) / t;
      if (count > 1) {
        threads[i] = count;
        ++threadLoops;
      }
    }
    if (blockLoops == 0)
      return success(); // One block: left to the mapping pass.

    op->setAttr(kTilingMarker, rewriter.getUnitAttr());
    auto tileAndFuse = [&](TilingInterface target, ArrayRef<int64_t> sizes,
                           bool byThreads, unsigned loops) -> Operation * {
      scf::SCFTilingOptions tiling;
      tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      SmallVector<OpFoldResult> values =
          getAsIndexOpFoldResult(&getContext(), sizes);
      if (byThreads)
        tiling.setNumThreads(values);
      else
        tiling.setTileSizes(values);
      tiling.setMapping(mappingFor(&getContext(), loops, byThreads));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      options.setFusionControlFn(fuseOnly(fusedProducers(target)));
      rewriter.setInsertionPoint(target);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(rewriter, target, options);
      if (failed(result)) {
        target->emitError("kiln-gpu-tile: cannot tile this op as its "
                          "kiln.schedule says");
        return nullptr;
      }
      for (OpResult r : target->getResults())
        if (Value v = result->replacements.lookup(r))
          rewriter.replaceAllUsesWith(r, v);
      for (Operation *tiled : result->tiledAndFusedOps)
        if (tiled->hasAttr(kTilingMarker))
          return tiled;
      target->emitError("kiln-gpu-tile: the tiled op was not found");
      return nullptr;
    };

    Operation *inBlock =
        tileAndFuse(cast<TilingInterface>(op.getOperation()), block,
                    /*byThreads=*/false, blockLoops);
    if (!inBlock)
      return failure();
    Operation *inThread = inBlock;
    if (threadLoops > 0) {
      inThread = tileAndFuse(cast<TilingInterface>(inBlock), threads,
                             /*byThreads=*/true, threadLoops);
      if (!inThread)
        return failure();
    }
    inThread->removeAttr(kTilingMarker);
    // The originals are dead once their uses are replaced (tensor ops).
    if (inBlock != inThread && inBlock->use_empty())
      rewriter.eraseOp(inBlock);
    if (op->use_empty())
      rewriter.eraseOp(op);
    return success();
  }
};

} // namespace
