// kiln.rope on rows whose tile buffers do not fit half of SPAD (a row of
// 16384 f32 needs 512 KiB; npu-edge has 256 KiB): the pairs are cut into
// chunks, each a rope of its own (halves: two DMAs per row tile, columns
// [p, p + w) and [D/2 + p, D/2 + p + w); interleaved: one, [2p, 2p + 2w)),
// the last chunk shifted back to end at D/2 (its overlap with the one
// before is computed twice, to the same bits). f32 rtol 1e-4, bf16 1e-2.
// RUN: kiln-run %s --target=npu:edge --function=long_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=long_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=long_inter --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=long_inter --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=long_inter --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=long_halves_odd --random-inputs --compare-to=ref --rtol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=long_row_bcast --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// 5000 pairs in chunks of 1667 (2048 at most: 64 bytes of buffers per f32
// pair in 128 KiB), the last starting at pair 3333; one row per tile; the
// tables chunk into the two halves of one tile, the input chunk is 2 x 1667
// contiguous (interleaved).
// IR-LABEL: func.func @long_inter
// IR: scf.for %{{.*}} = %{{.*}} to %c5000 step %c1667
// IR: arith.minsi %{{.*}}, %c3333
// IR: npu.dma %{{.*}} : memref<1x1667xf32, strided<[5000, 1], offset: ?>>, memref<1x1667xf32, strided<[3334, 1]>, 1>
// IR: npu.dma %{{.*}} : memref<1x1667xf32, strided<[5000, 1], offset: ?>>, memref<1x1667xf32, strided<[3334, 1], offset: 1667>, 1>
// IR: arith.muli %{{.*}}, %c2
// IR: npu.dma %{{.*}} : memref<1x3334xf32, strided<[20000, 1], offset: ?>>, memref<1x3334xf32, strided<[3334, 1]>, 1>

func.func @long_rows(%x: tensor<2x16384xf32>, %c: tensor<2x8192xf32>, %s: tensor<2x8192xf32>) -> tensor<2x16384xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x16384xf32>, tensor<2x8192xf32>, tensor<2x8192xf32>) -> tensor<2x16384xf32>
  return %y : tensor<2x16384xf32>
}
func.func @long_inter(%x: tensor<3x2x10000xf32>, %c: tensor<2x5000xf32>, %s: tensor<2x5000xf32>) -> tensor<3x2x10000xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<3x2x10000xf32>, tensor<2x5000xf32>, tensor<2x5000xf32>) -> tensor<3x2x10000xf32>
  return %y : tensor<3x2x10000xf32>
}
func.func @long_halves_odd(%x: tensor<3x10000xbf16>, %c: tensor<3x1xbf16>, %s: tensor<3x1xbf16>) -> tensor<3x10000xbf16> {
  %y = kiln.rope %x, %c, %s : (tensor<3x10000xbf16>, tensor<3x1xbf16>, tensor<3x1xbf16>) -> tensor<3x10000xbf16>
  return %y : tensor<3x10000xbf16>
}
func.func @long_row_bcast(%x: tensor<4x10000xf32>, %c: tensor<5000xf32>, %s: tensor<5000xf32>) -> tensor<4x10000xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<4x10000xf32>, tensor<5000xf32>, tensor<5000xf32>) -> tensor<4x10000xf32>
  return %y : tensor<4x10000xf32>
}
