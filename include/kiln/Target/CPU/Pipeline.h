//===- Pipeline.h - The CPU target's lowering pipeline ----------*- C++ -*-===//
//
// kiln IR -> linalg on tensors -> buffers -> scf loops -> LLVM dialect, ready
// for MLIR's ExecutionEngine. `kiln-opt --kiln-lower-to-llvm-cpu` runs the
// same pipeline as `kiln-run --target=cpu`.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGET_CPU_PIPELINE_H
#define KILN_TARGET_CPU_PIPELINE_H

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace kiln {

/// Appends the CPU lowering (module-level) to `pm`. Every public function with
/// a body (and every function already marked `llvm.emit_c_interface`) gets a
/// `_mlir_ciface_<name>` wrapper the JIT can call; its tensor arguments are
/// read-only and its tensor results become trailing out-parameters (memrefs
/// with the identity layout) that the caller allocates.
void buildCPULoweringPipeline(mlir::OpPassManager &pm);

/// The upstream dialects, interface external models and LLVM IR translations
/// the CPU pipeline and its JIT need.
void registerCPUTargetDialects(mlir::DialectRegistry &registry);

/// The upstream passes the pipeline runs (so kiln-opt can run them one by
/// one) and the `kiln-lower-to-llvm-cpu` pass pipeline.
void registerCPUTargetPasses();

} // namespace kiln

#endif // KILN_TARGET_CPU_PIPELINE_H
