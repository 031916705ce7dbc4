// Attention the NPU lowering does not handle is one error naming the op
// and the reason.
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu -verify-diagnostics

// A head dimension too large for any query tile to fit npu-edge's SPAD.
func.func @too_wide(%q: tensor<1x1x64x16384xf32>, %k: tensor<1x1x64x16384xf32>, %v: tensor<1x1x64x16384xf32>) -> tensor<1x1x64x16384xf32> {
  // expected-error @+1 {{needs a #kiln.schedule whose level 1 tiles [batch, heads, queries, keys, value dim]}}
  %o = kiln.attention %q, %k, %v : (tensor<1x1x64x16384xf32>, tensor<1x1x64x16384xf32>, tensor<1x1x64x16384xf32>) -> tensor<1x1x64x16384xf32>
  return %o : tensor<1x1x64x16384xf32>
}

