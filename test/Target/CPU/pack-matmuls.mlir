// kiln-cpu-pack-matmuls: a matmul whose schedule has `pack = [m0, n0, k0]`
// becomes pack(A) / pack(B) / linalg.mmt4d / unpack, the schedule carried
// over to the mmt4d's six loops; a constant B (weights) is packed at compile
// time; a matmul without `pack` is left alone.
// RUN: kiln-opt %s --split-input-file --kiln-cpu-pack-matmuls | FileCheck %s

// CHECK-LABEL: func.func @packed
// The packs' and the unpack's copies are elementwise generics scheduled
// like the matmul's threads (2 chunks of the outermost loop), one packed
// inner tile per register tile.
// CHECK: %[[A:.*]] = linalg.generic {{.*}}ins(%{{.*}} : tensor<16x4x64x1xf32>) outs(%{{.*}} : tensor<16x64x4x1xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0, 0, 0], [0, 0, 0, 0], [1, 1, 4, 1]]>}
// CHECK: %[[B:.*]] = linalg.generic {{.*}}ins(%{{.*}} : tensor<64x1x2x64xf32>) outs(%{{.*}} : tensor<2x64x64x1xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 64, 1]]>}
// CHECK: %[[C:.*]] = linalg.fill {{.*}} -> tensor<16x2x4x64xf32>
// CHECK: linalg.mmt4d {kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 1, 0, 0, 0, 0], [2, 0, 32, 0, 0, 0], [1, 1, 1, 0, 0, 0]], order = [1, 2, 0, 3, 4, 5]>} ins(%[[A]], %[[B]] : {{.*}}) outs(%[[C]] : tensor<16x2x4x64xf32>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<16x2x4x64xf32>) outs(%{{.*}} : tensor<16x4x2x64xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 64]]>}
// CHECK: tensor.collapse_shape
// CHECK-NOT: linalg.matmul
func.func @packed(%a: tensor<64x64xf32>, %b: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%cst : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 64, 0], [8, 0, 32], [4, 64, 1]], order = [1, 2, 0], pack = [4, 64, 1]>}
    ins(%a, %b : tensor<64x64xf32>, tensor<64x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A constant B: packed into a new (flat) dense_resource constant expanded to
// the packed shape, no transpose.
// CHECK-LABEL: func.func @weights
// CHECK: %[[F:.*]] = arith.constant dense_resource<kiln_packed> : tensor<8xf32>
// CHECK: %[[W:.*]] = tensor.expand_shape %[[F]] {{\[}}[0, 1, 2, 3]] output_shape [1, 2, 4, 1] : tensor<8xf32> into tensor<1x2x4x1xf32>
// CHECK-NOT: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x2x4x1xf32>)
// CHECK: linalg.mmt4d {{.*}} ins(%{{.*}}, %[[W]] :
func.func @weights(%a: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %c = linalg.fill ins(%cst : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [2, 4, 1]], pack = [2, 4, 1]>}
    ins(%a, %w : tensor<4x2xf32>, tensor<2x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// No `pack`: untouched.
// CHECK-LABEL: func.func @unpacked
// CHECK: linalg.matmul
// CHECK-NOT: linalg.mmt4d
func.func @unpacked(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [4, 8, 1]]>}
    ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
