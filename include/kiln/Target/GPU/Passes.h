//===- Passes.h - GPU target passes -----------------------------*- C++ -*-===//
#ifndef KILN_TARGET_GPU_PASSES_H
#define KILN_TARGET_GPU_PASSES_H

#include "mlir/Pass/Pass.h"

namespace kiln {
#define GEN_PASS_DECL
#include "kiln/Target/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

#endif // KILN_TARGET_GPU_PASSES_H
