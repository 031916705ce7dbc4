//===- InsertTokens.cpp - kiln-npu-insert-tokens --------------------------===//
//
// The three queues run independently; only tokens order them. Within one
// queue the hardware orders accesses itself (docs/npu.md), so only buffers
// that two queues touch need tokens: a producer/consumer pair of counting
// semaphores per buffer (full, free), with `free` credited with as many
// slots as the buffer has copies, which is what lets the DMA of tile i+1
// run while tile i computes. Runs before kiln-npu-multi-buffer, while each
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
      StringRef producer = queueOf(users.front()), consumer;
      for (Operation *u : users) {
        StringRef q = queueOf(u);
        if (q == producer)
          continue;
        if (!consumer.empty() && q != consumer)
          return alloc.emitOpError()
                 << "is used by three queues; the NPU lowering gives each "
                    "on-chip buffer one producer and one consumer queue";
        consumer = q;
      }
      if (consumer.empty())
        continue;
      Block *block = alloc->getBlock();
      Operation *firstP = nullptr, *lastP = nullptr, *firstC = nullptr,
                *lastC = nullptr;
      for (Operation *u : users) {
        Operation *a = block->findAncestorOpInBlock(*u);
        if (queueOf(u) == producer) {
          firstP = firstP ? firstP : a;
          lastP = a;
        } else {
          firstC = firstC ? firstC : a;
          lastC = a;
        }
      }
      int32_t full = next++, free = next++;
      if (target && uint32_t(next) > target.getTokens())
        return alloc.emitOpError()
               << "needs " << next << " tokens (2 per on-chip buffer shared "
               << "by two queues" << (firstToken ? ", 3 for barriers" : "")
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
      if (owner)
        b.setInsertionPoint(owner);
      else
        b.setInsertionPointToStart(&nest.getRegion().front());
      for (int64_t s = 0; s < slots; ++s)
        SignalOp::create(b, loc, consumer, free);
      b.setInsertionPoint(firstP);
      WaitOp::create(b, loc, producer, free);
      b.setInsertionPointAfter(lastP);
      SignalOp::create(b, loc, producer, full);
      b.setInsertionPoint(firstC);
      WaitOp::create(b, loc, consumer, full);
      b.setInsertionPointAfter(lastC);
      SignalOp::create(b, loc, consumer, free);
      if (owner)
        b.setInsertionPointAfter(owner);
      else
        b.setInsertionPoint(nest.getRegion().front().getTerminator());
      for (int64_t s = 0; s < slots; ++s)
        WaitOp::create(b, loc, producer, free);
    }
    return success();
  }
};
} // namespace
