//===- RecognizeGelu.cpp - kiln-recognize-gelu ----------------------------===//
//
// Rewrites 0.5 * x * (1 + erf(x / sqrt(2))), written out op by op as ONNX
// exports have it, into kiln.gelu (approximate = erf). Only exact
// rewrites: the constants must be 0.5, 1 and sqrt(2) (or 1/sqrt(2) as a
// factor) to within the rounding of their type, every intermediate has one
// use and nothing broadcasts x bigger (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <optional>

namespace kiln {
#define GEN_PASS_DEF_KILNRECOGNIZEGELU
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// True when `v` is a splat float kiln.constant within one unit in the last
/// place (of its type) of `target`.
bool isSplatNear(Value v, double target) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.isSplat() ||
      !isa<FloatType>(elements.getElementType()))
    return false;
  APFloat value = elements.getSplatValue<APFloat>();
  double ulp = std::ldexp(
      1.0, 1 - int(APFloat::semanticsPrecision(value.getSemantics())));
  return std::fabs(value.convertToDouble() - target) <= std::fabs(target) * ulp;
}

/// The single user of `v` when it is an `OpTy`, else null.
template <typename OpTy>
OpTy singleUser(Value v) {
  if (!v.hasOneUse())
    return {};
  return dyn_cast<OpTy>(*v.getUsers().begin());
}

/// The operand of the binary `op` that is not `v` (null if neither is).
Value otherOperand(Operation *op, Value v) {
  if (op->getOperand(0) == v)
    return op->getOperand(1);
  if (op->getOperand(1) == v)
    return op->getOperand(0);
  return {};
}

struct FuseErfGelu : OpRewritePattern<ErfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ErfOp erf,
                                PatternRewriter &rewriter) const override {
    Type type = erf.getType();
    // u = x / sqrt(2)  or  x * (1 / sqrt(2))
    Value u = erf.getInput(), x;
    if (!u.hasOneUse() || u.getType() != type)
      return rewriter.notifyMatchFailure(erf, "erf input not single-use");
    if (auto div = u.getDefiningOp<DivOp>()) {
      if (isSplatNear(div.getRhs(), std::sqrt(2.0)))
        x = div.getLhs();
    } else if (auto mul = u.getDefiningOp<MulOp>()) {
      if (isSplatNear(mul.getRhs(), 1.0 / std::sqrt(2.0)))
        x = mul.getLhs();
      else if (isSplatNear(mul.getLhs(), 1.0 / std::sqrt(2.0)))
        x = mul.getRhs();
    }
    if (!x || x.getType() != type)
      return rewriter.notifyMatchFailure(erf, "erf input is not x / sqrt(2)");

    // s = erf + 1
    auto add = singleUser<AddOp>(erf.getResult());
    Value one = add ? otherOperand(add, erf.getResult()) : Value();
    if (!add || add.getType() != type || !isSplatNear(one, 1.0))
      return rewriter.notifyMatchFailure(erf, "no single-use erf + 1");
    Value s = add.getResult();

    // The product of x, s and 0.5 in any association.
    auto m1 = singleUser<MulOp>(s);
    if (!m1 || m1.getType() != type)
      return rewriter.notifyMatchFailure(erf, "1 + erf is not multiplied");
    Value other = otherOperand(m1, s);
    Operation *root = nullptr;
    if (other == x || isSplatNear(other, 0.5)) {
      // (x * s) * 0.5  or  (s * 0.5) * x
      auto m2 = singleUser<MulOp>(m1.getResult());
      Value last = m2 ? otherOperand(m2, m1.getResult()) : Value();
      bool ok = m2 && m2.getType() == type &&
                (other == x ? isSplatNear(last, 0.5) : last == x);
      if (ok)
        root = m2;
    } else if (auto half = other.getDefiningOp<MulOp>()) {
      // s * (x * 0.5)
      Value c = otherOperand(half, x);
      if (half.getResult().hasOneUse() && half.getType() == type && c &&
          isSplatNear(c, 0.5))
        root = m1;
    }
    if (!root)
      return rewriter.notifyMatchFailure(erf, "not 0.5 * x * (1 + erf)");
    rewriter.replaceOpWithNewOp<GeluOp>(root, type, x, GeluApproximation::erf);
    return success();
  }
};

struct RecognizeGelu : kiln::impl::KilnRecognizeGeluBase<RecognizeGelu> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseErfGelu>(&getContext());
    // Only the pattern; the replaced chain is pure and the driver erases it.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace
