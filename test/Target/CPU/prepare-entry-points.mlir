// kiln-cpu-prepare-entry-points: public functions get a C interface and
// read-only tensor arguments; a tensor returned twice is copied for the
// second result; private functions are left alone.
// RUN: kiln-opt %s --kiln-cpu-prepare-entry-points | FileCheck %s
// CHECK-LABEL: func.func @twice(
// CHECK-SAME: %{{.*}}: tensor<4xf32> {bufferization.writable = false}
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[C:.*]] = linalg.copy ins(%[[Y:[0-9a-z_]+]] : tensor<4xf32>)
// CHECK: return %[[Y]], %[[C]]
func.func @twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = math.exp %x : tensor<4xf32>
  return %y, %y : tensor<4xf32>, tensor<4xf32>
}
// CHECK-LABEL: func.func private @helper(
// CHECK-NOT: emit_c_interface
// CHECK-NOT: writable
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// A result returned through a collapse_shape of a tensor written into an
// empty tensor: the empty tensor is built in the returned shape and
// expanded, so bufferization computes the result in the out-parameter.
// CHECK-LABEL: func.func @reshaped(
// CHECK: %[[FLAT:.*]] = tensor.empty() : tensor<8x16xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1], [2, 3]] output_shape [2, 4, 4, 4] : tensor<8x16xf32> into tensor<2x4x4x4xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<2x4x4x4xf32>) outs(%[[E]] : tensor<2x4x4x4xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[T]]
// CHECK: return %[[C]]
func.func @reshaped(%x: tensor<2x4x4x4xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<2x4x4x4xf32>
  %t = linalg.transpose ins(%x : tensor<2x4x4x4xf32>) outs(%e : tensor<2x4x4x4xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2, 3]] : tensor<2x4x4x4xf32> into tensor<8x16xf32>
  return %c : tensor<8x16xf32>
}
