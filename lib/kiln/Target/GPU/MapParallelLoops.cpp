//===- MapParallelLoops.cpp - kiln-gpu-map-parallel-loops -----------------===//
//
// Gives every host-level scf.parallel the #gpu.loop_dim_map mapping that
// convert-parallel-loops-to-gpu turns into a gpu.launch: the block and
// thread loops of kiln-gpu-tile keep their roles, loops of ops without a
// schedule are split into blocks of `threads` threads, and memory-touching
// host code outside any loop is wrapped in a one-thread launch (the host
// cannot dereference device memory).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUMAPPARALLELLOOPS
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

enum class Level { Block, Thread, Sequential };

/// The role kiln-gpu-tile gave a loop (scf-forall-to-parallel keeps the
/// forall's mapping attribute), if any.
std::optional<Level> taggedLevel(scf::ParallelOp loop) {
  auto mapping = loop->getAttrOfType<ArrayAttr>(gpu::getMappingAttrName());
  if (!mapping || mapping.empty())
    return std::nullopt;
  if (isa<gpu::GPUBlockMappingAttr>(mapping[0]))
    return Level::Block;
  if (isa<gpu::GPUThreadMappingAttr>(mapping[0]))
    return Level::Thread;
  return std::nullopt;
}

/// Collapses `loop` to at most `maxDims` dimensions (the leading ones are
/// merged) and returns the new loop.
scf::ParallelOp collapseTo(RewriterBase &rewriter, scf::ParallelOp loop,
                           unsigned maxDims) {
  unsigned n = loop.getNumLoops();
  if (n <= maxDims)
    return loop;
  std::vector<std::vector<unsigned>> groups(1);
  unsigned lead = n - maxDims + 1;
  for (unsigned i = 0; i < lead; ++i)
    groups[0].push_back(i);
  for (unsigned i = lead; i < n; ++i)
    groups.push_back({i});
  Operation *next = loop->getNextNode();
  collapseParallelLoops(rewriter, loop, groups);
  return cast<scf::ParallelOp>(next->getPrevNode());
}

/// Maps the dimensions of `loop` (at most 3 at block/thread level), the
/// innermost to x.
void setMapping(scf::ParallelOp loop, Level level) {
  MLIRContext *ctx = loop.getContext();
  unsigned n = loop.getNumLoops();
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (unsigned i = 0; i < n; ++i) {
    gpu::Processor p = gpu::Processor::Sequential;
    unsigned fromInner = n - 1 - i;
    if (level != Level::Sequential && fromInner < 3)
      p = static_cast<gpu::Processor>(
          (level == Level::Block ? 0 : 3) + fromInner);
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(ctx, p, id, id));
  }
  (void)gpu::setMappingAttr(loop, mapping);
}

/// True once a loop has its #gpu.loop_dim_map mapping.
bool isMapped(scf::ParallelOp loop) {
  auto mapping = loop->getAttrOfType<ArrayAttr>(gpu::getMappingAttrName());
  return mapping && !mapping.empty() &&
         isa<gpu::ParallelLoopDimMappingAttr>(mapping[0]);
}

/// True when `op` (or anything in it) reads or writes memory.
bool touchesMemory(Operation *op) {
  bool found = false;
  op->walk([&](Operation *inner) {
    if (isa<memref::LoadOp, memref::StoreOp, vector::TransferReadOp,
            vector::TransferWriteOp, vector::LoadOp, vector::StoreOp>(inner))
      found = true;
  });
  return found;
}

struct MapParallelLoopsPass
    : kiln::impl::KilnGPUMapParallelLoopsBase<MapParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal() || fn->getParentOfType<gpu::GPUModuleOp>())
      return;
    IRRewriter rewriter(&getContext());

    // Host code outside any loop that touches memory: one block, one thread.
    SmallVector<Operation *> sequential;
    fn.walk([&](Operation *op) {
      if (op == fn || isa<scf::ParallelOp, gpu::LaunchOp>(op) ||
          op->getParentOfType<scf::ParallelOp>() ||
          op->getParentOfType<gpu::LaunchOp>())
        return WalkResult::advance();
      if (!isa<func::FuncOp>(op->getParentOp()) || !touchesMemory(op))
        return WalkResult::advance();
      sequential.push_back(op);
      return WalkResult::skip();
    });
    for (Operation *op : sequential) {
      if (op->getNumResults() != 0 && !op->use_empty()) {
        op->emitError("kiln-gpu-map-parallel-loops: host code reads device "
                      "memory into a value the host uses; it cannot run in "
                      "a kernel");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(op);
      Location loc = op->getLoc();
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      auto wrapper = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                             ValueRange{one}, ValueRange{one});
      rewriter.moveOpBefore(op, wrapper.getBody()->getTerminator());
      setMapping(wrapper, Level::Block);
    }

    SmallVector<scf::ParallelOp> outermost;
    fn.walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<gpu::LaunchOp>())
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost) {
      if (isMapped(loop))
        continue; // a wrapper made above
      if (taggedLevel(loop) == Level::Thread) {
        // Its one-iteration block loop was folded away: one block again.
        rewriter.setInsertionPoint(loop);
        Location loc = loop.getLoc();
        Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
        Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
        auto block = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                             ValueRange{one}, ValueRange{one});
        rewriter.moveOpBefore(loop, block.getBody()->getTerminator());
        setMapping(block, Level::Block);
        mapNested(rewriter, block);
        continue;
      }
      if (taggedLevel(loop) == Level::Block) {
        scf::ParallelOp blocks = collapseTo(rewriter, loop, 3);
        setMapping(blocks, Level::Block);
        mapNested(rewriter, blocks);
        if (failed(checkNoWritesOutsideThreads(blocks)))
          return signalPassFailure();
        continue;
      }
      // No schedule: one thread per point of the collapsed loop, blocks of
      // `threads` threads.
      scf::ParallelOp flat = collapseTo(rewriter, loop, 1);
      if (failed(verifyConstantTripCounts(flat))) {
        setMapping(flat, Level::Block);
        mapNested(rewriter, flat);
        continue;
      }
      auto [outer, inner] =
          scf::tileParallelLoop(flat, {threads}, /*noMinMaxBounds=*/true);
      setMapping(outer, Level::Block);
      setMapping(inner, Level::Thread);
      SmallVector<scf::ParallelOp> nested;
      inner.walk([&](scf::ParallelOp loop) {
        if (loop != inner)
          nested.push_back(loop);
      });
      for (scf::ParallelOp loop : nested)
        sequentialize(rewriter, loop);
    }
  }

  /// Every thread of a block runs the block loop's body; with a thread loop
  /// in it, a write outside that loop would be done by all threads at once
  /// (kiln-gpu-tile fuses producers into the thread loop, so none is
  /// expected). Refused rather than emitted racy.
  LogicalResult checkNoWritesOutsideThreads(scf::ParallelOp blocks) {
    auto isThreadLoop = [](Operation *op) {
      auto loop = dyn_cast<scf::ParallelOp>(op);
      if (!loop || !isMapped(loop))
        return false;
      auto mapping =
          loop->getAttrOfType<ArrayAttr>(gpu::getMappingAttrName());
      return llvm::any_of(mapping, [](Attribute a) {
        auto p = cast<gpu::ParallelLoopDimMappingAttr>(a).getProcessor();
        return p == gpu::Processor::ThreadX || p == gpu::Processor::ThreadY ||
               p == gpu::Processor::ThreadZ;
      });
    };
    bool hasThreads = false;
    blocks.getBody()->walk([&](Operation *op) {
      hasThreads |= isThreadLoop(op);
    });
    if (!hasThreads)
      return success(); // One thread per block.
    WalkResult result = blocks.getBody()->walk<WalkOrder::PreOrder>(
        [&](Operation *op) {
      if (isThreadLoop(op))
        return WalkResult::skip();
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (effects && effects.hasEffect<MemoryEffects::Write>() &&
          !isa<memref::AllocaOp>(op)) {
        op->emitError("kiln-gpu-map-parallel-loops: this write would be "
                      "done by every thread of the block (it is outside the "
                      "block's thread loop)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  /// Only tile loops whose step is constant (tileParallelLoop needs it).
  LogicalResult verifyConstantTripCounts(scf::ParallelOp loop) {
    for (Value step : loop.getStep())
      if (!getConstantIntValue(step))
        return failure();
    return success();
  }

  /// The thread loop directly in `blocks` keeps the thread role; every other
  /// nested loop runs sequentially in its thread.
  void mapNested(RewriterBase &rewriter, scf::ParallelOp blocks) {
    SmallVector<scf::ParallelOp> threadLoops;
    blocks.getBody()->walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>() == blocks &&
          taggedLevel(loop) == Level::Thread)
        threadLoops.push_back(loop);
    });
    for (scf::ParallelOp loop : threadLoops)
      setMapping(collapseTo(rewriter, loop, 3), Level::Thread);
    SmallVector<scf::ParallelOp> rest;
    blocks.getBody()->walk([&](scf::ParallelOp loop) {
      if (!isMapped(loop))
        rest.push_back(loop);
    });
    // Innermost first (walk is post-order), so bodies are moved intact.
    for (scf::ParallelOp loop : rest)
      sequentialize(rewriter, loop);
  }

  /// A loop that runs inside one thread becomes scf.for loops:
  /// convert-parallel-loops-to-gpu accepts at most one nested scf.parallel
  /// per mapped loop and no side effects before it.
  void sequentialize(RewriterBase &rewriter, scf::ParallelOp loop) {
    if (loop.getNumResults() != 0) {
      setMapping(loop, Level::Sequential);
      return;
    }
    rewriter.setInsertionPoint(loop);
    SmallVector<Value> ivs;
    Operation *yieldPoint = nullptr;
    for (unsigned i = 0; i < loop.getNumLoops(); ++i) {
      auto f = scf::ForOp::create(rewriter, loop.getLoc(),
                                  loop.getLowerBound()[i],
                                  loop.getUpperBound()[i], loop.getStep()[i]);
      ivs.push_back(f.getInductionVar());
      yieldPoint = f.getBody()->getTerminator();
      rewriter.setInsertionPoint(yieldPoint);
    }
    Block *body = loop.getBody();
    rewriter.eraseOp(body->getTerminator());
    rewriter.inlineBlockBefore(body, yieldPoint, ivs);
    rewriter.eraseOp(loop);
  }
};

} // namespace
