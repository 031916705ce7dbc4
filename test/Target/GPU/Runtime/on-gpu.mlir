// On a GPU machine only (a real libcuda.so.1 loads): kiln-run --target=gpu
// runs kernels and its results match the reference interpreter. Not run
// yet: no GPU machine was available when it was written. (Per-op numerics
// of the GPU pipeline are test/Target/GPU's; this checks the executable's
// copies in and out around a real launch.)
// REQUIRES: cuda-driver
// RUN: kiln-run %s --function=add --random-inputs --target=gpu --compare-to=ref | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=add_twice --random-inputs --target=gpu --compare-to=ref | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on gpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @add(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kiln.add %a, %b : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Two outputs, the second computed from the first.
func.func @add_twice(%a: tensor<3x5xf32>, %b: tensor<3x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %y = kiln.add %a, %b : tensor<3x5xf32>, tensor<3x5xf32> -> tensor<3x5xf32>
  %z = kiln.add %y, %b : tensor<3x5xf32>, tensor<3x5xf32> -> tensor<3x5xf32>
  return %y, %z : tensor<3x5xf32>, tensor<3x5xf32>
}
