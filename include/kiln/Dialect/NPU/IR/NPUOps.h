//===- NPUOps.h - The npu dialect's ops -------------------------*- C++ -*-===//
#ifndef KILN_DIALECT_NPU_IR_NPUOPS_H
#define KILN_DIALECT_NPU_IR_NPUOPS_H

#include "kiln/Dialect/NPU/IR/NPUDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "kiln/Dialect/NPU/IR/NPUOps.h.inc"

#endif // KILN_DIALECT_NPU_IR_NPUOPS_H
