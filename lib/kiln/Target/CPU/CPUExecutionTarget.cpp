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
#include "kiln/Runtime/MemRefDescriptor.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Target/CPU/Passes.h"
#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/CPU/Threading.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "kiln/Target/CPU/BufferCache.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <mutex>

using namespace kiln;
using namespace mlir;

namespace {

/// Shape and dtype of one argument or result of the entry function.
struct TensorSignature {
  DType dtype;
  std::vector<int64_t> shape;
};

class CPUExecutable : public Executable {
public:
  CPUExecutable(func::FuncOp function, std::unique_ptr<ExecutionEngine> engine,
                std::vector<TensorSignature> outputs)
      : function(function), engine(std::move(engine)),
        outputs(std::move(outputs)),
        symbol(("_mlir_ciface_" + function.getSymName()).str()) {}

  FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override {
    // The compiled code trusts the shapes; a wrong one would corrupt memory.
    if (failed(checkArguments(function, inputs)))
      return failure();
    std::vector<HostTensor> results;
    results.reserve(outputs.size());
    for (const TensorSignature &output : outputs)
      results.emplace_back(output.dtype, output.shape);

    // One strided memref descriptor per tensor (MemRefDescriptor.h).
    std::vector<std::vector<int64_t>> descriptors;
    descriptors.reserve(inputs.size() + results.size());
    auto addDescriptor = [&](const void *data,
                             const std::vector<int64_t> &shape) {
      std::vector<int64_t> d(memrefDescriptorWords(shape.size()));
      writeMemRefDescriptor(d.data(), data, shape.data(), shape.size());
      descriptors.push_back(std::move(d));
    };
    for (const HostTensor &input : inputs)
      addDescriptor(input.data(), input.shape());
    for (HostTensor &result : results)
      addDescriptor(result.data(), result.shape());

    // The C interface takes a pointer to each descriptor; the packed
    // wrapper takes a pointer to each of those arguments.
    std::vector<void *> descriptorPtrs;
    for (std::vector<int64_t> &d : descriptors)
      descriptorPtrs.push_back(d.data());
    std::vector<void *> args;
    for (void *&ptr : descriptorPtrs)
      args.push_back(&ptr);

    if (llvm::Error error = engine->invokePacked(symbol, args)) {
      emitError(function.getLoc(),
                "cpu target: cannot call the compiled function: ")
          << llvm::toString(std::move(error));
      return failure();
    }
    return results;
  }

private:
  // The module outlives the executable (kiln-run owns both); used for
  // diagnostics only.
  func::FuncOp function;
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<TensorSignature> outputs;
  std::string symbol;
};

/// The static shape and dtype of `type`, or an error on `function` naming
/// `what` ("argument 0", "result 1").
FailureOr<TensorSignature> signatureOf(func::FuncOp function, Type type,
                                       const std::string &what,
                                       Value value = {}) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType) {
    emitError(function.getLoc(),
              "the cpu target supports ranked tensor arguments and "
              "results only: ")
        << what << " is " << type;
    return failure();
  }
  if (!tensorType.hasStaticShape()) {
    InFlightDiagnostic diag =
        emitError(function.getLoc(),
                  "the cpu target needs static shapes for now: ")
        << what << " is " << type;
    // Name the op that would have to handle the dynamic dims.
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
    return failure();
  }
  std::optional<DType> dtype = dtypeOf(tensorType.getElementType());
  if (!dtype) {
    emitError(function.getLoc(),
              "the cpu target does not support the element type of ")
        << what << ": " << type;
    return failure();
  }
  return TensorSignature{*dtype,
                         std::vector<int64_t>(tensorType.getShape().begin(),
                                              tensorType.getShape().end())};
}

class CPUExecutionTarget : public ExecutionTarget {
public:
  std::string name() const override { return "cpu"; }

  FailureOr<std::unique_ptr<Executable>>
  compile(ModuleOp module, func::FuncOp function) override {
    std::vector<TensorSignature> outputs;
    Block *body = function.isExternal() ? nullptr : &function.front();
    for (auto [i, type] : llvm::enumerate(function.getArgumentTypes()))
      if (failed(signatureOf(function, type, "argument " + std::to_string(i),
                             body ? body->getArgument(i) : Value())))
        return failure();
    auto ret = body ? dyn_cast<func::ReturnOp>(body->getTerminator())
                    : func::ReturnOp();
    for (auto [i, type] : llvm::enumerate(function.getResultTypes())) {
      FailureOr<TensorSignature> sig =
          signatureOf(function, type, "result " + std::to_string(i),
                      ret ? ret.getOperand(i) : Value());
      if (failed(sig))
        return failure();
      outputs.push_back(std::move(*sig));
    }

    static std::once_flag initialized;
    std::call_once(initialized, [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
    });

    MLIRContext *context = module.getContext();
    DialectRegistry registry;
    registerCPUTargetDialects(registry);
    context->appendDialectRegistry(registry);

    OwningOpRef<ModuleOp> clone = module.clone();
    auto entry = clone->lookupSymbol<func::FuncOp>(function.getSymName());
    if (!entry) {
      emitError(function.getLoc(),
                "cpu target: the function is not a symbol of the "
                "module");
      return failure();
    }
    // Compile only the entry function and what it calls: the other
    // functions of the module may use what the cpu target does not support.
    for (auto other : clone->getOps<func::FuncOp>())
      if (other != entry)
        other.setPrivate();
    markCPUEntryPoint(entry);

    // Lower. Diagnostics go to the caller's handler; this one only notes
    // whether any error was reported (so a silent failure gets a message).
    bool sawError = false;
    {
      ScopedDiagnosticHandler watch(context, [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error)
          sawError = true;
        return failure(); // Pass it on.
      });
      PassManager pm(context, ModuleOp::getOperationName());
      pm.addPass(createSymbolDCEPass());
      buildCPULoweringPipeline(pm);
      if (failed(pm.run(*clone))) {
        if (!sawError)
          emitError(function.getLoc(), "the cpu target failed to lower @")
              << function.getSymName();
        return failure();
      }
    }

    // JIT-compile for the host CPU: the LLVM -O3 pipeline, then codegen at
    // the default level. (On the naive loops of the GPT-2 block: -O0 101 ms,
    // -O2 41 ms, -O3 39 ms.)
    auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!tmBuilder) {
      emitError(function.getLoc(), "cpu target: cannot detect the host: ")
          << llvm::toString(tmBuilder.takeError());
      return failure();
    }
    auto tm = tmBuilder->createTargetMachine();
    if (!tm) {
      emitError(function.getLoc(),
                "cpu target: cannot create a target machine: ")
          << llvm::toString(tm.takeError());
      return failure();
    }
    // ExecutionEngineOptions::transformer is a function_ref: the callable
    // must outlive ExecutionEngine::create, which is where it runs.
    std::function<llvm::Error(llvm::Module *)> optimize =
        makeOptimizingTransformer(3, 0, tm->get());
    ExecutionEngineOptions options;
    options.transformer = optimize;
    options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
    options.enableGDBNotificationListener = false;
    options.enablePerfNotificationListener = false;
    // Parallel loops call LLVM's OpenMP runtime (__kmpc_*): load libomp into
    // the process so the JIT resolves them like libm's functions.
    if (llvm::Error error = loadOpenMPRuntime()) {
      emitError(function.getLoc(), "cpu target: ")
          << llvm::toString(std::move(error));
      return failure();
    }
    auto engine = ExecutionEngine::create(*clone, options, std::move(*tm));
    if (!engine) {
      emitError(function.getLoc(), "cpu target: JIT compilation failed: ")
          << llvm::toString(engine.takeError());
      return failure();
    }
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
        function, std::move(*engine), std::move(outputs)));
  }
};

} // namespace

std::unique_ptr<ExecutionTarget> kiln::createCPUExecutionTarget() {
  return std::make_unique<CPUExecutionTarget>();
}
