//===- ExecutionTarget.h - Where kiln-run executes a function ---*- C++ -*-===//
//
// `kiln-run --target=SPEC` and `--compare-to=SPEC` go through this one
// interface: a target compiles a function into an Executable that runs on
// host tensors. `ref` (the reference interpreter) is the first; the CPU, GPU
// and NPU backends add `cpu[:DESC]`, `gpu:CHIP` and `npu:NAME`.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXECUTION_EXECUTIONTARGET_H
#define KILN_EXECUTION_EXECUTIONTARGET_H

#include "kiln/Support/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace kiln {

/// A function compiled for one target, ready to run.
class Executable {
public:
  virtual ~Executable();
  /// Runs on `inputs`. Every implementation checks them against the
  /// signature itself (kiln::checkArguments) before touching them, since
  /// compiled code trusts the shapes; callers may check first to name where
  /// the inputs came from. Errors are MLIR diagnostics.
  virtual mlir::FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) = 0;
};

class ExecutionTarget {
public:
  virtual ~ExecutionTarget();
  /// The spec that selects this target, e.g. "ref".
  virtual std::string name() const = 0;
  /// Compiles `function`, which lives in `module`. Unsupported IR is an
  /// MLIR diagnostic naming the op and the reason.
  virtual mlir::FailureOr<std::unique_ptr<Executable>>
  compile(mlir::ModuleOp module, mlir::func::FuncOp function) = 0;
};

/// How a target may compile, beyond its spec.
struct ExecutionTargetOptions {
  /// "ieee", or "tf32": a gpu target may run f32 matmuls on TF32 tensor
  /// cores (kilnc --f32-matmul); other targets reject "tf32".
  std::string f32Matmul = "ieee";
};

/// The target named by `spec` ("ref", ...); an unknown spec is an error
/// that lists the known ones.
llvm::Expected<std::unique_ptr<ExecutionTarget>>
createExecutionTarget(llvm::StringRef spec,
                      const ExecutionTargetOptions &options = {});

/// The specs createExecutionTarget accepts, for help texts and errors.
std::vector<std::string> knownExecutionTargets();

} // namespace kiln

#endif // KILN_EXECUTION_EXECUTIONTARGET_H
