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
kiln::createExecutionTarget(llvm::StringRef spec) {
  if (spec == "ref")
    return createRefTarget();
  if (spec == "cpu")
    return createCPUExecutionTarget();
  // gpu[:DESC] runs on the CUDA GPU (an error says why where none is usable).
  if (spec == "gpu")
    return createGPUExecutionTarget("");
  if (spec.starts_with("gpu:") && spec.size() > 4)
    return createGPUExecutionTarget(spec.drop_front(4));
  // npu:NAME compiles for targets/npu-NAME.json and runs in the simulator.
  if (spec.starts_with("npu:") && spec.size() > 4)
    return createNPUExecutionTarget(spec.drop_front(4));
  return llvm::createStringError(
      "unknown target '" + spec.str() + "'; available targets: " +
      llvm::join(knownExecutionTargets(), ", "));
}
