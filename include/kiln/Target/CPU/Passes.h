//===- Passes.h - CPU target passes -----------------------------*- C++ -*-===//
#ifndef KILN_TARGET_CPU_PASSES_H
#define KILN_TARGET_CPU_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace kiln {
#define GEN_PASS_DECL
#include "kiln/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Target/CPU/Passes.h.inc"

/// On the k loop of a packed matmul's register tile: the locality (0-3) of
/// the prefetch of the next B panel (kiln-cpu-prefetch-panels).
inline constexpr char kPrefetchPanelAttrName[] = "kiln.cpu.prefetch_panel";

/// Puts `llvm.emit_c_interface` on `fn` and `bufferization.writable = false`
/// on its tensor arguments: the caller's input buffers are read-only.
void markCPUEntryPoint(mlir::func::FuncOp fn);
} // namespace kiln

#endif // KILN_TARGET_CPU_PASSES_H
