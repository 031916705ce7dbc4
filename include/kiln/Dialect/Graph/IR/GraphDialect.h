//===- GraphDialect.h - The kiln graph dialect ------------------*- C++ -*-===//
#ifndef KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H
#define KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h.inc"

#endif // KILN_DIALECT_GRAPH_IR_GRAPHDIALECT_H
