//===- HostJIT.h - Lower one entry point and JIT its host code --*- C++ -*-===//
//
// What the cpu and gpu execution targets share: compiling one function of
// a module on a clone (the module's other functions may use what the
// target does not support), JIT-compiling the lowered host code for this
// machine, and calling its C interface with memref descriptors. Every
// error is a diagnostic on the function that names the target.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXECUTION_HOSTJIT_H
#define KILN_EXECUTION_HOSTJIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/CodeGen.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mlir {
class OpPassManager;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace kiln {

/// Clones `module`, makes every function but `function` private, lets
/// `prepareEntry` mark the clone's entry, and runs symbol DCE followed by
/// `buildPipeline` on the clone. Diagnostics of the pipeline go to the
/// caller's handler; a failure that reported none gets "the <target>
/// target failed to lower @<name>".
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> lowerEntryPoint(
    mlir::ModuleOp module, mlir::func::FuncOp function,
    llvm::StringRef targetName,
    llvm::function_ref<void(mlir::func::FuncOp)> prepareEntry,
    llvm::function_ref<void(mlir::OpPassManager &)> buildPipeline);

/// JIT-compiles `lowered` (the LLVM dialect) for the host CPU: LLVM's
/// `optLevel` pipeline, then codegen at `codeGenOptLevel` (the engine's
/// default when absent).
mlir::FailureOr<std::unique_ptr<mlir::ExecutionEngine>>
createHostJIT(mlir::ModuleOp lowered, mlir::func::FuncOp function,
              llvm::StringRef targetName, unsigned optLevel,
              std::optional<llvm::CodeGenOptLevel> codeGenOptLevel = {});

/// Calls `_mlir_ciface_<function>` with one strided memref descriptor
/// (MemRefDescriptor.h) per buffer: `data[i]` of shape `shapes[i]`, inputs
/// first, then the out-parameters.
mlir::LogicalResult
invokeWithDescriptors(mlir::ExecutionEngine &engine,
                      mlir::func::FuncOp function, llvm::StringRef targetName,
                      llvm::ArrayRef<const void *> data,
                      llvm::ArrayRef<std::vector<int64_t>> shapes);

} // namespace kiln

#endif // KILN_EXECUTION_HOSTJIT_H
