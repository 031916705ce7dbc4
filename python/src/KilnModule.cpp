//===- KilnModule.cpp - The kiln._kiln Python extension (pybind11) --------===//
//
// Binds Kiln's C++ API for Python (docs/python.md): parse, load and verify
// modules, print them at a stage of the CPU pipeline, print the cost model's
// schedules, compile a function for an execution target (`ref`, `cpu`) or
// into a shared library, and call it with NumPy arrays. The `_Builder` class
// creates kiln ops one by one with the ops' own type inference and
// verifiers; the Python layer (kiln/builder.py) gives it a friendly API.
//
// Every problem becomes a Python exception (never an abort): MLIR
// diagnostics are captured with a SourceMgrDiagnosticHandler and become the
// exception's text, with file:line:col and the offending source line.
// Wrong arguments at call time raise TypeError (dtype) or ValueError
// (count, shape) naming the argument, what was expected and what was given.
//
// No compiler logic lives here: every decision is the C++ libraries'.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Execution/ExecutionTarget.h"
#include "kiln/Execution/LibraryExecutable.h"
#include "kiln/Frontend/LoadModule.h"
#include "kiln/InitAll.h"
#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Support/DType.h"
#include "kiln/Support/HostTensor.h"
#include "kiln/Target/CPU/CPUCodegen.h"
#include "kiln/Target/CPU/CPULibrary.h"
#include "kiln/Target/CPU/CPUTargetDescription.h"
#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/CPU/Threading.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using namespace kiln;

namespace {

//===----------------------------------------------------------------------===//
// Exceptions
//===----------------------------------------------------------------------===//

/// The Python exception classes (created in the module init).
struct ExceptionTypes {
  PyObject *error = nullptr;       // kiln.Error(Exception)
  PyObject *parse = nullptr;       // kiln.ParseError(Error, ValueError)
  PyObject *verify = nullptr;      // kiln.VerifyError(Error, ValueError)
  PyObject *compile = nullptr;     // kiln.CompileError(Error, RuntimeError)
  PyObject *execution = nullptr;   // kiln.ExecutionError(Error, RuntimeError)
};
ExceptionTypes exceptionTypes;

/// A C++ exception that becomes one of the Python classes above.
struct KilnException : std::exception {
  KilnException(PyObject *type, std::string message)
      : type(type), message(std::move(message)) {}
  const char *what() const noexcept override { return message.c_str(); }
  PyObject *type;
  std::string message;
};

[[noreturn]] void raise(PyObject *type, const std::string &message) {
  throw KilnException(type, message);
}

//===----------------------------------------------------------------------===//
// Contexts and diagnostics
//===----------------------------------------------------------------------===//

/// One MLIRContext (with every dialect Kiln parses and lowers through) and
/// the source manager that holds the text it parsed, so diagnostics show the
/// offending line. Modules, builders and compiled functions share it.
struct Session {
  Session() {
    DialectRegistry registry;
    registerKilnDialects(registry);
    registerCPUTargetDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    // One clear diagnostic, not a dump of the op after it (as the tools).
    context->printOpOnDiagnostic(false);
    context->printStackTraceOnDiagnostic(false);
    context->getOrLoadDialect<KilnDialect>();
    context->getOrLoadDialect<func::FuncDialect>();
  }
  std::unique_ptr<MLIRContext> context;
  llvm::SourceMgr sourceMgr;
  /// Compiles run without the GIL: one at a time per context (a compile
  /// appends dialects to it and runs pass managers in it).
  std::mutex compileMutex;
};
using SessionPtr = std::shared_ptr<Session>;

/// Captures the diagnostics emitted while it lives, formatted like the
/// tools print them (`file:line:col: error: message` and the source line).
class Diagnostics {
public:
  explicit Diagnostics(Session &session)
      : os(text), handler(session.sourceMgr, session.context.get(), os) {}

  /// The captured text, or `fallback` when nothing was reported.
  std::string message(llvm::StringRef fallback) {
    os.flush();
    std::string result = llvm::StringRef(text).rtrim().str();
    if (result.empty())
      return fallback.str();
    return result;
  }
  [[noreturn]] void raise(PyObject *type, llvm::StringRef fallback) {
    ::raise(type, message(fallback));
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  SourceMgrDiagnosticHandler handler;
};

//===----------------------------------------------------------------------===//
// Types and NumPy
//===----------------------------------------------------------------------===//

/// The NumPy dtype name of a Kiln dtype. NumPy has no bfloat16: bf16 maps
/// to float32 (docs/python.md).
const char *numpyName(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::BF16:
    return "float32";
  case DType::F16:
    return "float16";
  case DType::F64:
    return "float64";
  case DType::I64:
    return "int64";
  case DType::I32:
    return "int32";
  case DType::I8:
    return "int8";
  case DType::U8:
    return "uint8";
  case DType::I1:
    return "bool";
  }
  return "?";
}

/// A ranked tensor type as Python sees it: a shape (None for `?`) and the
/// MLIR element type spelling.
struct PyTensorType {
  std::vector<std::optional<int64_t>> shape;
  std::string dtype;

  static PyTensorType of(Type type) {
    PyTensorType result;
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked) {
      std::string s;
      llvm::raw_string_ostream os(s);
      type.print(os);
      result.dtype = os.str();
      return result;
    }
    for (int64_t d : ranked.getShape())
      result.shape.push_back(ShapedType::isDynamic(d)
                                 ? std::nullopt
                                 : std::optional<int64_t>(d));
    std::optional<DType> dtype = dtypeOf(ranked.getElementType());
    if (dtype) {
      result.dtype = dtypeName(*dtype);
    } else {
      std::string s;
      llvm::raw_string_ostream os(s);
      ranked.getElementType().print(os);
      result.dtype = os.str();
    }
    return result;
  }

  std::string str() const {
    std::string s = "tensor<";
    for (const auto &d : shape)
      s += (d ? std::to_string(*d) : std::string("?")) + "x";
    return s + dtype + ">";
  }
  std::optional<DType> hostDType() const { return dtypeFromName(dtype); }
  bool operator==(const PyTensorType &other) const {
    return shape == other.shape && dtype == other.dtype;
  }
};

std::string shapeString(const std::vector<std::optional<int64_t>> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += shape[i] ? std::to_string(*shape[i]) : std::string("?");
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::vector<std::optional<int64_t>> s(shape.begin(), shape.end());
  return shapeString(s);
}

struct Signature {
  std::string name;
  std::vector<PyTensorType> inputs, outputs;
  std::string str() const {
    std::string s = "@" + name + "(";
    for (size_t i = 0; i < inputs.size(); ++i)
      s += (i ? ", " : "") + inputs[i].str();
    s += ") -> (";
    for (size_t i = 0; i < outputs.size(); ++i)
      s += (i ? ", " : "") + outputs[i].str();
    return s + ")";
  }
};

Signature signatureOf(func::FuncOp fn) {
  Signature sig;
  sig.name = fn.getSymName().str();
  for (Type t : fn.getArgumentTypes())
    sig.inputs.push_back(PyTensorType::of(t));
  for (Type t : fn.getResultTypes())
    sig.outputs.push_back(PyTensorType::of(t));
  return sig;
}

/// A HostTensor's bytes as a NumPy array without a copy (the array owns the
/// tensor). bf16 comes back as float32 (exact).
py::array toNumpy(HostTensor tensor) {
  if (tensor.dtype() == DType::BF16)
    tensor = tensor.convertTo(DType::F32);
  auto *owned = new HostTensor(std::move(tensor));
  py::capsule owner(owned, [](void *p) { delete static_cast<HostTensor *>(p); });
  std::vector<py::ssize_t> shape(owned->shape().begin(), owned->shape().end());
  return py::array(py::dtype(numpyName(owned->dtype())), shape,
                   owned->numElements() ? owned->data() : nullptr, owner);
}

std::string numpyDTypeName(const py::array &array) {
  return py::str(array.dtype().attr("name")).cast<std::string>();
}

/// Copies a C-contiguous, native-order array into a host tensor of `dtype`.
HostTensor fromNumpy(const py::array &array, DType dtype) {
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  HostTensor tensor(dtype, shape);
  if (tensor.byteSize())
    std::memcpy(tensor.data(), array.data(), tensor.byteSize());
  return tensor;
}

py::array contiguous(py::handle value, const char *dtypeName) {
  py::module_ np = py::module_::import("numpy");
  return np.attr("asarray")(value, py::arg("dtype") = dtypeName,
                            py::arg("order") = "C")
      .cast<py::array>();
}

//===----------------------------------------------------------------------===//
// Modules
//===----------------------------------------------------------------------===//

/// A module and the session it lives in (destroyed before the session).
struct ModuleHolder {
  SessionPtr session;
  OwningOpRef<ModuleOp> module;
};
using ModulePtr = std::shared_ptr<ModuleHolder>;

class PyModule {
public:
  explicit PyModule(ModulePtr holder) : holder(std::move(holder)) {}

  static PyModule parse(const std::string &text, const std::string &name,
                        bool verify) {
    auto session = std::make_shared<Session>();
    Diagnostics diags(*session);
    auto buffer = llvm::MemoryBuffer::getMemBufferCopy(text, name);
    session->sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    ParserConfig config(session->context.get(), /*verifyAfterParse=*/false);
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(session->sourceMgr, config);
    if (!module)
      diags.raise(exceptionTypes.parse, "cannot parse the module");
    if (verify && failed(mlir::verify(*module)))
      diags.raise(exceptionTypes.verify, "the module does not verify");
    return PyModule(std::make_shared<ModuleHolder>(
        ModuleHolder{std::move(session), std::move(module)}));
  }

  static PyModule load(const std::string &path,
                       const std::map<std::string, int64_t> &onnxDims) {
    auto session = std::make_shared<Session>();
    Diagnostics diags(*session);
    ONNXImportOptions options;
    for (const auto &[name, size] : onnxDims)
      options.dimValues[name] = size;
    std::string message;
    OwningOpRef<ModuleOp> module = loadModule(
        path, *session->context, session->sourceMgr, options, message);
    if (!module) {
      if (!message.empty())
        raise(exceptionTypes.parse, message);
      diags.raise(exceptionTypes.parse, "cannot load '" + path + "'");
    }
    return PyModule(std::make_shared<ModuleHolder>(
        ModuleHolder{std::move(session), std::move(module)}));
  }

  void verify() const {
    Diagnostics diags(*holder->session);
    if (failed(mlir::verify(*holder->module)))
      diags.raise(exceptionTypes.verify, "the module does not verify");
  }

  std::string print(bool generic, std::optional<int64_t> elideLarger,
                    bool locations) const {
    OpPrintingFlags flags;
    if (generic)
      flags.printGenericOpForm();
    if (elideLarger) {
      flags.elideLargeElementsAttrs(*elideLarger);
      flags.elideLargeResourceString(*elideLarger);
    }
    if (locations)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    std::string s;
    llvm::raw_string_ostream os(s);
    holder->module->print(os, flags);
    return os.str();
  }

  std::vector<std::string> functions() const {
    std::vector<std::string> names;
    for (auto fn : holder->module->getOps<func::FuncOp>())
      if (!fn.isExternal())
        names.push_back(fn.getSymName().str());
    return names;
  }

  /// The function `name`, or the default one as kiln-run picks it: the only
  /// public function with a body, else @main.
  func::FuncOp selectFunction(const std::optional<std::string> &name) const {
    ModuleOp module = *holder->module;
    if (name) {
      auto fn = module.lookupSymbol<func::FuncOp>(*name);
      if (!fn || fn.isExternal()) {
        std::string known = llvm::join(functions(), ", @");
        throw py::key_error("no function @" + *name + " in the module" +
                            (known.empty() ? std::string(" (it has none)")
                                           : "; it has @" + known));
      }
      return fn;
    }
    SmallVector<func::FuncOp> candidates;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal() && fn.isPublic())
        candidates.push_back(fn);
    if (candidates.size() == 1)
      return candidates.front();
    if (auto main = module.lookupSymbol<func::FuncOp>("main"))
      if (!main.isExternal())
        return main;
    if (candidates.empty())
      throw py::value_error("the module has no public function with a body");
    std::vector<std::string> names;
    for (auto fn : candidates)
      names.push_back("@" + fn.getSymName().str());
    throw py::value_error("the module has " +
                          std::to_string(candidates.size()) +
                          " public functions (" + llvm::join(names, ", ") +
                          "); choose one with function=NAME");
  }

  Signature signature(const std::optional<std::string> &name) const {
    return signatureOf(selectFunction(name));
  }

  /// The module after the CPU pipeline's stage `stage` (kilnc --emit).
  std::string emit(const std::string &stage, const std::string &target) const;
  std::string schedules(const std::string &target,
                        const std::string &f32Matmul) const;
  void exportLibrary(const std::string &path, const std::string &target,
                     const std::optional<std::string> &header) const;

  ModulePtr holder;
};

//===----------------------------------------------------------------------===//
// Targets (descriptions, like kilnc)
//===----------------------------------------------------------------------===//

/// Where CPU descriptions are looked up by name: $KILN_TARGETS_PATH
/// (colon-separated), then the source tree's targets/.
std::vector<std::string> targetSearchDirs() {
  std::vector<std::string> dirs;
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv("KILN_TARGETS_PATH")) {
    SmallVector<StringRef> parts;
    StringRef(*env).split(parts, ':', -1, false);
    for (StringRef p : parts)
      dirs.push_back(p.str());
  }
  dirs.push_back(KILN_SOURCE_TARGETS_DIR);
  return dirs;
}

/// DESC of "host", "cpu", "cpu:DESC" or "DESC".
std::string descriptionSpec(StringRef target) {
  if (target == "cpu")
    return "host";
  if (target.consume_front("cpu:"))
    return target.str();
  return target.str();
}

/// The target the schedule selection resolves (as kilnc: a name found in the
/// search dirs is passed as its path).
std::string selectionTarget(StringRef desc) {
  if (desc.empty() || desc == "host" || desc.ends_with(".json"))
    return ("cpu:" + (desc.empty() ? StringRef("host") : desc)).str();
  for (const std::string &dir : targetSearchDirs()) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, desc + ".json");
    if (llvm::sys::fs::exists(path))
      return ("cpu:" + path).str();
  }
  return ("cpu:" + desc).str();
}

CPUTargetDescription resolveDescription(StringRef desc) {
  llvm::Expected<CPUTargetDescription> description =
      resolveCPUTargetDescription(desc, targetSearchDirs());
  if (!description)
    throw py::value_error(llvm::toString(description.takeError()));
  return std::move(*description);
}

std::string PyModule::emit(const std::string &stage,
                           const std::string &target) const {
  static const char *const stages[] = {"kiln", "linalg", "tiled", "llvm",
                                       "llvm-ir", "asm"};
  if (!llvm::is_contained(stages, StringRef(stage)))
    throw py::value_error("unknown stage '" + stage +
                          "'; stages: kiln, linalg, tiled, llvm, llvm-ir, asm");
  std::string desc = descriptionSpec(target);
  std::optional<CPUTargetDescription> description;
  if (stage == "llvm-ir" || stage == "asm")
    description = resolveDescription(desc);

  Session &session = *holder->session;
  Diagnostics diags(session);
  OwningOpRef<ModuleOp> module = holder->module->clone();
  PassManager pm(session.context.get());
  CPUPipelineOptions options;
  options.target = selectionTarget(desc);
  if (stage == "kiln") {
    pm.addPass(createCanonicalizerPass());
  } else if (stage == "linalg") {
    pm.addPass(createConvertKilnToLinalg());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  } else if (stage == "tiled") {
    buildCPUTilingPipeline(pm, options);
  } else {
    buildCPULoweringPipeline(pm, options);
  }
  if (failed(pm.run(*module)))
    diags.raise(exceptionTypes.compile,
                "the pipeline to stage '" + stage + "' failed");
  if (!description) {
    std::string s;
    llvm::raw_string_ostream os(s);
    module->print(os);
    return os.str();
  }
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createCPUTargetMachine(*description);
  if (!machine)
    raise(exceptionTypes.compile, llvm::toString(machine.takeError()));
  llvm::LLVMContext llvmContext;
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      translateToOptimizedLLVMIR(*module, llvmContext, **machine);
  if (!llvmModule)
    raise(exceptionTypes.compile, diags.message(llvm::toString(
                                      llvmModule.takeError())));
  llvm::SmallString<0> out;
  llvm::raw_svector_ostream os(out);
  if (stage == "llvm-ir") {
    (*llvmModule)->print(os, nullptr);
  } else if (llvm::Error e = emitCPUFile(**llvmModule, **machine,
                                         CPUFileKind::Assembly, os)) {
    raise(exceptionTypes.compile, llvm::toString(std::move(e)));
  }
  return std::string(out.str());
}

std::string PyModule::schedules(const std::string &target,
                                const std::string &f32Matmul) const {
  Session &session = *holder->session;
  Diagnostics diags(session);
  OwningOpRef<ModuleOp> module = holder->module->clone();
  PassManager pm(session.context.get());
  KilnSelectSchedulesOptions options;
  // npu:NAME and gpu[:DESC] are resolved by the selection itself (as
  // kilnc); anything else names a CPU description.
  StringRef spec(target);
  options.target = spec.starts_with("npu:") || spec == "gpu" ||
                           spec.starts_with("gpu:")
                       ? target
                       : selectionTarget(descriptionSpec(target));
  options.f32Matmul = f32Matmul;
  // As kilnc --print-schedule: the rewrites that change which ops exist
  // (attention recognized, sibling matmuls fused) and fusion groups first,
  // so the printout is what the compile pipeline decides.
  buildScheduleSelectionPipeline(pm, options);
  if (failed(pm.run(*module)))
    diags.raise(exceptionTypes.compile, "schedule selection failed");
  std::string s;
  llvm::raw_string_ostream os(s);
  printSchedules(*module, os);
  return os.str();
}

/// kilnc --emit=lib: a shared library for the runtime C API and its header.
void PyModule::exportLibrary(const std::string &path, const std::string &target,
                             const std::optional<std::string> &headerPath) const {
  std::string desc = descriptionSpec(target);
  CPUTargetDescription description = resolveDescription(desc);
  Session &session = *holder->session;
  Diagnostics diags(session);
  OwningOpRef<ModuleOp> module = holder->module->clone();
  FailureOr<std::vector<LibraryEntryPoint>> entryPoints =
      collectLibraryEntryPoints(*module);
  if (failed(entryPoints))
    diags.raise(exceptionTypes.compile, "cannot export the module");
  llvm::Expected<std::string> linker = findLibraryLinker(description);
  if (!linker)
    raise(exceptionTypes.compile, llvm::toString(linker.takeError()));

  // The pipeline, code generation and the link touch no Python object.
  std::string message;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(session.compileMutex);
    PassManager pm(session.context.get());
    CPUPipelineOptions options;
    options.target = selectionTarget(desc);
    buildCPULoweringPipeline(pm, options);
    if (failed(pm.run(*module)))
      message = diags.message("the cpu pipeline failed");
    else if (llvm::Error e =
                 writeCPULibrary(*module, description, *entryPoints, *linker,
                                 path, headerPath.value_or("")))
      message = llvm::toString(std::move(e));
  }
  if (!message.empty())
    raise(exceptionTypes.compile, message);
}

//===----------------------------------------------------------------------===//
// Compiled functions
//===----------------------------------------------------------------------===//

class PyCompiled {
public:
  PyCompiled(ModulePtr holder, std::string target, Signature signature,
             std::unique_ptr<Executable> executable)
      : holder(std::move(holder)), target(std::move(target)),
        signature(std::move(signature)), executable(std::move(executable)) {}

  /// Checks and converts the arguments, runs, converts the results.
  py::object call(const py::args &args) {
    const std::string &name = signature.name;
    size_t expected = signature.inputs.size();
    if (args.size() != expected)
      throw py::type_error("@" + name + " takes " + std::to_string(expected) +
                           " argument" + (expected == 1 ? "" : "s") + " " +
                           signatureArgs() + ", got " +
                           std::to_string(args.size()));
    std::vector<HostTensor> inputs;
    inputs.reserve(expected);
    for (size_t i = 0; i < expected; ++i)
      inputs.push_back(convertArgument(i, args[i]));

    // The compiled code, the interpreter and the library touch no Python
    // object: other Python threads run meanwhile (calls may overlap; the
    // arguments are converted copies).
    FailureOr<std::vector<HostTensor>> outputs = failure();
    std::string message;
    {
      py::gil_scoped_release release;
      Diagnostics diags(*holder->session);
      outputs = executable->run(inputs);
      if (failed(outputs))
        message = diags.message("@" + name + " failed on target " + target);
    }
    if (failed(outputs))
      raise(exceptionTypes.execution, message);
    if (outputs->size() == 1)
      return toNumpy(std::move((*outputs)[0]));
    py::tuple results(outputs->size());
    for (size_t i = 0; i < outputs->size(); ++i)
      results[i] = toNumpy(std::move((*outputs)[i]));
    return std::move(results);
  }

  std::string signatureArgs() const {
    std::string s = "(";
    for (size_t i = 0; i < signature.inputs.size(); ++i)
      s += (i ? ", " : "") + signature.inputs[i].str();
    return s + ")";
  }

  HostTensor convertArgument(size_t i, py::handle value) {
    const PyTensorType &type = signature.inputs[i];
    std::string what = "argument " + std::to_string(i) + " of @" +
                       signature.name + " (" + type.str() + ")";
    std::optional<DType> dtype = type.hostDType();
    if (!dtype)
      throw py::type_error(what + ": the element type " + type.dtype +
                           " cannot be passed from Python");
    const char *expectedName = numpyName(*dtype);
    py::array array;
    if (py::isinstance<py::array>(value)) {
      array = py::reinterpret_borrow<py::array>(value);
      std::string got = numpyDTypeName(array);
      bool bf16Bits = *dtype == DType::BF16 && got == "uint16";
      if (got != expectedName && !bf16Bits)
        throw py::type_error(
            what + ": expected a " + expectedName + " array" +
            (*dtype == DType::BF16 ? " (or uint16 holding bf16 bits)" : "") +
            ", got " + got);
      array = contiguous(array, got.c_str());
    } else {
      if (value.is_none())
        throw py::type_error(what + ": expected a " + expectedName +
                             " array, got None");
      // Python scalars, lists, tensors with __array__: converted to the
      // argument's dtype.
      try {
        array = contiguous(value, expectedName);
      } catch (py::error_already_set &e) {
        throw py::type_error(what + ": expected a " + expectedName +
                             " array, got " +
                             py::str(py::type::handle_of(value).attr("__name__"))
                                 .cast<std::string>() +
                             " (" + e.what() + ")");
      }
    }
    // Shape.
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    bool ok = shape.size() == type.shape.size();
    for (size_t d = 0; ok && d < shape.size(); ++d)
      ok = !type.shape[d] || *type.shape[d] == shape[d];
    if (!ok)
      throw py::value_error(what + ": expected shape " +
                            shapeString(type.shape) + ", got " +
                            shapeString(shape));
    if (*dtype == DType::BF16) {
      if (numpyDTypeName(array) == "uint16")
        return fromNumpy(array, DType::BF16);
      return fromNumpy(array, DType::F32).convertTo(DType::BF16);
    }
    return fromNumpy(array, *dtype);
  }

  ModulePtr holder;
  std::string target;
  Signature signature;
  std::unique_ptr<Executable> executable;
};

PyCompiled compile(const PyModule &module, const std::string &target,
                   const std::optional<std::string> &function) {
  func::FuncOp fn = module.selectFunction(function);
  llvm::Expected<std::unique_ptr<ExecutionTarget>> created =
      createExecutionTarget(target);
  if (!created)
    throw py::value_error(llvm::toString(created.takeError()));
  // Lowering and the JIT touch no Python object: compile without the GIL.
  Session &session = *module.holder->session;
  FailureOr<std::unique_ptr<Executable>> executable = failure();
  std::string message;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(session.compileMutex);
    Diagnostics diags(session);
    executable = (*created)->compile(*module.holder->module, fn);
    if (failed(executable))
      message = diags.message("cannot compile @" + fn.getSymName().str() +
                              " for target " + target);
  }
  if (failed(executable))
    raise(exceptionTypes.compile, message);
  return PyCompiled(module.holder, target, signatureOf(fn),
                    std::move(*executable));
}

Signature librarySignature(const LibraryExecutable &library) {
  Signature sig;
  sig.name = library.functionName().str();
  auto convert = [](const LibraryTensorType &t) {
    PyTensorType type;
    type.dtype = dtypeName(t.dtype);
    type.shape.assign(t.shape.begin(), t.shape.end());
    return type;
  };
  for (const auto &t : library.inputTypes())
    sig.inputs.push_back(convert(t));
  for (const auto &t : library.outputTypes())
    sig.outputs.push_back(convert(t));
  return sig;
}

PyCompiled loadLibrary(const std::string &path,
                       const std::optional<std::string> &function) {
  llvm::Expected<std::unique_ptr<LibraryExecutable>> library =
      LibraryExecutable::load(path, function.value_or(""));
  if (!library)
    raise(exceptionTypes.execution, llvm::toString(library.takeError()));
  Signature sig = librarySignature(**library);
  // Diagnostics from run() need a context; the library has no module.
  auto holder = std::make_shared<ModuleHolder>();
  holder->session = std::make_shared<Session>();
  return PyCompiled(holder, "library " + path, std::move(sig),
                    std::move(*library));
}

//===----------------------------------------------------------------------===//
// The builder
//===----------------------------------------------------------------------===//

/// Creates functions of kiln ops. Values are handles (indices); every op is
/// created through the op's registered definition: result types from its
/// type inference (or given), then verified, so a mistake is reported at
/// the call that made it.
class PyBuilder {
public:
  PyBuilder()
      : session(std::make_shared<Session>()),
        builder(session->context.get()) {
    module = ModuleOp::create(UnknownLoc::get(session->context.get()));
  }

  MLIRContext *context() { return session->context.get(); }

  Location location(const std::optional<std::string> &name,
                    const std::optional<std::string> &file, int64_t line,
                    int64_t column) {
    Location loc = UnknownLoc::get(context());
    if (file)
      loc = FileLineColLoc::get(context(), *file, unsigned(line),
                                unsigned(column));
    if (name)
      loc = NameLoc::get(StringAttr::get(context(), *name), loc);
    return loc;
  }

  void checkOpen() {
    if (!module)
      throw py::value_error("this builder has finished its module");
  }

  /// Parses a type or attribute from `text` with `parse`; a failure raises
  /// ParseError naming `what` (e.g. "the type 'tensor<4xf32'") and the
  /// column of the problem.
  template <typename T, typename ParseFn>
  T parseText(const std::string &what, const std::string &text, ParseFn parse) {
    std::optional<std::string> problem;
    unsigned column = 0;
    size_t read = 0;
    T result;
    {
      ScopedDiagnosticHandler quiet(context(), [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && !problem) {
          problem = diag.str();
          if (auto loc = dyn_cast<FileLineColLoc>(diag.getLocation()))
            column = loc.getColumn();
        }
        return success();
      });
      result = parse(read);
    }
    if (result && read == text.size())
      return result;
    std::string message = "cannot parse " + what;
    if (problem)
      message += ": column " + std::to_string(column) + ": " + *problem;
    else if (result)
      message += ": unexpected text after column " + std::to_string(read);
    raise(exceptionTypes.parse, message);
  }

  Type parseTypeText(const std::string &text) {
    return parseText<Type>("the type '" + text + "'", text, [&](size_t &read) {
      return parseType(text, context(), &read);
    });
  }


  Value value(size_t handle) {
    if (handle >= values.size())
      throw py::value_error("unknown value handle " + std::to_string(handle));
    return values[handle];
  }
  /// A value of the open function (an operand or a result to return).
  Value functionValue(size_t handle) {
    Value v = value(handle);
    if (v.getParentRegion() != &function.getBody())
      throw py::value_error("value " + std::to_string(handle) +
                            " belongs to another function");
    return v;
  }
  size_t add(Value v) {
    values.push_back(v);
    return values.size() - 1;
  }

  std::vector<size_t> beginFunction(const std::string &name,
                                    const std::vector<std::string> &argTypes,
                                    const std::optional<std::string> &file,
                                    int64_t line, int64_t column) {
    checkOpen();
    if (function)
      throw py::value_error("function @" + function.getSymName().str() +
                            " is still open: return from it first");
    if (module.lookupSymbol(name))
      throw py::value_error("the module already has a function @" + name);
    SmallVector<Type> types;
    for (const std::string &t : argTypes) {
      Type type = parseTypeText(t);
      if (!isa<RankedTensorType>(type))
        throw py::value_error("argument type " + t +
                              " is not a ranked tensor type");
      types.push_back(type);
    }
    builder.setInsertionPointToEnd(module.getBody());
    function = func::FuncOp::create(builder,
                                    location(std::nullopt, file, line, column),
                                    name, builder.getFunctionType(types, {}));
    Block *entry = function.addEntryBlock();
    builder.setInsertionPointToEnd(entry);
    std::vector<size_t> handles;
    for (BlockArgument arg : entry->getArguments())
      handles.push_back(add(arg));
    return handles;
  }

  void endFunction(const std::vector<size_t> &results,
                   const std::optional<std::string> &file, int64_t line,
                   int64_t column) {
    checkOpen();
    if (!function)
      throw py::value_error("no function is open");
    SmallVector<Value> operands;
    SmallVector<Type> types;
    for (size_t h : results) {
      Value v = functionValue(h);
      operands.push_back(v);
      types.push_back(v.getType());
    }
    func::ReturnOp::create(builder, location(std::nullopt, file, line, column),
                           operands);
    function.setType(builder.getFunctionType(function.getArgumentTypes(), types));
    Diagnostics diags(*session);
    if (failed(mlir::verify(function)))
      diags.raise(exceptionTypes.verify,
                  "@" + function.getSymName().str() + " does not verify");
    function = {};
  }

  /// Property storage of one op kind, initialized with its defaults.
  class PropertiesStorage {
  public:
    explicit PropertiesStorage(RegisteredOperationName info)
        : info(info), size(info.getOpPropertyByteSize()),
          storage(size_t(size + 7) / 8 + 1) {
      if (size)
        info.initOpProperties(get(), OpaqueProperties(nullptr));
    }
    ~PropertiesStorage() {
      if (size)
        info.destroyOpProperties(get());
    }
    OpaqueProperties get() {
      return OpaqueProperties(size ? storage.data() : nullptr);
    }

  private:
    RegisteredOperationName info;
    int size;
    std::vector<uint64_t> storage;
  };

  /// Verifies a detached probe of the op with `none` results; raises the
  /// verifier's error unless it is the (expected) one about those results.
  void checkWithProbe(RegisteredOperationName info, Location loc,
                      ArrayRef<Value> operands, DictionaryAttr inherent,
                      Diagnostics &diags, const std::string &opName) {
    OperationState probeState(loc, info);
    probeState.addOperands(operands);
    if (!info.hasTrait<OpTrait::ZeroResults>())
      probeState.addTypes(NoneType::get(context()));
    if (info.getOpPropertyByteSize())
      probeState.propertiesAttr = inherent;
    else
      probeState.addAttributes(inherent.getValue());
    Operation *probe = Operation::create(probeState);
    auto erase = llvm::scope_exit([&] { probe->destroy(); });
    std::optional<std::string> firstError;
    LogicalResult verified = success();
    {
      ScopedDiagnosticHandler quiet(context(), [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && !firstError)
          firstError = diag.str();
        return success();
      });
      verified = mlir::verify(probe, /*verifyRecursively=*/false);
    }
    if (succeeded(verified))
      return;
    StringRef message = firstError ? StringRef(*firstError) : StringRef();
    if (message.contains("result #0 must be") &&
        message.ends_with("but got 'none'"))
      return;
    // Report it with the source location (the same check, run again).
    (void)mlir::verify(probe, /*verifyRecursively=*/false);
    diags.raise(exceptionTypes.verify, "'" + opName + "' does not verify");
  }

  std::vector<size_t> create(const std::string &opName,
                             const std::vector<size_t> &operandHandles,
                             const std::map<std::string, std::string> &attrs,
                             const std::optional<std::vector<std::string>> &resultTypes,
                             const std::optional<std::string> &name,
                             const std::optional<std::string> &file,
                             int64_t line, int64_t column) {
    checkOpen();
    if (!function)
      throw py::value_error("no function is open: call begin_function first");
    if (!StringRef(opName).starts_with("kiln."))
      throw py::value_error("the builder creates kiln ops, not '" + opName +
                            "' (functions come from function() and ret())");
    std::optional<RegisteredOperationName> info =
        RegisteredOperationName::lookup(opName, context());
    if (!info)
      throw py::value_error("unknown operation '" + opName + "'");
    Location loc = location(name, file, line, column);
    SmallVector<Value> operands;
    for (size_t h : operandHandles)
      operands.push_back(functionValue(h));

    Diagnostics diags(*session);
    // Attributes: the op's own (inherent: its properties) and others.
    NamedAttrList inherent, discardable;
    ArrayRef<StringAttr> inherentNames = info->getAttributeNames();
    for (const auto &entry : attrs) {
      const std::string &attrName = entry.first, &text = entry.second;
      Attribute attr = parseText<Attribute>(
          "the attribute " + attrName + " = '" + text + "'", text,
          [&](size_t &read) {
            return parseAttribute(text, context(), Type(), &read);
          });
      StringAttr key = StringAttr::get(context(), attrName);
      if (llvm::is_contained(inherentNames, key))
        inherent.append(key, attr);
      else
        discardable.append(key, attr);
    }
    DictionaryAttr inherentDict = inherent.getDictionary(context());

    // The op's own attribute conversion (types of its inherent attributes).
    if (info->getOpPropertyByteSize()) {
      PropertiesStorage properties(*info);
      if (failed(info->setOpPropertiesFromAttribute(
              *info, properties.get(), inherentDict,
              [&] { return emitError(loc); })))
        diags.raise(exceptionTypes.verify,
                    "invalid attributes for '" + opName + "'");
    }

    SmallVector<Type> types;
    if (resultTypes) {
      for (const std::string &t : *resultTypes)
        types.push_back(parseTypeText(t));
    } else {
      auto *inference = info->getInterface<InferTypeOpInterface>();
      if (!inference)
        throw py::value_error("'" + opName +
                              "' does not infer its result type: give "
                              "result_types");
      // Type inference trusts what the op's definition guarantees (operand
      // count, required attributes, valid enum values, operand types): run
      // those checks first, on a probe op whose result type is a
      // placeholder. They come before the result checks, so the only error
      // an otherwise valid probe gets is that its result is not a tensor.
      checkWithProbe(*info, loc, operands, inherentDict, diags, opName);
      PropertiesStorage properties(*info);
      if (info->getOpPropertyByteSize())
        (void)info->setOpPropertiesFromAttribute(*info, properties.get(),
                                                 inherentDict, nullptr);
      if (failed(inference->inferReturnTypes(context(), loc, operands,
                                             inherentDict, properties.get(),
                                             /*regions=*/{}, types)))
        diags.raise(exceptionTypes.verify,
                    "'" + opName + "' cannot infer its result type");
    }

    OperationState state(loc, *info);
    state.addOperands(operands);
    state.addTypes(types);
    state.addAttributes(discardable);
    if (info->getOpPropertyByteSize())
      state.propertiesAttr = inherentDict;
    else
      state.addAttributes(inherent);
    Operation *op = builder.create(state);
    if (!op)
      diags.raise(exceptionTypes.verify, "cannot create '" + opName + "'");
    if (failed(mlir::verify(op))) {
      op->erase();
      diags.raise(exceptionTypes.verify, "'" + opName + "' does not verify");
    }
    std::vector<size_t> handles;
    for (Value r : op->getResults())
      handles.push_back(add(r));
    return handles;
  }

  /// A kiln.constant holding `array` (C-contiguous, native order) with
  /// element type `dtype`: a splat or a dense literal when small (or i1),
  /// else a dense_resource blob named `resourceName`.
  size_t constant(const py::array &input, const std::string &dtypeText,
                  const std::string &resourceName,
                  const std::optional<std::string> &name,
                  const std::optional<std::string> &file, int64_t line,
                  int64_t column) {
    checkOpen();
    if (!function)
      throw py::value_error("no function is open: call begin_function first");
    std::optional<DType> dtype = dtypeFromName(dtypeText);
    if (!dtype || *dtype == DType::F64 || *dtype == DType::U8)
      throw py::type_error("kiln constants have element type f32, f16, bf16, "
                           "i64, i32, i8 or i1, not " + dtypeText);
    py::array array = contiguous(input, py::str(input.dtype().attr("name"))
                                            .cast<std::string>()
                                            .c_str());
    size_t elementBytes = dtypeByteSize(*dtype);
    if (size_t(array.itemsize()) != elementBytes)
      throw py::type_error("the array's elements have " +
                           std::to_string(array.itemsize()) +
                           " bytes; " + dtypeText + " needs " +
                           std::to_string(elementBytes));
    SmallVector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    auto type = RankedTensorType::get(shape, elementTypeOf(context(), *dtype));
    int64_t count = type.getNumElements();
    ArrayRef<char> bytes(static_cast<const char *>(array.data()),
                         size_t(count) * elementBytes);
    bool splat = count > 0;
    for (int64_t i = 1; splat && i < count; ++i)
      splat = std::memcmp(bytes.data(), bytes.data() + i * elementBytes,
                          elementBytes) == 0;
    Attribute value;
    // i1 constants are always dense literals: the cpu target cannot
    // translate an i1 dense_resource global to LLVM IR yet ("no known
    // conversion for innermost element type").
    if (*dtype == DType::I1) {
      SmallVector<bool> bits;
      for (int64_t i = 0; i < (splat ? 1 : count); ++i)
        bits.push_back(bytes[i] != 0);
      value = DenseElementsAttr::get(type, bits);
    } else if (splat) {
      value = DenseElementsAttr::getFromRawBuffer(
          type, bytes.take_front(elementBytes));
    } else if (count <= 16) {
      value = DenseElementsAttr::getFromRawBuffer(type, bytes);
    } else {
      std::string blobName;
      for (char c : resourceName)
        blobName += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
      if (blobName.empty() || llvm::isDigit(blobName.front()))
        blobName = "c_" + blobName;
      AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
          bytes, alignof(std::max_align_t));
      value = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
    }
    Diagnostics diags(*session);
    auto op = ConstantOp::create(builder, location(name, file, line, column),
                                 cast<ElementsAttr>(value));
    if (failed(mlir::verify(op))) {
      op->erase();
      diags.raise(exceptionTypes.verify, "invalid constant");
    }
    return add(op.getResult());
  }

  PyTensorType typeOf(size_t handle) { return PyTensorType::of(value(handle).getType()); }

  std::string moduleText() {
    checkOpen();
    std::string s;
    llvm::raw_string_ostream os(s);
    module->print(os);
    return os.str();
  }

  /// The verified module. `recognizePatterns`: then the passes the ONNX
  /// importer runs (the GELU and LayerNorm decompositions become kiln ops).
  PyModule finish(bool recognizePatterns) {
    checkOpen();
    if (function)
      throw py::value_error("function @" + function.getSymName().str() +
                            " is still open: return from it first");
    Diagnostics diags(*session);
    if (failed(mlir::verify(module)))
      diags.raise(exceptionTypes.verify, "the module does not verify");
    if (recognizePatterns) {
      PassManager pm(context());
      pm.addNestedPass<func::FuncOp>(createKilnRecognizeGelu());
      pm.addNestedPass<func::FuncOp>(createKilnRecognizeLayerNorm());
      if (failed(pm.run(module)))
        diags.raise(exceptionTypes.compile, "recognizing patterns failed");
    }
    auto holder = std::make_shared<ModuleHolder>();
    holder->session = session;
    holder->module = OwningOpRef<ModuleOp>(module);
    module = {};
    values.clear();
    return PyModule(std::move(holder));
  }

  ~PyBuilder() {
    if (module)
      module->erase();
  }

  SessionPtr session;
  OpBuilder builder;
  ModuleOp module;
  func::FuncOp function;
  std::vector<Value> values;
};

} // namespace

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

static PyObject *newException(py::module_ &m, const char *name,
                              std::vector<PyObject *> bases, const char *doc) {
  py::tuple baseTuple(bases.size());
  for (size_t i = 0; i < bases.size(); ++i)
    baseTuple[i] = py::reinterpret_borrow<py::object>(bases[i]);
  std::string qualified = std::string("kiln.") + name;
  PyObject *type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc,
                                             baseTuple.ptr(), nullptr);
  if (!type)
    throw py::error_already_set();
  m.add_object(name, py::reinterpret_borrow<py::object>(type));
  return type;
}

PYBIND11_MODULE(_kiln, m) {
  m.doc() = "Kiln's C++ API (parse, verify, compile, run); see docs/python.md";

  exceptionTypes.error = newException(
      m, "Error", {PyExc_Exception}, "Base class of Kiln's errors.");
  exceptionTypes.parse = newException(
      m, "ParseError", {exceptionTypes.error, PyExc_ValueError},
      "Kiln IR (or a model file) could not be read; the message has the "
      "MLIR diagnostic with file:line:col.");
  exceptionTypes.verify = newException(
      m, "VerifyError", {exceptionTypes.error, PyExc_ValueError},
      "IR that breaks the kiln dialect's rules (the verifier's diagnostic).");
  exceptionTypes.compile = newException(
      m, "CompileError", {exceptionTypes.error, PyExc_RuntimeError},
      "A target could not compile a function.");
  exceptionTypes.execution = newException(
      m, "ExecutionError", {exceptionTypes.error, PyExc_RuntimeError},
      "A compiled function failed while running.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const KilnException &e) {
      PyErr_SetString(e.type, e.message.c_str());
    }
  });

  py::class_<PyTensorType>(m, "TensorType",
                         "A ranked tensor type: shape (None for a dynamic "
                         "dimension) and element type (MLIR spelling).")
      .def(py::init([](std::vector<std::optional<int64_t>> shape,
                       std::string dtype) {
             return PyTensorType{std::move(shape), std::move(dtype)};
           }),
           py::arg("shape"), py::arg("dtype"))
      .def_property_readonly(
          "shape",
          [](const PyTensorType &t) {
            py::tuple shape(t.shape.size());
            for (size_t i = 0; i < t.shape.size(); ++i)
              shape[i] = t.shape[i] ? py::cast(*t.shape[i]) : py::none();
            return shape;
          })
      .def_readonly("dtype", &PyTensorType::dtype)
      .def_property_readonly("rank",
                             [](const PyTensorType &t) { return t.shape.size(); })
      .def_property_readonly(
          "numpy_dtype",
          [](const PyTensorType &t) -> py::object {
            std::optional<DType> d = t.hostDType();
            if (!d)
              return py::none();
            return py::dtype(numpyName(*d));
          },
          "The NumPy dtype of arrays passed and returned (bf16: float32).")
      .def("__str__", &PyTensorType::str)
      .def("__repr__",
           [](const PyTensorType &t) { return "TensorType(" + t.str() + ")"; })
      .def("__eq__", [](const PyTensorType &a, const PyTensorType &b) {
        return a == b;
      })
      .def("__hash__",
           [](const PyTensorType &t) { return py::hash(py::str(t.str())); });

  py::class_<Signature>(m, "Signature")
      .def_readonly("name", &Signature::name)
      .def_readonly("inputs", &Signature::inputs)
      .def_readonly("outputs", &Signature::outputs)
      .def("__str__", &Signature::str)
      .def("__repr__", [](const Signature &s) {
        return "<kiln.Signature " + s.str() + ">";
      });

  py::class_<PyModule>(m, "Module",
                       "A module of kiln IR in its own MLIR context.")
      .def_static("parse", &PyModule::parse, py::arg("text"),
                  py::arg("name") = "<string>", py::arg("verify") = true,
                  "Parses kiln IR text; raises ParseError (syntax) or "
                  "VerifyError (verifier) with the diagnostic.")
      .def_static("load", &PyModule::load, py::arg("path"),
                  py::arg("onnx_dims") = std::map<std::string, int64_t>{},
                  "Reads a .mlir file or imports an ONNX model "
                  "(docs/onnx.md); onnx_dims binds symbolic dimensions.")
      .def("verify", &PyModule::verify,
           "Runs the verifier; raises VerifyError.")
      .def("to_string", &PyModule::print, py::arg("generic") = false,
           py::arg("elide_larger_than") = std::nullopt,
           py::arg("locations") = false,
           "The IR text; elide_larger_than elides big constants and "
           "resource blobs (the result then does not parse back).")
      .def("__str__",
           [](const PyModule &self) {
             return self.print(false, std::nullopt, false);
           })
      .def("__repr__",
           [](const PyModule &self) {
             std::vector<std::string> names = self.functions();
             return "<kiln.Module: @" + llvm::join(names, ", @") + ">";
           })
      .def_property_readonly("functions", &PyModule::functions,
                             "Names of the functions with a body.")
      .def("signature", &PyModule::signature,
           py::arg("function") = std::nullopt)
      .def("emit", &PyModule::emit, py::arg("stage") = "kiln",
           py::arg("target") = "host",
           "The module after a stage of the CPU pipeline (kilnc --emit): "
           "kiln, linalg, tiled, llvm (LLVM dialect), llvm-ir, asm.")
      .def("schedules", &PyModule::schedules, py::arg("target") = "host",
           py::arg("f32_matmul") = "ieee",
           "The cost model's schedule for every op (kilnc --print-schedule); "
           "target: host, cpu:DESC, npu:NAME or gpu[:DESC]; f32_matmul: "
           "ieee, or tf32 (gpu: f32 matmuls may use TF32 tensor cores).")
      .def("export_library", &PyModule::exportLibrary, py::arg("path"),
           py::arg("target") = "host", py::arg("header") = std::nullopt,
           "Compiles every public function into a shared library for the "
           "runtime C API and writes its C header (kilnc --emit=lib).");

  py::class_<PyCompiled>(m, "CompiledFunction",
                         "A function compiled for a target; call it with "
                         "NumPy arrays.")
      .def("__call__", &PyCompiled::call)
      .def_readonly("signature", &PyCompiled::signature)
      .def_readonly("target", &PyCompiled::target)
      .def_property_readonly(
          "name", [](const PyCompiled &c) { return c.signature.name; })
      .def("__repr__", [](const PyCompiled &c) {
        return "<kiln.CompiledFunction " + c.signature.str() + " on " +
               c.target + ">";
      });

  m.def("compile", &compile, py::arg("module"), py::arg("target") = "cpu",
        py::arg("function") = std::nullopt);
  m.def("load_library", &loadLibrary, py::arg("path"),
        py::arg("function") = std::nullopt);
  m.def("targets", &knownExecutionTargets,
        "The execution targets compile() accepts.");
  m.def(
      "set_num_threads",
      [](int n) {
        if (n < 0)
          throw py::value_error("set_num_threads expects n >= 0 (0: the "
                                "OpenMP default)");
        if (llvm::Error e = setOpenMPNumThreads(n))
          throw py::value_error(llvm::toString(std::move(e)));
      },
      py::arg("n"),
      "Threads the compiled code's parallel loops use when called from this "
      "thread (0: OpenMP's default, OMP_NUM_THREADS or one per core).");

  py::class_<PyBuilder>(m, "_Builder")
      .def(py::init<>())
      .def("begin_function", &PyBuilder::beginFunction, py::arg("name"),
           py::arg("arg_types"), py::arg("file") = std::nullopt,
           py::arg("line") = 0, py::arg("column") = 0)
      .def("end_function", &PyBuilder::endFunction, py::arg("results"),
           py::arg("file") = std::nullopt, py::arg("line") = 0, py::arg("column") = 0)
      .def("create", &PyBuilder::create, py::arg("op"), py::arg("operands"),
           py::arg("attrs") = std::map<std::string, std::string>{},
           py::arg("result_types") = std::nullopt,
           py::arg("name") = std::nullopt, py::arg("file") = std::nullopt,
           py::arg("line") = 0, py::arg("column") = 0)
      .def("constant", &PyBuilder::constant, py::arg("array"),
           py::arg("dtype"), py::arg("resource_name"),
           py::arg("name") = std::nullopt, py::arg("file") = std::nullopt,
           py::arg("line") = 0, py::arg("column") = 0)
      .def("type_of", &PyBuilder::typeOf, py::arg("handle"))
      .def("module_text", &PyBuilder::moduleText)
      .def("finish", &PyBuilder::finish,
           py::arg("recognize_patterns") = false);
}
