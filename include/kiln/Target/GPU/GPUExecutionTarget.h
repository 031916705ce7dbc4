//===- GPUExecutionTarget.h - JIT-compiled GPU execution --------*- C++ -*-===//
#ifndef KILN_TARGET_GPU_GPUEXECUTIONTARGET_H
#define KILN_TARGET_GPU_GPUEXECUTIONTARGET_H

#include "kiln/Execution/ExecutionTarget.h"

namespace kiln {

/// `--target=gpu[:DESC]`: compiles the function with buildGPUPipeline for
/// the GPU description DESC (a name in targets/ or a .json path; empty: the
/// description whose chip is the device's compute capability), JIT-compiles
/// the host code with MLIR's ExecutionEngine, binds its mgpu* calls to Kiln's
/// GPU runtime, and runs it on device buffers (inputs copied in, outputs
/// copied back). Fails up front, with the runtime's reason ("no CUDA driver
/// found (...)"), where no GPU is usable. `f32Matmul` is
/// GPUPipelineOptions::f32Matmul ("ieee" or "tf32").
llvm::Expected<std::unique_ptr<ExecutionTarget>>
createGPUExecutionTarget(llvm::StringRef description,
                         llvm::StringRef f32Matmul = "ieee");

} // namespace kiln

#endif // KILN_TARGET_GPU_GPUEXECUTIONTARGET_H
