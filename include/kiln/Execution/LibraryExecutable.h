//===- LibraryExecutable.h - Run a kilnc --emit=lib library -----*- C++ -*-===//
//
// `kiln-run libmodel.so --function=NAME ...`: a function of a compiled
// library, called through the runtime C API (kiln_runtime.h) exactly as a
// deployed application would, so a library is checked like JIT code.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EXECUTION_LIBRARYEXECUTABLE_H
#define KILN_EXECUTION_LIBRARYEXECUTABLE_H

#include "kiln/Execution/ExecutionTarget.h"

#include "mlir/IR/Location.h"

struct kiln_module;
struct kiln_function;

namespace kiln {

/// Dtype and static shape of one input or output.
struct LibraryTensorType {
  DType dtype;
  std::vector<int64_t> shape;
  std::string str() const; ///< "1x64x256xf32"
};

class LibraryExecutable : public Executable {
public:
  ~LibraryExecutable() override;

  /// Loads `path` (kiln_module_load) and looks up `function`; an empty name
  /// picks the only function, or `main`. Errors carry the runtime's message.
  static llvm::Expected<std::unique_ptr<LibraryExecutable>>
  load(llvm::StringRef path, llvm::StringRef function);

  llvm::StringRef functionName() const { return name; }
  llvm::ArrayRef<LibraryTensorType> inputTypes() const { return inputs; }
  llvm::ArrayRef<LibraryTensorType> outputTypes() const { return outputs; }

  /// Where run() reports errors (as MLIR diagnostics); unknown by default.
  void setLocation(mlir::Location loc) { location = loc; }

  /// Calls the function on fresh zero-filled outputs. The runtime checks the
  /// inputs; a mismatch is an error with its message, never a call.
  mlir::FailureOr<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs) override;

  /// Same, with the runtime's message as an llvm::Error.
  llvm::Expected<std::vector<HostTensor>>
  call(llvm::ArrayRef<HostTensor> inputs);

private:
  LibraryExecutable() = default;
  kiln_module *module = nullptr;
  const kiln_function *function = nullptr;
  std::string name;
  std::vector<LibraryTensorType> inputs, outputs;
  std::optional<mlir::Location> location;
};

/// Whether `path` looks like a shared library (ends in .so, or an ELF
/// shared object), so kiln-run loads it instead of parsing MLIR.
bool isSharedLibraryPath(llvm::StringRef path);

} // namespace kiln

#endif // KILN_EXECUTION_LIBRARYEXECUTABLE_H
