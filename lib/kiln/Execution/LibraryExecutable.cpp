//===- LibraryExecutable.cpp - Run a kilnc --emit=lib library -------------===//

#include "kiln/Execution/LibraryExecutable.h"
#include "kiln/Runtime/kiln_runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/BinaryFormat/Magic.h"

using namespace kiln;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::optional<DType> fromRuntime(int32_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32: return DType::F32;
  case KILN_DTYPE_F16: return DType::F16;
  case KILN_DTYPE_BF16: return DType::BF16;
  case KILN_DTYPE_I64: return DType::I64;
  case KILN_DTYPE_I32: return DType::I32;
  case KILN_DTYPE_I8: return DType::I8;
  case KILN_DTYPE_I1: return DType::I1;
  }
  return std::nullopt;
}

/// The runtime's code for `dtype`; -1 (rejected by the runtime with a
/// message) for dtypes the runtime does not know.
static int32_t toRuntime(DType dtype) {
  switch (dtype) {
  case DType::F32: return KILN_DTYPE_F32;
  case DType::F16: return KILN_DTYPE_F16;
  case DType::BF16: return KILN_DTYPE_BF16;
  case DType::I64: return KILN_DTYPE_I64;
  case DType::I32: return KILN_DTYPE_I32;
  case DType::I8: return KILN_DTYPE_I8;
  case DType::I1: return KILN_DTYPE_I1;
  case DType::F64: return 100;
  case DType::U8: return 101;
  }
  return -1;
}

std::string LibraryTensorType::str() const {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + dtypeName(dtype);
}

LibraryExecutable::~LibraryExecutable() { kiln_module_free(module); }

llvm::Expected<std::unique_ptr<LibraryExecutable>>
LibraryExecutable::load(llvm::StringRef path, llvm::StringRef functionName) {
  std::unique_ptr<LibraryExecutable> e(new LibraryExecutable());
  std::string pathString = path.str();
  if (kiln_module_load(pathString.c_str(), &e->module) != KILN_OK)
    return makeError(kiln_last_error());
  std::string name = functionName.str();
  if (name.empty()) {
    size_t n = kiln_module_num_functions(e->module);
    if (n == 1) {
      name = kiln_module_function_name(e->module, 0);
    } else {
      name = "main";
      const kiln_function *probe;
      if (kiln_module_get_function(e->module, "main", &probe) != KILN_OK) {
        std::string names;
        for (size_t i = 0; i < n; ++i)
          names += (i ? ", " : "") + std::string(kiln_module_function_name(e->module, i));
        return makeError("'" + path + "' has " + llvm::Twine(n) +
                         " functions; choose one with --function=NAME (" +
                         names + ")");
      }
    }
  }
  if (kiln_module_get_function(e->module, name.c_str(), &e->function) != KILN_OK)
    return makeError(kiln_last_error());
  e->name = name;
  auto describe = [&](bool output, size_t count,
                      std::vector<LibraryTensorType> &into) -> llvm::Error {
    for (size_t i = 0; i < count; ++i) {
      kiln_tensor t;
      kiln_status s = output ? kiln_function_output(e->function, i, &t)
                             : kiln_function_input(e->function, i, &t);
      std::optional<DType> dtype = fromRuntime(t.dtype);
      if (s != KILN_OK || !dtype)
        return makeError("cannot read the signature of '" + name + "'");
      into.push_back({*dtype, std::vector<int64_t>(t.shape, t.shape + t.rank)});
    }
    return llvm::Error::success();
  };
  if (llvm::Error err = describe(false, kiln_function_num_inputs(e->function), e->inputs))
    return std::move(err);
  if (llvm::Error err = describe(true, kiln_function_num_outputs(e->function), e->outputs))
    return std::move(err);
  return std::move(e);
}

llvm::Expected<std::vector<HostTensor>>
LibraryExecutable::call(llvm::ArrayRef<HostTensor> hostInputs) {
  std::vector<HostTensor> results;
  results.reserve(outputs.size());
  for (const LibraryTensorType &type : outputs)
    results.emplace_back(type.dtype, type.shape);
  std::vector<kiln_tensor> in, out;
  for (const HostTensor &t : hostInputs)
    in.push_back({const_cast<void *>(t.data()), toRuntime(t.dtype()),
                  int32_t(t.rank()), t.shape().data()});
  for (HostTensor &t : results)
    out.push_back({t.data(), toRuntime(t.dtype()), int32_t(t.rank()),
                   t.shape().data()});
  if (kiln_function_call(function, in.data(), in.size(), out.data(),
                         out.size()) != KILN_OK)
    return makeError(kiln_last_error());
  return results;
}

mlir::FailureOr<std::vector<HostTensor>>
LibraryExecutable::run(llvm::ArrayRef<HostTensor> hostInputs) {
  llvm::Expected<std::vector<HostTensor>> results = call(hostInputs);
  if (!results) {
    std::string message = llvm::toString(results.takeError());
    if (location)
      mlir::emitError(*location) << message;
    else
      llvm::errs() << "error: " << message << "\n";
    return mlir::failure();
  }
  return std::move(*results);
}

bool kiln::isSharedLibraryPath(llvm::StringRef path) {
  if (path.ends_with(".so"))
    return true;
  llvm::file_magic magic;
  if (llvm::identify_magic(path, magic))
    return false;
  return magic == llvm::file_magic::elf_shared_object;
}
