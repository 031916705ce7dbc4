//===- ContractFMA.cpp - kiln-gpu-contract-fma ----------------------------===//
//
// a * b + c as one fused multiply-add in kernels (CUDA's -fmad=true).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUCONTRACTFMA
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
struct ContractFMAPass : kiln::impl::KilnGPUContractFMABase<ContractFMAPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<arith::AddFOp> adds;
    getOperation().walk([&](arith::AddFOp add) { adds.push_back(add); });
    for (arith::AddFOp add : adds) {
      for (unsigned i = 0; i < 2; ++i) {
        auto mul = add->getOperand(i).getDefiningOp<arith::MulFOp>();
        if (!mul || !mul->hasOneUse())
          continue;
        Value other = add->getOperand(1 - i);
        rewriter.setInsertionPoint(add);
        rewriter.replaceOpWithNewOp<math::FmaOp>(add, mul.getLhs(),
                                                 mul.getRhs(), other);
        rewriter.eraseOp(mul);
        break;
      }
    }
  }
};
} // namespace
