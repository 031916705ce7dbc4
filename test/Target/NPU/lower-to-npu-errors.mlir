// What the NPU cannot run is one error naming the op and the reason (no
// host fallback, docs/npu-compiler.md).
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu -verify-diagnostics

// A max or min over an empty axis has no value (sum and mean do:
// reduce-int-e2e.mlir).
func.func @reduce_empty(%x: tensor<4x0xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot compute max over zero elements (input 'tensor<4x0xf32>'; the reference interpreter rejects it too)}}
  %y = kiln.reduce max %x axes = [1] : tensor<4x0xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @i32(%a: tensor<4x8xi32>, %b: tensor<8x4xi32>) -> tensor<4x4xi32> {
  // expected-error @+1 {{cannot run on the NPU: the matrix unit of npu-edge does not accept 'i32'}}
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [4, 4, 8], [4, 4, 8]]>} : tensor<4x8xi32>, tensor<8x4xi32> -> tensor<4x4xi32>
  return %c : tensor<4x4xi32>
}

// -----

func.func @no_schedule(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{needs a #kiln.schedule with 3 levels (core, SRAM tile, array tile): run kiln-select-schedules with target=npu:NAME}}
  %c = kiln.matmul %a, %b : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %c : tensor<4x4xf32>
}

// -----

func.func @array_tile(%a: tensor<4x64xf32>, %b: tensor<64x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{schedule's array tile (N 4, K 32) exceeds the 16x16 array of npu-edge}}
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [4, 4, 64], [4, 4, 32]]>} : tensor<4x64xf32>, tensor<64x4xf32> -> tensor<4x4xf32>
  return %c : tensor<4x4xf32>
}
