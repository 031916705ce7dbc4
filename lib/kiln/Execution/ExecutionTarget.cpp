//===- ExecutionTarget.cpp - The registry of execution targets ------------===//

#include "kiln/Execution/ExecutionTarget.h"
#include "kiln/Execution/RefTarget.h"

#include "llvm/ADT/StringExtras.h"

using namespace kiln;

Executable::~Executable() = default;
ExecutionTarget::~ExecutionTarget() = default;

std::vector<std::string> kiln::knownExecutionTargets() { return {"ref"}; }

llvm::Expected<std::unique_ptr<ExecutionTarget>>
kiln::createExecutionTarget(llvm::StringRef spec) {
  if (spec == "ref")
    return createRefTarget();
  return llvm::createStringError(
      "unknown target '" + spec.str() + "'; available targets: " +
      llvm::join(knownExecutionTargets(), ", "));
}
