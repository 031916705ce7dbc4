// How the cpu target passes arguments and results: a result returned twice,
// a returned argument (also through a transpose or slice view), a view of a
// computed tensor, rank-0 and zero-sized tensors, i1 inputs, no inputs;
// against the reference interpreter on reproducible random inputs.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=twice | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=scalar | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=noargs | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=arg_twice | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=zero | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=big_i1 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice_of_computed | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reshape_of_computed | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=transpose_arg_returned | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice_arg_returned | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = kiln.exp %x : tensor<4xf32>
  return %y, %y : tensor<4xf32>, tensor<4xf32>
}

func.func @scalar(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %z = kiln.mul %x, %y : tensor<f32>, tensor<f32> -> tensor<f32>
  return %z : tensor<f32>
}

func.func @noargs() -> tensor<2x2xf32> {
  %a = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = kiln.constant dense<[[1.0, 1.0], [0.0, 2.0]]> : tensor<2x2xf32>
  %m = kiln.matmul %a, %b : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

func.func @arg_twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %x, %x : tensor<4xf32>, tensor<4xf32>
}

func.func @zero(%x: tensor<0x4xf32>) -> tensor<0x4xf32> {
  %y = kiln.exp %x : tensor<0x4xf32>
  return %y : tensor<0x4xf32>
}

func.func @big_i1(%c: tensor<3x5xi1>, %d: tensor<3x5xi1>) -> tensor<3x5xf32> {
  %a = kiln.cast %c : tensor<3x5xi1> -> tensor<3x5xf32>
  %b = kiln.cast %d : tensor<3x5xi1> -> tensor<3x5xf32>
  %s = kiln.add %a, %b : tensor<3x5xf32>, tensor<3x5xf32> -> tensor<3x5xf32>
  return %s : tensor<3x5xf32>
}

func.func @slice_of_computed(%x: tensor<4x8xf32>) -> tensor<2x3xf32> {
  %e = kiln.exp %x : tensor<4x8xf32>
  %y = kiln.slice %e starts = [1, 2] limits = [3, 5] : tensor<4x8xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func @reshape_of_computed(%x: tensor<4x8xf32>) -> (tensor<2x16xf32>, tensor<4x8xf32>) {
  %e = kiln.exp %x : tensor<4x8xf32>
  %y = kiln.reshape %e : tensor<4x8xf32> -> tensor<2x16xf32>
  return %y, %e : tensor<2x16xf32>, tensor<4x8xf32>
}

func.func @transpose_arg_returned(%x: tensor<4x8xf32>) -> (tensor<8x4xf32>, tensor<4x8xf32>) {
  %y = kiln.transpose %x perm = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %y, %x : tensor<8x4xf32>, tensor<4x8xf32>
}

func.func @slice_arg_returned(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %y = kiln.slice %x starts = [0, 3] limits = [4, 5] : tensor<4x8xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
