//===- NPUExecutionTarget.cpp - compile for the NPU, run in its simulator -===//

#include "kiln/Target/NPU/NPUExecutionTarget.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Target/NPU/Pipeline.h"
#include "kiln/Target/NPU/Simulator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace kiln;

namespace {
class NPUExecutable : public Executable {
public:
  NPUExecutable(func::FuncOp function, npu::Program program)
      : function(function), program(std::move(program)) {}
  FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override {
    if (failed(checkArguments(function, inputs)))
      return failure();
    npu::SimOptions options;
    npu::SimResult result;
    std::string error;
    if (!npu::simulate(program, std::vector<HostTensor>(inputs.begin(),
                                                        inputs.end()),
                       options, result, error))
      return emitError(function.getLoc()) << "NPU simulator: " << error;
    npu::NPUTargetDescription d;
    if (npu::parseNPUTargetDescription(program.targetJSON, "program", d,
                                       error))
      llvm::errs() << npu::formatSummary(result, d);
    return std::move(result.outputs);
  }

private:
  func::FuncOp function;
  npu::Program program;
};

class NPUTarget : public ExecutionTarget {
public:
  explicit NPUTarget(std::string name) : descName(std::move(name)) {}
  std::string name() const override { return "npu:" + descName; }
  FailureOr<std::unique_ptr<Executable>>
  compile(ModuleOp module, func::FuncOp function) override {
    // The caller's module stays on tensors (the reference runs it too).
    lowered = OwningOpRef<ModuleOp>(module.clone());
    PassManager pm(module.getContext());
    NPUPipelineOptions options;
    options.target = descName;
    buildNPULoweringPipeline(pm, options);
    if (failed(pm.run(*lowered)))
      return failure();
    auto f = lowered->lookupSymbol<func::FuncOp>(function.getSymName());
    npu::Program program;
    if (!f || failed(emitNPUProgram(*lowered, f, program)))
      return failure();
    return std::unique_ptr<Executable>(
        new NPUExecutable(function, std::move(program)));
  }

private:
  std::string descName;
  OwningOpRef<ModuleOp> lowered;
};
} // namespace

std::unique_ptr<ExecutionTarget>
kiln::createNPUExecutionTarget(llvm::StringRef name) {
  return std::make_unique<NPUTarget>(name.str());
}
