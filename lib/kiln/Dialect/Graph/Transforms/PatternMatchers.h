//===- PatternMatchers.h - Helpers of the kiln-recognize-* passes -*- C++ -*-===//
//
// Small matchers the recognize passes (attention, gelu, layer_norm) share:
// each of them walks a decomposed op chain by single uses and splat
// constants, and runs only its own patterns.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_DIALECT_GRAPH_TRANSFORMS_PATTERNMATCHERS_H
#define KILN_LIB_DIALECT_GRAPH_TRANSFORMS_PATTERNMATCHERS_H

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/APFloat.h"

#include <optional>

namespace kiln::recognize {

/// The splat value of a float kiln.constant `v` (in its type's semantics).
std::optional<llvm::APFloat> splatFloat(mlir::Value v);

/// splatFloat as a double.
std::optional<double> splatFloatValue(mlir::Value v);

/// The single user of `v` when it is an `OpTy`, else null.
template <typename OpTy>
OpTy singleUser(mlir::Value v) {
  if (!v.hasOneUse())
    return {};
  return mlir::dyn_cast<OpTy>(*v.getUsers().begin());
}

/// The operand of the binary `op` that is not `v` (null if neither is).
mlir::Value otherOperand(mlir::Operation *op, mlir::Value v);

/// Applies `patterns` greedily to `root` without folding or constant CSE:
/// a recognize pass rewrites only what it matches (the replaced chain is
/// pure, and the driver erases it).
mlir::LogicalResult applyOnlyPatterns(mlir::Operation *root,
                                      mlir::RewritePatternSet &&patterns);

} // namespace kiln::recognize

#endif // KILN_LIB_DIALECT_GRAPH_TRANSFORMS_PATTERNMATCHERS_H
