//===- kiln-run.cpp - Run a kiln function and check its results -----------===//
//
//   kiln-run FILE --target=ref [--function=NAME]
//            [--input=a.npy ... | --random-inputs --seed=N]
//            [--output-dir=DIR] [--expect=o0.npy ...] [--rtol=R --atol=A]
//            [--compare-to=TARGET] [--benchmark[=N]] [--print-output]
//            [--threads=N] [--onnx-dim=NAME=SIZE,...]
//   kiln-run LIB.so [--function=NAME] --input=a.npy ... [--expect=...] ...
//
// FILE is a .mlir module, an ONNX model (imported, docs/onnx.md), or a
// shared library written by kilnc --emit=lib, which runs through the
// runtime C API (kiln_runtime.h) like a deployed model and is checked the
// same way.
//
// The tool is thin: reading files and flags, then calls into the execution
// library. Every problem is one diagnostic and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "kiln/Execution/Compare.h"
#include "kiln/Execution/ExecutionTarget.h"
#include "kiln/Execution/Inputs.h"
#include "kiln/Execution/LibraryExecutable.h"
#include "kiln/Frontend/LoadModule.h"
#include "kiln/InitAll.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Support/Npy.h"
#include "kiln/Target/CPU/Threading.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <chrono>
#include <cmath>
#include <optional>

using namespace mlir;
using namespace kiln;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("kiln-run options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .mlir, .onnx or kilnc --emit=lib .so>"),
                                      cl::Required, cl::cat(runCategory));
static cl::opt<std::string>
    targetSpec("target", cl::desc("Where to run: ref (the reference interpreter), cpu (JIT "
                        "for this machine) or gpu[:DESC] (the CUDA GPU)"),
               cl::value_desc("target"), cl::init("ref"), cl::cat(runCategory));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function to run (default: the only public one, "
                          "or @main)"),
                 cl::value_desc("name"), cl::cat(runCategory));
static cl::list<std::string>
    inputPaths("input",
               cl::desc("Input .npy files, one per argument, in order"),
               cl::value_desc("file.npy"), cl::CommaSeparated,
               cl::cat(runCategory));
static cl::opt<bool>
    randomInputs("random-inputs",
                 cl::desc("Generate reproducible random inputs (see --seed)"),
                 cl::cat(runCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed for --random-inputs"),
                              cl::init(0), cl::cat(runCategory));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write output_<k>.npy files into this directory"),
              cl::value_desc("dir"), cl::cat(runCategory));
static cl::list<std::string>
    expectPaths("expect", cl::desc("Expected outputs, one .npy per output"),
                cl::value_desc("file.npy"), cl::CommaSeparated,
                cl::cat(runCategory));
static cl::opt<double> relTolerance("rtol", cl::desc("Relative tolerance"),
                            cl::init(1e-4), cl::cat(runCategory));
static cl::opt<double> absTolerance("atol", cl::desc("Absolute tolerance"),
                            cl::init(1e-5), cl::cat(runCategory));
static cl::opt<std::string>
    compareTo("compare-to",
              cl::desc("Also run on this target and compare the outputs"),
              cl::value_desc("target"), cl::cat(runCategory));
static cl::opt<std::string> f32Matmul(
    "f32-matmul",
    cl::desc("How --target's f32 matmuls may compute: ieee (default) or "
             "tf32 (gpu: TF32 tensor cores, as kilnc --f32-matmul)"),
    cl::value_desc("ieee|tf32"), cl::init("ieee"), cl::cat(runCategory));
static cl::opt<std::string>
    benchmark("benchmark",
              cl::desc("Time N runs after a warm-up run (default N = 10)"),
              cl::value_desc("N"), cl::ValueOptional, cl::cat(runCategory));
// --threads=N is not a cl::opt: libLLVM.so already registers a hidden global
// option named "threads" (a second one aborts at start-up), so main takes it
// out of argv before the command line is parsed (takeThreadsFlag).
static const char threadsHelp[] =
    "\n  --threads=N   Threads the compiled code's parallel loops use (cpu "
    "target and\n                libraries; default 0: the OpenMP default, "
    "OMP_NUM_THREADS or\n                else one per core)\n";
static cl::list<std::string> onnxDims(
    "onnx-dim",
    cl::desc("Sizes for symbolic dimensions of an ONNX model's inputs"),
    cl::value_desc("NAME=SIZE"), cl::CommaSeparated, cl::cat(runCategory));
static cl::opt<bool>
    printOutput("print-output",
                cl::desc("Print the values of every output"),
                cl::cat(runCategory));

namespace {

/// Prints "kiln-run: error: ..." for problems that have no IR location.
llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "kiln-run");
}

/// The function to run: --function, else the only public function, else
/// @main.
func::FuncOp selectFunction(ModuleOp module) {
  if (!functionName.empty()) {
    auto fn = module.lookupSymbol<func::FuncOp>(functionName);
    if (!fn || fn.isExternal()) {
      InFlightDiagnostic diag = module.emitError("no function @")
                                << functionName << " to run";
      for (auto f : module.getOps<func::FuncOp>())
        if (!f.isExternal())
          diag.attachNote(f.getLoc()) << "candidate: @" << f.getSymName();
      return {};
    }
    return fn;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal() && f.isPublic())
      candidates.push_back(f);
  if (candidates.size() == 1)
    return candidates.front();
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  if (candidates.empty()) {
    module.emitError("no public function with a body to run");
    return {};
  }
  InFlightDiagnostic diag = module.emitError("the module has ")
                            << candidates.size()
                            << " public functions; choose one with "
                               "--function=NAME";
  for (auto f : candidates)
    diag.attachNote(f.getLoc()) << "candidate: @" << f.getSymName();
  return {};
}

/// Reads the --input files for @`name`, whose arguments have `argDTypes`
/// (nullopt: no host dtype, which the signature check reports). `otherwise`
/// ends the hint given when inputs are missing.
FailureOr<std::vector<HostTensor>>
readInputFiles(StringRef name, ArrayRef<std::optional<DType>> argDTypes,
               StringRef otherwise) {
  size_t numArgs = argDTypes.size();
  if (inputPaths.empty() && numArgs != 0) {
    error() << "@" << name << " takes " << numArgs << " input"
            << (numArgs == 1 ? "" : "s")
            << ": give one --input=FILE.npy per argument, in order"
            << otherwise << "\n";
    return failure();
  }
  std::vector<HostTensor> inputs;
  for (auto [i, path] : llvm::enumerate(inputPaths)) {
    HostTensor tensor;
    std::string message;
    if (!readNpyFile(path, tensor, message)) {
      error() << "input " << i << ": " << message << "\n";
      return failure();
    }
    if (i < numArgs && argDTypes[i])
      tensor = adaptInputToArgument(std::move(tensor), *argDTypes[i]);
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

FailureOr<std::vector<HostTensor>> loadInputs(func::FuncOp function) {
  if (randomInputs && !inputPaths.empty()) {
    error() << "give either --input files or --random-inputs, not both\n";
    return failure();
  }
  if (randomInputs)
    return generateRandomInputs(function, seed);
  SmallVector<std::optional<DType>> argDTypes;
  for (Type type : function.getArgumentTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    argDTypes.push_back(tensor ? dtypeOf(tensor.getElementType()) : std::nullopt);
  }
  FailureOr<std::vector<HostTensor>> inputs =
      readInputFiles(function.getSymName(), argDTypes, ", or --random-inputs");
  if (failed(inputs))
    return failure();
  auto describe = [&](unsigned i) { return "'" + inputPaths[i] + "'"; };
  if (failed(checkArguments(function, *inputs, describe)))
    return failure();
  return inputs;
}

void printSummary(const HostTensor &t) {
  int64_t n = t.numElements();
  if (n == 0)
    return;
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  int64_t nonFinite = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = t.getDouble(i);
    if (!std::isfinite(v)) {
      ++nonFinite;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  if (nonFinite == n) {
    llvm::outs() << "  (all " << n << " values are inf or nan)";
    return;
  }
  llvm::outs() << llvm::format("  min %.6g max %.6g mean %.6g", lo, hi,
                               sum / double(n - nonFinite));
  if (nonFinite)
    llvm::outs() << "  (" << nonFinite << " inf/nan)";
}

/// Nested-list printing like NumPy, for small results in tests.
void printValues(const HostTensor &t, size_t dim, int64_t &offset) {
  if (dim == t.shape().size()) {
    if (isFloatDType(t.dtype()))
      llvm::outs() << llvm::format("%.7g", t.getDouble(offset));
    else
      llvm::outs() << t.getInt(offset);
    ++offset;
    return;
  }
  llvm::outs() << "[";
  for (int64_t i = 0; i < t.shape()[dim]; ++i) {
    if (i)
      llvm::outs() << ", ";
    printValues(t, dim + 1, offset);
  }
  llvm::outs() << "]";
}

/// Reports a comparison on one line; returns whether it passed.
bool reportComparison(const HostTensor &actual, const HostTensor &expected,
                      StringRef against) {
  Tolerance tolerance{relTolerance, absTolerance};
  Comparison c = compareTensors(actual, expected, tolerance);
  llvm::outs() << "  vs " << against << ": ";
  if (!c.shapesMatch) {
    llvm::outs() << "MISMATCH: shape " << expected.typeString()
                 << " differs from the output's " << actual.typeString()
                 << "\n";
    return false;
  }
  llvm::outs() << llvm::format("max abs error %.3g, max rel error %.3g",
                               c.maxAbsError, c.maxRelError);
  if (c.ok()) {
    llvm::outs() << llvm::format(" (rtol %g, atol %g): OK\n", double(relTolerance),
                                 double(absTolerance));
    return true;
  }
  llvm::outs() << llvm::format(
      ": MISMATCH: %lld of %lld elements outside rtol %g, atol %g; first at ",
      (long long)c.mismatches, (long long)actual.numElements(), double(relTolerance),
      double(absTolerance));
  llvm::outs() << formatIndex(actual.shape(), c.firstMismatch)
               << llvm::format(": got %.9g, expected %.9g\n",
                               actual.getDouble(c.firstMismatch),
                               expected.getDouble(c.firstMismatch));
  return false;
}

/// Prints the outputs and compares them with the --expect files; returns
/// whether all matched.
bool reportOutputs(StringRef functionName, StringRef targetName,
                   ArrayRef<HostTensor> inputs, ArrayRef<HostTensor> outputs,
                   ArrayRef<HostTensor> expected) {
  llvm::outs() << "@" << functionName << " on " << targetName
               << ": " << inputs.size() << " input"
               << (inputs.size() == 1 ? "" : "s") << ", " << outputs.size()
               << " output" << (outputs.size() == 1 ? "" : "s") << "\n";
  bool allOk = true;
  for (auto [i, output] : llvm::enumerate(outputs)) {
    llvm::outs() << "output " << i << ": tensor<" << output.typeString() << ">";
    printSummary(output);
    llvm::outs() << "\n";
    if (printOutput) {
      int64_t offset = 0;
      llvm::outs() << "  ";
      printValues(output, 0, offset);
      llvm::outs() << "\n";
    }
    if (i < expected.size()) {
      const HostTensor &e = expected[i];
      // NumPy has no bfloat16: bf16 results are checked against float32.
      bool dtypeOk = e.dtype() == output.dtype() ||
                     (output.dtype() == DType::BF16 && e.dtype() == DType::F32);
      if (!dtypeOk) {
        llvm::outs() << "  vs " << expectPaths[i] << ": MISMATCH: dtype "
                     << dtypeName(e.dtype()) << " differs from the output's "
                     << dtypeName(output.dtype()) << "\n";
        allOk = false;
      } else {
        allOk &= reportComparison(output, e, expectPaths[i]);
      }
    }
  }

  return allOk;
}

LogicalResult writeOutputs(ArrayRef<HostTensor> outputs);

FailureOr<std::vector<HostTensor>>
compileAndRun(ExecutionTarget &target, ModuleOp module, func::FuncOp function,
              ArrayRef<HostTensor> inputs,
              std::unique_ptr<Executable> *keep = nullptr) {
  FailureOr<std::unique_ptr<Executable>> executable =
      target.compile(module, function);
  if (failed(executable))
    return failure();
  FailureOr<std::vector<HostTensor>> outputs = (*executable)->run(inputs);
  if (keep)
    *keep = std::move(*executable);
  return outputs;
}

int runBenchmark(Executable &executable, ArrayRef<HostTensor> inputs) {
  unsigned runs = 10;
  if (!benchmark.empty() && (StringRef(benchmark).getAsInteger(10, runs) ||
                             runs == 0)) {
    error() << "--benchmark expects a positive number of runs, got '"
            << benchmark << "'\n";
    return 1;
  }
  std::vector<double> ms;
  for (unsigned i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (failed(executable.run(inputs)))
      return 1;
    auto stop = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms.size() % 2 ? ms[ms.size() / 2]
                                : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  llvm::outs() << llvm::format(
      "median %.3f ms (min %.3f ms, max %.3f ms) over %u runs\n", median,
      ms.front(), ms.back(), runs);
  return 0;
}

/// Reads the --expect files; `numResults` outputs are expected.
FailureOr<std::vector<HostTensor>> readExpected(StringRef functionName,
                                                unsigned numResults) {
  std::string message;
  std::vector<HostTensor> expected;
  for (auto [i, path] : llvm::enumerate(expectPaths)) {
    HostTensor tensor;
    if (!readNpyFile(path, tensor, message)) {
      error() << "expected output " << i << ": " << message << "\n";
      return failure();
    }
    expected.push_back(std::move(tensor));
  }
  if (!expected.empty() && expected.size() != numResults) {
    error() << "@" << functionName << " has " << numResults
            << " output" << (numResults == 1 ? "" : "s") << " but "
            << expected.size() << " --expect file"
            << (expected.size() == 1 ? " was" : "s were") << " given\n";
    return failure();
  }
  return expected;
}

/// kiln-run LIB.so: the function runs through the runtime C API.
int runLibrary() {
  if (randomInputs || !compareTo.empty()) {
    error() << (randomInputs ? "--random-inputs" : "--compare-to")
            << " needs the .mlir module; a compiled library runs on --input "
               "files only\n";
    return 1;
  }
  if (targetSpec.getNumOccurrences()) {
    error() << "--target does not apply to a compiled library ('"
            << inputFile << "' runs where it was compiled for)\n";
    return 1;
  }
  llvm::Expected<std::unique_ptr<LibraryExecutable>> library =
      LibraryExecutable::load(inputFile, functionName);
  if (!library) {
    error() << llvm::toString(library.takeError()) << "\n";
    return 1;
  }
  LibraryExecutable &executable = **library;
  StringRef name = executable.functionName();
  FailureOr<std::vector<HostTensor>> expected =
      readExpected(name, executable.outputTypes().size());
  if (failed(expected))
    return 1;

  SmallVector<std::optional<DType>> argDTypes;
  for (const auto &type : executable.inputTypes())
    argDTypes.push_back(type.dtype);
  FailureOr<std::vector<HostTensor>> read = readInputFiles(name, argDTypes, "");
  if (failed(read))
    return 1;
  std::vector<HostTensor> &inputs = *read;

  llvm::Expected<std::vector<HostTensor>> outputs = executable.call(inputs);
  if (!outputs) {
    error() << llvm::toString(outputs.takeError()) << "\n";
    return 1;
  }
  bool allOk =
      reportOutputs(name, "library " + llvm::sys::path::filename(inputFile).str(),
                    inputs, *outputs, *expected);
  if (failed(writeOutputs(*outputs)))
    return 1;
  if (benchmark.getNumOccurrences() && runBenchmark(executable, inputs))
    return 1;
  return allOk ? 0 : 1;
}

int run(MLIRContext &context, llvm::SourceMgr &sourceMgr) {
  ONNXImportOptions onnxOptions;
  if (llvm::Error e = parseONNXDimBindings(onnxDims, onnxOptions)) {
    error() << llvm::toString(std::move(e)) << "\n";
    return 1;
  }
  std::string message;
  OwningOpRef<ModuleOp> module =
      loadModule(inputFile, context, sourceMgr, onnxOptions, message);
  if (!module) {
    if (!message.empty())
      error() << message << "\n";
    return 1; // The parser, verifier or importer reported why.
  }

  func::FuncOp function = selectFunction(*module);
  if (!function)
    return 1;

  ExecutionTargetOptions targetOptions;
  targetOptions.f32Matmul = f32Matmul;
  llvm::Expected<std::unique_ptr<ExecutionTarget>> target =
      createExecutionTarget(targetSpec, targetOptions);
  if (!target) {
    error() << llvm::toString(target.takeError()) << "\n";
    return 1;
  }
  std::unique_ptr<ExecutionTarget> reference;
  if (!compareTo.empty()) {
    llvm::Expected<std::unique_ptr<ExecutionTarget>> other =
        createExecutionTarget(compareTo);
    if (!other) {
      error() << "--compare-to: " << llvm::toString(other.takeError()) << "\n";
      return 1;
    }
    reference = std::move(*other);
  }

  // Read the expectations before running, so a bad file fails fast.
  FailureOr<std::vector<HostTensor>> expectedOr =
      readExpected(function.getSymName(), function.getNumResults());
  if (failed(expectedOr))
    return 1;
  std::vector<HostTensor> &expected = *expectedOr;

  FailureOr<std::vector<HostTensor>> inputs = loadInputs(function);
  if (failed(inputs))
    return 1;

  std::unique_ptr<Executable> executable;
  FailureOr<std::vector<HostTensor>> outputs =
      compileAndRun(**target, *module, function, *inputs, &executable);
  if (failed(outputs))
    return 1;

  bool allOk = reportOutputs(function.getSymName(), (*target)->name(),
                             *inputs, *outputs, expected);
  if (reference) {
    FailureOr<std::vector<HostTensor>> refOutputs =
        compileAndRun(*reference, *module, function, *inputs);
    if (failed(refOutputs))
      return 1;
    for (auto [i, pair] : llvm::enumerate(llvm::zip(*outputs, *refOutputs))) {
      auto &[output, ref] = pair;
      llvm::outs() << "output " << i;
      allOk &= reportComparison(output, ref, "target " + reference->name());
    }
  }

  if (failed(writeOutputs(*outputs)))
    return 1;
  if (benchmark.getNumOccurrences() && runBenchmark(*executable, *inputs))
    return 1;
  return allOk ? 0 : 1;
}

/// Writes output_<k>.npy files into --output-dir (if given).
LogicalResult writeOutputs(ArrayRef<HostTensor> outputs) {
  std::string message;
  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir)) {
      error() << "cannot create '" << outputDir << "': " << ec.message()
              << "\n";
      return failure();
    }
    for (auto [i, output] : llvm::enumerate(outputs)) {
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, "output_" + std::to_string(i) + ".npy");
      // bf16 is written as float32 (exactly), since NumPy has no bfloat16.
      HostTensor toWrite = output.dtype() == DType::BF16
                               ? output.convertTo(DType::F32)
                               : output;
      if (!writeNpyFile(std::string(path), toWrite, message)) {
        error() << message << "\n";
        return failure();
      }
    }
  }
  return success();
}

/// Removes `--threads=N` / `--threads N` (one or two dashes) from argv and
/// returns N (0 when absent); nullopt after printing an error.
std::optional<unsigned> takeThreadsFlag(int &argc, char **argv) {
  unsigned threads = 0;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg == "--") { // Positional arguments only from here on.
      for (; i < argc; ++i)
        argv[out++] = argv[i];
      break;
    }
    StringRef name = arg;
    if (!name.consume_front("--") && !name.consume_front("-")) {
      argv[out++] = argv[i];
      continue;
    }
    StringRef value;
    if (name == "threads") {
      if (i + 1 == argc) {
        error() << "--threads needs a value: --threads=N\n";
        return std::nullopt;
      }
      value = argv[++i];
    } else if (name.consume_front("threads=")) {
      value = name;
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (value.getAsInteger(10, threads)) {
      error() << "--threads expects a number of threads (0: the OpenMP "
                 "default), got '"
              << value << "'\n";
      return std::nullopt;
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return threads;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
#if defined(__GLIBC__)
  // kiln-run's own per-run buffers (the outputs it allocates for every
  // --benchmark run) stay in the heap instead of fresh mmaps faulted in on
  // every run. (Compiled code's temporaries come from its own cache,
  // BufferCache.c, whatever the application's malloc settings.)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  std::optional<unsigned> numThreads = takeThreadsFlag(argc, argv);
  if (!numThreads)
    return 1;
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(runCategory);
  std::string overview =
      std::string("kiln-run: run a kiln function on a target and check its "
                  "outputs\n") +
      threadsHelp;
  cl::ParseCommandLineOptions(argc, argv, overview);

  DialectRegistry registry;
  registerKilnDialects(registry);
  MLIRContext context(registry);
  // One clear diagnostic, not a dump of the module after it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // Compiled code runs its parallel loops on libomp (docs/lowering.md,
  // "Threads"). omp_set_num_threads on this thread, which is the one that
  // runs the compiled code, rather than setenv("OMP_NUM_THREADS"): that only
  // works if libomp has not read its environment yet, and it would leak to
  // child processes. A library's libomp.so.5 is this same copy (the
  // dynamic loader matches the soname).
  if (llvm::Error err = setOpenMPNumThreads(*numThreads)) {
    error() << "--threads: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  if (isSharedLibraryPath(inputFile))
    return runLibrary();
  return run(context, sourceMgr);
}
