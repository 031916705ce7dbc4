//===- Passes.td - Kiln conversion passes -------------------*- tablegen -*-===//

#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertKilnToLinalg : Pass<"convert-kiln-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower kiln graph ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every kiln op into named linalg ops where they exist
    (matmul, batch_matmul, transpose, softmax, ...) and linalg.generic
    otherwise, on tensors, so that the TilingInterface-based tile-and-fuse
    and one-shot bufferization apply. Ops with dynamic shapes get their
    sizes through tensor.dim.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
