//===- NPUExecutionTarget.h - kiln-run --target=npu:NAME --------*- C++ -*-===//
#ifndef KILN_TARGET_NPU_NPUEXECUTIONTARGET_H
#define KILN_TARGET_NPU_NPUEXECUTIONTARGET_H

#include "kiln/Execution/ExecutionTarget.h"

namespace kiln {
/// Compiles with buildNPULoweringPipeline + emitNPUProgram and runs the
/// program in the NPU simulator; each run prints the simulator's summary
/// (cycles, engine utilization, DRAM bytes) to stderr.
std::unique_ptr<ExecutionTarget> createNPUExecutionTarget(llvm::StringRef name);
} // namespace kiln

#endif // KILN_TARGET_NPU_NPUEXECUTIONTARGET_H
