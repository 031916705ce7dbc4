//===- ApproximateMath.cpp - Polynomial f32 transcendentals ---------------===//
//
// A libm call per element keeps a loop scalar; MLIR's polynomial
// approximations are arithmetic that LLVM's vectorizers (and the vector
// dialect) handle. Only f32 is rewritten (the approximations target it).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUAPPROXIMATEMATH
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct ApproximateMathPass
    : kiln::impl::KilnCPUApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          // Operation names, e.g. "math.tanh".
          return llvm::is_contained({"math.tanh", "math.erf", "math.exp",
                                     "math.exp2", "math.expm1", "math.log",
                                     "math.log2", "math.log1p"},
                                    name);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
