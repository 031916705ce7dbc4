//===- GPUExecutionTarget.cpp - JIT-compiled GPU execution ----------------===//
//
// `--target=gpu[:DESC]`: checks first that a GPU is usable (Kiln's GPU
// runtime opens the CUDA driver at run time), then clones the module,
// lowers it with buildGPUPipeline (device code to PTX embedded in a
// gpu.binary, host code to the LLVM dialect calling mgpu*), JIT-compiles the
// host code with MLIR's ExecutionEngine and binds every mgpu* symbol to the
// runtime linked into this process. A run allocates device buffers, copies
// the inputs in, calls `_mlir_ciface_<fn>(in..., out...)` with descriptors
// of device memory (Pipeline.h's host ABI), and copies the outputs back.
// The generated host code checks nothing, so every driver failure is taken
// from the runtime's record (kiln_gpu_error) and becomes a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/GPUExecutionTarget.h"
#include "kiln/Execution/HostJIT.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Runtime/kiln_gpu_runtime.h"
#include "kiln/Target/CPU/BufferCache.h"
#include "kiln/Target/GPU/GPUTargetDescription.h"
#include "kiln/Target/GPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"

using namespace kiln;
using namespace mlir;

namespace {

/// The runtime's recorded failure, or a generic text when it has none.
std::string runtimeError() {
  const char *error = kiln_gpu_error();
  std::string message = error ? error : "a GPU call failed";
  int count = kiln_gpu_error_count();
  if (count > 1)
    message += " (and " + std::to_string(count - 1) +
               " later failure(s), usually consequences of the first)";
  kiln_gpu_clear_error();
  return message;
}

/// Device buffers of one run, freed on every path.
class DeviceBuffers {
public:
  ~DeviceBuffers() {
    for (void *ptr : buffers)
      kiln_gpu_free(ptr);
  }
  void *allocate(size_t bytes) {
    void *ptr = nullptr;
    if (kiln_gpu_malloc(bytes, &ptr) != KILN_GPU_OK)
      return nullptr;
    buffers.push_back(ptr);
    return ptr;
  }

private:
  std::vector<void *> buffers;
};

class GPUExecutable : public Executable {
public:
  GPUExecutable(func::FuncOp function, std::unique_ptr<ExecutionEngine> engine,
                std::vector<TensorSignature> outputs)
      : function(function), engine(std::move(engine)),
        outputs(std::move(outputs)) {}

  FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override {
    // The compiled code trusts the shapes; a wrong one would corrupt memory.
    if (failed(checkArguments(function, inputs)))
      return failure();
    kiln_gpu_clear_error();
    auto fail = [&](const std::string &what) {
      emitError(function.getLoc(), "gpu target: ") << what << runtimeError();
      return failure();
    };

    std::vector<HostTensor> results = allocateResults(outputs);

    // Device copies of the inputs, and zero-filled device outputs (as the
    // cpu target's outputs start zeroed).
    DeviceBuffers buffers;
    std::vector<void *> inputPtrs, outputPtrs;
    for (const HostTensor &input : inputs) {
      void *ptr = buffers.allocate(input.byteSize());
      if (!ptr || kiln_gpu_copy_to_device(ptr, input.data(),
                                          input.byteSize()) != KILN_GPU_OK)
        return fail("cannot copy an input to the GPU: ");
      inputPtrs.push_back(ptr);
    }
    for (HostTensor &result : results) {
      void *ptr = buffers.allocate(result.byteSize());
      if (!ptr || kiln_gpu_copy_to_device(ptr, result.data(),
                                          result.byteSize()) != KILN_GPU_OK)
        return fail("cannot allocate an output on the GPU: ");
      outputPtrs.push_back(ptr);
    }

    std::vector<const void *> data(inputPtrs.begin(), inputPtrs.end());
    data.insert(data.end(), outputPtrs.begin(), outputPtrs.end());
    std::vector<std::vector<int64_t>> shapes;
    for (const HostTensor &input : inputs)
      shapes.push_back(input.shape());
    for (const HostTensor &result : results)
      shapes.push_back(result.shape());
    if (failed(invokeWithDescriptors(*engine, function, "gpu", data, shapes)))
      return failure();
    // Kernel faults surface at the synchronization.
    if (kiln_gpu_synchronize() != KILN_GPU_OK || kiln_gpu_error())
      return fail("running @" + function.getSymName().str() + " failed: ");

    for (auto [result, ptr] : llvm::zip(results, outputPtrs))
      if (kiln_gpu_copy_to_host(result.data(), ptr, result.byteSize()) !=
          KILN_GPU_OK)
        return fail("cannot copy an output back from the GPU: ");
    return results;
  }

private:
  // The module outlives the executable (kiln-run owns both); used for
  // diagnostics and the signature check only.
  func::FuncOp function;
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<TensorSignature> outputs;
};

/// Every mgpu* function the generated host code may call, bound to the
/// runtime in this process (the JIT links no libkiln_gpu_runtime.so).
llvm::orc::SymbolMap runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](llvm::StringRef name, auto *fn) {
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                               llvm::JITSymbolFlags::Exported};
  };
#define KILN_BIND(name) add(#name, &name)
  KILN_BIND(mgpuModuleLoad);
  KILN_BIND(mgpuModuleLoadJIT);
  KILN_BIND(mgpuModuleUnload);
  KILN_BIND(mgpuModuleGetFunction);
  KILN_BIND(mgpuLaunchKernel);
  KILN_BIND(mgpuLaunchClusterKernel);
  KILN_BIND(mgpuStreamCreate);
  KILN_BIND(mgpuStreamDestroy);
  KILN_BIND(mgpuStreamSynchronize);
  KILN_BIND(mgpuStreamWaitEvent);
  KILN_BIND(mgpuEventCreate);
  KILN_BIND(mgpuEventDestroy);
  KILN_BIND(mgpuEventSynchronize);
  KILN_BIND(mgpuEventRecord);
  KILN_BIND(mgpuMemAlloc);
  KILN_BIND(mgpuMemFree);
  KILN_BIND(mgpuMemcpy);
  KILN_BIND(mgpuMemset32);
  KILN_BIND(mgpuMemset16);
  KILN_BIND(mgpuMemHostRegister);
  KILN_BIND(mgpuMemHostRegisterMemRef);
  KILN_BIND(mgpuMemHostUnregister);
  KILN_BIND(mgpuMemHostUnregisterMemRef);
  KILN_BIND(mgpuSetDefaultDevice);
  KILN_BIND(mgpuTensorMapEncodeTiledMemref);
  // Host-side temporaries, if the host code has any (as on the CPU).
  KILN_BIND(_mlir_memref_to_llvm_alloc);
  KILN_BIND(_mlir_memref_to_llvm_free);
#undef KILN_BIND
  return symbols;
}

/// "sm_90" -> 90; 0 when `chip` is not of that form.
int smVersion(llvm::StringRef chip) {
  int version = 0;
  if (!chip.consume_front("sm_") ||
      chip.take_while(llvm::isDigit).getAsInteger(10, version))
    return 0;
  return version;
}

class GPUExecutionTarget : public ExecutionTarget {
public:
  GPUExecutionTarget(std::string spec, std::string descriptionFile,
                     GPUTargetDescription description, std::string f32Matmul)
      : spec(std::move(spec)), descriptionFile(std::move(descriptionFile)),
        description(std::move(description)), f32Matmul(std::move(f32Matmul)) {}

  std::string name() const override { return spec; }

  FailureOr<std::unique_ptr<Executable>>
  compile(ModuleOp module, func::FuncOp function) override {
    FailureOr<std::vector<TensorSignature>> outputs = entryResultSignatures(
        function, "gpu",
        [&](const std::string &what, RankedTensorType type, Value) {
          emitError(function.getLoc(), "the gpu target needs static shapes: ")
              << what << " is " << type
              << " (give the function static shapes, or run it with "
                 "--target=ref)";
        });
    if (failed(outputs))
      return failure();

    MLIRContext *context = module.getContext();
    DialectRegistry registry;
    registerGPUTargetDialects(registry);
    // gpu.binary's #gpu.select_object handler embeds the PTX and emits the
    // mgpuModuleLoad* constructor.
    gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
    context->appendDialectRegistry(registry);

    FailureOr<OwningOpRef<ModuleOp>> lowered = lowerEntryPoint(
        module, function, "gpu", /*prepareEntry=*/nullptr,
        [&](OpPassManager &pm) {
          GPUPipelineOptions options;
          options.target = descriptionFile;
          options.f32Matmul = f32Matmul;
          buildGPUPipeline(pm, options);
        });
    if (failed(lowered))
      return failure();

    // The host code, JIT-compiled for this CPU.
    FailureOr<std::unique_ptr<ExecutionEngine>> engine =
        createHostJIT(**lowered, function, "gpu", /*optLevel=*/2);
    if (failed(engine))
      return failure();
    (*engine)->registerSymbols(runtimeSymbols);
    // The global constructors load the kernels (mgpuModuleLoadJIT): the
    // driver JIT-compiles the PTX here, so a rejected kernel is a compile
    // error, with the driver's log.
    kiln_gpu_clear_error();
    (*engine)->initialize();
    if (kiln_gpu_error()) {
      emitError(function.getLoc(), "gpu target: the GPU did not accept the "
                                   "compiled kernels: ")
          << runtimeError();
      return failure();
    }
    return std::unique_ptr<Executable>(std::make_unique<GPUExecutable>(
        function, std::move(*engine), std::move(*outputs)));
  }

private:
  std::string spec;
  std::string descriptionFile;
  GPUTargetDescription description;
  std::string f32Matmul;
};

} // namespace

llvm::Expected<std::unique_ptr<ExecutionTarget>>
kiln::createGPUExecutionTarget(llvm::StringRef descriptionSpec,
                               llvm::StringRef f32Matmul) {
  // kiln-run reports failures itself, as diagnostics.
  kiln_gpu_set_error_printing(0);
  char why[1024];
  if (!kiln_gpu_available(why, sizeof(why)))
    return llvm::createStringError(
        llvm::Twine(why) +
        "; --target=gpu runs on an NVIDIA GPU with its driver (kilnc "
        "--target=gpu --emit=ptx compiles without one)");

  char deviceName[256] = "";
  int major = 0, minor = 0;
  if (kiln_gpu_device_name(deviceName, sizeof(deviceName)) != KILN_GPU_OK ||
      kiln_gpu_compute_capability(&major, &minor) != KILN_GPU_OK)
    return llvm::createStringError("cannot query the GPU: " + runtimeError());
  int deviceSM = major * 10 + minor;

  // Without a description, the one for this GPU's compute capability.
  std::string spec = descriptionSpec.str();
  if (spec.empty())
    spec = "sm" + std::to_string(deviceSM);
  std::vector<std::string> searchDirs = {KILN_SOURCE_TARGETS_DIR};
  llvm::Expected<GPUTargetDescription> description =
      resolveGPUTargetDescription(spec, searchDirs);
  if (!description) {
    std::string message = llvm::toString(description.takeError());
    if (descriptionSpec.empty())
      message = "no GPU description for this GPU (" + std::string(deviceName) +
                ", sm_" + std::to_string(deviceSM) +
                "); pass --target=gpu:DESC: " + message;
    return llvm::createStringError(message);
  }
  // Code for a newer architecture does not load on an older GPU.
  int descriptionSM = smVersion(description->chip);
  if (descriptionSM > deviceSM)
    return llvm::createStringError(
        "the GPU description '" + description->name + "' targets " +
        description->chip + ", newer than this GPU (" + deviceName + ", sm_" +
        std::to_string(deviceSM) + ")");
  std::string file = findGPUTargetDescriptionFile(spec, searchDirs);
  std::string name = descriptionSpec.empty()
                         ? std::string("gpu")
                         : ("gpu:" + descriptionSpec).str();
  return std::make_unique<GPUExecutionTarget>(std::move(name), std::move(file),
                                              std::move(*description),
                                              f32Matmul.str());
}
