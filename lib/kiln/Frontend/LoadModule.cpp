//===- LoadModule.cpp - Read a model file into a module -------------------===//

#include "kiln/Frontend/LoadModule.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

bool kiln::isONNXFile(llvm::StringRef path, llvm::StringRef data) {
  return llvm::sys::path::extension(path).equals_insensitive(".onnx") ||
         looksLikeONNX(data);
}

OwningOpRef<ModuleOp> kiln::loadModule(llvm::StringRef path,
                                       MLIRContext &context,
                                       llvm::SourceMgr &sourceMgr,
                                       const ONNXImportOptions &onnxOptions,
                                       std::string &errorMessage) {
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(path, &errorMessage);
  if (!buffer)
    return {};
  if (isONNXFile(path, buffer->getBuffer()))
    return importONNX(buffer->getMemBufferRef(), context, onnxOptions);
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
