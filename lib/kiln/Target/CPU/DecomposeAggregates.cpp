//===- DecomposeAggregates.cpp - Decompose aggregate linalg ops -------------===//
//
// convert-linalg-to-loops handles structured ops only, so linalg.softmax and
// other aggregate ops are replaced by their upstream decomposition first.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUDECOMPOSEAGGREGATES
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct DecomposeAggregatesPass
    : kiln::impl::KilnCPUDecomposeAggregatesBase<DecomposeAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      Operation *before = op->getPrevNode();
      FailureOr<SmallVector<Value>> values = op.decomposeOperation(rewriter);
      if (failed(values)) {
        op->emitError("the cpu target cannot decompose this op");
        return signalPassFailure();
      }
      // The parts iterate over the aggregate's domain (softmax: the same
      // loops, the axis a reduction or parallel): its schedule applies to
      // each part with as many loops.
      if (Attribute schedule = op->getAttr(kiln::kScheduleAttrName)) {
        // (linalg.softmax is not a LinalgOp: its domain is its input's.)
        auto input = dyn_cast<ShapedType>(op->getOperand(0).getType());
        int64_t loops = input && input.hasRank() ? input.getRank() : -1;
        for (Operation *part = before ? before->getNextNode()
                                      : &op->getBlock()->front();
             part && part != op.getOperation(); part = part->getNextNode())
          if (auto linalgOp = dyn_cast<linalg::LinalgOp>(part))
            if (int64_t(linalgOp.getNumLoops()) == loops)
              part->setAttr(kiln::kScheduleAttrName, schedule);
      }
      rewriter.replaceOp(op, *values);
    }
  }
};

} // namespace
