//===- CPUCodegen.cpp - LLVM code generation for a CPU description --------===//

#include "kiln/Target/CPU/CPUCodegen.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

using namespace kiln;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
kiln::createCPUTargetMachine(const CPUTargetDescription &description) {
  // Every target LLVM was built with, so cross targets work like the host.
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(description.triple);
  std::string message;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, message);
  if (!target)
    return makeError("target description '" + description.name +
                     "': no LLVM target for triple '" + description.triple +
                     "': " + message);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, description.cpu, description.llvmFeatureString(), options,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return makeError("target description '" + description.name +
                     "': LLVM cannot create a machine for cpu '" +
                     description.cpu + "' on '" + description.triple + "'");
  return machine;
}

/// Compiled code allocates its temporaries with the generic functions of
/// finalize-memref-to-llvm (`use-generic-functions`). The JIT and `kilnc
/// --emit=lib` provide them (BufferCache.c: freed blocks are reused); an
/// object on its own gets weak definitions that call malloc and free, so
/// it links anywhere and a strong definition (the cache) wins where linked.
static void addAllocationFallbacks(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  auto define = [&](llvm::StringRef name, llvm::StringRef libcName) {
    llvm::Function *f = module.getFunction(name);
    if (!f || !f->isDeclaration())
      return;
    llvm::FunctionCallee libc =
        module.getOrInsertFunction(libcName, f->getFunctionType());
    f->setLinkage(llvm::GlobalValue::WeakAnyLinkage);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", f));
    llvm::SmallVector<llvm::Value *> args;
    for (llvm::Argument &a : f->args())
      args.push_back(&a);
    llvm::CallInst *call = b.CreateCall(libc, args);
    if (f->getReturnType()->isVoidTy())
      b.CreateRetVoid();
    else
      b.CreateRet(call);
  };
  define("_mlir_memref_to_llvm_alloc", "malloc");
  define("_mlir_memref_to_llvm_free", "free");
}

llvm::Expected<std::unique_ptr<llvm::Module>>
kiln::translateToOptimizedLLVMIR(mlir::Operation *module,
                                 llvm::LLVMContext &context,
                                 llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return makeError("cannot translate the module to LLVM IR (see the "
                     "diagnostics above)");
  addAllocationFallbacks(*llvmModule);
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  auto optimize = mlir::makeOptimizingTransformer(/*optLevel=*/3,
                                                  /*sizeLevel=*/0, &machine);
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);
  return llvmModule;
}

llvm::Error kiln::emitCPUFile(llvm::Module &module,
                              llvm::TargetMachine &machine, CPUFileKind kind,
                              llvm::raw_pwrite_stream &out) {
  llvm::legacy::PassManager passes;
  llvm::CodeGenFileType type = kind == CPUFileKind::Assembly
                                   ? llvm::CodeGenFileType::AssemblyFile
                                   : llvm::CodeGenFileType::ObjectFile;
  if (machine.addPassesToEmitFile(passes, out, nullptr, type))
    return makeError("LLVM cannot emit this file type for '" +
                     machine.getTargetTriple().str() + "'");
  passes.run(module);
  return llvm::Error::success();
}
