// kiln.rope with cos/sin broadcast to [..., S, D/2] in patterns other than a
// trailing block of rows, against the reference interpreter (f32 rtol 1e-4;
// f16 rtol 2e-3 and bf16 rtol 1e-2 as in rope-e2e.mlir: products and sums
// in f32, converted once). The input's row dims are those the tables have
// (loops outside the row tile; each table tile loaded once) and those they
// broadcast over (loops inside); a table row broadcast over the tile's rows
// is read with row stride 0, one value per row ([..., 1]) with column
// stride 0.
// RUN: kiln-run %s --target=npu:edge --function=per_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=per_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=per_batch --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=per_head --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=per_head --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=row_bcast --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=row_bcast --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=column --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=column --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=scalar --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=mixed_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=mixed_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=batch_tiled_bf16 --random-inputs --compare-to=ref --rtol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=batch_tiled_bf16 --random-inputs --compare-to=ref --rtol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=head_const_f16 --random-inputs --compare-to=ref --rtol=2e-3 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// [2, 1, 4, 4] over [2, 3, 4, 8]: the batch loop outside, cos and sin of
// the batch loaded once into one tile, the head loop inside.
// IR-LABEL: func.func @per_batch
// IR: scf.for %{{.*}} = %{{.*}} to %c2
// IR: npu.dma %{{.*}} : memref<4x4xf32, strided<[4, 1], offset: ?>>, memref<4x4xf32, strided<[8, 1]>, 1>
// IR: npu.dma %{{.*}} : memref<4x4xf32, strided<[4, 1], offset: ?>>, memref<4x4xf32, strided<[8, 1], offset: 4>, 1>
// IR: scf.for %{{.*}} = %{{.*}} to %c3
// IR: npu.dma
// IR: npu.vec_binary "mul"
// [4, 1]: one value per row, read with column stride 0.
// IR-LABEL: func.func @column
// IR: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4, 4], strides: [2, 0]
// IR: memref.reinterpret_cast %{{.*}} to offset: [1], sizes: [4, 4], strides: [2, 0]

func.func @per_batch(%x: tensor<2x3x4x8xf32>, %c: tensor<2x1x4x4xf32>, %s: tensor<2x1x4x4xf32>) -> tensor<2x3x4x8xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x3x4x8xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x3x4x8xf32>
  return %y : tensor<2x3x4x8xf32>
}
func.func @per_head(%x: tensor<2x3x5x16xf32>, %c: tensor<1x3x5x8xf32>, %s: tensor<1x3x5x8xf32>) -> tensor<2x3x5x16xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<2x3x5x16xf32>, tensor<1x3x5x8xf32>, tensor<1x3x5x8xf32>) -> tensor<2x3x5x16xf32>
  return %y : tensor<2x3x5x16xf32>
}
func.func @row_bcast(%x: tensor<2x3x5x16xf32>, %c: tensor<2x3x1x8xf32>, %s: tensor<2x3x1x8xf32>) -> tensor<2x3x5x16xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x3x5x16xf32>, tensor<2x3x1x8xf32>, tensor<2x3x1x8xf32>) -> tensor<2x3x5x16xf32>
  return %y : tensor<2x3x5x16xf32>
}
func.func @column(%x: tensor<4x8xf32>, %c: tensor<4x1xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
func.func @scalar(%x: tensor<3x4x8xf32>, %c: tensor<1xf32>, %s: tensor<1xf32>) -> tensor<3x4x8xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<3x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4x8xf32>
  return %y : tensor<3x4x8xf32>
}
func.func @mixed_tiled(%x: tensor<2x4x300x64xf32>, %c: tensor<2x1x300x1xf32>, %s: tensor<2x1x300x1xf32>) -> tensor<2x4x300x64xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x4x300x64xf32>, tensor<2x1x300x1xf32>, tensor<2x1x300x1xf32>) -> tensor<2x4x300x64xf32>
  return %y : tensor<2x4x300x64xf32>
}
func.func @batch_tiled_bf16(%x: tensor<3x2x200x64xbf16>, %c: tensor<3x1x200x32xbf16>, %s: tensor<3x1x200x32xbf16>) -> tensor<3x2x200x64xbf16> {
  %y = kiln.rope %x, %c, %s : (tensor<3x2x200x64xbf16>, tensor<3x1x200x32xbf16>, tensor<3x1x200x32xbf16>) -> tensor<3x2x200x64xbf16>
  return %y : tensor<3x2x200x64xbf16>
}
func.func @head_const_f16(%x: tensor<2x3x40x32xf16>, %c: tensor<3x1x16xf16>, %s: tensor<3x1x16xf16>) -> tensor<2x3x40x32xf16> {
  %y = kiln.rope %x, %c, %s : (tensor<2x3x40x32xf16>, tensor<3x1x16xf16>, tensor<3x1x16xf16>) -> tensor<2x3x40x32xf16>
  return %y : tensor<2x3x40x32xf16>
}
