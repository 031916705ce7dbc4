//===- RecognizeGelu.cpp - kiln-recognize-gelu ----------------------------===//
//
// Rewrites 0.5 * x * (1 + erf(x / sqrt(2))), written out op by op as ONNX
// exports have it, into kiln.gelu (approximate = erf), and
// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) (GPT-2's "new"
// GELU, torch's approximate='tanh') into kiln.gelu (approximate = tanh).
// Only exact rewrites: the constants must be 0.5, 1, sqrt(2) (or
// 1/sqrt(2) as a factor), sqrt(2/pi) and 0.044715 to within the rounding
// of their type, every intermediate has one use and nothing broadcasts x
// bigger (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "PatternMatchers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <optional>

namespace kiln {
#define GEN_PASS_DEF_KILNRECOGNIZEGELU
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::recognize;

namespace {

/// True when `v` is a splat float kiln.constant within one unit in the last
/// place (of its type) of `target`.
bool isSplatNear(Value v, double target) {
  std::optional<APFloat> value = splatFloat(v);
  if (!value)
    return false;
  double ulp = std::ldexp(
      1.0, 1 - int(APFloat::semanticsPrecision(value->getSemantics())));
  return std::fabs(value->convertToDouble() - target) <=
         std::fabs(target) * ulp;
}

/// The op computing `s * x * 0.5` in any association, where `s` (the
/// `1 + erf/tanh(...)` factor) and each intermediate have one use and the
/// type `type`; null when there is none.
Operation *matchHalfXTimes(Value s, Value x, Type type) {
  auto m1 = singleUser<MulOp>(s);
  if (!m1 || m1.getType() != type)
    return nullptr;
  Value other = otherOperand(m1, s);
  if (other == x || isSplatNear(other, 0.5)) {
    // (x * s) * 0.5  or  (s * 0.5) * x
    auto m2 = singleUser<MulOp>(m1.getResult());
    Value last = m2 ? otherOperand(m2, m1.getResult()) : Value();
    bool ok = m2 && m2.getType() == type &&
              (other == x ? isSplatNear(last, 0.5) : last == x);
    return ok ? m2.getOperation() : nullptr;
  }
  if (auto half = other.getDefiningOp<MulOp>()) {
    // s * (x * 0.5)
    Value c = otherOperand(half, x);
    if (half.getResult().hasOneUse() && half.getType() == type && c &&
        isSplatNear(c, 0.5))
      return m1;
  }
  return nullptr;
}

/// The single-use `1 + v` (in either order) of type `type`, or null.
Value onePlus(Value v, Type type) {
  auto add = singleUser<AddOp>(v);
  Value one = add ? otherOperand(add, v) : Value();
  if (!add || add.getType() != type || !isSplatNear(one, 1.0))
    return {};
  return add.getResult();
}

/// When `v` is `c * y` or `y * c` with a splat `c` near `factor` and `v` of
/// type `type`: y. Else null.
Value scaledBy(Value v, double factor, Type type) {
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul || mul.getType() != type)
    return {};
  if (isSplatNear(mul.getLhs(), factor))
    return mul.getRhs();
  if (isSplatNear(mul.getRhs(), factor))
    return mul.getLhs();
  return {};
}

/// True when the single-use `v` is x^3: pow(x, 3), x * (x * x) or
/// (x * x) * x.
bool isCubeOf(Value v, Value x) {
  if (!v.hasOneUse())
    return false;
  if (auto pow = v.getDefiningOp<PowOp>())
    return pow.getLhs() == x && isSplatNear(pow.getRhs(), 3.0);
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul)
    return false;
  Value square = otherOperand(mul, x);
  auto sq = square ? square.getDefiningOp<MulOp>() : MulOp();
  return sq && square.hasOneUse() && sq.getLhs() == x && sq.getRhs() == x;
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
    Value s = onePlus(erf.getResult(), type);
    if (!s)
      return rewriter.notifyMatchFailure(erf, "no single-use erf + 1");

    // The product of x, s and 0.5 in any association.
    Operation *root = matchHalfXTimes(s, x, type);
    if (!root)
      return rewriter.notifyMatchFailure(erf, "not 0.5 * x * (1 + erf)");
    rewriter.replaceOpWithNewOp<GeluOp>(root, type, x, GeluApproximation::erf);
    return success();
  }
};

struct FuseTanhGelu : OpRewritePattern<TanhOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TanhOp tanh,
                                PatternRewriter &rewriter) const override {
    Type type = tanh.getType();
    // v = sqrt(2/pi) * inner
    Value v = tanh.getInput();
    Value inner = v.hasOneUse()
                      ? scaledBy(v, std::sqrt(2.0 / llvm::numbers::pi), type)
                      : Value();
    auto add = inner && inner.hasOneUse() ? inner.getDefiningOp<AddOp>()
                                          : AddOp();
    if (!add || add.getType() != type)
      return rewriter.notifyMatchFailure(
          tanh, "tanh input is not sqrt(2/pi) * (x + ...)");
    // inner = x + 0.044715 * x^3, in either order.
    Value x;
    for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                        std::pair(add.getRhs(), add.getLhs())}) {
      Value cube = b.hasOneUse() ? scaledBy(b, 0.044715, type) : Value();
      if (cube && a.getType() == type && isCubeOf(cube, a)) {
        x = a;
        break;
      }
    }
    if (!x)
      return rewriter.notifyMatchFailure(
          tanh, "not tanh(sqrt(2/pi) * (x + 0.044715 * x^3))");

    Value s = onePlus(tanh.getResult(), type);
    if (!s)
      return rewriter.notifyMatchFailure(tanh, "no single-use tanh + 1");
    Operation *root = matchHalfXTimes(s, x, type);
    if (!root)
      return rewriter.notifyMatchFailure(tanh, "not 0.5 * x * (1 + tanh)");
    rewriter.replaceOpWithNewOp<GeluOp>(root, type, x,
                                        GeluApproximation::tanh);
    return success();
  }
};

struct RecognizeGelu : kiln::impl::KilnRecognizeGeluBase<RecognizeGelu> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseErfGelu, FuseTanhGelu>(&getContext());
    if (failed(recognize::applyOnlyPatterns(getOperation(),
                                            std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
