// Rows longer than a SPAD tile (a quarter of SPAD: 64 KiB on npu-edge, so
// 20000 f32 = 80 KB do not fit) are moved in column chunks, one row per
// tile: copies (concat, slice, transpose, a reshape that is a result) and
// gather (each chunk of columns is a table of its own; the index tile is
// reused across the chunks: here one index per row tile). Exact: bytes
// are copied.
// RUN: kiln-run %s --target=npu:edge --function=concat_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=concat_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=slice_long_1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=slice_long_1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=transpose_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=gather_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=gather_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reshape_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// 16384-element chunks (64 KiB of f32): a loop over the columns inside
// the row loop.
// IR-LABEL: func.func @concat_long
// IR: scf.for
// IR: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16384
// IR: npu.dma
// IR-LABEL: func.func @gather_long
// IR: npu.dma %{{.*}} : memref<1xi32
// IR: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16384
// IR: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<5x?xf32
// IR: npu.dma

func.func @concat_long(%a: tensor<3x20000xf32>, %b: tensor<3x100xf32>) -> tensor<3x20100xf32> {
  %y = kiln.concat %a, %b axis = 1 : tensor<3x20000xf32>, tensor<3x100xf32> -> tensor<3x20100xf32>
  return %y : tensor<3x20100xf32>
}
func.func @slice_long_1d(%x: tensor<50000xf32>) -> tensor<40000xf32> {
  %y = kiln.slice %x starts = [3] limits = [40003] : tensor<50000xf32> -> tensor<40000xf32>
  return %y : tensor<40000xf32>
}
func.func @transpose_long(%x: tensor<20000x2xf32>) -> tensor<2x20000xf32> {
  %y = kiln.transpose %x perm = [1, 0] : tensor<20000x2xf32> -> tensor<2x20000xf32>
  return %y : tensor<2x20000xf32>
}
func.func @gather_long(%t: tensor<5x20000xf32>, %i: tensor<3xi32>) -> tensor<3x20000xf32> {
  %y = kiln.gather %t[%i] : tensor<5x20000xf32>, tensor<3xi32> -> tensor<3x20000xf32>
  return %y : tensor<3x20000xf32>
}
func.func @reshape_long(%x: tensor<2x20000xf32>) -> tensor<40000xf32> {
  %y = kiln.reshape %x : tensor<2x20000xf32> -> tensor<40000xf32>
  return %y : tensor<40000xf32>
}
