//===- RecognizeLayerNorm.cpp - kiln-recognize-layer-norm -----------------===//
//
// Rewrites the LayerNorm decomposition of ONNX exports before opset 17
//
//   (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta]
//
// into kiln.layer_norm. Only exact rewrites: the means run over the same
// trailing dimensions with keepdims, the square is pow(d, 2) or d * d, the
// intermediates have no other uses, and gamma/beta hold exactly the
// normalized dimensions (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "PatternMatchers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace kiln {
#define GEN_PASS_DEF_KILNRECOGNIZELAYERNORM
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::recognize;

namespace {

/// For a keepdims mean over the trailing dimensions [a, rank) of its
/// input, `a`.
std::optional<int64_t> trailingMeanAxis(ReduceOp reduce) {
  if (reduce.getKind() != ReduceKind::mean || !reduce.getKeepdims())
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(reduce.getInput().getType()).getRank();
  SmallVector<bool> seen(rank, false);
  for (int64_t a : reduce.getAxes()) {
    int64_t n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank || seen[n])
      return std::nullopt;
    seen[n] = true;
  }
  int64_t count = int64_t(reduce.getAxes().size());
  for (int64_t d = rank - count; d < rank; ++d)
    if (!seen[d])
      return std::nullopt;
  return rank - count;
}

/// Whether `param` (multiplied or added after the normalization of `x`,
/// with a result of `x`'s type) holds exactly the normalized dimensions
/// x.shape[axis:], possibly behind leading size-1 dimensions.
bool isNormParameter(Value param, RankedTensorType x, int64_t axis) {
  auto type = dyn_cast_if_present<RankedTensorType>(param ? param.getType()
                                                          : Type());
  ArrayRef<int64_t> norm = x.getShape().drop_front(axis);
  if (!type || !type.hasStaticShape() ||
      llvm::any_of(norm, ShapedType::isDynamic))
    return false;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t extra = int64_t(shape.size()) - int64_t(norm.size());
  if (extra < 0)
    return false; // It would broadcast over normalized dims.
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (d < extra ? shape[d] != 1 : shape[d] != norm[d - extra])
      return false;
  return true;
}

/// `param` (see isNormParameter) with exactly the normalized shape.
Value toNormShape(PatternRewriter &rewriter, Value param, RankedTensorType x,
                  int64_t axis) {
  auto type = cast<RankedTensorType>(param.getType());
  ArrayRef<int64_t> norm = x.getShape().drop_front(axis);
  if (type.getShape() == norm)
    return param;
  return ReshapeOp::create(rewriter, param.getLoc(),
                           RankedTensorType::get(norm, type.getElementType()),
                           param)
      .getResult();
}

struct FuseLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    // n = d / sqrt(var + eps)
    Value d = div.getLhs();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sqrt || !sqrt.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(div, "divisor is not a sqrt");
    auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
    if (!addEps || !addEps.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(div, "no var + eps");
    Value var = addEps.getLhs();
    std::optional<double> eps = splatFloatValue(addEps.getRhs());
    if (!eps) {
      var = addEps.getRhs();
      eps = splatFloatValue(addEps.getLhs());
    }
    if (!eps || addEps.getType() != var.getType())
      return rewriter.notifyMatchFailure(div, "epsilon is not a constant");
    auto varMean = var.getDefiningOp<ReduceOp>();
    if (!varMean || !var.hasOneUse())
      return rewriter.notifyMatchFailure(div, "no variance mean");
    std::optional<int64_t> axis = trailingMeanAxis(varMean);
    if (!axis)
      return rewriter.notifyMatchFailure(div, "variance is not a trailing mean");

    // The square: pow(d, 2) or d * d.
    Value sq = varMean.getInput();
    Operation *square = sq.getDefiningOp();
    bool isSquare = false;
    if (auto pow = dyn_cast_if_present<PowOp>(square))
      isSquare = pow.getLhs() == d && splatFloatValue(pow.getRhs()) == 2.0;
    else if (auto mul = dyn_cast_if_present<MulOp>(square))
      isSquare = mul.getLhs() == d && mul.getRhs() == d;
    if (!isSquare || !sq.hasOneUse() || sq.getType() != d.getType())
      return rewriter.notifyMatchFailure(div, "no (x - mean)^2");

    // d = x - mean(x), used by the square and the division only.
    auto sub = d.getDefiningOp<SubOp>();
    if (!sub)
      return rewriter.notifyMatchFailure(div, "no x - mean");
    for (Operation *user : d.getUsers())
      if (user != square && user != div.getOperation())
        return rewriter.notifyMatchFailure(div, "x - mean has other uses");
    Value x = sub.getLhs();
    auto mean = sub.getRhs().getDefiningOp<ReduceOp>();
    if (!mean || mean.getInput() != x || !mean.getResult().hasOneUse() ||
        trailingMeanAxis(mean) != axis)
      return rewriter.notifyMatchFailure(div, "no mean over the same axes");
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || d.getType() != xType || div.getType() != xType)
      return rewriter.notifyMatchFailure(div, "a constant broadcasts x");

    // Optional affine part: * gamma, then + beta.
    Operation *root = div;
    Value n = div.getResult(), scale, bias;
    if (auto mul = singleUser<MulOp>(n); mul && mul.getType() == xType) {
      Value gamma = otherOperand(mul, n);
      if (isNormParameter(gamma, xType, *axis)) {
        scale = gamma;
        root = mul;
        n = mul.getResult();
      }
    }
    if (auto add = singleUser<AddOp>(n); add && add.getType() == xType) {
      Value beta = otherOperand(add, n);
      if (isNormParameter(beta, xType, *axis)) {
        bias = beta;
        root = add;
      }
    }
    // gamma and beta may be defined after the division: build at the root.
    rewriter.setInsertionPoint(root);
    if (scale)
      scale = toNormShape(rewriter, scale, xType, *axis);
    if (bias)
      bias = toNormShape(rewriter, bias, xType, *axis);
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        root, xType, x, scale, bias, rewriter.getI64IntegerAttr(*axis),
        rewriter.getF64FloatAttr(*eps));
    return success();
  }
};

struct RecognizeLayerNorm
    : kiln::impl::KilnRecognizeLayerNormBase<RecognizeLayerNorm> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseLayerNorm>(&getContext());
    if (failed(recognize::applyOnlyPatterns(getOperation(),
                                            std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
