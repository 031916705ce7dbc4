// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<3x4xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x5xf32>, tensor<5x4xf32>) outs(%[[F]] : tensor<3x4xf32>)
// CHECK-NOT: kiln.
func.func @matmul_2d(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>) -> tensor<3x4xf32> {
  %r = kiln.matmul %a, %b : tensor<3x5xf32>, tensor<5x4xf32> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// A batched activation times a weight matrix: one linalg.matmul on the
// collapsed rows.
// CHECK-LABEL: func.func @matmul_linear
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<1x64x256xf32> into tensor<64x256xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[C]], %{{.*}} : tensor<64x256xf32>, tensor<256x768xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [1, 64, 768] : tensor<64x768xf32> into tensor<1x64x768xf32>
func.func @matmul_linear(%a: tensor<1x64x256xf32>, %b: tensor<256x768xf32>) -> tensor<1x64x768xf32> {
  %r = kiln.matmul %a, %b : tensor<1x64x256xf32>, tensor<256x768xf32> -> tensor<1x64x768xf32>
  return %r : tensor<1x64x768xf32>
}

// -----

// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x3x5xf32>, tensor<2x5x4xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
func.func @batch_matmul(%a: tensor<2x3x5xf32>, %b: tensor<2x5x4xf32>) -> tensor<2x3x4xf32> {
  %r = kiln.matmul %a, %b : tensor<2x3x5xf32>, tensor<2x5x4xf32> -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// Transposes and broadcast batch dims go into the indexing maps of a
// contraction over (batch0, batch1, m, n, k).
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d4, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_transposed_broadcast
// CHECK: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
func.func @matmul_transposed_broadcast(%a: tensor<2x1x5x3xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x3x4xf32> {
  %r = kiln.matmul %a, %b transpose_a transpose_b : tensor<2x1x5x3xf32>, tensor<3x4x5xf32> -> tensor<2x3x3x4xf32>
  return %r : tensor<2x3x3x4xf32>
}

// -----

// Integers accumulate with wrapping muli/addi from a zero fill.
// CHECK-LABEL: func.func @matmul_i32
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[Z]] : i32)
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK-NEXT: arith.addi
func.func @matmul_i32(%a: tensor<2x3x5xi32>, %b: tensor<1x4x5xi32>) -> tensor<2x3x4xi32> {
  %r = kiln.matmul %a, %b transpose_b : tensor<2x3x5xi32>, tensor<1x4x5xi32> -> tensor<2x3x4xi32>
  return %r : tensor<2x3x4xi32>
}

// -----

// f16 accumulates into an f32 tensor, truncated once at the end.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x5xf16>, tensor<5x4xf16>) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: linalg.generic
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_f16(%a: tensor<3x5xf16>, %b: tensor<5x4xf16>) -> tensor<3x4xf16> {
  %r = kiln.matmul %a, %b : tensor<3x5xf16>, tensor<5x4xf16> -> tensor<3x4xf16>
  return %r : tensor<3x4xf16>
}

// -----

// Dynamic M: the generic form with tensor.dim sizes.
// CHECK-LABEL: func.func @matmul_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x5xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x5xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.matmul
func.func @matmul_dynamic(%a: tensor<?x5xf32>, %b: tensor<5x4xf32>) -> tensor<?x4xf32> {
  %r = kiln.matmul %a, %b : tensor<?x5xf32>, tensor<5x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
