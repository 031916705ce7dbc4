// The NPU cost model's row tiles for the new forms of the vector-unit
// nests (softmax along an axis before the last, reduce over an inner axis
// or several blocks of axes, norms over a trailing block, bf16, rows cut
// into chunks), pinned and
// read by the lowering. Level 1 holds the rows of [outer, inner] per tile
// at the second-to-last loop (npuRowTileShape: part of an inner run below
// `inner`, whole runs times outer rows from it).
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge | FileCheck %s --check-prefix=EDGE
// RUN: kiln-opt %s --kiln-npu-attach-target=target=cloud --kiln-select-schedules=target=npu:cloud | FileCheck %s --check-prefix=CLOUD
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR

// 77 rows of 300 (axis 0): npu-edge takes 16 of the 77 per tile (the
// five-instruction chain waits on each result: short tiles keep the DMAs
// overlapped), npu-cloud 32; an A-major tile [300, 16].
// EDGE-LABEL: func.func @softmax_axis0
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [16, 0], [16, 0]]>
// CLOUD-LABEL: func.func @softmax_axis0
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [32, 0], [32, 0]]>
// IR-LABEL: func.func @softmax_axis0
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<300x16xf32, 1>
func.func @softmax_axis0(%x: tensor<300x77xf32>) -> tensor<300x77xf32> {
  %y = kiln.softmax %x axis = 0 : tensor<300x77xf32>
  return %y : tensor<300x77xf32>
}

// [8, 128, 96] along axis 1: 768 rows of 128; npu-cloud takes two whole
// inner runs (192 rows) per tile.
// EDGE-LABEL: func.func @softmax_axis1
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 16, 0], [0, 16, 0]]>
// CLOUD-LABEL: func.func @softmax_axis1
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 192, 0], [0, 192, 0]]>
func.func @softmax_axis1(%x: tensor<8x128x96xf32>) -> tensor<8x128x96xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<8x128x96xf32>
  return %y : tensor<8x128x96xf32>
}

// A column mean: 50 rows of 1000; npu-cloud takes them all.
// EDGE-LABEL: func.func @mean_axis0
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [16, 0], [16, 0]]>
// CLOUD-LABEL: func.func @mean_axis0
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [50, 0], [50, 0]]>
func.func @mean_axis0(%x: tensor<1000x50xf32>) -> tensor<50xf32> {
  %y = kiln.reduce mean %x axes = [0] : tensor<1000x50xf32> -> tensor<50xf32>
  return %y : tensor<50xf32>
}

// Axes [0, 2]: the schedule tiles the first nest (axis 2: 640 x 30 rows of
// 24, into an f32 temporary of 16 x 40 x 30); the second (its axis 0)
// takes the default tile.
// EDGE-LABEL: func.func @sum_axes
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0], [0, 0, 480, 0], [0, 0, 480, 0]]>
// CLOUD-LABEL: func.func @sum_axes
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0], [0, 0, 3840, 0], [0, 0, 3840, 0]]>
// IR-LABEL: func.func @sum_axes
// IR: memref.alloc() : memref<19200xf32>
func.func @sum_axes(%x: tensor<16x40x24x30xf32>) -> tensor<40x30xf32> {
  %y = kiln.reduce sum %x axes = [0, 2] : tensor<16x40x24x30xf32> -> tensor<40x30xf32>
  return %y : tensor<40x30xf32>
}

// bf16: the same tiles as f32 (layer_norm 128x768 in rowwise-schedules.mlir)
// with the bf16 in/out tiles beside the f32 ones.
// EDGE-LABEL: func.func @layer_norm_bf16
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [8, 0], [8, 0]]>
// CLOUD-LABEL: func.func @layer_norm_bf16
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// IR-LABEL: func.func @layer_norm_bf16
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<8x768xf32, 1>
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<8x768xbf16, 1>
func.func @layer_norm_bf16(%x: tensor<128x768xbf16>, %g: tensor<768xbf16>, %b: tensor<768xbf16>) -> tensor<128x768xbf16> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<128x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<128x768xbf16>
  return %y : tensor<128x768xbf16>
}

// Over the trailing 50 x 64 block: rows of 3200, one per tile on
// npu-edge, four on npu-cloud.
// EDGE-LABEL: func.func @layer_norm_axis1
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 1, 0], [0, 1, 0]]>
// CLOUD-LABEL: func.func @layer_norm_axis1
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [0, 4, 0], [0, 4, 0]]>
func.func @layer_norm_axis1(%x: tensor<4x50x64xf32>, %g: tensor<50x64xf32>, %b: tensor<50x64xf32>) -> tensor<4x50x64xf32> {
  %y = kiln.layer_norm %x scale %g bias %b axis = 1 : (tensor<4x50x64xf32>, tensor<50x64xf32>, tensor<50x64xf32>) -> tensor<4x50x64xf32>
  return %y : tensor<4x50x64xf32>
}

// GPT-2's vocabulary does not fit npu-edge's SPAD as a row: chunks of 2048
// (level 1 at the last loop), two rows per tile; npu-cloud holds a row.
// EDGE-LABEL: func.func @softmax_vocab
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [2, 2048], [2, 2048]]>
// CLOUD-LABEL: func.func @softmax_vocab
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [1, 0], [1, 0]]>
// IR-LABEL: func.func @softmax_vocab
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<2x2048xf32, 1>
func.func @softmax_vocab(%x: tensor<3x50257xf32>) -> tensor<3x50257xf32> {
  %y = kiln.softmax %x : tensor<3x50257xf32>
  return %y : tensor<3x50257xf32>
}
