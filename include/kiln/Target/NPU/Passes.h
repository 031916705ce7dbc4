//===- Passes.h - The NPU target's passes -----------------------*- C++ -*-===//
#ifndef KILN_TARGET_NPU_PASSES_H
#define KILN_TARGET_NPU_PASSES_H

#include "kiln/Dialect/NPU/IR/NPUDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln {
#define GEN_PASS_DECL
#include "kiln/Target/NPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

#endif // KILN_TARGET_NPU_PASSES_H
