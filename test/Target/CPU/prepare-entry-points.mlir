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
