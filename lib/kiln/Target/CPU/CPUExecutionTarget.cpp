//===- CPUExecutionTarget.cpp - JIT-compiled CPU execution ----------------===//
//
// `--target=cpu`: clones the module, lowers it with buildCPULoweringPipeline
// and JIT-compiles it with MLIR's ExecutionEngine. The entry function is
// called through its C interface, `_mlir_ciface_<name>(in..., out...)`, with
// one strided memref descriptor per input (pointing at the HostTensor's
// bytes) and per output (a fresh HostTensor the caller owns).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/CPUExecutionTarget.h"
#include "kiln/Execution/HostJIT.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Target/CPU/Passes.h"
#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/CPU/Threading.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "kiln/Target/CPU/BufferCache.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

using namespace kiln;
using namespace mlir;

namespace {

class CPUExecutable : public Executable {
public:
  CPUExecutable(func::FuncOp function, std::unique_ptr<ExecutionEngine> engine,
                std::vector<TensorSignature> outputs)
      : function(function), engine(std::move(engine)),
        outputs(std::move(outputs)) {}

  FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override {
    // The compiled code trusts the shapes; a wrong one would corrupt memory.
    if (failed(checkArguments(function, inputs)))
      return failure();
    std::vector<HostTensor> results = allocateResults(outputs);

    std::vector<const void *> data;
    std::vector<std::vector<int64_t>> shapes;
    for (const HostTensor &input : inputs) {
      data.push_back(input.data());
      shapes.push_back(input.shape());
    }
    for (HostTensor &result : results) {
      data.push_back(result.data());
      shapes.push_back(result.shape());
    }
    if (failed(invokeWithDescriptors(*engine, function, "cpu", data, shapes)))
      return failure();
    return results;
  }

private:
  // The module outlives the executable (kiln-run owns both); used for
  // diagnostics only.
  func::FuncOp function;
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<TensorSignature> outputs;
};

/// The cpu target's dynamic-shape error: names the op that would have to
/// handle the dynamic dims of `value` (an argument's first user, a result's
/// definition).
void reportDynamicShape(func::FuncOp function, const std::string &what,
                        RankedTensorType type, Value value) {
  InFlightDiagnostic diag =
      emitError(function.getLoc(),
                "the cpu target needs static shapes for now: ")
      << what << " is " << type;
  Operation *op = nullptr;
  if (value && isa<BlockArgument>(value)) {
    for (Operation *user : value.getUsers())
      if (!isa<func::ReturnOp>(user) && (!op || user->isBeforeInBlock(op)))
        op = user;
  } else if (value) {
    op = value.getDefiningOp();
  }
  if (op)
    diag.attachNote(op->getLoc())
        << "'" << op->getName()
        << "' would run on the dynamic dims here (tiling, vectorization "
           "and buffer allocation need static extents; give the function "
           "static shapes or run it with --target=ref)";
}

class CPUExecutionTarget : public ExecutionTarget {
public:
  std::string name() const override { return "cpu"; }

  FailureOr<std::unique_ptr<Executable>>
  compile(ModuleOp module, func::FuncOp function) override {
    FailureOr<std::vector<TensorSignature>> outputs = entryResultSignatures(
        function, "cpu",
        [&](const std::string &what, RankedTensorType type, Value value) {
          reportDynamicShape(function, what, type, value);
        });
    if (failed(outputs))
      return failure();

    MLIRContext *context = module.getContext();
    DialectRegistry registry;
    registerCPUTargetDialects(registry);
    context->appendDialectRegistry(registry);

    FailureOr<OwningOpRef<ModuleOp>> lowered = lowerEntryPoint(
        module, function, "cpu", markCPUEntryPoint,
        [](OpPassManager &pm) { buildCPULoweringPipeline(pm); });
    if (failed(lowered))
      return failure();

    // Parallel loops call LLVM's OpenMP runtime (__kmpc_*): load libomp into
    // the process so the JIT resolves them like libm's functions.
    if (llvm::Error error = loadOpenMPRuntime()) {
      emitError(function.getLoc(), "cpu target: ")
          << llvm::toString(std::move(error));
      return failure();
    }
    // JIT-compile for the host CPU: the LLVM -O3 pipeline, then codegen at
    // the default level. (On the naive loops of the GPT-2 block: -O0 101 ms,
    // -O2 41 ms, -O3 39 ms.)
    FailureOr<std::unique_ptr<ExecutionEngine>> engine =
        createHostJIT(**lowered, function, "cpu", /*optLevel=*/3,
                      llvm::CodeGenOptLevel::Default);
    if (failed(engine))
      return failure();
    // The temporaries' allocator (BufferCache.c, linked into this process).
    (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      symbols[interner("_mlir_memref_to_llvm_alloc")] = {
          llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_alloc),
          llvm::JITSymbolFlags::Exported};
      symbols[interner("_mlir_memref_to_llvm_free")] = {
          llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_free),
          llvm::JITSymbolFlags::Exported};
      return symbols;
    });
    return std::unique_ptr<Executable>(std::make_unique<CPUExecutable>(
        function, std::move(*engine), std::move(*outputs)));
  }
};

} // namespace

std::unique_ptr<ExecutionTarget> kiln::createCPUExecutionTarget() {
  return std::make_unique<CPUExecutionTarget>();
}
