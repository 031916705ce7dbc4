//===- Threading.cpp - Multithreading of the CPU target (OpenMP) ----------===//
//
// scf.forall (memrefs) -> scf.parallel -> omp.parallel/omp.wsloop, then
// convert-openmp-to-llvm in the LLVM stage; the OpenMP dialect translation
// (OpenMPIRBuilder) outlines the regions. Plus the two small passes upstream
// lacks and the loading of libomp into the process for the JIT and kiln-run.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Threading.h"

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

namespace {

/// True when `op` lies inside another scf.forall or scf.parallel.
bool isNestedInParallelLoop(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<scf::ForallOp, scf::ParallelOp>(parent))
      return true;
  return false;
}

/// Moves the operations of `body` (all but its terminator, which must not
/// use them) into a memref.alloca_scope when some of them allocate on the
/// stack: an iteration's memref.alloca then lives for that iteration only,
/// as in the parallel loop, instead of growing the stack on every iteration
/// of the sequential loop it becomes.
void wrapBodyInAllocaScope(OpBuilder &builder, Block *body) {
  bool allocates = false;
  body->walk([&](memref::AllocaOp) { allocates = true; });
  Operation *terminator = body->getTerminator();
  if (!allocates || terminator == &body->front())
    return;
  builder.setInsertionPoint(terminator);
  auto scope =
      memref::AllocaScopeOp::create(builder, terminator->getLoc(), TypeRange());
  Block *inner = new Block();
  scope.getBodyRegion().push_back(inner);
  inner->getOperations().splice(inner->end(), body->getOperations(),
                                body->begin(), Block::iterator(scope));
  builder.setInsertionPointToEnd(inner);
  memref::AllocaScopeReturnOp::create(builder, terminator->getLoc(),
                                      ValueRange());
}

struct SequentializeNestedParallelLoopsPass
    : public PassWrapper<SequentializeNestedParallelLoopsPass,
                         OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(
      SequentializeNestedParallelLoopsPass)

  StringRef getArgument() const override {
    return "kiln-cpu-sequentialize-nested-parallel";
  }
  StringRef getDescription() const override {
    return "Turn every scf.forall / scf.parallel nested in another one into "
           "scf.for loops, so only the outermost becomes an OpenMP parallel "
           "region";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<scf::SCFDialect>();
  }

  void runOnOperation() override {
    // Post-order: inner loops come before the loops that contain them.
    SmallVector<Operation *> nested;
    getOperation().walk([&](Operation *op) {
      if (isa<scf::ForallOp, scf::ParallelOp>(op) && isNestedInParallelLoop(op))
        nested.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : nested) {
      rewriter.setInsertionPoint(op);
      if (auto forall = dyn_cast<scf::ForallOp>(op)) {
        // The tensor form (shared_outs) is left as it is.
        if (forall.getNumResults() != 0)
          continue;
        wrapBodyInAllocaScope(rewriter, forall.getBody());
        rewriter.setInsertionPoint(forall);
        (void)scf::forallToForLoop(rewriter, forall);
        continue;
      }
      auto parallel = cast<scf::ParallelOp>(op);
      if (parallel.getNumResults() != 0)
        continue; // A reduction: stays a (serialized) nested region.
      wrapBodyInAllocaScope(rewriter, parallel.getBody());
      rewriter.setInsertionPoint(parallel);
      (void)scf::parallelForToNestedFors(rewriter, parallel);
    }
  }
};

struct LowerAllocaScopesPass
    : public PassWrapper<LowerAllocaScopesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerAllocaScopesPass)

  StringRef getArgument() const override {
    return "kiln-cpu-lower-alloca-scopes";
  }
  StringRef getDescription() const override {
    return "Inline single-block memref.alloca_scope ops, with "
           "llvm.intr.stacksave/stackrestore around them when they allocate "
           "(so scf-to-cf may then split their bodies into blocks)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<LLVM::LLVMDialect>();
  }

  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk(
        [&](memref::AllocaScopeOp scope) { scopes.push_back(scope); });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Region &region = scope.getBodyRegion();
      if (!region.hasOneBlock())
        continue;
      Block *body = &region.front();
      bool allocates = false;
      body->walk([&](Operation *op) {
        if (isa<memref::AllocaOp, LLVM::AllocaOp>(op))
          allocates = true;
      });
      Location loc = scope.getLoc();
      rewriter.setInsertionPoint(scope);
      Value stack;
      if (allocates)
        stack = LLVM::StackSaveOp::create(
            rewriter, loc, LLVM::LLVMPointerType::get(&getContext()));
      auto terminator = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
      SmallVector<Value> results(terminator.getResults());
      rewriter.eraseOp(terminator);
      rewriter.inlineBlockBefore(body, scope);
      if (stack)
        LLVM::StackRestoreOp::create(rewriter, loc, stack);
      rewriter.replaceOp(scope, results);
    }
  }
};

} // namespace

std::unique_ptr<Pass> kiln::createSequentializeNestedParallelLoopsPass() {
  return std::make_unique<SequentializeNestedParallelLoopsPass>();
}

std::unique_ptr<Pass> kiln::createLowerAllocaScopesPass() {
  return std::make_unique<LowerAllocaScopesPass>();
}

void kiln::addCPUThreadingPasses(OpPassManager &pm) {
  pm.addPass(createSequentializeNestedParallelLoopsPass());
  pm.addPass(createForallToParallelLoopPass());
  // num-threads = 0: no num_threads clause, the runtime's default applies
  // (OMP_NUM_THREADS, omp_set_num_threads, else one thread per core).
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createLowerAllocaScopesPass());
}

void kiln::addCPUThreadingToLLVMPasses(OpPassManager &pm) {
  pm.addPass(createConvertOpenMPToLLVMPass());
}

void kiln::registerCPUThreadingDialects(DialectRegistry &registry) {
  registry.insert<omp::OpenMPDialect>();
  registerOpenMPDialectTranslation(registry);
}

void kiln::registerCPUThreadingPasses() {
  PassRegistration<SequentializeNestedParallelLoopsPass>();
  PassRegistration<LowerAllocaScopesPass>();
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
