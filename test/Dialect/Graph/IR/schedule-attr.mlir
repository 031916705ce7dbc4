// RUN: kiln-opt %s | FileCheck %s
// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// #kiln.schedule round-trips in its readable form; absent optional fields
// stay absent.

// CHECK-LABEL: func.func @full
// CHECK: kiln.matmul {{.*}}{kiln.predicted_time_us = 1.500000e+00 : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[64, 128, 0], [64, 128, 256], [6, 16, 1]], order = [0, 1, 2], pack = [6, 16, 1], group = 3, prefetch = 2>}
func.func @full(%a: tensor<64x256xf32>, %b: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %0 = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[64, 128, 0], [64, 128, 256], [6, 16, 1]], order = [0, 1, 2], pack = [6, 16, 1], group = 3, prefetch = 2>, kiln.predicted_time_us = 1.5 : f64} : tensor<64x256xf32>, tensor<256x128xf32> -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// CHECK-LABEL: func.func @minimal
// CHECK: kiln.add {{.*}}{kiln.schedule = #kiln.schedule<tiles = {{\[}}[16, 0], [1, 1024], [1, 8]]>}
func.func @minimal(%a: tensor<128x3072xf32>) -> tensor<128x3072xf32> {
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tiles = [[16, 0], [1, 1024], [1, 8]]>} : tensor<128x3072xf32>, tensor<128x3072xf32> -> tensor<128x3072xf32>
  return %0 : tensor<128x3072xf32>
}

// Fields in another order print in the canonical one.
// CHECK-LABEL: func.func @reordered
// CHECK: kiln.softmax {{.*}}{kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 2, 0, 0], [0, 1, 16, 0], [1, 1, 1, 8]], order = [3, 2, 1, 0], group = 0>}
func.func @reordered(%x: tensor<1x12x128x128xf32>) -> tensor<1x12x128x128xf32> {
  %0 = kiln.softmax %x {kiln.schedule = #kiln.schedule<group = 0, order = [3, 2, 1, 0], tiles = [[0, 2, 0, 0], [0, 1, 16, 0], [1, 1, 1, 8]]>} : tensor<1x12x128x128xf32>
  return %0 : tensor<1x12x128x128xf32>
}

// Batched matmul: [b0, m, n, k]; layer_norm over [axis, rank): both
// normalized dims are reductions, so 0 at level 0.
// CHECK-LABEL: func.func @domains
// CHECK: kiln.matmul {{.*}}#kiln.schedule<tiles = {{\[}}[1, 32, 0, 0], [1, 0, 0, 64], [1, 4, 16, 1]]>
// CHECK: kiln.layer_norm {{.*}}#kiln.schedule<tiles = {{\[}}[1, 0, 0], [1, 0, 0], [1, 1, 8]]>
// CHECK: kiln.attention {{.*}}#kiln.schedule<tiles = {{\[}}[1, 1, 0, 0, 0], [1, 1, 16, 32, 0], [1, 1, 4, 1, 16]]>
func.func @domains(%a: tensor<4x64x32xf32>, %b: tensor<4x32x16xf32>, %x: tensor<2x8x16xf32>, %q: tensor<1x4x64x64xf32>) -> (tensor<4x64x16xf32>, tensor<2x8x16xf32>, tensor<1x4x64x64xf32>) {
  %0 = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[1, 32, 0, 0], [1, 0, 0, 64], [1, 4, 16, 1]]>} : tensor<4x64x32xf32>, tensor<4x32x16xf32> -> tensor<4x64x16xf32>
  %1 = kiln.layer_norm %x axis = 1 {kiln.schedule = #kiln.schedule<tiles = [[1, 0, 0], [1, 0, 0], [1, 1, 8]]>} : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  %2 = kiln.attention %q, %q, %q causal {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 0, 0, 0], [1, 1, 16, 32, 0], [1, 1, 4, 1, 16]]>} : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  return %0, %1, %2 : tensor<4x64x16xf32>, tensor<2x8x16xf32>, tensor<1x4x64x64xf32>
}
