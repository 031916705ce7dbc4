//===- kilnc.cpp - The Kiln compiler driver -------------------------------===//
//
//   kilnc INPUT.mlir|INPUT.onnx --target=cpu[:DESC] [-o OUT]
//         [--emit=kiln|linalg|llvm-mlir|llvm-ir|asm|obj|lib] [--header=H]
//   kilnc INPUT.mlir --target=gpu[:sm80|sm90|DESC.json] [-o OUT]
//         [--emit=kiln|linalg|tiled|gpu|llvm-mlir|ptx|cubin] (docs/gpu.md)
//         [--onnx-dim=NAME=SIZE,...]
//
// An ONNX model is imported into the kiln dialect first (docs/onnx.md).
//
// Like the Toy tutorial's `-emit=`: each value stops the flow at one stage
// and writes what it has. DESC is a name from targets/ (x86-64-avx2,
// x86-64-avx512, aarch64-neon), a path to a .json description, or `host`
// (the default). `--emit=lib -o libm.so` links a shared library for the
// runtime C API (kiln_runtime.h) and writes a C header beside it. The tool
// only reads flags and calls the libraries.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/Passes.h"
#include "kiln/CostModel/NPUCostModel.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Frontend/LoadModule.h"
#include "kiln/Target/NPU/Passes.h"
#include "kiln/Target/NPU/Pipeline.h"
#include "kiln/InitAll.h"
#include "kiln/Target/CPU/CPUCodegen.h"
#include "kiln/Target/CPU/CPULibrary.h"
#include "kiln/Target/CPU/CPUTargetDescription.h"
#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/GPU/GPUTargetDescription.h"
#include "kiln/Target/GPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace kiln;
namespace cl = llvm::cl;

namespace {
enum class Emit { Kiln, Linalg, Tiled, LLVMMLIR, LLVMIR, Asm, Obj, Lib, NPU, NPUAsm, NPUBin, GPU, PTX, Cubin };
} // namespace

static cl::OptionCategory kilncCategory("kilnc options");
static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<input .mlir or .onnx>"),
                                      cl::Required, cl::cat(kilncCategory));
static cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(kilncCategory));
static cl::opt<std::string>
    targetSpec("target",
               cl::desc("cpu[:DESC]; DESC is host (default), a name from "
                        "targets/, or a .json file; gpu[:DESC] (gpu-sm80 by "
                        "default, sm90, a .json file)"),
               cl::value_desc("target"), cl::init("cpu"),
               cl::cat(kilncCategory));
static cl::opt<Emit> emit(
    "emit", cl::desc("What to write"), cl::init(Emit::Obj),
    cl::values(clEnumValN(Emit::Kiln, "kiln", "the verified kiln graph"),
               clEnumValN(Emit::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(Emit::Tiled, "tiled",
                          "linalg tiled, packed and vectorized as the "
                          "schedules say (on tensors)"),
               clEnumValN(Emit::LLVMMLIR, "llvm-mlir", "the LLVM dialect"),
               clEnumValN(Emit::LLVMIR, "llvm-ir", "optimized LLVM IR"),
               clEnumValN(Emit::Asm, "asm", "assembly for the target"),
               clEnumValN(Emit::Obj, "obj", "an object file for the target"),
               clEnumValN(Emit::Lib, "lib",
                          "a shared library for the runtime C API, and a C "
                          "header (host targets)"),
               clEnumValN(Emit::NPU, "npu",
                          "npu dialect after addresses and tokens (npu "
                          "targets)"),
               clEnumValN(Emit::NPUAsm, "npu-asm",
                          "the NPU program's disassembly (npu targets)"),
               clEnumValN(Emit::NPUBin, "npubin",
                          "the encoded NPU program, .npubin (npu targets)"),
               clEnumValN(Emit::GPU, "gpu",
                          "host code with gpu.launch_func and outlined "
                          "kernels, before NVVM (gpu targets)"),
               clEnumValN(Emit::PTX, "ptx", "the kernels' PTX (gpu targets)"),
               clEnumValN(Emit::Cubin, "cubin",
                          "the kernels' cubin, through ptxas (gpu "
                          "targets)")),
    cl::cat(kilncCategory));
static cl::opt<std::string>
    headerFile("header",
               cl::desc("With --emit=lib: the C header to write (default: "
                        "the output without .so, plus .h)"),
               cl::value_desc("file"), cl::cat(kilncCategory));

static cl::list<std::string> onnxDims(
    "onnx-dim",
    cl::desc("Sizes for symbolic dimensions of an ONNX model's inputs"),
    cl::value_desc("NAME=SIZE"), cl::CommaSeparated, cl::cat(kilncCategory));

static cl::opt<bool> printSchedule(
    "print-schedule",
    cl::desc("Choose a schedule for every op with the target's cost model (a "
             "schedule written in the input or given with --schedule-file "
             "wins), print one line per op with its predicted time, and stop"),
    cl::cat(kilncCategory));
static cl::opt<std::string> scheduleFile(
    "schedule-file",
    cl::desc("JSON file of schedules that override the cost model, keyed "
             "like --print-schedule prints them (\"func:index\")"),
    cl::value_desc("file"), cl::cat(kilncCategory));

enum class F32Matmul { IEEE, TF32 };
static cl::opt<F32Matmul> f32Matmul(
    "f32-matmul",
    cl::desc("How f32 matmuls may compute (gpu targets)"),
    cl::init(F32Matmul::IEEE),
    cl::values(clEnumValN(F32Matmul::IEEE, "ieee",
                          "in f32 (SIMT FMAs on the GPU)"),
               clEnumValN(F32Matmul::TF32, "tf32",
                          "on TF32 tensor cores where the GPU description "
                          "has them: operands rounded to 10 mantissa bits, "
                          "f32 accumulation")),
    cl::cat(kilncCategory));

static llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "kilnc");
}

/// Reports `e` (a failed lookup, link or translation); returns the exit
/// status, so callers `return reportError(...)`.
static int reportError(llvm::Error e) {
  error() << llvm::toString(std::move(e)) << "\n";
  return 1;
}

/// The -o file (kept only if the caller calls keep()), or null after
/// reporting why it cannot be opened.
static std::unique_ptr<llvm::ToolOutputFile> openOutput() {
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> out =
      openOutputFile(outputFile, &message);
  if (!out)
    error() << message << "\n";
  return out;
}

/// Where CPU descriptions are looked up by name: $KILN_TARGETS_PATH
/// (colon-separated), next to an installed kilnc, then the source tree.
/// The input (.mlir or .onnx, with the --onnx-dim sizes), or null after
/// reporting why.
static OwningOpRef<ModuleOp> loadInput(MLIRContext &context,
                                       llvm::SourceMgr &sourceMgr) {
  ONNXImportOptions onnxOptions;
  if (llvm::Error e = parseONNXDimBindings(onnxDims, onnxOptions)) {
    error() << llvm::toString(std::move(e)) << "\n";
    return nullptr;
  }
  std::string message;
  OwningOpRef<ModuleOp> module =
      loadModule(inputFile, context, sourceMgr, onnxOptions, message);
  if (!module && !message.empty())
    error() << message << "\n";
  return module;
}

static std::vector<std::string> targetSearchDirs(const char *argv0) {
  std::vector<std::string> dirs;
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("KILN_TARGETS_PATH")) {
    llvm::SmallVector<StringRef> parts;
    StringRef(*env).split(parts, ':', -1, false);
    for (StringRef p : parts)
      dirs.push_back(p.str());
  }
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&targetSearchDirs);
  if (!exe.empty()) {
    llvm::SmallString<256> installed(llvm::sys::path::parent_path(exe));
    llvm::sys::path::append(installed, "..", "share", "kiln", "targets");
    dirs.push_back(std::string(installed));
  }
  dirs.push_back(KILN_SOURCE_TARGETS_DIR);
  return dirs;
}

/// --emit=lib: the shared library and its C header (CPULibrary.h).
static int writeLibrary(ModuleOp module, const CPUTargetDescription &description,
                        ArrayRef<LibraryEntryPoint> entryPoints,
                        StringRef linker) {
  if (llvm::Error e = writeCPULibrary(module, description, entryPoints, linker,
                                      outputFile, headerFile))
    return reportError(std::move(e));
  return 0;
}

/// --emit=lib, before lowering: the functions the library exports and the
/// linker for `host`, or failure after reporting why.
static LogicalResult
prepareLibrary(ModuleOp module, const CPUTargetDescription &host,
               std::vector<LibraryEntryPoint> &entryPoints,
               std::string &linker) {
  FailureOr<std::vector<LibraryEntryPoint>> collected =
      collectLibraryEntryPoints(module);
  if (failed(collected))
    return failure();
  llvm::Expected<std::string> found = findLibraryLinker(host);
  if (!found) {
    reportError(found.takeError());
    return failure();
  }
  entryPoints = std::move(*collected);
  linker = std::move(*found);
  return success();
}

/// --print-schedule: the pipeline's deciding half (attention recognized,
/// sibling matmuls fused, fusion groups, schedules), then one line per op.
static int printSelectedSchedules(ModuleOp module,
                                  const KilnSelectSchedulesOptions &options) {
  PassManager select(module.getContext());
  buildScheduleSelectionPipeline(select, options);
  if (failed(select.run(module)))
    return 1;
  printSchedules(module, llvm::outs());
  return 0;
}

/// --target=gpu --emit=lib: the host code (after buildGPUPipeline, with the
/// kernels embedded as PTX) in a shared library whose kiln_invoke_<fn> runs
/// the function on host buffers, linked with libkiln_gpu_runtime.so from
/// the lib/ directory beside kilnc's bin/ (the build tree's layout).
static int writeGPULibrary(const char *argv0, ModuleOp module,
                           const CPUTargetDescription &host,
                           ArrayRef<LibraryEntryPoint> entryPoints,
                           StringRef linker) {
  std::string exe =
      llvm::sys::fs::getMainExecutable(argv0, (void *)&writeGPULibrary);
  llvm::SmallString<256> runtimeDir(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(runtimeDir, "..", "lib");
  llvm::sys::path::remove_dots(runtimeDir, /*remove_dot_dot=*/true);
  llvm::SmallString<256> runtime(runtimeDir);
  llvm::sys::path::append(runtime, "libkiln_gpu_runtime.so");
  if (!llvm::sys::fs::exists(runtime)) {
    error() << "--target=gpu --emit=lib links Kiln's GPU runtime, and "
            << runtime << " does not exist (build the kiln_gpu_runtime "
            << "target)\n";
    return 1;
  }
  std::vector<std::string> linkArgs = {
      ("-L" + runtimeDir).str(), "-lkiln_gpu_runtime",
      ("-Wl,-rpath," + runtimeDir).str()};
  if (llvm::Error e = writeCPULibrary(module, host, entryPoints, linker,
                                      outputFile, headerFile,
                                      LibraryDevice::GPU, linkArgs))
    return reportError(std::move(e));
  return 0;
}

/// The --target the selection pass resolves itself: a description found by
/// name in `dirs` is passed as its path, so both agree on the file.
static std::string selectionTarget(StringRef descSpec,
                                   llvm::ArrayRef<std::string> dirs) {
  if (descSpec.empty() || descSpec == "host" || descSpec.ends_with(".json"))
    return ("cpu:" + (descSpec.empty() ? StringRef("host") : descSpec)).str();
  for (const std::string &dir : dirs) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, descSpec + ".json");
    if (llvm::sys::fs::exists(path))
      return ("cpu:" + path).str();
  }
  return ("cpu:" + descSpec).str();
}

/// --target=npu:NAME: kiln -> npu dialect -> one Program per function
/// (the first function; docs/npu-compiler.md), written as --emit says.
static int compileNPU(StringRef descSpec) {
  DialectRegistry registry;
  registerKilnDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = loadInput(context, sourceMgr);
  if (!module)
    return 1;
  if (printSchedule) {
    // The pipeline's deciding half, then every nest's predicted cycles
    // (NPUCostModel.h: printNPUPredictions).
    npu::NPUTargetDescription description;
    std::string why;
    if (!resolveNPUTargetDescription(descSpec.str(), "", description, why)) {
      error() << why << "\n";
      return 1;
    }
    PassManager select(&context);
    KilnNPUAttachTargetOptions attach;
    attach.target = descSpec.str();
    select.addPass(createKilnNPUAttachTarget(attach));
    KilnSelectSchedulesOptions selectOptions;
    selectOptions.target = ("npu:" + descSpec).str();
    selectOptions.scheduleFile = scheduleFile;
    select.addPass(createKilnSelectSchedules(selectOptions));
    if (failed(select.run(*module)))
      return 1;
    printSchedules(*module, llvm::outs());
    llvm::DenseMap<Operation *, std::string> keys;
    forEachScheduleKey(*module, [&](Operation *op, StringRef key) {
      keys[op] = key.str();
    });
    printNPUPredictions(description, *module, keys, llvm::outs());
    return 0;
  }
  if (emit.getNumOccurrences() == 0)
    emit = Emit::NPUBin;
  if (emit != Emit::Kiln && emit != Emit::NPU && emit != Emit::NPUAsm &&
      emit != Emit::NPUBin) {
    error() << "--target=npu:" << descSpec
            << " emits kiln, npu, npu-asm or npubin\n";
    return 1;
  }
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  NPUPipelineOptions options;
  options.target = descSpec.str();
  options.scheduleFile = scheduleFile;
  if (emit == Emit::Kiln)
    pm.addPass(createCanonicalizerPass());
  else
    buildNPULoweringPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutput();
  if (!out)
    return 1;
  if (emit == Emit::Kiln || emit == Emit::NPU) {
    module->print(out->os());
    out->keep();
    return 0;
  }
  auto functions = module->getOps<mlir::func::FuncOp>();
  if (functions.empty()) {
    error() << "no function to compile\n";
    return 1;
  }
  npu::Program program;
  if (failed(emitNPUProgram(*module, *functions.begin(), program)))
    return 1;
  if (emit == Emit::NPUAsm) {
    out->os() << npu::disassemble(program);
  } else {
    std::vector<uint8_t> bytes = npu::encode(program);
    out->os().write(reinterpret_cast<const char *>(bytes.data()),
                    bytes.size());
  }
  out->keep();
  return 0;
}

/// --target=gpu[:DESC]: kiln -> blocks and threads -> kernels -> NVVM ->
/// PTX (docs/gpu.md), written as --emit says.
static int compileGPU(const char *argv0, StringRef descSpec) {
  std::vector<std::string> dirs = targetSearchDirs(argv0);
  llvm::Expected<GPUTargetDescription> description =
      resolveGPUTargetDescription(descSpec, dirs);
  if (!description)
    return reportError(description.takeError());
  if (emit.getNumOccurrences() == 0)
    emit = StringRef(outputFile).ends_with(".so") ? Emit::Lib : Emit::PTX;
  if (emit != Emit::Kiln && emit != Emit::Linalg && emit != Emit::Tiled &&
      emit != Emit::GPU && emit != Emit::LLVMMLIR && emit != Emit::PTX &&
      emit != Emit::Cubin && emit != Emit::Lib) {
    error() << "--target=gpu emits kiln, linalg, tiled, gpu, llvm-mlir, ptx, "
               "cubin or lib\n";
    return 1;
  }
  if (!headerFile.empty() && emit != Emit::Lib) {
    error() << "--header needs --emit=lib\n";
    return 1;
  }
  if (emit == Emit::Lib && outputFile == "-") {
    error() << "--emit=lib writes a shared library: give -o FILE.so\n";
    return 1;
  }
  GPUPipelineOptions options;
  options.target = findGPUTargetDescriptionFile(descSpec, dirs);
  options.scheduleFile = scheduleFile;
  options.f32Matmul = f32Matmul == F32Matmul::TF32 ? "tf32" : "ieee";
  if (emit == Emit::Cubin) {
    std::string ptxas = findPtxas();
    if (ptxas.empty()) {
      error() << "--emit=cubin needs ptxas (the CUDA toolkit): none on PATH "
                 "or in /usr/local/cuda/bin; --emit=ptx needs no CUDA\n";
      return 1;
    }
    options.binaryFormat = "bin";
    options.toolkitPath =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(ptxas)).str();
  }
  DialectRegistry registry;
  registerKilnDialects(registry);
  // --emit=lib translates the host code, whose gpu.binary's
  // #gpu.select_object handler embeds the PTX and loads it at startup.
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = loadInput(context, sourceMgr);
  if (!module)
    return 1;
  if (printSchedule) {
    // The first passes of the tiling stage: rewrites, groups, schedules.
    KilnSelectSchedulesOptions selectOptions;
    selectOptions.target = "gpu:" + options.target;
    selectOptions.scheduleFile = scheduleFile;
    selectOptions.f32Matmul = options.f32Matmul;
    return printSelectedSchedules(*module, selectOptions);
  }
  // --emit=lib: what can be exported and how it is linked, before lowering.
  std::vector<LibraryEntryPoint> entryPoints;
  std::string linker;
  std::optional<CPUTargetDescription> host;
  if (emit == Emit::Lib) {
    llvm::Expected<CPUTargetDescription> resolved =
        resolveCPUTargetDescription("host", dirs);
    if (!resolved)
      return reportError(resolved.takeError());
    host = std::move(*resolved);
    if (failed(prepareLibrary(*module, *host, entryPoints, linker)))
      return 1;
  }
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  if (emit == Emit::Kiln) {
    pm.addPass(createCanonicalizerPass());
  } else if (emit == Emit::Linalg) {
    pm.addPass(createConvertKilnToLinalg());
    pm.addPass(createCanonicalizerPass());
  } else {
    buildGPUTilingPipeline(pm, options);
    if (emit != Emit::Tiled)
      buildGPUOutliningPipeline(pm, options);
    if (emit != Emit::Tiled && emit != Emit::GPU)
      buildGPUToLLVMPipeline(pm, options);
  }
  if (failed(pm.run(*module)))
    return 1;
  if (emit == Emit::Lib)
    return writeGPULibrary(argv0, *module, *host, entryPoints, linker);
  std::unique_ptr<llvm::ToolOutputFile> out = openOutput();
  if (!out)
    return 1;
  if (emit == Emit::PTX || emit == Emit::Cubin) {
    if (!writeGPUBinaries(*module, out->os()))
      return 1;
  } else {
    module->print(out->os());
  }
  out->keep();
  return 0;
}

static int compile(const char *argv0) {
  // --target=cpu[:DESC]; the GPU and NPU kinds arrive with their backends.
  auto [kind, descSpec] = StringRef(targetSpec).split(':');
  if (kind == "npu")
    return compileNPU(descSpec);
  if (kind == "gpu")
    return compileGPU(argv0, descSpec);
  if (f32Matmul == F32Matmul::TF32) {
    error() << "--f32-matmul=tf32 needs a gpu target (--target=" << targetSpec
            << " computes f32 matmuls in f32)\n";
    return 1;
  }
  if (kind != "cpu") {
    error() << "unknown target kind '" << kind
            << "' in --target=" << targetSpec
            << "; kilnc supports cpu[:DESC], gpu[:DESC] and npu:NAME\n";
    return 1;
  }
  llvm::Expected<CPUTargetDescription> description =
      resolveCPUTargetDescription(descSpec, targetSearchDirs(argv0));
  if (!description)
    return reportError(description.takeError());

  DialectRegistry registry;
  registerKilnDialects(registry);
  registerCPUTargetDialects(registry);
  MLIRContext context(registry);
  // One clear diagnostic, not a dump of the module after it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = loadInput(context, sourceMgr);
  if (!module)
    return 1;

  // Schedules: chosen by the cost model, unless the input or the schedule
  // file already gives one (the pipeline selects them again: kept).
  CPUPipelineOptions pipelineOptions;
  pipelineOptions.target = selectionTarget(descSpec, targetSearchDirs(argv0));
  pipelineOptions.scheduleFile = scheduleFile;
  if (printSchedule) {
    KilnSelectSchedulesOptions options;
    options.target = pipelineOptions.target;
    options.scheduleFile = scheduleFile;
    return printSelectedSchedules(*module, options);
  }

  // `-o NAME.so` without --emit asks for the shared library.
  if (emit.getNumOccurrences() == 0 && StringRef(outputFile).ends_with(".so"))
    emit = Emit::Lib;
  // --emit=lib: check what can be exported and linked before lowering.
  std::vector<LibraryEntryPoint> entryPoints;
  std::string linker;
  if (emit == Emit::Lib) {
    if (outputFile == "-") {
      error() << "--emit=lib writes a shared library: give -o FILE.so\n";
      return 1;
    }
    if (failed(prepareLibrary(*module, *description, entryPoints, linker)))
      return 1;
  } else if (!headerFile.empty()) {
    error() << "--header needs --emit=lib\n";
    return 1;
  }

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  if (emit == Emit::Kiln) {
    pm.addPass(createCanonicalizerPass());
  } else if (emit == Emit::Linalg) {
    pm.addPass(createConvertKilnToLinalg());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  } else if (emit == Emit::Tiled) {
    buildCPUTilingPipeline(pm, pipelineOptions);
  } else {
    buildCPULoweringPipeline(pm, pipelineOptions);
  }
  if (failed(pm.run(*module)))
    return 1;

  if (emit == Emit::Lib)
    return writeLibrary(*module, *description, entryPoints, linker);

  bool binary = emit == Emit::Obj;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutput();
  if (!out)
    return 1;
  if (binary && outputFile == "-" && llvm::sys::Process::StandardOutIsDisplayed()) {
    error() << "not writing an object file to a terminal; give -o FILE\n";
    return 1;
  }

  if (emit == Emit::Kiln || emit == Emit::Linalg || emit == Emit::Tiled ||
      emit == Emit::LLVMMLIR) {
    module->print(out->os());
    out->keep();
    return 0;
  }

  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createCPUTargetMachine(*description);
  if (!machine)
    return reportError(machine.takeError());
  llvm::LLVMContext llvmContext;
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      translateToOptimizedLLVMIR(*module, llvmContext, **machine);
  if (!llvmModule)
    return reportError(llvmModule.takeError());
  if (emit == Emit::LLVMIR) {
    (*llvmModule)->print(out->os(), nullptr);
  } else if (llvm::Error e = emitCPUFile(
                 **llvmModule, **machine,
                 emit == Emit::Asm ? CPUFileKind::Assembly : CPUFileKind::Object,
                 out->os()))
    return reportError(std::move(e));
  out->keep();
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  cl::HideUnrelatedOptions(kilncCategory);
  cl::ParseCommandLineOptions(argc, argv, "kilnc: the Kiln compiler\n");
  return compile(argv[0]);
}
