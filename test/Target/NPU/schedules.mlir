// The NPU cost model's choices, pinned (level 1 = SRAM tile, level 2 =
// array tile, order = SRAM-tile loop order; docs/npu-compiler.md).
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge | FileCheck %s --check-prefix=EDGE
// RUN: kiln-opt %s --kiln-npu-attach-target=target=cloud --kiln-select-schedules=target=npu:cloud | FileCheck %s --check-prefix=CLOUD

// npu-edge (16x16, 64 KiB ACC): 128-row M streams, 64 columns (4 ACC
// blocks, so back-to-back matmuls hit different blocks), K in 128-deep
// SRAM tiles. npu-cloud (128x128, f32 at 4 cycles/row): 256-row SRAM
// tiles streamed as two 128-row matmuls per weight tile (consecutive
// matmuls write different ACC blocks while the previous one drains).
// EDGE-LABEL: func.func @square
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [128, 64, 128], [128, 16, 16]], order = [0, 1, 2]>
// CLOUD-LABEL: func.func @square
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [256, 128, 128], [128, 128, 128]], order = [0, 1, 2]>
func.func @square(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %c = kiln.matmul %a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32> -> tensor<1024x1024xf32>
  return %c : tensor<1024x1024xf32>
}

// GPT-2's MLP up-projection.
// EDGE-LABEL: func.func @fc
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [128, 64, 128], [128, 16, 16]], order = [0, 1, 2]>
// CLOUD-LABEL: func.func @fc
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0], [128, 256, 128], [128, 128, 128]], order = [0, 1, 2]>
func.func @fc(%a: tensor<128x768xf32>, %b: tensor<768x3072xf32>) -> tensor<128x3072xf32> {
  %c = kiln.matmul %a, %b : tensor<128x768xf32>, tensor<768x3072xf32> -> tensor<128x3072xf32>
  return %c : tensor<128x3072xf32>
}

// Not a multiple of the array, batched.
// EDGE-LABEL: func.func @ragged
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0], [1, 100, 70, 32], [1, 100, 16, 16]], order = [0, 1, 2, 3]>
// CLOUD-LABEL: func.func @ragged
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0, 0, 0], [1, 100, 70, 300], [1, 50, 70, 128]], order = [0, 1, 2, 3]>
func.func @ragged(%a: tensor<2x100x300xf32>, %b: tensor<300x70xf32>) -> tensor<2x100x70xf32> {
  %c = kiln.matmul %a, %b : tensor<2x100x300xf32>, tensor<300x70xf32> -> tensor<2x100x70xf32>
  return %c : tensor<2x100x70xf32>
}
