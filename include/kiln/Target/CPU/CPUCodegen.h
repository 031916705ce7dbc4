//===- CPUCodegen.h - LLVM code generation for a CPU description -*- C++ -*-===//
//
// From an LLVM-dialect module (the end of buildCPULoweringPipeline) to LLVM
// IR, assembly or an object file for the CPU a description names. The host
// and cross targets (e.g. aarch64-neon from x86-64) go the same way.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CPU_CPUCODEGEN_H
#define KILN_TARGET_CPU_CPUCODEGEN_H

#include "kiln/Target/CPU/CPUTargetDescription.h"

#include "llvm/Support/Error.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace mlir {
class Operation;
} // namespace mlir

namespace kiln {

/// A TargetMachine for the description's triple, CPU and features
/// (position-independent code, -O3).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createCPUTargetMachine(const CPUTargetDescription &description);

/// Translates an LLVM-dialect module to LLVM IR for `machine` (triple and
/// data layout set) and runs LLVM's -O3 pipeline on it.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToOptimizedLLVMIR(mlir::Operation *module, llvm::LLVMContext &context,
                           llvm::TargetMachine &machine);

enum class CPUFileKind { Assembly, Object };

/// Writes `module` as assembly or an object file for `machine`.
llvm::Error emitCPUFile(llvm::Module &module, llvm::TargetMachine &machine,
                        CPUFileKind kind, llvm::raw_pwrite_stream &out);

} // namespace kiln

#endif // KILN_TARGET_CPU_CPUCODEGEN_H
