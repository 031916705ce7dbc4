//===- FormFusionGroups.cpp - kiln-form-fusion-groups ---------------------===//
//
// Decides which kiln ops are tiled and fused together and writes the
// decision as `kiln.fusion_group = N : i64`; kiln-select-schedules copies it
// into the schedule's `group`, the CPU tiling reads it. Nothing is rewritten
// (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFORMFUSIONGROUPS
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

constexpr llvm::StringLiteral kFusionGroupAttrName = "kiln.fusion_group";

/// Ops that start a group and can take elementwise consumers: a matmul
/// (epilogue fusion) and the normalizations. At most one per group.
bool isAnchor(Operation *op) {
  return isa<MatmulOp, LayerNormOp, RmsNormOp, SoftmaxOp>(op);
}

/// Elementwise ops (with NumPy broadcasting for the binary ones).
bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, ExpOp, LogOp,
             TanhOp, ErfOp, SqrtOp, RsqrtOp, NegOp, AbsOp, ReluOp, SigmoidOp,
             SiluOp, GeluOp, CastOp, WhereOp>(op);
}

/// True when `consumer` computes exactly as many elements as `producer`
/// in the same shape: no broadcast enlarges the consumer beyond the
/// producer. Dynamic dimensions only match for unary ops (which keep the
/// shape by definition).
bool sameShape(Operation *producer, Operation *consumer) {
  auto p = dyn_cast<RankedTensorType>(producer->getResult(0).getType());
  auto c = dyn_cast<RankedTensorType>(consumer->getResult(0).getType());
  if (!p || !c || p.getShape() != c.getShape())
    return false;
  return p.hasStaticShape() || consumer->getNumOperands() == 1;
}

struct Groups {
  struct Group {
    int parent;
    bool anchored;
  };
  llvm::SmallVector<Group> groups;

  int make(bool anchored) {
    groups.push_back({static_cast<int>(groups.size()), anchored});
    return groups.back().parent;
  }
  int find(int g) {
    while (groups[g].parent != g)
      g = groups[g].parent = groups[groups[g].parent].parent;
    return g;
  }
  /// Merges `b` into `a`; returns the representative.
  int merge(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b)
      return a;
    groups[b].parent = a;
    groups[a].anchored |= groups[b].anchored;
    return a;
  }
};

struct FormFusionGroups
    : kiln::impl::KilnFormFusionGroupsBase<FormFusionGroups> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Groups groups;
    llvm::DenseMap<Operation *, int> groupOf;
    llvm::SmallVector<Operation *> order; // grouped ops, program order

    module.walk([&](Operation *op) {
      if (!isa<KilnDialect>(op->getDialect()))
        return;
      op->removeAttr(kFusionGroupAttrName);
      if (op->getNumResults() != 1)
        return;
      if (isAnchor(op)) {
        groupOf[op] = groups.make(/*anchored=*/true);
        order.push_back(op);
        return;
      }
      if (!isElementwise(op))
        return; // data movement, reductions, attention, ...: never fused

      // Producers this op may join: in a group, in this block, used only
      // here, and not smaller than this op.
      int joined = -1;
      for (Value operand : op->getOperands()) {
        Operation *producer = operand.getDefiningOp();
        if (!producer || producer->getBlock() != op->getBlock())
          continue;
        auto it = groupOf.find(producer);
        if (it == groupOf.end())
          continue;
        if (!producer->getResult(0).hasOneUse() || !sameShape(producer, op))
          continue;
        int g = groups.find(it->second);
        if (joined < 0) {
          joined = g;
          continue;
        }
        // A second fusible producer: merge unless both groups already
        // hold a matmul or normalization (one anchor per group).
        if (groups.groups[joined].anchored && groups.groups[g].anchored)
          continue;
        joined = groups.merge(joined, g);
      }
      groupOf[op] = joined >= 0 ? joined : groups.make(/*anchored=*/false);
      order.push_back(op);
    });

    // Number the groups with two or more ops by their first op.
    llvm::DenseMap<int, int> size;
    for (Operation *op : order)
      ++size[groups.find(groupOf[op])];
    llvm::DenseMap<int, int64_t> id;
    Builder b(&getContext());
    for (Operation *op : order) {
      int g = groups.find(groupOf[op]);
      if (size[g] < 2)
        continue;
      auto [it, inserted] = id.try_emplace(g, static_cast<int64_t>(id.size()));
      op->setAttr(kFusionGroupAttrName, b.getI64IntegerAttr(it->second));
    }
  }
};

} // namespace
