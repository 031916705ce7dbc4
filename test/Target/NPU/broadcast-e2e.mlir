// Elementwise operands that broadcast other than as one row or one
// element (a [S, D] table over a batch, a column [R, 1], a middle dim):
// each is first copied into a DRAM buffer of the result's shape by a
// DMA-only "broadcast" nest that reads it with stride 0 on its broadcast
// dims; then the op runs as with full operands (f32, rtol 1e-4).
// RUN: kiln-run %s --target=npu:edge --function=over_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=over_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=over_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=column --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=both --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=where_mask --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kilnc %s --target=npu:edge --emit=npu-asm | FileCheck %s --check-prefix=ASM
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// ASM: broadcast

// Position embeddings [S, D] added to [B, S, D] (BERT's ONNX export).
func.func @over_batch(%x: tensor<2x32x40xf32>, %p: tensor<32x40xf32>) -> tensor<2x32x40xf32> {
  %y = kiln.add %x, %p : tensor<2x32x40xf32>, tensor<32x40xf32> -> tensor<2x32x40xf32>
  return %y : tensor<2x32x40xf32>
}

// A per-row value [R, 1] (e.g. a mean kept with keepdims).
func.func @column(%x: tensor<50x30xf32>, %m: tensor<50x1xf32>) -> tensor<50x30xf32> {
  %y = kiln.sub %x, %m : tensor<50x30xf32>, tensor<50x1xf32> -> tensor<50x30xf32>
  return %y : tensor<50x30xf32>
}

// Both operands broadcast: [3, 1, 5] * [4, 1] -> [3, 4, 5].
func.func @both(%a: tensor<3x1x5xf32>, %b: tensor<4x1xf32>) -> tensor<3x4x5xf32> {
  %y = kiln.mul %a, %b : tensor<3x1x5xf32>, tensor<4x1xf32> -> tensor<3x4x5xf32>
  return %y : tensor<3x4x5xf32>
}

// A boolean mask [S, S] selecting over [B, H, S, S] scores.
func.func @where_mask(%m: tensor<16x16xi1>, %s: tensor<2x3x16x16xf32>, %f: tensor<f32>) -> tensor<2x3x16x16xf32> {
  %y = kiln.where %m, %s, %f : tensor<16x16xi1>, tensor<2x3x16x16xf32>, tensor<f32> -> tensor<2x3x16x16xf32>
  return %y : tensor<2x3x16x16xf32>
}
