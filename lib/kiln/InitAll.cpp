//===- InitAll.cpp - Register Kiln's dialects and passes ------------------===//

#include "kiln/InitAll.h"

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Target/CPU/Pipeline.h"
#include "kiln/Target/GPU/Pipeline.h"
#include "kiln/Target/NPU/Pipeline.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void kiln::registerKilnDialects(mlir::DialectRegistry &registry) {
  registry.insert<kiln::KilnDialect, mlir::func::FuncDialect,
                  // What kiln lowers to on tensors.
                  mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect>();
  // What the cpu target lowers through (bufferization, loops, LLVM), the
  // interface models its passes need and the LLVM IR translation its JIT
  // uses.
  kiln::registerCPUTargetDialects(registry);
  // The npu dialect and what the NPU lowering builds with.
  kiln::registerNPUTargetDialects(registry);
  // gpu, nvvm and their LLVM IR translations (the gpu target).
  kiln::registerGPUTargetDialects(registry);
}

void kiln::registerKilnPasses() {
  kiln::registerKilnConversionPasses();
  // kiln-select-schedules: the cost models' decisions as attributes.
  kiln::registerKilnGraphPasses();
  // The generic graph clean-ups Kiln's pipelines run between its own passes.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerInlinerPass();
  mlir::registerSymbolDCEPass();
  // The upstream passes of the cpu pipeline, and the pipeline itself as
  // `kiln-lower-to-llvm-cpu`.
  kiln::registerCPUTargetPasses();
  // kiln-npu-* passes and the kiln-lower-to-npu pipeline.
  kiln::registerNPUTargetPasses();
  // kiln-gpu-* passes and the kiln-lower-to-llvm-gpu pipeline.
  kiln::registerGPUTargetPasses();
}
