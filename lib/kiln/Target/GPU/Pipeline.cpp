//===- Pipeline.cpp - The GPU target's lowering pipeline ------------------===//
//
// kiln -> schedules (GPU cost model) -> linalg on tensors -> block and
// thread scf.forall loops (kiln-gpu-tile) -> one-shot bufferization (as on
// the CPU: identity layouts, results as caller-owned out-parameters) ->
// device buffers -> scf.parallel mapped to blocks/threads -> gpu.launch ->
// gpu-kernel-outlining -> NVVM -> gpu.binary; host code -> LLVM dialect with
// gpu.launch_func and mgpu* calls (upstream gpu-to-llvm).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Pipeline.h"
#include "kiln/Target/GPU/Passes.h"
#include "kiln/Target/GPU/GPUTargetDescription.h"

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Target/CPU/Passes.h"
#include "kiln/Target/CPU/Pipeline.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

using namespace mlir;

namespace {
struct GPUPipelineRegistrationOptions
    : PassPipelineOptions<GPUPipelineRegistrationOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("GPU description: a name in targets/ or a .json path"),
      llvm::cl::init("gpu-sm80")};
  Option<std::string> targetsDir{
      *this, "targets-dir", llvm::cl::desc("where names are looked up")};
  Option<std::string> scheduleFile{
      *this, "schedule-file",
      llvm::cl::desc("schedules that override the cost model")};
  Option<std::string> format{
      *this, "format", llvm::cl::desc("gpu.binary format: isa, bin, fatbin"),
      llvm::cl::init("isa")};
  Option<std::string> f32Matmul{
      *this, "f32-matmul",
      llvm::cl::desc("ieee (f32 FMAs) or tf32 (TF32 tensor cores)"),
      llvm::cl::init("ieee")};
  kiln::GPUPipelineOptions toOptions() const {
    kiln::GPUPipelineOptions o;
    o.target = target;
    o.targetsDir = targetsDir;
    o.scheduleFile = scheduleFile;
    o.f32Matmul = f32Matmul;
    o.binaryFormat = format;
    return o;
  }
};

std::string selectionTarget(const kiln::GPUPipelineOptions &options) {
  return "gpu:" + options.target;
}

/// The description the pipeline is built for. A bad one is reported by
/// kiln-select-schedules, which resolves the same spec and runs first, so
/// the passes after it never run with the empty fallback.
kiln::GPUTargetDescription
describe(const kiln::GPUPipelineOptions &options) {
  std::string dir = options.targetsDir.empty()
                        ? std::string(KILN_SOURCE_TARGETS_DIR)
                        : options.targetsDir;
  llvm::Expected<kiln::GPUTargetDescription> d =
      kiln::resolveGPUTargetDescription(options.target, {dir});
  if (!d) {
    llvm::consumeError(d.takeError());
    return {};
  }
  return std::move(*d);
}
} // namespace

void kiln::buildGPUTilingPipeline(OpPassManager &pm,
                                  const GPUPipelineOptions &options) {
  // The graph rewrites and decisions every target runs.
  KilnSelectSchedulesOptions select;
  select.target = selectionTarget(options);
  select.targetsDir = options.targetsDir;
  select.scheduleFile = options.scheduleFile;
  select.f32Matmul = options.f32Matmul;
  kiln::buildScheduleSelectionPipeline(pm, select);

  // f16 / bf16 attention with a flash-attention schedule: one fused kernel,
  // built on the kiln op before it is decomposed.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUFlashAttention());
  pm.addPass(kiln::createConvertKilnToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(kiln::createKilnCPUDecomposeAggregates());
  // Doing: blocks and threads as the schedules say.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUTile());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void kiln::buildGPUOutliningPipeline(OpPassManager &pm,
                                     const GPUPipelineOptions &options) {
  // Entry points and bufferization exactly as on the CPU (docs/gpu.md):
  // read-only inputs, identity layouts, results as out-parameters.
  kiln::addCPUEntryPointBufferization(pm);
  kiln::addCPUResultsToOutParams(pm);
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());

  // Tensor-core matmuls (and their epilogues) become their own kernels
  // while their buffers are still host allocations.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUTensorCoreMatmul());
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUSwizzleWorkgroupMemory());
  // Row reductions with a block-reduction schedule: their own kernels.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUBlockReduce());
  // Host buffers into device memory, then every loop into a kernel.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUDeviceMemory());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // Kernels must not need libdevice (CUDA's bitcode, absent where Kiln
  // builds): pow becomes exp/log, f32 transcendentals polynomials; the
  // rest (fma, sqrt, abs, floor) become LLVM intrinsics on the device.
  math::MathExpandOpsPassOptions expand;
  expand.opMnemonics = {"powf"};
  pm.addNestedPass<func::FuncOp>(math::createMathExpandOpsPass(expand));
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUApproximateMath());
  pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
  pm.addNestedPass<func::FuncOp>(kiln::createKilnGPUMapParallelLoops());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  // Constants and index arithmetic into the kernels (not kernel
  // arguments), so the device code sees them as constants.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(kiln::createKilnGPUMergeKernelModules());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void kiln::buildGPUToLLVMPipeline(OpPassManager &pm,
                                  const GPUPipelineOptions &options) {
  // Every gpu.module gets the #nvvm.target of the description.
  kiln::GPUTargetDescription description = describe(options);
  GpuNVVMAttachTargetOptions attach;
  if (!description.chip.empty()) {
    attach.triple = description.triple;
    attach.chip = description.chip;
    attach.features = description.ptxFeatures();
  }
  attach.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(attach));

  // Device code: GPU, arith, math, memref -> NVVM / LLVM.
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(kiln::createKilnGPUAlignWorkgroupMemory());
  device.addPass(kiln::createKilnGPUContractFMA());
  device.addPass(arith::createArithExpandOpsPass());
  // Before convert-gpu-to-nvvm, which would call libdevice's __nv_* for
  // them (unresolved without a CUDA toolkit): fma stays llvm.intr.fma, the
  // rest become calls of the intrinsics NVPTX selects natively.
  device.addPass(createConvertMathToLLVMPass());
  device.addPass(kiln::createKilnGPUNativeMathIntrinsics());
  // cp.async, ldmatrix, mma.sync (kiln-gpu-tensor-core-matmul).
  device.addPass(createConvertNVGPUToNVVMPass());
  device.addPass(createSCFToControlFlowPass());
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.indexBitwidth = 64;
  device.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  device.addPass(createConvertNVVMToLLVMPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());

  // Host code: one stream per call, synchronized before returning.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(arith::createArithExpandOpsPass());
  GpuToLLVMConversionPassOptions toLLVM;
  pm.addPass(createGpuToLLVMConversionPass(toLLVM));
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.binaryFormat;
  binary.toolkitPath = options.toolkitPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createCanonicalizerPass());
}

void kiln::buildGPUPipeline(OpPassManager &pm,
                            const GPUPipelineOptions &options) {
  buildGPUTilingPipeline(pm, options);
  buildGPUOutliningPipeline(pm, options);
  buildGPUToLLVMPipeline(pm, options);
}

std::string kiln::findPtxas() {
  // $KILN_PTXAS names the binary (or, set to anything not executable, says
  // there is none).
  if (std::optional<std::string> chosen =
          llvm::sys::Process::GetEnv("KILN_PTXAS"))
    return llvm::sys::fs::can_execute(*chosen) ? *chosen : std::string();
  if (llvm::ErrorOr<std::string> onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  // Where the CUDA toolkit installs itself by default.
  const char *fallback = "/usr/local/cuda/bin/ptxas";
  if (llvm::sys::fs::can_execute(fallback))
    return fallback;
  return {};
}

bool kiln::writeGPUBinaries(ModuleOp module, llvm::raw_ostream &os) {
  bool any = false;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      if (auto o = dyn_cast<gpu::ObjectAttr>(object)) {
        os << o.getObject().getValue();
        any = true;
      }
  });
  if (!any)
    module.emitError("no GPU kernel in the module: nothing to write");
  return any;
}

void kiln::registerGPUTargetDialects(DialectRegistry &registry) {
  // Bufferization, tiling and the LLVM translations are the CPU's.
  kiln::registerCPUTargetDialects(registry);
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect, index::IndexDialect,
                  nvgpu::NVGPUDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  // gpu-to-llvm converts the host code through these interfaces.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
  NVVM::registerConvertGpuToNVVMInterface(registry);
  gpu::registerConvertGpuToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
}

void kiln::registerGPUTargetPasses() {
  kiln::registerKilnGPUPasses();
  registerGpuNVVMAttachTarget();
  registerGpuModuleToBinaryPass();
  registerGpuKernelOutliningPass();
  registerGpuAsyncRegionPass();
  registerConvertGpuOpsToNVVMOps();
  registerGpuToLLVMConversionPass();
  registerConvertParallelLoopToGpuPass();
  registerConvertLinalgToParallelLoopsPass();
  registerSCFForallToParallelLoopPass();
  registerConvertNVVMToLLVMPass();
  registerConvertNVGPUToNVVMPass();
  math::registerMathExpandOpsPass();

  PassPipelineRegistration<GPUPipelineRegistrationOptions>(
      "kiln-lower-to-llvm-gpu",
      "Lower kiln IR to the LLVM dialect for an NVIDIA GPU: host code with "
      "gpu.launch_func and an embedded gpu.binary (what kilnc "
      "--target=gpu --emit=llvm-mlir prints)",
      [](OpPassManager &pm, const GPUPipelineRegistrationOptions &o) {
        kiln::buildGPUPipeline(pm, o.toOptions());
      });
  PassPipelineRegistration<GPUPipelineRegistrationOptions>(
      "kiln-gpu-tile-pipeline",
      "The first stage of kiln-lower-to-llvm-gpu: schedules, linalg, tiled "
      "to blocks and threads",
      [](OpPassManager &pm, const GPUPipelineRegistrationOptions &o) {
        kiln::buildGPUTilingPipeline(pm, o.toOptions());
      });
}
