//===- InsertTokens.cpp - kiln-npu-insert-tokens --------------------------===//
//
// The three queues run independently; only tokens order them. Within one
// queue the hardware orders accesses itself (docs/npu.md), so only buffers
// that two queues touch need tokens (counting semaphores): one per hand-off
// of the buffer from one queue to the other in program order (usually one:
// `full`, producer to consumer), and `free`, which the last queue to use
// the buffer hands back to the first, credited with as many slots as the
// buffer has copies: what lets the DMA of tile i+1 run while tile i
// computes. Runs before kiln-npu-multi-buffer, while each
// tile's alloc still sits in the loop body that produces and consumes it.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Dialect/NPU/IR/NPUOps.h"
#include "kiln/Target/NPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

namespace kiln {
#define GEN_PASS_DEF_KILNNPUINSERTTOKENS
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::npu;

namespace {

/// Tokens 0..2 are the barrier between nests (functions of one nest need
/// none).
constexpr int32_t kBarrierTokens = 3;

StringRef queueOf(Operation *op) {
  if (auto dma = dyn_cast<DmaOp>(op))
    return dma.isLoad() ? "load" : "store";
  if (isa<DmaGatherOp>(op))
    return "load";
  if (isa<MatmulOp, VecUnaryOp, VecBinaryOp, VecReduceOp, VecSelectOp>(op))
    return "compute";
  return "";
}

/// The npu ops using `v` directly or through views.
void collectUsers(Value v, SmallVectorImpl<Operation *> &users) {
  for (Operation *user : v.getUsers()) {
    if (isa<memref::SubViewOp, memref::TransposeOp, memref::CastOp,
            memref::ReinterpretCastOp>(user)) {
      collectUsers(user->getResult(0), users);
      continue;
    }
    if (!queueOf(user).empty())
      users.push_back(user);
  }
}

struct InsertTokens : kiln::impl::KilnNPUInsertTokensBase<InsertTokens> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = lookupTarget(module);
    for (auto func : module.getOps<func::FuncOp>()) {
      SmallVector<scf::ExecuteRegionOp> nests;
      for (Operation &op : func.getBody().front())
        if (auto nest = dyn_cast<scf::ExecuteRegionOp>(op))
          nests.push_back(nest);
      for (auto [i, nest] : llvm::enumerate(nests)) {
        if (failed(syncNest(nest, target,
                            nests.size() > 1 ? kBarrierTokens : 0)))
          return signalPassFailure();
        if (i + 1 < nests.size())
          barrier(nest);
      }
    }
  }

  /// All queues finish everything before the next nest starts: load
  /// signals, compute waits and signals, store waits and releases both
  /// (token 2 counts to two).
  void barrier(Operation *after) {
    OpBuilder b(after->getContext());
    b.setInsertionPointAfter(after);
    Location loc = after->getLoc();
    SignalOp::create(b, loc, "load", 0);
    WaitOp::create(b, loc, "compute", 0);
    SignalOp::create(b, loc, "compute", 1);
    WaitOp::create(b, loc, "store", 1);
    SignalOp::create(b, loc, "store", 2);
    SignalOp::create(b, loc, "store", 2);
    WaitOp::create(b, loc, "load", 2);
    WaitOp::create(b, loc, "compute", 2);
  }

  LogicalResult syncNest(scf::ExecuteRegionOp nest, TargetAttr target,
                         int32_t firstToken) {
    int32_t next = firstToken;
    SmallVector<memref::AllocOp> allocs;
    nest.walk([&](memref::AllocOp a) {
      std::optional<MemSpace> s = getMemSpace(a.getType());
      if (s && *s != MemSpace::DRAM)
        allocs.push_back(a);
    });
    for (memref::AllocOp alloc : allocs) {
      SmallVector<Operation *> users;
      collectUsers(alloc.getResult(), users);
      if (users.empty())
        continue;
      // Program order = each queue's order; the walk visits in it.
      DenseMap<Operation *, unsigned> position;
      unsigned p = 0;
      nest.walk([&](Operation *op) { position[op] = p++; });
      llvm::sort(users, [&](Operation *x, Operation *y) {
        return position[x] < position[y];
      });
      // The users in runs of one queue, at the level of the alloc's block
      // (a loop holding users stands for them): each hand-off from one run
      // to the next is a token that the first run's queue signals after
      // its last use and the next run's queue awaits before its first. A
      // buffer may change hands several times (e.g. the compute queue
      // writes part of it, a DMA the rest, then the compute queue reads
      // both): one token per hand-off, so every wait has its signal
      // earlier in program order.
      struct Run {
        StringRef queue;
        Operation *first, *last;
      };
      SmallVector<Run> runs;
      StringRef other;
      Block *block = alloc->getBlock();
      for (Operation *u : users) {
        StringRef q = queueOf(u);
        Operation *a = block->findAncestorOpInBlock(*u);
        if (q != queueOf(users.front())) {
          if (!other.empty() && q != other)
            return alloc.emitOpError()
                   << "is used by three queues; the NPU lowering gives each "
                      "on-chip buffer at most two";
          other = q;
        }
        if (!runs.empty() && runs.back().queue == q) {
          runs.back().last = a;
          continue;
        }
        // Two queues' uses inside one op of the block (e.g. one loop): no
        // place between them in this block for the hand-off.
        if (!runs.empty() && runs.back().last == a)
          return alloc.emitOpError()
                 << "is used by the " << runs.back().queue << " and the " << q
                 << " queues inside one "
                 << a->getName()
                 << "; the NPU lowering allocates a buffer that two queues "
                    "share in the block that holds their uses";
        runs.push_back({q, a, a});
      }
      if (runs.size() < 2)
        continue;
      // `free`: the slots the last run's queue hands back to the first
      // run's queue (credited `slots` times up front); none when the same
      // queue opens and closes the buffer's use (its own order suffices).
      StringRef producer = runs.front().queue, consumer = runs.back().queue;
      bool needFree = producer != consumer;
      SmallVector<int32_t> handoff;
      int32_t free = -1;
      handoff.push_back(next++);
      if (needFree)
        free = next++;
      for (size_t k = 2; k < runs.size(); ++k)
        handoff.push_back(next++);
      if (target && uint32_t(next) > target.getTokens())
        return alloc.emitOpError()
               << "needs " << next << " tokens (per on-chip buffer shared "
               << "by two queues, one per hand-off between them and one for "
               << "its free slots" << (firstToken ? "; 3 for barriers" : "")
               << ") but " << target.getName() << " has "
               << target.getTokens();
      int64_t slots = 1;
      if (auto n = alloc->getAttrOfType<IntegerAttr>(kBuffersAttrName))
        slots = std::max<int64_t>(1, n.getInt());
      Location loc = alloc.getLoc();
      OpBuilder b(alloc->getContext());
      // Credit the free slots before the loop whose iterations rotate
      // through the copies and take them back after it: the copy index
      // restarts with every execution of that loop, so credits must not
      // carry from one execution to the next (an odd trip count would let
      // two tiles in flight share a copy). Unbuffered: around the nest.
      // When the loop runs a multiple of `slots` trips the rotation lines
      // up across executions and the credits stay at the nest.
      scf::ForOp owner;
      if (slots > 1)
        owner = dyn_cast_or_null<scf::ForOp>(alloc->getParentOp());
      if (owner && !owner->getParentOfType<scf::ForOp>())
        owner = {};
      if (owner) {
        std::optional<int64_t> lb = getConstantIntValue(owner.getLowerBound()),
                               ub = getConstantIntValue(owner.getUpperBound()),
                               st = getConstantIntValue(owner.getStep());
        if (lb && ub && st && *st > 0 &&
            ((*ub - *lb + *st - 1) / *st) % slots == 0)
          owner = {};
      }
      if (needFree) {
        if (owner)
          b.setInsertionPoint(owner);
        else
          b.setInsertionPointToStart(&nest.getRegion().front());
        for (int64_t s = 0; s < slots; ++s)
          SignalOp::create(b, loc, consumer, free);
        b.setInsertionPoint(runs.front().first);
        WaitOp::create(b, loc, producer, free);
      }
      for (size_t k = 0; k + 1 < runs.size(); ++k) {
        b.setInsertionPointAfter(runs[k].last);
        SignalOp::create(b, loc, runs[k].queue, handoff[k]);
        b.setInsertionPoint(runs[k + 1].first);
        WaitOp::create(b, loc, runs[k + 1].queue, handoff[k]);
      }
      if (needFree) {
        b.setInsertionPointAfter(runs.back().last);
        SignalOp::create(b, loc, consumer, free);
        if (owner)
          b.setInsertionPointAfter(owner);
        else
          b.setInsertionPoint(nest.getRegion().front().getTerminator());
        for (int64_t s = 0; s < slots; ++s)
          WaitOp::create(b, loc, producer, free);
      }
    }
    return success();
  }
};
} // namespace
