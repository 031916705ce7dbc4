// The NPU cost model's attention tiles, pinned: level 1 tiles the loops
// [batch, heads, queries, keys, value dim] (docs/npu-compiler.md). Larger
// tiles mean fewer per-tile overheads (the online softmax's row updates,
// instruction latencies) until SPAD (Q, K/V and O double-buffered, the
// probabilities, the causal band) or ACC (S and P V) runs out.
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge | FileCheck %s --check-prefix=EDGE
// RUN: kiln-opt %s --kiln-npu-attach-target=target=cloud --kiln-select-schedules=target=npu:cloud | FileCheck %s --check-prefix=CLOUD

// GPT-2 (d=768, seq 128): 12 causal heads of 64. On npu-edge small tiles
// skip most of the masked upper triangle and the 16x16 array gains little
// from longer chains (the simulator: 216 us at 32x16, 210 at 32x32, 218
// at 64x64: the model picks the fastest); npu-cloud's 128x128 array wants the whole sequence at once
// (its fill, drain and weight loads are paid per chain).
// EDGE-LABEL: func.func @gpt2
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0, 0], [1, 1, 32, 32, 0]]>
// CLOUD-LABEL: func.func @gpt2
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0, 0], [1, 1, 128, 128, 0]]>
func.func @gpt2(%q: tensor<1x12x128x64xf32>, %k: tensor<1x12x128x64xf32>, %v: tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32>
  return %o : tensor<1x12x128x64xf32>
}

// A longer sequence, not a multiple of anything: npu-edge keeps 64-query
// tiles; npu-cloud's 24 MiB SPAD holds all 300 keys.
// EDGE-LABEL: func.func @long
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0, 0], [1, 1, 64, 32, 0]]>
// CLOUD-LABEL: func.func @long
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0, 0], [1, 1, 300, 300, 0]]>
func.func @long(%q: tensor<1x1x300x64xf32>, %k: tensor<1x1x300x64xf32>, %v: tensor<1x1x300x64xf32>) -> tensor<1x1x300x64xf32> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x1x300x64xf32>, tensor<1x1x300x64xf32>, tensor<1x1x300x64xf32>) -> tensor<1x1x300x64xf32>
  return %o : tensor<1x1x300x64xf32>
}
