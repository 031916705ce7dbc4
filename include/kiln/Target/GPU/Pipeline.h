//===- Pipeline.h - The GPU target's lowering pipeline ----------*- C++ -*-===//
//
// kiln IR -> schedules (GPU cost model) -> linalg on tensors -> tiled to
// thread blocks and threads (scf.forall with #gpu.block / #gpu.thread) ->
// buffers in device memory -> gpu.launch -> outlined gpu.module -> NVVM ->
// gpu.binary (PTX for format=isa) + host code in the LLVM dialect that calls
// MLIR's `mgpu*` runtime functions. docs/gpu.md states the host ABI.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGET_GPU_PIPELINE_H
#define KILN_TARGET_GPU_PIPELINE_H

#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
class DialectRegistry;
class ModuleOp;
class OpPassManager;
} // namespace mlir

namespace kiln {

struct GPUPipelineOptions {
  /// The GPU target description: a name looked up in `targetsDir` (gpu-sm80,
  /// sm90, ...) or a .json path, as `--target=gpu:DESC` takes it.
  std::string target = "gpu-sm80";
  /// Where names are looked up (empty: the source tree's targets/).
  std::string targetsDir;
  /// Schedules that override the cost model (kiln-select-schedules).
  std::string scheduleFile;
  /// "ieee": f32 matmuls use f32 FMAs; "tf32": the cost model may put them
  /// on the description's TF32 tensor cores (kiln-select-schedules
  /// f32-matmul).
  std::string f32Matmul = "ieee";
  /// What gpu-module-to-binary embeds: "isa" (PTX text, needs no CUDA),
  /// "bin" (cubin, needs ptxas) or "fatbin" (needs ptxas and fatbinary).
  std::string binaryFormat = "isa";
  /// LLVM optimization level of the device code.
  unsigned optLevel = 3;
  /// The CUDA toolkit directory gpu-module-to-binary looks for ptxas in
  /// (bin/ptxas) for bin and fatbin; empty: its own search (PATH).
  std::string toolkitPath;
};

/// Stage 1 (module): schedules, linalg on tensors, tiled to blocks and
/// threads as the schedules say (what `kilnc --target=gpu --emit=tiled`
/// prints; `kiln-opt --kiln-gpu-tile-pipeline`).
void buildGPUTilingPipeline(mlir::OpPassManager &pm,
                            const GPUPipelineOptions &options);

/// Stage 2 (module): bufferize into device memory, map loops to
/// gpu.launch, outline kernels (gpu.module + gpu.launch_func); stops
/// before NVVM (what `kilnc --emit=gpu` prints).
void buildGPUOutliningPipeline(mlir::OpPassManager &pm,
                               const GPUPipelineOptions &options);

/// Stage 3 (module): kernels to NVVM and a gpu.binary, host code to the LLVM
/// dialect (gpu.launch_func stays, translated to mgpu* calls with the LLVM
/// IR translation of the GPU dialect). Kernels call no libdevice function.
void buildGPUToLLVMPipeline(mlir::OpPassManager &pm,
                            const GPUPipelineOptions &options);

/// All three stages: a module of `kiln` graph ops (func.func entry points on
/// tensors) to the LLVM dialect. Every public function with a body gets a
/// `_mlir_ciface_<name>` wrapper (llvm.emit_c_interface); its tensor
/// arguments become memref descriptors of device buffers that are only
/// read, its tensor results trailing out-parameters (identity-layout
/// memrefs in device memory) that the caller allocates, as on the CPU.
void buildGPUPipeline(mlir::OpPassManager &pm,
                      const GPUPipelineOptions &options);

/// The ptxas binary/fatbin formats need: $KILN_PTXAS when set (empty
/// result when it is not executable), else `ptxas` on PATH, else the CUDA
/// toolkit's default /usr/local/cuda/bin/ptxas; empty when none exists.
std::string findPtxas();

/// Writes the device code of every gpu.binary in `module` (after
/// buildGPUPipeline): PTX text for format isa, the cubin for bin. Fails with
/// a diagnostic on the module when there is none.
bool writeGPUBinaries(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Dialects, interface models and LLVM IR translations (NVVM, GPU) the
/// pipeline and the translation of its result need.
void registerGPUTargetDialects(mlir::DialectRegistry &registry);

/// Kiln's GPU passes, the upstream passes the pipeline runs, and the
/// `kiln-lower-to-llvm-gpu` / `kiln-gpu-tile-pipeline` pass pipelines.
void registerGPUTargetPasses();

} // namespace kiln

#endif // KILN_TARGET_GPU_PIPELINE_H
