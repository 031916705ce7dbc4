// kiln.gather along axis 0 on the load queue (exact: bytes are copied):
// per row tile of the indices, one DMA of the indices into SPAD, one
// DmaGather of the table rows they name, one DMA out. Random indices are
// in [0, rows) (kiln-run); an out-of-range index is a simulator fault.
// RUN: kiln-run %s --target=npu:edge --function=embed --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=embed --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=embed_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=embed_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Other axes: one table of rows per index of the dims before the axis.
// RUN: kiln-run %s --target=npu:edge --function=middle_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=middle_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=last_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR-LABEL: func.func @embed
// IR: npu.dma %{{.*}}, %{{.*}} : memref<6xi64{{.*}}>, memref<6xi64, {{.*}}1>
// IR: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<50x32xf32{{.*}}>, memref<6xi64, {{.*}}1>, memref<6x32xf32, {{.*}}1>
// IR: npu.dma

func.func @embed(%t: tensor<50x32xf32>, %ids: tensor<2x3xi64>) -> tensor<2x3x32xf32> {
  %y = kiln.gather %t[%ids] : tensor<50x32xf32>, tensor<2x3xi64> -> tensor<2x3x32xf32>
  return %y : tensor<2x3x32xf32>
}

// 200 rows of 768 f32 (3 KiB): several row tiles, the last one partial.
func.func @embed_tiled(%t: tensor<97x768xf32>, %ids: tensor<1x200xi32>) -> tensor<1x200x768xf32> {
  %y = kiln.gather %t[%ids] : tensor<97x768xf32>, tensor<1x200xi32> -> tensor<1x200x768xf32>
  return %y : tensor<1x200x768xf32>
}

// BERT's pooler input x[:, 0] and friends: axis 1 of [B, S, D].
func.func @middle_axis(%x: tensor<2x8x16xf32>, %i: tensor<3xi32>) -> tensor<2x3x16xf32> {
  %y = kiln.gather %x[%i] axis = 1 : tensor<2x8x16xf32>, tensor<3xi32> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

// The last axis: rows of one element.
func.func @last_axis(%x: tensor<4x10xf32>, %i: tensor<2x2xi64>) -> tensor<4x2x2xf32> {
  %y = kiln.gather %x[%i] axis = 1 : tensor<4x10xf32>, tensor<2x2xi64> -> tensor<4x2x2xf32>
  return %y : tensor<4x2x2xf32>
}
