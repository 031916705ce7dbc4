// kiln.slice with negative steps on the NPU (exact: bytes are copied). The
// ISA's strides are non-negative, so the reversal is the DMA engine's
// gather with a constant index list (one tile's worth, loaded into SPAD
// once): reversed rows gather whole rows; a reversed last axis of several
// rows goes through a DRAM scratch holding the source transposed (a first
// nest stores row tiles transposed, the second gathers its rows in reverse
// and stores them transposed back: contiguous DRAM runs throughout); a
// contiguous reversed vector of a*b elements is a reversed [a, b] (a, b
// close to its square root); a strided one (or of a prime length) gathers
// rows of one element. (For tiny tensors the scratch's second nest costs
// more than it saves: rev_all, rev1d.) Where the index
// list depends on the tile, tiles are balanced and the last one is shifted
// back to end at the last row (no partial tile), so every shape is static.
// RUN: kiln-run %s --target=npu:edge --function=rev1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=rev1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_last --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=rev_last --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_last --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_all --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=rev_all --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_all --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_mixed_i64 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=rev_outer_f16 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_outer_f16 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Rows that do not fit a tile: chunks of columns, the last chunk shifted
// back to end at the last column.
// RUN: kiln-run %s --target=npu:edge --function=rev_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_long_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_long_1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_vector --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rev_vector --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Dims of 1 dropped: [4, 1, 4096] has 4 rows; all-ones reverses nothing.
// RUN: kiln-run %s --target=npu:edge --function=rev_unit_dims --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rev_ones --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Rows and columns both reversed: the first nest gathers the rows in
// reverse before its transposed store.
// RUN: kiln-run %s --target=npu:edge --function=rot180 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rot180 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// A reversed last axis of 301 rows: the scratch S = x^T (64 x 301), then
// per tile of 255 rows a gather of the 64 rows of S in reverse and a store
// through SPAD-side strides [1, 255].
// IR-LABEL: func.func @rev_last
// IR: memref.alloc() : memref<64x301xf32>
// IR: scf.for
// IR: npu.dma
// IR: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [64, %{{.*}}], strides: [1, 64]
// IR: npu.dma %{{.*}} : memref<64x?xf32, strided<[1, 64]>, 1>, memref<64x?xf32, strided<[301, 1], offset: ?>>
// IR: {npu.op = "slice (transpose)"}
// IR: memref.get_global @rev_last_const{{[0-9]+}} : memref<64xi32>
// IR: scf.for
// IR: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<64x?xf32, strided<[301, 1], offset: ?>>, memref<64xi32, {{.*}}1>, memref<64x?xf32, strided<[255, 1]>, 1>
// IR: npu.dma %{{.*}} : memref<?x64xf32, strided<[1, 255]>, 1>, memref<?x64xf32, strided<[64, 1], offset: ?>>
// Reversed rows: a gather of whole rows (stride 2 rows, 64 contiguous).
// IR-LABEL: func.func @rev_rows
// IR: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<150x64xf32, strided<[128, 1], offset: ?>>, memref<150xi32, {{.*}}1>, memref<150x64xf32, {{.*}}1>
// One reversed row of 35001 bf16 (every other of 70001): rows of one
// element, in balanced chunks of columns.
// IR-LABEL: func.func @rev_long_1d
// IR: memref.get_global @rev_long_1d_const{{[0-9]+}} : memref<{{[0-9]+}}xi32>
// IR: scf.for %{{.*}} = %{{.*}} to %c35001 step %c11667
// IR: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<{{[0-9]+}}x1xbf16, {{.*}}>

// 4096 contiguous bf16: a reversed 64 x 64 through the scratch.
// IR-LABEL: func.func @rev_vector
// IR: memref.alloc() : memref<64x64xbf16>
// IR: npu.dma_gather
// IR: {npu.op = "slice (transpose)"}
// IR: npu.dma_gather

func.func @rev1d(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = kiln.slice %x starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}
func.func @rev_last(%x: tensor<301x64xf32>) -> tensor<301x64xf32> {
  %y = kiln.slice %x starts = [0, 63] limits = [301, -1] steps = [1, -1] : tensor<301x64xf32> -> tensor<301x64xf32>
  return %y : tensor<301x64xf32>
}
func.func @rev_rows(%x: tensor<300x64xf32>) -> tensor<150x64xf32> {
  %y = kiln.slice %x starts = [299, 0] limits = [-1, 64] steps = [-2, 1] : tensor<300x64xf32> -> tensor<150x64xf32>
  return %y : tensor<150x64xf32>
}
// Every axis reversed, with steps below -1 and starts inside the dims.
func.func @rev_all(%x: tensor<3x5x7x9xbf16>) -> tensor<2x3x4x3xbf16> {
  %y = kiln.slice %x starts = [2, 4, 6, 8] limits = [0, -1, -1, 0] steps = [-1, -2, -2, -3] : tensor<3x5x7x9xbf16> -> tensor<2x3x4x3xbf16>
  return %y : tensor<2x3x4x3xbf16>
}
func.func @rev_mixed_i64(%x: tensor<4x6x10xi64>) -> tensor<4x2x5xi64> {
  %y = kiln.slice %x starts = [0, 5, 1] limits = [4, 1, 10] steps = [1, -3, 2] : tensor<4x6x10xi64> -> tensor<4x2x5xi64>
  return %y : tensor<4x2x5xi64>
}
func.func @rev_outer_f16(%x: tensor<4x6x10xf16>) -> tensor<4x6x10xf16> {
  %y = kiln.slice %x starts = [3, 0, 0] limits = [-1, 6, 10] steps = [-1, 1, 1] : tensor<4x6x10xf16> -> tensor<4x6x10xf16>
  return %y : tensor<4x6x10xf16>
}
// 3 rows of 30001 f32: column chunks in both nests.
func.func @rev_long(%x: tensor<3x30001xf32>) -> tensor<3x30001xf32> {
  %y = kiln.slice %x starts = [0, 30000] limits = [3, -1] steps = [1, -1] : tensor<3x30001xf32> -> tensor<3x30001xf32>
  return %y : tensor<3x30001xf32>
}
func.func @rev_long_rows(%x: tensor<3x30001xf32>) -> tensor<3x10001xf32> {
  %y = kiln.slice %x starts = [2, 0] limits = [-1, 30001] steps = [-1, 3] : tensor<3x30001xf32> -> tensor<3x10001xf32>
  return %y : tensor<3x10001xf32>
}
func.func @rev_long_1d(%x: tensor<70001xbf16>) -> tensor<35001xbf16> {
  %y = kiln.slice %x starts = [70000] limits = [-1] steps = [-2] : tensor<70001xbf16> -> tensor<35001xbf16>
  return %y : tensor<35001xbf16>
}
func.func @rot180(%x: tensor<2x301x64xf32>) -> tensor<2x301x64xf32> {
  %y = kiln.slice %x starts = [0, 300, 63] limits = [2, -1, -1] steps = [1, -1, -1] : tensor<2x301x64xf32> -> tensor<2x301x64xf32>
  return %y : tensor<2x301x64xf32>
}
func.func @rev_vector(%x: tensor<4096xbf16>) -> tensor<4096xbf16> {
  %y = kiln.slice %x starts = [4095] limits = [-1] steps = [-1] : tensor<4096xbf16> -> tensor<4096xbf16>
  return %y : tensor<4096xbf16>
}
func.func @rev_unit_dims(%x: tensor<4x1x4096xf32>) -> tensor<4x1x4096xf32> {
  %y = kiln.slice %x starts = [0, 0, 4095] limits = [4, 1, -1] steps = [1, 1, -1] : tensor<4x1x4096xf32> -> tensor<4x1x4096xf32>
  return %y : tensor<4x1x4096xf32>
}
func.func @rev_ones(%x: tensor<1x1x5xf32>) -> tensor<1x1x1xf32> {
  %y = kiln.slice %x starts = [0, 0, 4] limits = [-1, 1, 3] steps = [-1, 1, -1] : tensor<1x1x5xf32> -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
