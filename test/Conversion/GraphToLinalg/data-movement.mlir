// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @constant
// CHECK: arith.constant dense<{{\[}}1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: arith.constant dense<true> : tensor<2xi1>
// CHECK-NOT: kiln.
func.func @constant() -> (tensor<2xf32>, tensor<2xi1>) {
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = kiln.constant dense<true> : tensor<2xi1>
  return %0, %1 : tensor<2xf32>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x64x64xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x64x4x64xf32>) outs(%[[E]] : tensor<1x4x64x64xf32>) permutation = [0, 2, 1, 3]
func.func @transpose(%a: tensor<1x64x4x64xf32>) -> tensor<1x4x64x64xf32> {
  %r = kiln.transpose %a perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  return %r : tensor<1x4x64x64xf32>
}

// -----

// CHECK-LABEL: func.func @reshape
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 64, 4, 64] : tensor<1x64x256xf32> into tensor<1x64x4x64xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x64x4x64xf32> into tensor<1x64x256xf32>
// Neither a collapse nor an expand: through 1-D.
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<1x64x256xf32> into tensor<16384xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [128, 128] : tensor<16384xf32> into tensor<128x128xf32>
func.func @reshape(%a: tensor<1x64x256xf32>, %b: tensor<1x64x4x64xf32>) -> (tensor<1x64x4x64xf32>, tensor<1x64x256xf32>, tensor<128x128xf32>) {
  %0 = kiln.reshape %a : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %1 = kiln.reshape %b : tensor<1x64x4x64xf32> -> tensor<1x64x256xf32>
  %2 = kiln.reshape %a : tensor<1x64x256xf32> -> tensor<128x128xf32>
  return %0, %1, %2 : tensor<1x64x4x64xf32>, tensor<1x64x256xf32>, tensor<128x128xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %[[B]] into %[[I]][0, 3] [2, 5] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %r = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Dynamic concat dim: the offsets are computed with tensor.dim.
// CHECK-LABEL: func.func @concat_dynamic
// CHECK: tensor.dim %{{.*}}, %{{.*}} : tensor<?x4xf32>
// CHECK: %[[O:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[S:.*]] = arith.addi %[[O]], %{{.*}} : index
// CHECK: tensor.empty(%[[S]]) : tensor<?x4xf32>
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[O]], 0] [2, 4] [1, 1]
func.func @concat_dynamic(%a: tensor<?x4xf32>, %b: tensor<2x4xf32>) -> tensor<?x4xf32> {
  %r = kiln.concat %a, %b axis = 0 : tensor<?x4xf32>, tensor<2x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [2, 3] [2, 3] : tensor<4x8xf32> to tensor<2x3xf32>
func.func @slice(%a: tensor<4x8xf32>) -> tensor<2x3xf32> {
  %r = kiln.slice %a starts = [1, 0] limits = [4, 7] steps = [2, 3] : tensor<4x8xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Negative steps: a copy whose input map is start + step * d.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0 + 1, d1 * -3 + 7)>
// CHECK-LABEL: func.func @slice_negative
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
func.func @slice_negative(%a: tensor<4x8xf32>) -> tensor<3x3xf32> {
  %r = kiln.slice %a starts = [1, 7] limits = [4, 0] steps = [1, -3] : tensor<4x8xf32> -> tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

// gather: a generic over the result reading the index tensor, wrapping
// negative indices (index + dim), clamping, and tensor.extract from data.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[D:.*]]: tensor<4x8xf32>, %[[I:.*]]: tensor<3xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<3xi32>)
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.addi
// CHECK: arith.select
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I2:.*]] = linalg.index 2 : index
// CHECK: tensor.extract %{{.*}}[%[[I0]], %{{.*}}, %[[I2]]] : tensor<4x8x1xf32>
func.func @gather(%d: tensor<4x8xf32>, %i: tensor<3xi32>) -> tensor<4x3xf32> {
  %0 = kiln.reshape %d : tensor<4x8xf32> -> tensor<4x8x1xf32>
  %1 = kiln.gather %0[%i] axis = 1 : tensor<4x8x1xf32>, tensor<3xi32> -> tensor<4x3x1xf32>
  %2 = kiln.reshape %1 : tensor<4x3x1xf32> -> tensor<4x3xf32>
  return %2 : tensor<4x3xf32>
}
