//===- PatternMatchers.cpp - Helpers of the kiln-recognize-* passes -------===//

#include "PatternMatchers.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

std::optional<llvm::APFloat> kiln::recognize::splatFloat(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.isSplat() ||
      !isa<FloatType>(elements.getElementType()))
    return std::nullopt;
  return elements.getSplatValue<APFloat>();
}

std::optional<double> kiln::recognize::splatFloatValue(Value v) {
  if (std::optional<APFloat> value = splatFloat(v))
    return value->convertToDouble();
  return std::nullopt;
}

Value kiln::recognize::otherOperand(Operation *op, Value v) {
  if (op->getOperand(0) == v)
    return op->getOperand(1);
  if (op->getOperand(1) == v)
    return op->getOperand(0);
  return {};
}

LogicalResult kiln::recognize::applyOnlyPatterns(Operation *root,
                                                 RewritePatternSet &&patterns) {
  GreedyRewriteConfig config;
  config.enableFolding(false).enableConstantCSE(false);
  return applyPatternsGreedily(root, std::move(patterns), config);
}
