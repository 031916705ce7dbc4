// The NPU cost model's row tiles for the vector-unit nests of layer_norm,
// rms_norm, reduce and softmax and for the DMA nests of transpose, pinned
// (level 1 = the row tile of the flattened rows at the second-to-last
// loop; docs/npu-compiler.md "Cost model"), and read by the lowering.
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge | FileCheck %s --check-prefix=EDGE
// RUN: kiln-opt %s --kiln-npu-attach-target=target=cloud --kiln-select-schedules=target=npu:cloud | FileCheck %s --check-prefix=CLOUD
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR

// npu-edge (16 lanes, 25.6 B/cycle): the eleven-instruction chain of a
// layer_norm tile waits on each result, so short tiles (4 rows) keep the
// DMAs of the next tiles overlapped; npu-cloud (128 lanes, 1.2 TB/s,
// 500-cycle DRAM latency) takes 64 rows per tile.
// EDGE-LABEL: func.func @layer_norm
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [4, 0], [4, 0]]>
// CLOUD-LABEL: func.func @layer_norm
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// IR-LABEL: func.func @layer_norm
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<4x768xf32, 1>
func.func @layer_norm(%x: tensor<128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<128x768xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<128x768xf32>
  return %y : tensor<128x768xf32>
}

// 300 flattened rows of 200.
// EDGE-LABEL: func.func @rms_norm
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 32, 0], [0, 32, 0]]>
// CLOUD-LABEL: func.func @rms_norm
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 128, 0], [0, 128, 0]]>
// IR-LABEL: func.func @rms_norm
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<32x200xf32, 1>
func.func @rms_norm(%x: tensor<2x150x200xf32>, %g: tensor<200xf32>) -> tensor<2x150x200xf32> {
  %y = kiln.rms_norm %x scale %g : (tensor<2x150x200xf32>, tensor<200xf32>) -> tensor<2x150x200xf32>
  return %y : tensor<2x150x200xf32>
}

// One reduction per tile: on npu-cloud all 1000 rows in one tile.
// EDGE-LABEL: func.func @mean
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// CLOUD-LABEL: func.func @mean
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [1000, 0], [1000, 0]]>
func.func @mean(%x: tensor<1000x50xf32>) -> tensor<1000x1xf32> {
  %y = kiln.reduce mean %x axes = [1] keepdims : tensor<1000x50xf32> -> tensor<1000x1xf32>
  return %y : tensor<1000x1xf32>
}

// EDGE-LABEL: func.func @softmax
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [8, 0], [8, 0]]>
// CLOUD-LABEL: func.func @softmax
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
func.func @softmax(%x: tensor<512x768xf32>) -> tensor<512x768xf32> {
  %y = kiln.softmax %x : tensor<512x768xf32>
  return %y : tensor<512x768xf32>
}

// A transpose reads element runs (each a 64-byte burst): DMA-bound, so
// the tile is what fits; the rows of the result's last two dims.
// EDGE-LABEL: func.func @transpose
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 64, 0], [0, 64, 0]]>
// CLOUD-LABEL: func.func @transpose
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 768, 0], [0, 768, 0]]>
// IR-LABEL: func.func @transpose
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<64x64xf32, 1>
func.func @transpose(%x: tensor<4x64x768xf32>) -> tensor<4x768x64xf32> {
  %y = kiln.transpose %x perm = [0, 2, 1] : tensor<4x64x768xf32> -> tensor<4x768x64xf32>
  return %y : tensor<4x768x64xf32>
}

// Slice, concat and gather have no schedule loops: their nests keep the
// fixed SPAD share.
// EDGE-LABEL: func.func @slice
// EDGE-NOT: kiln.schedule
// EDGE: return
func.func @slice(%x: tensor<64x768xf32>) -> tensor<64x256xf32> {
  %y = kiln.slice %x starts = [0, 256] limits = [64, 512] : tensor<64x768xf32> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
