//===- CPUExecutionTarget.h - JIT-compiled CPU execution --------*- C++ -*-===//
#ifndef KILN_TARGET_CPU_CPUEXECUTIONTARGET_H
#define KILN_TARGET_CPU_CPUEXECUTIONTARGET_H

#include "kiln/Execution/ExecutionTarget.h"

namespace kiln {
/// `--target=cpu`: lowers the function through linalg to LLVM and runs it
/// with MLIR's ExecutionEngine (JIT) on the host.
std::unique_ptr<ExecutionTarget> createCPUExecutionTarget();
} // namespace kiln

#endif // KILN_TARGET_CPU_CPUEXECUTIONTARGET_H
