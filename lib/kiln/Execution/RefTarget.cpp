//===- RefTarget.cpp - The reference interpreter as a target --------------===//

#include "kiln/Execution/RefTarget.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace kiln;

namespace {
class RefExecutable : public Executable {
public:
  explicit RefExecutable(mlir::func::FuncOp function) : function(function) {}
  mlir::FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override {
    return interpret(function, inputs);
  }

private:
  // The module outlives the executable (kiln-run owns both).
  mlir::func::FuncOp function;
};

class RefTarget : public ExecutionTarget {
public:
  std::string name() const override { return "ref"; }
  mlir::FailureOr<std::unique_ptr<Executable>>
  compile(mlir::ModuleOp, mlir::func::FuncOp function) override {
    // Nothing to compile: the interpreter walks the IR as it is.
    return std::unique_ptr<Executable>(std::make_unique<RefExecutable>(function));
  }
};
} // namespace

std::unique_ptr<ExecutionTarget> kiln::createRefTarget() {
  return std::make_unique<RefTarget>();
}
