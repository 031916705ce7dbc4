// RUN: kiln-opt %s -convert-kiln-to-linalg | FileCheck %s

// kiln.schedule and kiln.predicted_time_us move from each kiln op onto the
// root linalg op of its lowering, where the tiling pass reads them.

// CHECK-LABEL: func.func @roots
// CHECK: linalg.matmul {kiln.predicted_time_us = 1.000000e+00 : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 32, 0, 0], [1, 0, 0, 64], [1, 4, 16, 1]]>}
// CHECK: tensor.expand_shape
// CHECK: linalg.generic {{.*}} attrs = {kiln.predicted_time_us = 2.000000e+00 : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 8, 0], [0, 0, 0], [1, 1, 8]]>}
// CHECK: linalg.softmax {kiln.predicted_time_us = 3.000000e+00 : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0], [0, 0], [1, 8]]>}
// The norm: its statistics passes (reductions over the norm's domain) get
// its schedule too, so they run on the same threads; so does the normalize.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins{{.*}} attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0], [0, 0], [1, 8]]>}
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins{{.*}} attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0], [0, 0], [1, 8]]>}
// CHECK: linalg.generic {{.*}} attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0], [0, 0], [1, 8]]>}
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} {{.*}} attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0], [0, 0], [1, 8]]>}
// CHECK: tensor.expand_shape
func.func @roots(%a: tensor<1x64x32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>, %x: tensor<4x16xf32>) -> (tensor<1x64x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x1xf32>) {
  %0 = kiln.matmul %a, %w {kiln.schedule = #kiln.schedule<tiles = [[1, 32, 0, 0], [1, 0, 0, 64], [1, 4, 16, 1]]>, kiln.predicted_time_us = 1.0 : f64} : tensor<1x64x32xf32>, tensor<32x16xf32> -> tensor<1x64x16xf32>
  %1 = kiln.add %0, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 8, 0], [0, 0, 0], [1, 1, 8]]>, kiln.predicted_time_us = 2.0 : f64} : tensor<1x64x16xf32>, tensor<16xf32> -> tensor<1x64x16xf32>
  %2 = kiln.softmax %x {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 0], [1, 8]]>, kiln.predicted_time_us = 3.0 : f64} : tensor<4x16xf32>
  %3 = kiln.layer_norm %x {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 0], [1, 8]]>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %4 = kiln.reduce sum %x axes = [1] keepdims {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 0], [1, 8]]>} : tensor<4x16xf32> -> tensor<4x1xf32>
  return %1, %2, %3, %4 : tensor<1x64x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x1xf32>
}
