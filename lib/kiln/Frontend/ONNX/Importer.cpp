//===- Importer.cpp - ONNX models to the kiln dialect ---------------------===//
//
// Parses the ModelProto, checks coverage (every unsupported operator in one
// diagnostic), builds the function (GraphImporter) and runs the pattern
// passes that turn known compositions into kiln ops.
//
//===----------------------------------------------------------------------===//

#include "kiln/Frontend/ONNX/Importer.h"

#include "Coverage.h"
#include "GraphImporter.h"

#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <climits>

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

bool kiln::looksLikeONNX(StringRef data) {
  return !data.empty() && data.front() == '\x08';
}

/// "0x66 ('f')" for diagnostics.
static std::string firstByte(StringRef data) {
  unsigned char c = data.front();
  std::string s = "0x" + std::string(c < 16 ? "0" : "") + llvm::utohexstr(c);
  if (llvm::isPrint(c))
    s += std::string(" ('") + char(c) + "')";
  return s;
}

/// The default-domain opset of `model`, or 0 when it declares none.
static int64_t defaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      return set.version();
  return 0;
}

OwningOpRef<ModuleOp> kiln::importONNX(llvm::MemoryBufferRef buffer,
                                       MLIRContext &context,
                                       const ONNXImportOptions &options) {
  StringRef path = buffer.getBufferIdentifier();
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  StringRef data = buffer.getBuffer();
  const char *hint = "; expected an ONNX model (a serialized "
                     "onnx.ModelProto, as written by onnx.save or "
                     "torch.onnx.export)";
  if (data.empty()) {
    emitError(fileLoc) << "the file is empty" << hint;
    return {};
  }
  if (data.size() > size_t(INT_MAX)) {
    emitError(fileLoc) << "the model is larger than 2 GiB, the protobuf "
                          "limit; store the weights as external data "
                          "(onnx.save_model(..., save_as_external_data=True))";
    return {};
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(data.data(), int(data.size()))) {
    if (!looksLikeONNX(data))
      emitError(fileLoc) << "not an ONNX model: a serialized ModelProto "
                            "starts with byte 0x08 (its ir_version), this "
                            "file with "
                         << firstByte(data) << hint;
    else
      emitError(fileLoc) << "not a valid ONNX model: the protobuf data is "
                            "malformed or truncated ("
                         << data.size() << " bytes)";
    return {};
  }
  if (model.ir_version() <= 0 || !model.has_graph()) {
    emitError(fileLoc) << "not an ONNX model: "
                       << (model.ir_version() <= 0 ? "no ir_version"
                                                   : "no graph")
                       << hint;
    return {};
  }
  int64_t opset = defaultOpset(model);
  if (opset <= 0) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain (opset_import has no entry for \"\")";
    return {};
  }
  if (failed(checkCoverage(model.graph(), opset, fileLoc)))
    return {};

  OwningOpRef<ModuleOp> module =
      GraphImporter(context, model, path, opset, options).import();
  if (!module || !options.recognizePatterns)
    return module;
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(createKilnRecognizeGelu());
  pm.addNestedPass<func::FuncOp>(createKilnRecognizeLayerNorm());
  if (failed(pm.run(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> kiln::importONNXFile(StringRef path, MLIRContext &context,
                                           const ONNXImportOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the model: " << file.getError().message();
    return {};
  }
  return importONNX((*file)->getMemBufferRef(), context, options);
}

llvm::Error kiln::parseONNXDimBindings(ArrayRef<std::string> bindings,
                                       ONNXImportOptions &options) {
  for (const std::string &binding : bindings) {
    auto [name, size] = StringRef(binding).split('=');
    int64_t value;
    if (name.empty() || size.getAsInteger(10, value) || value < 0)
      return llvm::createStringError(
          "--onnx-dim expects NAME=SIZE with a size >= 0, got '" + binding +
          "'");
    options.dimValues[name] = value;
  }
  return llvm::Error::success();
}
