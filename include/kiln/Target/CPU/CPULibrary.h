//===- CPULibrary.h - Shared libraries for the runtime C API ----*- C++ -*-===//
//
// `kilnc --emit=lib`: the object of the CPU lowering plus the metadata
// kiln_runtime.h reads, linked into a shared library with the system's C
// compiler driver, and a C header for it. The format is described in
// docs/architecture.md, "Runtime C API and --emit=lib".
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CPU_CPULIBRARY_H
#define KILN_TARGET_CPU_CPULIBRARY_H

#include "kiln/Support/DType.h"
#include "kiln/Target/CPU/CPUTargetDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace kiln {

struct LibraryTensor {
  DType dtype;
  std::vector<int64_t> shape;
};

/// One exported function: `_mlir_ciface_<name>(inputs..., outputs...)`.
struct LibraryEntryPoint {
  std::string name;
  std::vector<LibraryTensor> inputs, outputs;
};

/// The entry points of a kiln-level module (before lowering): its public
/// functions with a body, in order. Errors (dynamic shapes, unsupported
/// element types, names the symbol table of a library cannot carry) are
/// MLIR diagnostics on the function.
mlir::FailureOr<std::vector<LibraryEntryPoint>>
collectLibraryEntryPoints(mlir::ModuleOp module);

/// Where a library's entry points take their buffers.
enum class LibraryDevice {
  /// `_mlir_ciface_<fn>` takes host buffers; `void kiln_invoke_<fn>(void **)`
  /// calls it (the CPU).
  Host,
  /// `_mlir_ciface_<fn>` takes device buffers (docs/gpu.md's host ABI);
  /// `int32_t kiln_invoke_<fn>(void **)` runs it on host buffers through
  /// kiln_gpu_call_on_host_buffers (libkiln_gpu_runtime.so) and returns its
  /// kiln_gpu_status, and the library exports `kiln_device = "gpu"` so the
  /// runtime C API checks that status.
  GPU,
};

/// Adds the runtime metadata to the optimized LLVM module: `kiln_functions`,
/// and per entry point `kiln_signature_<fn>` and `kiln_invoke_<fn>`.
llvm::Error addLibraryMetadata(llvm::Module &module,
                               llvm::ArrayRef<LibraryEntryPoint> entryPoints,
                               LibraryDevice device = LibraryDevice::Host);

/// The C compiler driver that links libraries for `description`: $KILN_CC,
/// else clang-22, clang or cc on PATH. Refuses descriptions whose triple is
/// not the host's architecture and OS (cross targets: link the --emit=obj
/// object with a cross toolchain).
llvm::Expected<std::string>
findLibraryLinker(const CPUTargetDescription &description);

/// Links `objectPath` into the shared library `outputPath` with `linker`
/// (`-shared -Wl,-z,defs -lm`: every symbol must resolve in libc, libm or
/// what `extraArgs` adds, e.g. `-lkiln_gpu_runtime` and its rpath).
llvm::Error linkSharedLibrary(llvm::StringRef linker,
                              llvm::StringRef objectPath,
                              llvm::StringRef outputPath,
                              llvm::ArrayRef<std::string> extraArgs = {});

/// Where the header of the library `outputPath` goes unless named:
/// `outputPath` without `.so`, plus `.h`.
std::string defaultLibraryHeaderPath(llvm::StringRef outputPath);

/// The include guard of the header file `headerPath`: its file name in upper
/// case with every other character `_` (prefixed `KILN_` when it would not
/// be an identifier).
std::string libraryHeaderGuard(llvm::StringRef headerPath);

/// The C header for the library (`libraryName` is mentioned in comments).
std::string
generateLibraryHeader(llvm::ArrayRef<LibraryEntryPoint> entryPoints,
                      llvm::StringRef libraryName, llvm::StringRef guard,
                      LibraryDevice device = LibraryDevice::Host);

/// Writes `header` (empty: defaultLibraryHeaderPath), opened before linking
/// so a failure leaves neither file, then links `objectPath` into
/// `outputPath` (linkSharedLibrary with `extraArgs`).
llvm::Error linkLibraryAndWriteHeader(
    llvm::ArrayRef<LibraryEntryPoint> entryPoints, llvm::StringRef linker,
    llvm::StringRef objectPath, llvm::StringRef outputPath,
    llvm::StringRef headerPath, LibraryDevice device,
    llvm::ArrayRef<std::string> extraArgs = {});

/// `kilnc --emit=lib` after the CPU lowering pipeline (or the GPU one, whose
/// host code is CPU code too: `device` GPU): `module` (the LLVM dialect)
/// becomes optimized LLVM IR for `description` with the runtime metadata of
/// `entryPoints`, an object in a temporary file, and the shared library
/// `outputPath` linked with `linker` (plus `extraLinkArgs`); then the C
/// header `headerPath` (empty: defaultLibraryHeaderPath). The header is
/// opened before linking, so a failure leaves neither file.
llvm::Error writeCPULibrary(mlir::ModuleOp module,
                            const CPUTargetDescription &description,
                            llvm::ArrayRef<LibraryEntryPoint> entryPoints,
                            llvm::StringRef linker, llvm::StringRef outputPath,
                            llvm::StringRef headerPath = "",
                            LibraryDevice device = LibraryDevice::Host,
                            llvm::ArrayRef<std::string> extraLinkArgs = {});

} // namespace kiln

#endif // KILN_TARGET_CPU_CPULIBRARY_H
