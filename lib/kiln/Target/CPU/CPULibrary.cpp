//===- CPULibrary.cpp - Shared libraries for the runtime C API ------------===//
//
// The metadata kiln_runtime.h reads (docs/architecture.md, "Runtime C API
// and --emit=lib"):
//
//   const char kiln_functions[] = "kiln1\n<fn>\n<fn>\n...";
//   const char kiln_signature_<fn>[] =
//       "kiln1 in <dtype> <rank> <dims>... out <dtype> <rank> <dims>...";
//   void kiln_invoke_<fn>(void **descriptors);   // -> _mlir_ciface_<fn>
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/CPULibrary.h"

#include "kiln/Target/CPU/BufferCache.h"
#include "kiln/Target/CPU/CPUCodegen.h"
#include "kiln/Target/CPU/Threading.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include <set>
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace kiln;
using namespace mlir;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A C identifier: the symbol names and the header need one.
static bool isIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

FailureOr<std::vector<LibraryEntryPoint>>
kiln::collectLibraryEntryPoints(ModuleOp module) {
  std::vector<LibraryEntryPoint> entryPoints;
  bool ok = true;
  for (auto function : module.getOps<func::FuncOp>()) {
    if (function.isExternal() || !function.isPublic())
      continue;
    LibraryEntryPoint entry;
    entry.name = function.getSymName().str();
    if (!isIdentifier(entry.name)) {
      function.emitError("kilnc --emit=lib exports functions whose names are "
                         "C identifiers ([A-Za-z_][A-Za-z0-9_]*), not @")
          << entry.name << "; rename it or make it private";
      ok = false;
      continue;
    }
    auto convert = [&](Type type, const std::string &what,
                       std::vector<LibraryTensor> &into) {
      auto tensorType = dyn_cast<RankedTensorType>(type);
      std::optional<DType> dtype =
          tensorType ? dtypeOf(tensorType.getElementType()) : std::nullopt;
      if (!tensorType || !tensorType.hasStaticShape() || !dtype) {
        function.emitError("kilnc --emit=lib needs statically shaped tensors "
                           "of f32 f16 bf16 i64 i32 i8 or i1: ")
            << what << " is " << type;
        return false;
      }
      into.push_back({*dtype, std::vector<int64_t>(tensorType.getShape().begin(),
                                                   tensorType.getShape().end())});
      return true;
    };
    for (auto [i, type] : llvm::enumerate(function.getArgumentTypes()))
      ok &= convert(type, "argument " + std::to_string(i), entry.inputs);
    for (auto [i, type] : llvm::enumerate(function.getResultTypes()))
      ok &= convert(type, "result " + std::to_string(i), entry.outputs);
    entryPoints.push_back(std::move(entry));
  }
  if (!ok)
    return failure();
  if (entryPoints.empty()) {
    module.emitError("kilnc --emit=lib: the module has no public function "
                     "with a body to export");
    return failure();
  }
  return entryPoints;
}

static void addString(llvm::Module &module, StringRef name, StringRef value) {
  llvm::Constant *init =
      llvm::ConstantDataArray::getString(module.getContext(), value, true);
  auto *global = new llvm::GlobalVariable(module, init->getType(), true,
                                          llvm::GlobalValue::ExternalLinkage,
                                          init, name);
  global->setAlignment(llvm::Align(1));
}

llvm::Error kiln::addLibraryMetadata(llvm::Module &module,
                                     ArrayRef<LibraryEntryPoint> entryPoints,
                                     LibraryDevice device) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *invokeType =
      llvm::FunctionType::get(device == LibraryDevice::GPU
                                  ? static_cast<llvm::Type *>(i32)
                                  : llvm::Type::getVoidTy(ctx),
                              {ptr}, false);
  auto *deviceInvokeType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  llvm::FunctionCallee callOnHost;
  if (device == LibraryDevice::GPU) {
    addString(module, "kiln_device", "gpu");
    callOnHost = module.getOrInsertFunction(
        "kiln_gpu_call_on_host_buffers",
        llvm::FunctionType::get(i32, {ptr, ptr, i32, i32, ptr, ptr}, false));
  }
  std::string list = "kiln1\n";
  for (const LibraryEntryPoint &entry : entryPoints) {
    list += entry.name + "\n";
    std::string signature = "kiln1";
    auto append = [&](const char *kind, const LibraryTensor &t) {
      signature += std::string(" ") + kind + " " + dtypeName(t.dtype) + " " +
                   std::to_string(t.shape.size());
      for (int64_t d : t.shape)
        signature += " " + std::to_string(d);
    };
    for (const LibraryTensor &t : entry.inputs)
      append("in", t);
    for (const LibraryTensor &t : entry.outputs)
      append("out", t);
    addString(module, "kiln_signature_" + entry.name, signature);

    // kiln_invoke_<fn>(void **args): _mlir_ciface_<fn>(args[0], ...).
    std::string cifaceName = "_mlir_ciface_" + entry.name;
    llvm::Function *ciface = module.getFunction(cifaceName);
    size_t numArgs = entry.inputs.size() + entry.outputs.size();
    if (!ciface || ciface->isDeclaration())
      return makeError("the lowered module has no " + cifaceName);
    if (ciface->arg_size() != numArgs || !ciface->getReturnType()->isVoidTy() ||
        !llvm::all_of(ciface->args(), [](llvm::Argument &a) {
          return a.getType()->isPointerTy();
        }))
      return makeError(cifaceName + " does not take one memref descriptor "
                                    "pointer per input and output");
    // (GPU: the unpacking is the internal kiln_device_invoke_<fn>, which
    // kiln_invoke_<fn> hands to the runtime with device descriptors.)
    bool gpu = device == LibraryDevice::GPU;
    llvm::Function *unpack = llvm::Function::Create(
        gpu ? deviceInvokeType : invokeType,
        gpu ? llvm::GlobalValue::InternalLinkage
            : llvm::GlobalValue::ExternalLinkage,
        (gpu ? "kiln_device_invoke_" : "kiln_invoke_") + entry.name, module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", unpack));
    llvm::SmallVector<llvm::Value *> args;
    for (size_t i = 0; i < numArgs; ++i) {
      llvm::Value *slot = b.CreateConstInBoundsGEP1_64(ptr, unpack->getArg(0), i);
      args.push_back(b.CreateLoad(ptr, slot));
    }
    b.CreateCall(ciface, args);
    b.CreateRetVoid();
    if (!gpu)
      continue;
    // int32_t kiln_invoke_<fn>(void **host) = kiln_gpu_call_on_host_buffers(
    //     kiln_device_invoke_<fn>, host, #in, #out, ranks, element bytes).
    SmallVector<int32_t> ranks, elementBytes;
    for (const std::vector<LibraryTensor> *list : {&entry.inputs, &entry.outputs})
      for (const LibraryTensor &t : *list) {
        ranks.push_back(int32_t(t.shape.size()));
        elementBytes.push_back(int32_t(dtypeByteSize(t.dtype)));
      }
    auto table = [&](ArrayRef<int32_t> values, const std::string &name) {
      llvm::Constant *init = llvm::ConstantDataArray::get(ctx, values);
      return new llvm::GlobalVariable(module, init->getType(), true,
                                      llvm::GlobalValue::PrivateLinkage, init,
                                      name);
    };
    llvm::Function *invoke =
        llvm::Function::Create(invokeType, llvm::GlobalValue::ExternalLinkage,
                               "kiln_invoke_" + entry.name, module);
    llvm::IRBuilder<> h(llvm::BasicBlock::Create(ctx, "entry", invoke));
    h.CreateRet(h.CreateCall(
        callOnHost,
        {unpack, invoke->getArg(0),
         h.getInt32(uint32_t(entry.inputs.size())),
         h.getInt32(uint32_t(entry.outputs.size())),
         table(ranks, "kiln_ranks_" + entry.name),
         table(elementBytes, "kiln_element_bytes_" + entry.name)}));
  }
  addString(module, "kiln_functions", list);

  // Export the C interface and the metadata only: the other definitions
  // (`<fn>` with expanded descriptors, private helpers) stay inside the
  // library, so they neither clash with an application's symbols (a
  // function named `main`) nor get interposed.
  auto exported = [](StringRef name) {
    return name.starts_with("_mlir_ciface_") || name.starts_with("kiln_");
  };
  for (llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && !value.hasLocalLinkage() &&
        !exported(value.getName()))
      value.setVisibility(llvm::GlobalValue::HiddenVisibility);
  return llvm::Error::success();
}

llvm::Expected<std::string>
kiln::findLibraryLinker(const CPUTargetDescription &description) {
  llvm::Triple target(description.triple);
  llvm::Triple host(llvm::sys::getProcessTriple());
  if (target.getArch() != host.getArch() || target.getOS() != host.getOS())
    return makeError("--emit=lib links with this machine's C compiler, which "
                     "targets '" + host.str() + "', not '" + description.triple +
                     "' (CPU description '" + description.name +
                     "'); write an object with --emit=obj and link it with a "
                     "cross toolchain");
  if (std::optional<std::string> cc = llvm::sys::Process::GetEnv("KILN_CC")) {
    llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(*cc);
    if (path && llvm::sys::fs::can_execute(*path))
      return *path;
    return makeError("KILN_CC names '" + *cc +
                     "', which is not an executable program");
  }
  for (const char *name : {"clang-22", "clang", "cc"})
    if (llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(name))
      return *path;
  return makeError("--emit=lib needs a C compiler driver to link the shared "
                   "library: none of clang-22, clang or cc is on PATH (or set "
                   "KILN_CC)");
}

llvm::Error kiln::linkSharedLibrary(StringRef linker, StringRef objectPath,
                                    StringRef outputPath,
                                    ArrayRef<std::string> extraArgs) {
  // Parallel loops call LLVM's OpenMP runtime (__kmpc_*): link libomp (only
  // when the object needs it: --as-needed) with an rpath to its directory,
  // so the library loads without LD_LIBRARY_PATH.
  StringRef openmp = getOpenMPRuntimePath();
  std::string rpath =
      ("-Wl,-rpath," + llvm::sys::path::parent_path(openmp)).str();
  // The temporaries' allocator (BufferCache.c), compiled into the library
  // with hidden symbols: each library keeps its own cache.
  llvm::SmallString<128> cachePath;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "kiln-buffer-cache", "c", fd, cachePath))
    return makeError("cannot create a temporary file for the buffer cache: " +
                     ec.message());
  llvm::FileRemover removeCache(cachePath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << kBufferCacheSource;
  }
  llvm::SmallVector<StringRef> args = {
      linker,        "-shared",   "-o",     outputPath,
      objectPath,    cachePath,   "-O2",    "-fPIC",
      "-DKILN_BUFFER_CACHE_HIDDEN", "-pthread",
      "-Wl,-z,defs", "-lm",  "-Wl,--push-state,--as-needed",
      openmp,        "-Wl,--pop-state",     rpath};
  for (const std::string &arg : extraArgs)
    args.push_back(arg);
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    std::string command;
    for (StringRef a : args)
      command += (command.empty() ? "" : " ") + a.str();
    return makeError("linking the shared library failed" +
                     (message.empty() ? " (exit code " + std::to_string(rc) + ")"
                                      : ": " + message) +
                     "; command: " + command);
  }
  return llvm::Error::success();
}

std::string kiln::defaultLibraryHeaderPath(StringRef outputPath) {
  StringRef base = outputPath;
  base.consume_back(".so");
  return (base + ".h").str();
}

std::string kiln::libraryHeaderGuard(StringRef headerPath) {
  std::string guard;
  for (char c : llvm::sys::path::filename(headerPath))
    guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  if (guard.empty() || llvm::isDigit(guard.front()))
    guard = "KILN_" + guard;
  return guard;
}

static const char *cTypeOf(DType dtype) {
  switch (dtype) {
  case DType::F32: return "float";
  case DType::F16:
  case DType::BF16: return "uint16_t";
  case DType::I64: return "int64_t";
  case DType::I32: return "int32_t";
  case DType::I8: return "int8_t";
  case DType::I1:
  case DType::U8: return "uint8_t";
  case DType::F64: return "double";
  }
  return "void";
}

static std::string typeString(const LibraryTensor &t) {
  std::string s;
  for (int64_t d : t.shape)
    s += std::to_string(d) + "x";
  return s + dtypeName(t.dtype);
}

std::string kiln::generateLibraryHeader(ArrayRef<LibraryEntryPoint> entryPoints,
                                        StringRef libraryName, StringRef guard,
                                        LibraryDevice device) {
  bool gpu = device == LibraryDevice::GPU;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* " << libraryName << ": written by kilnc --emit=lib; do not edit.\n"
     << " *\n"
     << " * Two ways to call the functions of the library:\n"
     << " *\n"
     << " * 1. Link the library (cc app.c -L. -l<name>) and call the typed\n"
     << " *    helpers below, kiln_run_<fn>(inputs..., outputs...): dense\n"
     << " *    row-major buffers of the shapes in the comments, which the\n"
     << " *    caller allocates (outputs are overwritten). Nothing is checked:\n"
     << " *    a wrong buffer size corrupts memory. f16/bf16 elements are\n"
     << " *    uint16_t bit patterns, i1 one uint8_t holding 0 or 1.\n";
  if (gpu)
    os << " *    The buffers are host memory: kiln_run_<fn> returns 0 when the\n"
       << " *    function ran on the GPU, else a kiln_gpu_status\n"
       << " *    (kiln_gpu_runtime.h; kiln_gpu_error() says why, e.g. no CUDA\n"
       << " *    driver). It calls kiln_invoke_<fn>, which copies the tensors\n"
       << " *    to device buffers and back around _mlir_ciface_<fn>(in...,\n"
       << " *    out...): that one takes kiln_memref_<R>d descriptors of\n"
       << " *    DEVICE buffers (kiln_gpu_malloc): {allocated, aligned, offset,\n"
       << " *    sizes[R], strides[R]} (element counts, row-major).\n";
  else
    os << " *    They call _mlir_ciface_<fn>(in..., out...), which takes one\n"
       << " *    kiln_memref_<R>d descriptor per tensor: {allocated, aligned,\n"
       << " *    offset, sizes[R], strides[R]} (element counts, row-major).\n";
  os << " *\n"
     << " * 2. Load it at run time with the runtime C API (kiln_runtime.h,\n"
     << " *    libkiln_runtime.so): kiln_module_load, kiln_module_get_function,\n"
     << " *    kiln_function_call, which check every tensor's dtype and shape\n"
     << " *    and report errors with kiln_last_error().\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n";

  std::set<size_t> ranks;
  for (const LibraryEntryPoint &entry : entryPoints) {
    for (const LibraryTensor &t : entry.inputs)
      ranks.insert(t.shape.size());
    for (const LibraryTensor &t : entry.outputs)
      ranks.insert(t.shape.size());
  }
  for (size_t rank : ranks) {
    std::string name = "kiln_memref_" + std::to_string(rank) + "d";
    std::string macro = "KILN_MEMREF_" + std::to_string(rank) + "D_DEFINED";
    os << "\n#ifndef " << macro << "\n#define " << macro << "\n"
       << "typedef struct " << name << " {\n"
       << "  void *allocated;\n  void *aligned;\n  int64_t offset;\n";
    if (rank)
      os << "  int64_t sizes[" << rank << "];\n  int64_t strides[" << rank
         << "];\n";
    os << "} " << name << ";\n#endif\n";
  }

  for (const LibraryEntryPoint &entry : entryPoints) {
    std::vector<std::pair<std::string, const LibraryTensor *>> params;
    for (auto [i, t] : llvm::enumerate(entry.inputs))
      params.push_back({"in" + std::to_string(i), &t});
    for (auto [i, t] : llvm::enumerate(entry.outputs))
      params.push_back({"out" + std::to_string(i), &t});
    os << "\n/* " << entry.name << "\n";
    for (auto &[name, t] : params)
      os << " *   " << name << ": " << typeString(*t) << "\n";
    os << " */\nvoid _mlir_ciface_" << entry.name << "(";
    for (auto [i, p] : llvm::enumerate(params))
      os << (i ? ", " : "") << "kiln_memref_" << p.second->shape.size()
         << "d *" << p.first;
    if (params.empty())
      os << "void";
    os << ");\n";
    if (gpu)
      os << "int32_t kiln_invoke_" << entry.name << "(void **descriptors);\n";
    os << "\nstatic inline " << (gpu ? "int32_t" : "void") << " kiln_run_"
       << entry.name << "(";
    for (auto [i, p] : llvm::enumerate(params))
      os << (i ? ", " : "") << (i < entry.inputs.size() ? "const " : "")
         << cTypeOf(p.second->dtype) << " *" << p.first;
    if (params.empty())
      os << "void";
    os << ") {\n";
    for (auto &[name, t] : params) {
      size_t rank = t->shape.size();
      os << "  kiln_memref_" << rank << "d " << name << "_d = {(void *)" << name
         << ", (void *)" << name << ", 0";
      if (rank) {
        std::vector<int64_t> strides(rank, 1);
        for (int64_t k = int64_t(rank) - 2; k >= 0; --k)
          strides[k] = strides[k + 1] * t->shape[k + 1];
        os << ", {";
        llvm::interleave(t->shape, os, ", ");
        os << "}, {";
        llvm::interleave(strides, os, ", ");
        os << "}";
      }
      os << "};\n";
    }
    if (gpu) {
      if (params.empty()) {
        os << "  return kiln_invoke_" << entry.name << "((void **)0);\n}\n";
        continue;
      }
      os << "  void *descriptors[] = {";
      for (auto [i, p] : llvm::enumerate(params))
        os << (i ? ", " : "") << "&" << p.first << "_d";
      os << "};\n  return kiln_invoke_" << entry.name << "(descriptors);\n}\n";
      continue;
    }
    os << "  _mlir_ciface_" << entry.name << "(";
    for (auto [i, p] : llvm::enumerate(params))
      os << (i ? ", " : "") << "&" << p.first << "_d";
    os << ");\n}\n";
  }
  os << "\n#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n#endif /* "
     << guard << " */\n";
  return text;
}

llvm::Error kiln::writeCPULibrary(ModuleOp module,
                                  const CPUTargetDescription &description,
                                  ArrayRef<LibraryEntryPoint> entryPoints,
                                  StringRef linker, StringRef outputPath,
                                  StringRef headerPath, LibraryDevice device,
                                  ArrayRef<std::string> extraLinkArgs) {
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createCPUTargetMachine(description);
  if (!machine)
    return machine.takeError();
  llvm::LLVMContext llvmContext;
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      translateToOptimizedLLVMIR(module, llvmContext, **machine);
  if (!llvmModule)
    return llvmModule.takeError();
  if (llvm::Error e = addLibraryMetadata(**llvmModule, entryPoints, device))
    return e;

  int fd;
  llvm::SmallString<256> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("kiln", "o", fd, objectPath))
    return makeError("cannot create a temporary object file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream object(fd, /*shouldClose=*/true);
    if (llvm::Error e = emitCPUFile(**llvmModule, **machine,
                                    CPUFileKind::Object, object))
      return e;
    object.close();
    if (object.has_error()) {
      std::string message = object.error().message();
      object.clear_error();
      return makeError("cannot write '" + objectPath.str() + "': " + message);
    }
  }
  std::string header = headerPath.empty()
                           ? defaultLibraryHeaderPath(outputPath)
                           : headerPath.str();
  std::error_code ec;
  llvm::ToolOutputFile out(header, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return makeError("cannot open output file '" + header +
                     "': " + ec.message());
  if (llvm::Error e =
          linkSharedLibrary(linker, objectPath, outputPath, extraLinkArgs))
    return e;
  out.os() << generateLibraryHeader(entryPoints,
                                    llvm::sys::path::filename(outputPath),
                                    libraryHeaderGuard(header), device);
  out.keep();
  return llvm::Error::success();
}
