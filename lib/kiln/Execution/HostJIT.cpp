//===- HostJIT.cpp - Lower one entry point and JIT its host code ----------===//

#include "kiln/Execution/HostJIT.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Runtime/MemRefDescriptor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <functional>
#include <mutex>
#include <string>

using namespace mlir;

/// The signature of argument or result `what` of `function` (`value` as in
/// entryResultSignatures).
static FailureOr<kiln::TensorSignature> signatureOf(
    func::FuncOp function, StringRef targetName, Type type,
    const std::string &what, Value value,
    llvm::function_ref<void(const std::string &, RankedTensorType, Value)>
        reportDynamicShape) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType) {
    emitError(function.getLoc(), "the ")
        << targetName
        << " target supports ranked tensor arguments and results only: " << what
        << " is " << type;
    return failure();
  }
  if (!tensorType.hasStaticShape()) {
    reportDynamicShape(what, tensorType, value);
    return failure();
  }
  std::optional<kiln::DType> dtype = kiln::dtypeOf(tensorType.getElementType());
  if (!dtype) {
    emitError(function.getLoc(), "the ")
        << targetName << " target does not support the element type of " << what
        << ": " << type;
    return failure();
  }
  return kiln::TensorSignature{
      *dtype, std::vector<int64_t>(tensorType.getShape().begin(),
                                   tensorType.getShape().end())};
}

FailureOr<std::vector<kiln::TensorSignature>> kiln::entryResultSignatures(
    func::FuncOp function, StringRef targetName,
    llvm::function_ref<void(const std::string &, RankedTensorType, Value)>
        reportDynamicShape) {
  Block *body = function.isExternal() ? nullptr : &function.front();
  for (auto [i, type] : llvm::enumerate(function.getArgumentTypes()))
    if (failed(signatureOf(
            function, targetName, type, "argument " + std::to_string(i),
            body ? body->getArgument(i) : Value(), reportDynamicShape)))
      return failure();
  auto ret =
      body ? dyn_cast<func::ReturnOp>(body->getTerminator()) : func::ReturnOp();
  std::vector<TensorSignature> outputs;
  for (auto [i, type] : llvm::enumerate(function.getResultTypes())) {
    FailureOr<TensorSignature> sig =
        signatureOf(function, targetName, type, "result " + std::to_string(i),
                    ret ? ret.getOperand(i) : Value(), reportDynamicShape);
    if (failed(sig))
      return failure();
    outputs.push_back(std::move(*sig));
  }
  return outputs;
}

std::vector<kiln::HostTensor>
kiln::allocateResults(ArrayRef<TensorSignature> outputs) {
  std::vector<HostTensor> results;
  results.reserve(outputs.size());
  for (const TensorSignature &output : outputs)
    results.emplace_back(output.dtype, output.shape);
  return results;
}

FailureOr<OwningOpRef<ModuleOp>> kiln::lowerEntryPoint(
    ModuleOp module, func::FuncOp function, StringRef targetName,
    llvm::function_ref<void(func::FuncOp)> prepareEntry,
    llvm::function_ref<void(OpPassManager &)> buildPipeline) {
  MLIRContext *context = module.getContext();
  OwningOpRef<ModuleOp> clone = module.clone();
  auto entry = clone->lookupSymbol<func::FuncOp>(function.getSymName());
  if (!entry) {
    emitError(function.getLoc(), targetName)
        << " target: the function is not a symbol of the module";
    return failure();
  }
  for (auto other : clone->getOps<func::FuncOp>())
    if (other != entry)
      other.setPrivate();
  if (prepareEntry)
    prepareEntry(entry);

  // Diagnostics go to the caller's handler; this one only notes whether any
  // error was reported (so a silent failure gets a message).
  bool sawError = false;
  ScopedDiagnosticHandler watch(context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      sawError = true;
    return failure(); // Pass it on.
  });
  PassManager pm(context, ModuleOp::getOperationName());
  pm.addPass(createSymbolDCEPass());
  buildPipeline(pm);
  if (failed(pm.run(*clone))) {
    if (!sawError)
      emitError(function.getLoc(), "the ")
          << targetName << " target failed to lower @"
          << function.getSymName();
    return failure();
  }
  return clone;
}

FailureOr<std::unique_ptr<ExecutionEngine>>
kiln::createHostJIT(ModuleOp lowered, func::FuncOp function,
                    StringRef targetName, unsigned optLevel,
                    std::optional<llvm::CodeGenOptLevel> codeGenOptLevel) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder) {
    emitError(function.getLoc(), targetName)
        << " target: cannot detect the host: "
        << llvm::toString(tmBuilder.takeError());
    return failure();
  }
  auto tm = tmBuilder->createTargetMachine();
  if (!tm) {
    emitError(function.getLoc(), targetName)
        << " target: cannot create a target machine: "
        << llvm::toString(tm.takeError());
    return failure();
  }
  // ExecutionEngineOptions::transformer is a function_ref: the callable
  // must outlive ExecutionEngine::create, which is where it runs.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(optLevel, 0, tm->get());
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = codeGenOptLevel;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(lowered, options, std::move(*tm));
  if (!engine) {
    emitError(function.getLoc(), targetName)
        << " target: JIT compilation failed: "
        << llvm::toString(engine.takeError());
    return failure();
  }
  return std::move(*engine);
}

LogicalResult
kiln::invokeWithDescriptors(ExecutionEngine &engine, func::FuncOp function,
                            StringRef targetName, ArrayRef<const void *> data,
                            ArrayRef<std::vector<int64_t>> shapes) {
  std::vector<std::vector<int64_t>> descriptors;
  descriptors.reserve(data.size());
  for (auto [ptr, shape] : llvm::zip(data, shapes)) {
    std::vector<int64_t> d(memrefDescriptorWords(shape.size()));
    writeMemRefDescriptor(d.data(), ptr, shape.data(), shape.size());
    descriptors.push_back(std::move(d));
  }
  // The C interface takes a pointer to each descriptor; the packed wrapper
  // takes a pointer to each of those arguments.
  std::vector<void *> descriptorPtrs;
  for (std::vector<int64_t> &d : descriptors)
    descriptorPtrs.push_back(d.data());
  std::vector<void *> args;
  for (void *&ptr : descriptorPtrs)
    args.push_back(&ptr);
  std::string symbol = ("_mlir_ciface_" + function.getSymName()).str();
  if (llvm::Error error = engine.invokePacked(symbol, args)) {
    emitError(function.getLoc(), targetName)
        << " target: cannot call the compiled function: "
        << llvm::toString(std::move(error));
    return failure();
  }
  return success();
}
