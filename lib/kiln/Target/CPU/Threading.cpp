//===- Threading.cpp - Multithreading of the CPU target (OpenMP) ----------===//
//
// scf.forall (memrefs) -> scf.parallel -> omp.parallel/omp.wsloop, then
// convert-openmp-to-llvm in the LLVM stage; the OpenMP dialect translation
// (OpenMPIRBuilder) outlines the regions. Two small passes of Kiln's own
// (kiln-cpu-sequentialize-nested-parallel, kiln-cpu-lower-alloca-scopes) fill
// gaps; and libomp is loaded into the process for the JIT and kiln-run.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Threading.h"
#include "kiln/Target/CPU/Passes.h"

#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/DynamicLibrary.h"

#include <mutex>

#ifndef KILN_OPENMP_RUNTIME
#error "KILN_OPENMP_RUNTIME (the path of libomp) must be defined by CMake"
#endif

using namespace mlir;

void kiln::addCPUThreadingPasses(OpPassManager &pm) {
  pm.addPass(kiln::createKilnCPUSequentializeNestedParallel());
  pm.addPass(createForallToParallelLoopPass());
  // num-threads = 0: no num_threads clause, the runtime's default applies
  // (OMP_NUM_THREADS, omp_set_num_threads, else one thread per core).
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(kiln::createKilnCPULowerAllocaScopes());
}

void kiln::addCPUThreadingToLLVMPasses(OpPassManager &pm) {
  pm.addPass(createConvertOpenMPToLLVMPass());
}

void kiln::registerCPUThreadingDialects(DialectRegistry &registry) {
  registry.insert<omp::OpenMPDialect>();
  registerOpenMPDialectTranslation(registry);
}

void kiln::registerCPUThreadingPasses() {
  registerSCFForallToParallelLoop();
  registerSCFForallToForLoop();
  registerSCFParallelForToNestedFors();
  registerConvertSCFToOpenMPPass();
  registerConvertOpenMPToLLVMPass();
  PassPipelineRegistration<>(
      "kiln-cpu-threading",
      "scf.forall / scf.parallel on memrefs -> OpenMP (what the cpu pipeline "
      "runs after bufferization; addCPUThreadingPasses)",
      [](OpPassManager &pm) { kiln::addCPUThreadingPasses(pm); });
}

//===----------------------------------------------------------------------===//
// The OpenMP runtime in the process
//===----------------------------------------------------------------------===//

const char *kiln::getOpenMPRuntimePath() { return KILN_OPENMP_RUNTIME; }

llvm::Error kiln::loadOpenMPRuntime() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    std::string message;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(KILN_OPENMP_RUNTIME,
                                                          &message))
      error = "cannot load the OpenMP runtime '" KILN_OPENMP_RUNTIME
              "' that compiled code uses for its threads: " +
              message;
  });
  if (!error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  return llvm::Error::success();
}

llvm::Error kiln::setOpenMPNumThreads(int n) {
  if (n < 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the thread count must be >= 0 (0: the "
                                   "OpenMP default), not " +
                                       std::to_string(n));
  if (n == 0)
    return llvm::Error::success();
  if (llvm::Error error = loadOpenMPRuntime())
    return error;
  void *address = llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(
      "omp_set_num_threads");
  if (!address)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the OpenMP runtime '" KILN_OPENMP_RUNTIME
                                   "' has no omp_set_num_threads");
  reinterpret_cast<void (*)(int)>(address)(n);
  return llvm::Error::success();
}
