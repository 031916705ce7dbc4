//===- Importer.h - ONNX models to the kiln dialect -------------*- C++ -*-===//
//
// Imports an ONNX model (opsets 13-17 of the default domain, the transformer
// operator set of docs/onnx.md) into a module holding one func.func of kiln
// ops. Weights become kiln.constant ops with dense_resource blobs; shape
// computations on statically known values (Shape -> Gather -> Concat ->
// Reshape, ConstantOfShape, ...) are evaluated at import time.
//
// Every problem is one diagnostic, on a location naming the model file (and
// the node), through the context's diagnostic handler: a file that is not
// an ONNX model, an undefined value, a tensor whose data is missing, and
// (listed all at once, before any IR is built) every unsupported operator.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FRONTEND_ONNX_IMPORTER_H
#define KILN_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace kiln {

struct ONNXImportOptions {
  /// Sizes for symbolic dimensions (`dim_param`) of the graph inputs, e.g.
  /// {"batch": 1, "sequence": 128}. A symbolic dimension without a binding
  /// stays dynamic (`?`), which shape computations cannot fold.
  llvm::StringMap<int64_t> dimValues;
  /// Rewrite known compositions into kiln ops after import (Erf-GELU into
  /// kiln.gelu, the decomposed LayerNorm into kiln.layer_norm).
  bool recognizePatterns = true;
};

/// Imports the model in `buffer`; its identifier is the model's path, used in
/// diagnostics and to find external data files (relative to its directory).
/// Returns null after reporting the problem as a diagnostic.
mlir::OwningOpRef<mlir::ModuleOp>
importONNX(llvm::MemoryBufferRef buffer, mlir::MLIRContext &context,
           const ONNXImportOptions &options = {});

/// Reads and imports the model file at `path`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext &context,
               const ONNXImportOptions &options = {});

/// Parses "NAME=SIZE" bindings (as given to the tools' --onnx-dim) into
/// `options.dimValues`.
llvm::Error parseONNXDimBindings(llvm::ArrayRef<std::string> bindings,
                                 ONNXImportOptions &options);

/// Whether `data` looks like a serialized ONNX ModelProto rather than MLIR:
/// it starts with the protobuf tag of ModelProto.ir_version (field 1,
/// varint: byte 0x08), which neither MLIR text nor MLIR bytecode can.
bool looksLikeONNX(llvm::StringRef data);

} // namespace kiln

#endif // KILN_FRONTEND_ONNX_IMPORTER_H
