// Results that no op writes: an argument, a constant, a repeated result,
// a scalar, an empty tensor. Each is copied into its output (DMA through
// SPAD, one "result copy" nest) or, empty, needs nothing; against the
// reference interpreter (exact: copies).
// RUN: kiln-run %s --target=npu:edge --function=passthrough --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=passthrough --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=constant --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=repeated --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=scalar --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=empty --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: kilnc %s --target=npu:edge --emit=npu-asm | FileCheck %s --check-prefix=ASM
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// EMPTY: output 0: tensor<4x0xf32>
// ASM: result copy

func.func @passthrough(%x: tensor<3x100xf32>, %i: tensor<7xi32>) -> (tensor<7xi32>, tensor<3x100xf32>) {
  return %i, %x : tensor<7xi32>, tensor<3x100xf32>
}

func.func @constant() -> (tensor<2x3xf32>, tensor<f32>) {
  %c = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %s = kiln.constant dense<7.5> : tensor<f32>
  return %c, %s : tensor<2x3xf32>, tensor<f32>
}

func.func @repeated(%x: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %y = kiln.exp %x : tensor<16x16xf32>
  return %y, %y : tensor<16x16xf32>, tensor<16x16xf32>
}

func.func @scalar(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}

func.func @empty(%x: tensor<4x5xf32>) -> tensor<4x0xf32> {
  %y = kiln.slice %x starts = [0, 5] limits = [4, 5] : tensor<4x5xf32> -> tensor<4x0xf32>
  return %y : tensor<4x0xf32>
}
