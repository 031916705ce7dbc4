//===- LoadModule.h - Read a model file into a module -----------*- C++ -*-===//
//
// What kilnc and kiln-run do with their input file: an ONNX model is
// imported (docs/onnx.md), anything else is parsed as MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FRONTEND_LOADMODULE_H
#define KILN_FRONTEND_LOADMODULE_H

#include "kiln/Frontend/ONNX/Importer.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace kiln {

/// Whether the file `path` holding `data` is an ONNX model: by its `.onnx`
/// extension, or by its first byte (looksLikeONNX).
bool isONNXFile(llvm::StringRef path, llvm::StringRef data);

/// Reads `path` ("-": stdin) into a module. When the file cannot be read,
/// returns null and sets `errorMessage` (for the tool's own error line);
/// other problems are diagnostics through the context's handler (MLIR
/// buffers are added to `sourceMgr`, so they show the offending line).
mlir::OwningOpRef<mlir::ModuleOp>
loadModule(llvm::StringRef path, mlir::MLIRContext &context,
           llvm::SourceMgr &sourceMgr, const ONNXImportOptions &onnxOptions,
           std::string &errorMessage);

} // namespace kiln

#endif // KILN_FRONTEND_LOADMODULE_H
