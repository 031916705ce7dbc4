//===- HostJIT.h - Lower one entry point and JIT its host code --*- C++ -*-===//
//
// What the cpu and gpu execution targets share: checking the signature of
// the function they run, compiling it on a clone of its module (the
// module's other functions may use what the target does not support),
// JIT-compiling the lowered host code for this machine, and calling its C
// interface with memref descriptors. Every error is a diagnostic on the
// function that names the target.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXECUTION_HOSTJIT_H
#define KILN_EXECUTION_HOSTJIT_H

#include "kiln/Support/HostTensor.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/CodeGen.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
class RankedTensorType;
class Value;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace kiln {

/// Shape and dtype of one argument or result of an entry function.
struct TensorSignature {
  DType dtype;
  std::vector<int64_t> shape;
};

/// Checks that every argument and result of `function` is a ranked tensor
/// of static shape and of an element type Kiln runs, and returns the
/// results' signatures. Errors are on the function and name `targetName`;
/// a dynamic shape is left to `reportDynamicShape(what, type, value)` (what:
/// "argument 0", "result 1"; value: the block argument or returned value,
/// null for a declaration), since each target explains it differently.
mlir::FailureOr<std::vector<TensorSignature>> entryResultSignatures(
    mlir::func::FuncOp function, llvm::StringRef targetName,
    llvm::function_ref<void(const std::string &what,
                            mlir::RankedTensorType type, mlir::Value value)>
        reportDynamicShape);

/// Zero-filled host tensors for `outputs`: what a run fills and returns.
std::vector<HostTensor>
allocateResults(llvm::ArrayRef<TensorSignature> outputs);

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
