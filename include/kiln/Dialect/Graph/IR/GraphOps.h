//===- GraphOps.h - kiln graph dialect operations ---------------*- C++ -*-===//
#ifndef KILN_DIALECT_GRAPH_IR_GRAPHOPS_H
#define KILN_DIALECT_GRAPH_IR_GRAPHOPS_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "kiln/Dialect/Graph/IR/GraphEnums.h.inc"

namespace kiln::detail {
/// Checks an op's result types against the ones its shape function
/// inferred; reports a mismatch on the op.
llvm::LogicalResult verifyResultTypesMatch(mlir::Operation *op,
                                           mlir::TypeRange inferred);
} // namespace kiln::detail

#define GET_OP_CLASSES
#include "kiln/Dialect/Graph/IR/GraphOps.h.inc"

#endif // KILN_DIALECT_GRAPH_IR_GRAPHOPS_H
