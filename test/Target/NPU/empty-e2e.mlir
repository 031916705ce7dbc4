// Empty results on the NPU: nothing to compute or move (the lowering skips
// them), for the forms that reject or divide by a zero-sized dim otherwise.
// RUN: kiln-run %s --target=npu:edge --function=rope_empty --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=gather_empty --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=slice_rev_empty --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

func.func @rope_empty(%x: tensor<0x8xf32>, %c: tensor<0x4xf32>, %s: tensor<0x4xf32>) -> tensor<0x8xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<0x8xf32>, tensor<0x4xf32>, tensor<0x4xf32>) -> tensor<0x8xf32>
  return %y : tensor<0x8xf32>
}
func.func @gather_empty(%t: tensor<5x8xf32>, %i: tensor<0xi64>) -> tensor<0x8xf32> {
  %y = kiln.gather %t[%i] : tensor<5x8xf32>, tensor<0xi64> -> tensor<0x8xf32>
  return %y : tensor<0x8xf32>
}
func.func @slice_rev_empty(%x: tensor<4x9xf32>) -> tensor<4x0xf32> {
  %y = kiln.slice %x starts = [0, 3] limits = [4, 3] steps = [1, -1] : tensor<4x9xf32> -> tensor<4x0xf32>
  return %y : tensor<4x0xf32>
}
