// What the rope lowering does not take: one diagnostic naming the op
// (the table broadcast it does not tile is in lower-to-npu-errors.mlir).
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu -verify-diagnostics

// A row of 16384 f32 needs 512 KiB of tile buffers; npu-edge has 256 KiB.
func.func @long_rows(%x: tensor<2x16384xf32>, %c: tensor<2x8192xf32>, %s: tensor<2x8192xf32>) -> tensor<2x16384xf32> {
  // expected-error @+1 {{cannot run on the NPU yet: a row of 16384 elements needs 524288 bytes of SPAD buffers, more than half of SPAD}}
  %y = kiln.rope %x, %c, %s : (tensor<2x16384xf32>, tensor<2x8192xf32>, tensor<2x8192xf32>) -> tensor<2x16384xf32>
  return %y : tensor<2x16384xf32>
}

// -----

// The tables' last dim broadcast (a cos per row): not [..., D/2].
func.func @column(%x: tensor<4x8xf32>, %c: tensor<4x1xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{in a pattern the lowering does not tile}}
  %y = kiln.rope %x, %c, %s : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
