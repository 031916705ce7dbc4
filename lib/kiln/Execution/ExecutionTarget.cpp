//===- ExecutionTarget.cpp - The registry of execution targets ------------===//

#include "kiln/Execution/ExecutionTarget.h"
#include "kiln/Execution/RefTarget.h"
#include "kiln/Target/CPU/CPUExecutionTarget.h"
#include "kiln/Target/GPU/GPUExecutionTarget.h"
#include "kiln/Target/NPU/NPUExecutionTarget.h"

#include "llvm/ADT/StringExtras.h"

using namespace kiln;

Executable::~Executable() = default;
ExecutionTarget::~ExecutionTarget() = default;

std::vector<std::string> kiln::knownExecutionTargets() {
  return {"ref", "cpu", "gpu[:DESC]", "npu:NAME"};
}

llvm::Expected<std::unique_ptr<ExecutionTarget>>
kiln::createExecutionTarget(llvm::StringRef spec,
                            const ExecutionTargetOptions &options) {
  if (options.f32Matmul != "ieee" && options.f32Matmul != "tf32")
    return llvm::createStringError("f32-matmul '" + options.f32Matmul +
                                   "': expected ieee or tf32");
  bool gpu = spec == "gpu" || spec.starts_with("gpu:");
  if (options.f32Matmul == "tf32" && !gpu)
    return llvm::createStringError(
        "f32-matmul=tf32 needs a gpu target (target '" + spec.str() +
        "' computes f32 matmuls in f32)");
  if (spec == "ref")
    return createRefTarget();
  if (spec == "cpu")
    return createCPUExecutionTarget();
  // gpu[:DESC] runs on the CUDA GPU (an error says why where none is usable).
  if (spec == "gpu")
    return createGPUExecutionTarget("", options.f32Matmul);
  if (spec.starts_with("gpu:") && spec.size() > 4)
    return createGPUExecutionTarget(spec.drop_front(4), options.f32Matmul);
  // npu:NAME compiles for targets/npu-NAME.json and runs in the simulator.
  if (spec.starts_with("npu:") && spec.size() > 4)
    return createNPUExecutionTarget(spec.drop_front(4));
  return llvm::createStringError(
      "unknown target '" + spec.str() + "'; available targets: " +
      llvm::join(knownExecutionTargets(), ", "));
}
