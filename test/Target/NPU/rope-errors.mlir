// What the rope lowering does not take: one diagnostic naming the op.
// (Every numpy broadcast of cos/sin is lowered: rope-broadcast-e2e.mlir.)
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu -verify-diagnostics

// A row of 16384 f32 needs 512 KiB of tile buffers; npu-edge has 256 KiB.
func.func @long_rows(%x: tensor<2x16384xf32>, %c: tensor<2x8192xf32>, %s: tensor<2x8192xf32>) -> tensor<2x16384xf32> {
  // expected-error @+1 {{cannot run on the NPU yet: a row of 16384 elements needs 524288 bytes of SPAD buffers, more than half of SPAD}}
  %y = kiln.rope %x, %c, %s : (tensor<2x16384xf32>, tensor<2x8192xf32>, tensor<2x8192xf32>) -> tensor<2x16384xf32>
  return %y : tensor<2x16384xf32>
}

