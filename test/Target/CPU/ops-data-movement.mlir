// The cpu target against the reference interpreter on reproducible random
// inputs (default tolerances rtol 1e-4, atol 1e-5): transpose, reshape, concat, slice, gather, where, cast and constants,
// multiple results and a returned argument.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=transpose | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=transpose_3d | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reshape | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reshape_merge | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reshape_general | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=concat | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=concat3_axis0 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice_steps | FileCheck %s --implicit-check-not=MISMATCH
// An empty window that starts at the end of its dimension (ONNX's
// test_slice_start_out_of_bounds).
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice_empty | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=slice_then_add | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gather | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gather_axis1 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=where | FileCheck %s --implicit-check-not=MISMATCH
// An i1 dense_resource constant (one byte per element) as the condition.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=where_resource_mask | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_f16_to_f32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_to_i32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_i32_to_f32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_to_i1 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_i1_to_f32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=cast_i64_to_i8 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=constant | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=multi_result | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=identity | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @transpose(%x: tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32> {
  %y = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<2x3x4x5xf32> -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

func.func @transpose_3d(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %y = kiln.transpose %x perm = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %y : tensor<4x2x3xf32>
}

func.func @reshape(%x: tensor<2x12xf32>) -> tensor<2x3x4xf32> {
  %y = kiln.reshape %x : tensor<2x12xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

func.func @reshape_merge(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %y = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

func.func @reshape_general(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %y = kiln.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %y = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

func.func @concat3_axis0(%a: tensor<1x4xf32>, %b: tensor<2x4xf32>, %c: tensor<3x4xf32>) -> tensor<6x4xf32> {
  %y = kiln.concat %a, %b, %c axis = 0 : tensor<1x4xf32>, tensor<2x4xf32>, tensor<3x4xf32> -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

func.func @slice(%x: tensor<4x12xf32>) -> tensor<2x4xf32> {
  %y = kiln.slice %x starts = [1, 4] limits = [3, 8] : tensor<4x12xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

func.func @slice_steps(%x: tensor<8x6xf32>) -> tensor<8x3xf32> {
  %y = kiln.slice %x starts = [7, 0] limits = [-1, 6] steps = [-1, 2] : tensor<8x6xf32> -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

func.func @slice_empty(%x: tensor<4x10xf32>) -> tensor<4x0xf32> {
  %y = kiln.slice %x starts = [0, 10] limits = [4, 10] : tensor<4x10xf32> -> tensor<4x0xf32>
  return %y : tensor<4x0xf32>
}

func.func @slice_then_add(%x: tensor<4x12xf32>) -> tensor<4x4xf32> {
  %a = kiln.slice %x starts = [0, 0] limits = [4, 4] : tensor<4x12xf32> -> tensor<4x4xf32>
  %b = kiln.slice %x starts = [0, 8] limits = [4, 12] : tensor<4x12xf32> -> tensor<4x4xf32>
  %y = kiln.add %a, %b : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

func.func @gather(%t: tensor<10x8xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x8xf32> {
  %y = kiln.gather %t[%i] : tensor<10x8xf32>, tensor<2x3xi64> -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

func.func @gather_axis1(%x: tensor<4x8xf32>, %i: tensor<3xi32>) -> tensor<4x3xf32> {
  %y = kiln.gather %x[%i] axis = 1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

func.func @where(%c: tensor<4x8xi1>, %a: tensor<2x4x8xf32>, %b: tensor<f32>) -> tensor<2x4x8xf32> {
  %y = kiln.where %c, %a, %b : tensor<4x8xi1>, tensor<2x4x8xf32>, tensor<f32> -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

func.func @where_resource_mask(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = kiln.constant dense_resource<mask_2x3> : tensor<2x3xi1>
  %y = kiln.where %m, %a, %b : tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func @cast_f16(%x: tensor<4x8xf32>) -> tensor<4x8xf16> {
  %y = kiln.cast %x : tensor<4x8xf32> -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}

func.func @cast_bf16(%x: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %y = kiln.cast %x : tensor<4x8xf32> -> tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

func.func @cast_f16_to_f32(%x: tensor<4x8xf16>) -> tensor<4x8xf32> {
  %y = kiln.cast %x : tensor<4x8xf16> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @cast_to_i32(%x: tensor<4x8xf32>) -> tensor<4x8xi32> {
  %s = kiln.constant dense<1.0e+01> : tensor<f32>
  %m = kiln.mul %x, %s : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %y = kiln.cast %m : tensor<4x8xf32> -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

func.func @cast_i32_to_f32(%x: tensor<4x8xi32>) -> tensor<4x8xf32> {
  %y = kiln.cast %x : tensor<4x8xi32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @cast_to_i1(%x: tensor<4x8xf32>) -> tensor<4x8xi1> {
  %r = kiln.relu %x : tensor<4x8xf32>
  %y = kiln.cast %r : tensor<4x8xf32> -> tensor<4x8xi1>
  return %y : tensor<4x8xi1>
}

func.func @cast_i1_to_f32(%x: tensor<4x8xi1>) -> tensor<4x8xf32> {
  %y = kiln.cast %x : tensor<4x8xi1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @cast_i64_to_i8(%x: tensor<4x8xi64>) -> tensor<4x8xi8> {
  %y = kiln.cast %x : tensor<4x8xi64> -> tensor<4x8xi8>
  return %y : tensor<4x8xi8>
}

func.func @constant(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = kiln.mul %x, %c : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func @multi_result(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %e = kiln.exp %x : tensor<4x8xf32>
  %y = kiln.reduce sum %e axes = [1] : tensor<4x8xf32> -> tensor<4xf32>
  return %e, %y : tensor<4x8xf32>, tensor<4xf32>
}

func.func @identity(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

{-#
  dialect_resources: {
    builtin: {
      mask_2x3: "0x01000000010001010001"
    }
  }
#-}
