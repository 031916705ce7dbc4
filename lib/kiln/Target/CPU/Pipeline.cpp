//===- Pipeline.cpp - The CPU target's lowering pipeline ------------------===//
//
// kiln -> schedules (cost model) -> linalg on tensors -> tiled, packed and
// vectorized as the schedules say -> one-shot bufferization (function
// boundaries, identity layouts, results turned into caller-owned
// out-parameters) -> loops -> LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/CPU/Passes.h"
#include "kiln/Target/CPU/Threading.h"

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
struct CPUPipelineRegistrationOptions
    : PassPipelineOptions<CPUPipelineRegistrationOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("cpu[:DESC] for the schedules"),
                             llvm::cl::init("cpu")};
  Option<std::string> targetsDir{
      *this, "targets-dir",
      llvm::cl::desc("where DESC names are looked up")};
  Option<std::string> scheduleFile{
      *this, "schedule-file",
      llvm::cl::desc("schedules that override the cost model")};
  kiln::CPUPipelineOptions toOptions() const {
    return {target, targetsDir, scheduleFile};
  }
};
} // namespace

void kiln::buildCPUTilingPipeline(OpPassManager &pm,
                                  const CPUPipelineOptions &options) {
  KilnSelectSchedulesOptions select;
  select.target = options.target;
  select.targetsDir = options.targetsDir;
  select.scheduleFile = options.scheduleFile;
  kiln::buildScheduleSelectionPipeline(pm, select);

  // kiln -> linalg/tensor/arith/math on tensors; the schedules ride along.
  pm.addPass(kiln::createConvertKilnToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(kiln::createKilnCPUDecomposeAggregates());

  // Doing: pack, tile and vectorize as the schedules say.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUPackMatmuls());
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUTileAndVectorize());
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUReassociateReductions());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void kiln::addCPUEntryPointBufferization(OpPassManager &pm) {
  pm.addPass(kiln::createKilnCPUPrepareEntryPoints());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
}

void kiln::addCPUResultsToOutParams(OpPassManager &pm) {
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
}

void kiln::buildCPUBufferizeAndLowerPipeline(OpPassManager &pm) {
  // Tensors -> buffers. Function boundaries get identity layouts so the
  // caller can pass plain dense buffers; results become out-parameters.
  addCPUEntryPointBufferization(pm);
  // Folds a returned collapse_shape of an expand_shape of an allocation
  // (kiln-cpu-prepare-entry-points builds them) to the allocation, which
  // the next pass then turns into the out-parameter.
  pm.addPass(createCanonicalizerPass());
  addCPUResultsToOutParams(pm);
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUPrefetchPanels());

  // Buffers -> loops. Vector transfers become (unrolled) loads and stores;
  // the untiled linalg ops become scalar loops that LLVM's loop vectorizer
  // sees.
  pm.addPass(kiln::createKilnCPUCopyToLinalg());
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll(true);
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  // Level-0 scf.forall -> OpenMP worksharing loops.
  kiln::addCPUThreadingPasses(pm);
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Loops -> LLVM. f32 transcendentals become polynomials (vectorizable);
  // math ops with an LLVM intrinsic become intrinsics; the rest become libm
  // calls that the JIT resolves in the process. Vector ops are lowered
  // after math-to-libm, which unrolls vector math it turns into calls.
  pm.addNestedPass<func::FuncOp>(kiln::createKilnCPUApproximateMath());
  pm.addPass(arith::createArithExpandOpsPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  // Temporaries come from _mlir_memref_to_llvm_alloc/_free, which the JIT
  // and kilnc --emit=lib back with a cache of freed blocks (BufferCache.c).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  kiln::addCPUThreadingToLLVMPasses(pm);
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void kiln::buildCPULoweringPipeline(OpPassManager &pm,
                                    const CPUPipelineOptions &options) {
  buildCPUTilingPipeline(pm, options);
  buildCPUBufferizeAndLowerPipeline(pm);
}

void kiln::registerCPUTargetDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, LLVM::LLVMDialect,
                  memref::MemRefDialect, scf::SCFDialect,
                  vector::VectorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  // Schedule-driven tiling and vectorization (kiln-cpu-tile-and-vectorize).
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerValueBoundsOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  kiln::registerCPUThreadingDialects(registry);
}

void kiln::registerCPUTargetPasses() {
  kiln::registerCPUThreadingPasses();
  // Kiln's helper passes.
  kiln::registerKilnCPUPasses();
  // The upstream passes the pipeline uses.
  bufferization::registerOneShotBufferizePass();
  bufferization::registerBufferResultsToOutParamsPass();
  bufferization::registerOwnershipBasedBufferDeallocationPass();
  bufferization::registerBufferDeallocationSimplificationPass();
  bufferization::registerLowerDeallocationsPass();
  bufferization::registerBufferizationPipelines();
  registerConvertLinalgToLoopsPass();
  registerConvertVectorToSCFPass();
  registerConvertVectorToLLVMPass();
  registerUBToLLVMConversionPass();
  registerLowerAffinePass();
  registerSCFToControlFlowPass();
  memref::registerExpandStridedMetadataPass();
  arith::registerArithExpandOpsPass();
  registerConvertMathToLLVMPass();
  registerConvertMathToLibmPass();
  registerArithToLLVMConversionPass();
  registerFinalizeMemRefToLLVMConversionPass();
  registerConvertFuncToLLVMPass();
  registerConvertControlFlowToLLVMPass();
  registerReconcileUnrealizedCastsPass();

  PassPipelineRegistration<CPUPipelineRegistrationOptions>(
      "kiln-lower-to-llvm-cpu",
      "Lower kiln IR to the LLVM dialect for the cpu target (the pipeline "
      "kiln-run --target=cpu runs)",
      [](OpPassManager &pm, const CPUPipelineRegistrationOptions &o) {
        kiln::buildCPULoweringPipeline(pm, o.toOptions());
      });
  PassPipelineRegistration<CPUPipelineRegistrationOptions>(
      "kiln-cpu-tile",
      "The first stage of kiln-lower-to-llvm-cpu: select schedules, lower to "
      "linalg, tile and vectorize (what kilnc --emit=tiled prints)",
      [](OpPassManager &pm, const CPUPipelineRegistrationOptions &o) {
        kiln::buildCPUTilingPipeline(pm, o.toOptions());
      });
}
