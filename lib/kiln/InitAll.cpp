//===- InitAll.cpp - Register Kiln's dialects and passes ------------------===//

#include "kiln/InitAll.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void kiln::registerKilnDialects(mlir::DialectRegistry &registry) {
  registry.insert<kiln::KilnDialect, mlir::func::FuncDialect>();
}

void kiln::registerKilnPasses() {
  // The generic graph clean-ups Kiln's pipelines run between its own passes.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerInlinerPass();
  mlir::registerSymbolDCEPass();
}
