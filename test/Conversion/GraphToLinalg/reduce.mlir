// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_sum
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK: arith.addf
// CHECK-NOT: kiln.
func.func @reduce_sum(%a: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %r = kiln.reduce sum %a axes = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 3, 1] : tensor<2x3xf32> into tensor<2x3x1xf32>
func.func @reduce_mean_keepdims(%a: tensor<2x3x4xf32>) -> tensor<2x3x1xf32> {
  %r = kiln.reduce mean %a axes = [-1] keepdims : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
  return %r : tensor<2x3x1xf32>
}

// -----

// max starts from -inf and propagates NaN (maximumf); min from +inf.
// CHECK-LABEL: func.func @reduce_max_min
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
func.func @reduce_max_min(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = kiln.reduce max %a axes = [1] : tensor<2x3xf32> -> tensor<2xf32>
  %1 = kiln.reduce min %a axes = [1] : tensor<2x3xf32> -> tensor<2xf32>
  %2 = kiln.add %0, %1 : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

// Integers: max from INT_MIN with maxsi; mean divides with divsi.
// CHECK-LABEL: func.func @reduce_int
// CHECK: arith.constant -2147483648 : i32
// CHECK: arith.maxsi
// CHECK: arith.constant 0 : i32
// CHECK: arith.addi
// CHECK: arith.divsi
func.func @reduce_int(%a: tensor<2x3xi32>) -> tensor<2xi32> {
  %0 = kiln.reduce max %a axes = [1] : tensor<2x3xi32> -> tensor<2xi32>
  %1 = kiln.reduce mean %a axes = [1] : tensor<2x3xi32> -> tensor<2xi32>
  %2 = kiln.add %0, %1 : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
  return %2 : tensor<2xi32>
}

// -----

// Reducing every dim with keepdims expands a 0-d tensor.
// CHECK-LABEL: func.func @reduce_all_keepdims
// CHECK: outs(%{{.*}} : tensor<f32>)
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_all_keepdims(%a: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %r = kiln.reduce sum %a axes = [0, 1] keepdims : tensor<2x3xf32> -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}
