//===- ExecutionTarget.cpp - The registry of execution targets ------------===//

#include "kiln/Execution/ExecutionTarget.h"
#include "kiln/Execution/RefTarget.h"
#include "kiln/Target/CPU/CPUExecutionTarget.h"

#include "llvm/ADT/StringExtras.h"

using namespace kiln;

Executable::~Executable() = default;
ExecutionTarget::~ExecutionTarget() = default;

std::vector<std::string> kiln::knownExecutionTargets() {
  return {"ref", "cpu"};
}

llvm::Expected<std::unique_ptr<ExecutionTarget>>
kiln::createExecutionTarget(llvm::StringRef spec) {
  if (spec == "ref")
    return createRefTarget();
  if (spec == "cpu")
    return createCPUExecutionTarget();
  return llvm::createStringError(
      "unknown target '" + spec.str() + "'; available targets: " +
      llvm::join(knownExecutionTargets(), ", "));
}
