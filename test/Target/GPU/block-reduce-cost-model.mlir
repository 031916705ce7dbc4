// The GPU cost model's block-reduction schedules (docs/gpu.md, "Block
// reductions"): [[1.., R, 0], [0.., 0, T], [0.., 0, V]] = R rows per block,
// T threads per row, V elements per load. V: the widest load of 16, 8, 4
// bytes whose element count divides the row, else 1; T: the fewest warps
// (a power of two) that leave each thread at most 4 loads, up to 1024
// threads; R: rows until the block has 128 threads. Same on sm80 and sm90
// (same warp size and block limit).
// RUN: kilnc %S/Inputs/block-reductions.mlir --target=gpu:sm80 --print-schedule | FileCheck %s
// RUN: kilnc %S/Inputs/block-reductions.mlir --target=gpu:sm90 --print-schedule | FileCheck %s
// RUN: kilnc %s --target=gpu:sm80 --print-schedule | FileCheck %s --check-prefix=SIMT

// 50257 (odd): scalar loads, 1024 threads, one row per block.
// CHECK: softmax_vocab:0 kiln.softmax (128x50257xf32) #kiln.schedule<tiles = {{\[\[}}1, 0], [0, 1024], [0, 1{{\]\]}}>
// 1000 f16: 8-element (16-byte) loads, 125 of them: one warp, four rows.
// CHECK: softmax_f16:0 kiln.softmax (4x64x1000xf16) #kiln.schedule<tiles = {{\[\[}}1, 4, 0], [0, 0, 32], [0, 0, 8{{\]\]}}>
// Rows of 20, shorter than a warp: 4-element loads, one warp per row.
// CHECK: softmax_short:0 kiln.softmax (33x20xf32) #kiln.schedule<tiles = {{\[\[}}4, 0], [0, 32], [0, 4{{\]\]}}>
// CHECK: layer_norm_bf16:0 kiln.layer_norm (64x768xbf16, 768xbf16, 768xbf16) #kiln.schedule<tiles = {{\[\[}}4, 0], [0, 32], [0, 8{{\]\]}}>
// 5000 f32: 1250 loads of 4: 512 threads (a block is 1024 at most).
// CHECK: layer_norm_long:0 kiln.layer_norm (3x5000xf32, 5000xf32, 5000xf32) #kiln.schedule<tiles = {{\[\[}}1, 0], [0, 512], [0, 4{{\]\]}}>
// CHECK: rms_norm_odd:0 kiln.rms_norm (7x333xf32, 333xf32) #kiln.schedule<tiles = {{\[\[}}1, 0], [0, 128], [0, 1{{\]\]}}>
// CHECK: rms_norm_f16:0 kiln.rms_norm (2x16x4096xf16, 4096xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 0], [0, 0, 128], [0, 0, 8{{\]\]}}>
// CHECK: reduce_sum_long:0 kiln.reduce (16x4096xf32) #kiln.schedule<tiles = {{\[\[}}1, 0], [0, 256], [0, 4{{\]\]}}>
// 100 bf16: 8 bytes divide the row (4 elements), 16 do not.
// CHECK: reduce_max_keepdims:0 kiln.reduce (3x4x100xbf16) #kiln.schedule<tiles = {{\[\[}}1, 4, 0], [0, 0, 32], [0, 0, 4{{\]\]}}>
// CHECK: reduce_mean:0 kiln.reduce (10x50257xf32) #kiln.schedule<tiles = {{\[\[}}1, 0], [0, 1024], [0, 1{{\]\]}}>

// Not block reductions (two-level SIMT schedules): a softmax over a middle
// axis, a reduce over several axes, an integer reduce.
// SIMT: axis1:0 kiln.softmax (2x4x16xf32) #kiln.schedule<tiles = {{\[\[[0-9, ]*\], \[[0-9, ]*\]\]}}>
// SIMT: axes02:0 kiln.reduce (3x4x8xf32) #kiln.schedule<tiles = {{\[\[[0-9, ]*\], \[[0-9, ]*\]\]}}>
// SIMT: int:0 kiln.reduce (3x8xi32) #kiln.schedule<tiles = {{\[\[[0-9, ]*\], \[[0-9, ]*\]\]}}>
func.func @axis1(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}
func.func @axes02(%x: tensor<3x4x8xf32>) -> tensor<4xf32> {
  %y = kiln.reduce sum %x axes = [0, 2] : tensor<3x4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @int(%x: tensor<3x8xi32>) -> tensor<3xi32> {
  %y = kiln.reduce sum %x axes = [1] : tensor<3x8xi32> -> tensor<3xi32>
  return %y : tensor<3xi32>
}
