//===- SequentializeNestedParallel.cpp - One parallel region per nest -----===//
//
// Nested OpenMP parallelism is off by default: an inner parallel region
// would only add a serialized fork per outer iteration. So every
// scf.forall / scf.parallel nested in another becomes scf.for loops before
// convert-scf-to-openmp, which would otherwise make each its own region.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUSEQUENTIALIZENESTEDPARALLEL
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {

/// True when `op` lies inside another scf.forall or scf.parallel.
bool isNestedInParallelLoop(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<scf::ForallOp, scf::ParallelOp>(parent))
      return true;
  return false;
}

/// Moves the operations of `body` (all but its terminator, which must not
/// use them) into a memref.alloca_scope when some of them allocate on the
/// stack: an iteration's memref.alloca then lives for that iteration only,
/// as in the parallel loop, instead of growing the stack on every iteration
/// of the sequential loop it becomes.
void wrapBodyInAllocaScope(OpBuilder &builder, Block *body) {
  bool allocates = false;
  body->walk([&](memref::AllocaOp) { allocates = true; });
  Operation *terminator = body->getTerminator();
  if (!allocates || terminator == &body->front())
    return;
  builder.setInsertionPoint(terminator);
  auto scope =
      memref::AllocaScopeOp::create(builder, terminator->getLoc(), TypeRange());
  Block *inner = new Block();
  scope.getBodyRegion().push_back(inner);
  inner->getOperations().splice(inner->end(), body->getOperations(),
                                body->begin(), Block::iterator(scope));
  builder.setInsertionPointToEnd(inner);
  memref::AllocaScopeReturnOp::create(builder, terminator->getLoc(),
                                      ValueRange());
}

struct SequentializeNestedParallelPass
    : kiln::impl::KilnCPUSequentializeNestedParallelBase<
          SequentializeNestedParallelPass> {
  void runOnOperation() override {
    // Post-order: inner loops come before the loops that contain them.
    SmallVector<Operation *> nested;
    getOperation().walk([&](Operation *op) {
      if (isa<scf::ForallOp, scf::ParallelOp>(op) && isNestedInParallelLoop(op))
        nested.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : nested) {
      rewriter.setInsertionPoint(op);
      if (auto forall = dyn_cast<scf::ForallOp>(op)) {
        // The tensor form (shared_outs) is left as it is.
        if (forall.getNumResults() != 0)
          continue;
        wrapBodyInAllocaScope(rewriter, forall.getBody());
        rewriter.setInsertionPoint(forall);
        (void)scf::forallToForLoop(rewriter, forall);
        continue;
      }
      auto parallel = cast<scf::ParallelOp>(op);
      if (parallel.getNumResults() != 0)
        continue; // A reduction: stays a (serialized) nested region.
      wrapBodyInAllocaScope(rewriter, parallel.getBody());
      rewriter.setInsertionPoint(parallel);
      (void)scf::parallelForToNestedFors(rewriter, parallel);
    }
  }
};

} // namespace
