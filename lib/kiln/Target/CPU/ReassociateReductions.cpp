//===- ReassociateReductions.cpp - Vectorizable float reductions ----------===//
//
// The untiled reductions (softmax and norm statistics, kiln.reduce) become
// scalar loops; LLVM vectorizes a float reduction only when the combining
// operation may be reassociated, so that flag is set on exactly the
// combiners.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUREASSOCIATEREDUCTIONS
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct ReassociateReductionsPass
    : kiln::impl::KilnCPUReassociateReductionsBase<ReassociateReductionsPass> {
  void runOnOperation() override {
    getOperation().walk([](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0)
        return;
      Block *body = op.getBody();
      for (BlockArgument out : body->getArguments().drop_front(
               op.getNumDpsInputs())) {
        for (Operation *user : out.getUsers()) {
          if (!isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp,
                   arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp>(
                  user))
            continue;
          auto fm = dyn_cast<arith::ArithFastMathInterface>(user);
          if (!fm)
            continue;
          arith::FastMathFlags flags = fm.getFastMathFlagsAttr()
                                           ? fm.getFastMathFlagsAttr().getValue()
                                           : arith::FastMathFlags::none;
          user->setAttr(fm.getFastMathAttrName(),
                        arith::FastMathFlagsAttr::get(
                            user->getContext(),
                            flags | arith::FastMathFlags::reassoc));
        }
      }
    });
  }
};
} // namespace
