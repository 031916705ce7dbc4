// The cpu target against the reference interpreter on reproducible random
// inputs (default tolerances rtol 1e-4, atol 1e-5): softmax, layer_norm, rms_norm and reduce.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=softmax | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=softmax_axis1 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=layer_norm | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=layer_norm_axis1 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rms_norm | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rms_norm_noscale | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_sum | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_mean | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_max | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_min | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_keepdims | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_sum_i32 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @softmax(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.softmax %x : tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @softmax_axis1(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @layer_norm(%x: tensor<2x4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<2x4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @layer_norm_axis1(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.layer_norm %x axis = 1 epsilon = 1.0e-06 : (tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @rms_norm(%x: tensor<2x4x16xf32>, %g: tensor<16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.rms_norm %x scale %g : (tensor<2x4x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @rms_norm_noscale(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.rms_norm %x : (tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

func.func @reduce_sum(%x: tensor<3x4x8xf32>) -> tensor<4xf32> {
  %y = kiln.reduce sum %x axes = [0, 2] : tensor<3x4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @reduce_mean(%x: tensor<3x4x8xf32>) -> tensor<4xf32> {
  %y = kiln.reduce mean %x axes = [0, 2] : tensor<3x4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @reduce_max(%x: tensor<3x4x8xf32>) -> tensor<4xf32> {
  %y = kiln.reduce max %x axes = [0, 2] : tensor<3x4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @reduce_min(%x: tensor<3x4x8xf32>) -> tensor<4xf32> {
  %y = kiln.reduce min %x axes = [0, 2] : tensor<3x4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @reduce_keepdims(%x: tensor<3x4x8xf32>) -> tensor<3x4x1xf32> {
  %y = kiln.reduce max %x axes = [-1] keepdims : tensor<3x4x8xf32> -> tensor<3x4x1xf32>
  return %y : tensor<3x4x1xf32>
}

func.func @reduce_sum_i32(%x: tensor<3x8xi32>) -> tensor<3xi32> {
  %y = kiln.reduce sum %x axes = [1] : tensor<3x8xi32> -> tensor<3xi32>
  return %y : tensor<3xi32>
}

