//===- RecognizeAttention.cpp - kiln-recognize-attention ------------------===//
//
// Rewrites the decomposed form of scaled dot-product attention
//
//   softmax(matmul(q, k^T) [* c | / c] [+ mask], axis -1) @ v
//
// into one kiln.attention. Only exact rewrites: the scale written on the op
// is the constant's value (omitted only when it equals the default
// 1/sqrt(D)), the mask is the added tensor, no head broadcasting is
// inferred, and every intermediate must have a single use
// (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "PatternMatchers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <optional>

namespace kiln {
#define GEN_PASS_DEF_KILNRECOGNIZEATTENTION
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::recognize;

namespace {

/// A static rank-4 tensor of f32, f16 or bf16, or null.
RankedTensorType rank4Float(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || t.getRank() != 4 || !t.hasStaticShape())
    return {};
  Type e = t.getElementType();
  if (!e.isF32() && !e.isF16() && !e.isBF16())
    return {};
  return t;
}

bool hasOneUse(Value v) { return v.hasOneUse(); }

struct FuseAttention : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp pv,
                                PatternRewriter &rewriter) const override {
    // o = matmul(p, v)
    if (pv.getTransposeA() || pv.getTransposeB())
      return rewriter.notifyMatchFailure(pv, "p @ v with a transpose");
    auto softmax = pv.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || !hasOneUse(softmax.getResult()))
      return rewriter.notifyMatchFailure(pv, "lhs is not a single-use softmax");
    Value v = pv.getRhs();
    auto vType = rank4Float(v);
    auto probsType = rank4Float(softmax.getResult());
    if (!vType || !probsType)
      return rewriter.notifyMatchFailure(pv, "not static rank-4 float");
    int64_t axis = softmax.getAxis();
    if (axis != -1 && axis != 3)
      return rewriter.notifyMatchFailure(pv, "softmax not over the last axis");

    // Optional mask: s = add(scores, mask) (either operand order).
    Value scores = softmax.getInput();
    Value mask;
    if (auto add = scores.getDefiningOp<AddOp>()) {
      if (!hasOneUse(add.getResult()))
        return rewriter.notifyMatchFailure(pv, "masked scores used twice");
      Value lhs = add.getLhs(), rhs = add.getRhs();
      auto producesScores = [](Value x) {
        Operation *def = x.getDefiningOp();
        return def && isa<MatmulOp, MulOp, DivOp>(def);
      };
      // The scores side is the one computed by matmul/mul/div; prefer lhs.
      if (!producesScores(lhs) && producesScores(rhs))
        std::swap(lhs, rhs);
      auto maskType = dyn_cast<RankedTensorType>(rhs.getType());
      if (!maskType || !maskType.hasStaticShape() || maskType.getRank() > 4 ||
          lhs.getType() != add.getResult().getType())
        return rewriter.notifyMatchFailure(pv, "mask enlarges the scores");
      scores = lhs;
      mask = rhs;
    }

    // Optional scale: mul(s, c) / mul(c, s) / div(s, c).
    std::optional<double> scale;
    bool scaled = false;
    if (auto mul = scores.getDefiningOp<MulOp>()) {
      if (!hasOneUse(mul.getResult()))
        return rewriter.notifyMatchFailure(pv, "scaled scores used twice");
      Value lhs = mul.getLhs(), rhs = mul.getRhs();
      std::optional<double> c = splatFloatValue(rhs);
      if (!c) {
        std::swap(lhs, rhs);
        c = splatFloatValue(rhs);
      }
      if (!c || lhs.getType() != mul.getResult().getType())
        return rewriter.notifyMatchFailure(pv, "scale is not a constant scalar");
      scores = lhs;
      scale = *c;
      scaled = true;
    } else if (auto div = scores.getDefiningOp<DivOp>()) {
      if (!hasOneUse(div.getResult()))
        return rewriter.notifyMatchFailure(pv, "scaled scores used twice");
      std::optional<double> c = splatFloatValue(div.getRhs());
      if (!c || *c == 0.0 ||
          div.getLhs().getType() != div.getResult().getType())
        return rewriter.notifyMatchFailure(pv, "divisor is not a constant scalar");
      scores = div.getLhs();
      scale = 1.0 / *c;
      scaled = true;
    }

    // scores = matmul(q, k transpose_b) or matmul(q, transpose(k, [0,1,3,2])).
    auto qk = scores.getDefiningOp<MatmulOp>();
    if (!qk || !hasOneUse(qk.getResult()) || qk.getTransposeA())
      return rewriter.notifyMatchFailure(pv, "no single-use q @ k^T");
    Value q = qk.getLhs();
    Value k;
    if (qk.getTransposeB()) {
      k = qk.getRhs();
    } else if (auto t = qk.getRhs().getDefiningOp<TransposeOp>()) {
      if (t.getPerm() != ArrayRef<int64_t>{0, 1, 3, 2})
        return rewriter.notifyMatchFailure(pv, "k transposed by another perm");
      k = t.getInput();
    } else {
      return rewriter.notifyMatchFailure(pv, "k is not transposed");
    }

    auto qType = rank4Float(q), kType = rank4Float(k);
    if (!qType || !kType)
      return rewriter.notifyMatchFailure(pv, "q/k not static rank-4 float");
    ArrayRef<int64_t> qs = qType.getShape(), ks = kType.getShape(),
                      vs = vType.getShape();
    Type elem = qType.getElementType();
    if (kType.getElementType() != elem || vType.getElementType() != elem)
      return rewriter.notifyMatchFailure(pv, "mixed element types");
    // Equal batch and heads everywhere (no broadcasting, no GQA), k/v agree
    // on Sk, q/k agree on D.
    if (qs[0] != ks[0] || qs[0] != vs[0] || qs[1] != ks[1] ||
        qs[1] != vs[1] || ks[2] != vs[2] || qs[3] != ks[3])
      return rewriter.notifyMatchFailure(pv, "shapes are not [B,H,S,D]");

    double defaultScale = 1.0 / std::sqrt(static_cast<double>(qs[3]));
    FloatAttr scaleAttr;
    if (!scaled)
      scaleAttr = rewriter.getF64FloatAttr(1.0);
    else if (*scale != defaultScale)
      scaleAttr = rewriter.getF64FloatAttr(*scale);

    auto attention = AttentionOp::create(rewriter, pv.getLoc(), pv.getType(),
                                         q, k, v, mask, scaleAttr,
                                         /*causal=*/false);
    rewriter.replaceOp(pv, attention.getResult());
    return success();
  }
};

struct RecognizeAttention
    : kiln::impl::KilnRecognizeAttentionBase<RecognizeAttention> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAttention>(&getContext());
    if (failed(recognize::applyOnlyPatterns(getOperation(),
                                            std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
