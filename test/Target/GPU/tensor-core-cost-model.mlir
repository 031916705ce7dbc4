// The GPU cost model's tensor-core schedules (docs/gpu.md, "Tensor-core
// schedules"): five levels [block tile], [warp tile, K tile], [m16n8k16],
// [copy vector], [stages], chosen from the description's fields only (the
// mma.sync form, static shared memory per block, registers, warp size).
// RUN: kilnc %s --target=gpu:sm80 --print-schedule | FileCheck %s --check-prefix=SM80
// RUN: kilnc %s --target=gpu:sm90 --print-schedule | FileCheck %s --check-prefix=SM90

// Pinned: 4096^3 f16 takes 128 x 128 blocks of four 64 x 64 warp tiles,
// K tiles of 32 in 3 stages (48 KiB: the static limit); the bf16 BERT
// projection (batch folded into m) and the batched attention scores are
// tensor-core matmuls too; 1000^3 (not a multiple of any tile: masked copies
// and stores); K = 36 allows only 8-byte copies (4 elements); K = 37 allows
// no copy vector of 4..16 bytes, and f32 has no m16n8k16 form: both SIMT.
// SM80: shapes:0 kiln.matmul (4096x4096xf16, 4096x4096xf16) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}>
// SM80-NEXT: shapes:1 kiln.matmul (8x128x768xbf16, 768x3072xbf16) #kiln.schedule<tiles = {{\[\[}}1, 128, 128, 0], [1, 64, 64, 32], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 3{{\]\]}}>
// SM80-NEXT: shapes:2 kiln.matmul (12x128x64xf16, 12x64x128xf16) #kiln.schedule<tiles = {{\[\[}}1, 32, 32, 0], [1, 32, 32, 64], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 4{{\]\]}}>
// SM80-NEXT: shapes:3 kiln.matmul (1000x1000xf16, 1000x1000xf16) #kiln.schedule<tiles = {{\[\[}}64, 64, 0], [64, 64, 64], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}>
// SM80-NEXT: shapes:4 kiln.matmul (100x36xf16, 36x100xf16) #kiln.schedule<tiles = {{\[\[}}32, 32, 0], [32, 32, 64], [16, 8, 16], [0, 4, 4], [0, 0, 4{{\]\]}}>
// SM80-NEXT: shapes:5 kiln.matmul (100x37xf16, 37x100xf16) #kiln.schedule<tiles = {{\[\[}}{{[0-9]+}}, {{[0-9]+}}, 0], [{{[0-9]+}}, {{[0-9]+}}, 0{{\]\]}}>
// SM80-NEXT: shapes:6 kiln.matmul (256x256xf32, 256x256xf32) #kiln.schedule<tiles = {{\[\[}}{{[0-9]+}}, {{[0-9]+}}, 0], [{{[0-9]+}}, {{[0-9]+}}, 0{{\]\]}}>
// SM90: shapes:0 kiln.matmul (4096x4096xf16, 4096x4096xf16) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}>
// SM90-NEXT: shapes:1 kiln.matmul (8x128x768xbf16, 768x3072xbf16) #kiln.schedule<tiles = {{\[\[}}1, 64, 64, 0], [1, 64, 64, 32], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 4{{\]\]}}>
// SM90-NEXT: shapes:2 kiln.matmul (12x128x64xf16, 12x64x128xf16) #kiln.schedule<tiles = {{\[\[}}1, 32, 64, 0], [1, 32, 64, 64], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 4{{\]\]}}>
// SM90-NEXT: shapes:3 kiln.matmul (1000x1000xf16, 1000x1000xf16) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 64], [16, 8, 16], [0, 8, 8], [0, 0, 4{{\]\]}}>
// SM90-NEXT: shapes:4 kiln.matmul (100x36xf16, 36x100xf16) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 64], [16, 8, 16], [0, 4, 4], [0, 0, 4{{\]\]}}>
// SM90-NEXT: shapes:5 kiln.matmul (100x37xf16, 37x100xf16) #kiln.schedule<tiles = {{\[\[}}{{[0-9]+}}, {{[0-9]+}}, 0], [{{[0-9]+}}, {{[0-9]+}}, 0{{\]\]}}>
// SM90-NEXT: shapes:6 kiln.matmul (256x256xf32, 256x256xf32) #kiln.schedule<tiles = {{\[\[}}{{[0-9]+}}, {{[0-9]+}}, 0], [{{[0-9]+}}, {{[0-9]+}}, 0{{\]\]}}>
// --f32-matmul=tf32: f32 matmuls get tensor-core schedules too, with the
// description's mma.sync m16n8k8 tf32 form and K tiles of 16 (two k steps:
// longer tiles spill, docs/gpu.md); the f16 / bf16 choices do not change.
// Input: Inputs/tensor-core-tf32.mlir. 4096^3 takes 128 x 128 blocks of four
// 64 x 64 warps, 3 stages of 16-deep tiles (48 KiB); K = 37 one-element
// (4-byte) copies.
// RUN: kilnc %s --target=gpu:sm80 --f32-matmul=tf32 --print-schedule | FileCheck %s --check-prefix=TF32
// TF32: shapes:0 kiln.matmul (4096x4096xf16, 4096x4096xf16) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}>
// TF32: shapes:6 kiln.matmul (256x256xf32, 256x256xf32) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 16], [16, 8, 8], [0, 4, 4], [0, 0, 4{{\]\]}}>
// RUN: kilnc %S/Inputs/tensor-core-tf32.mlir --target=gpu:sm80 --f32-matmul=tf32 --print-schedule | FileCheck %s --check-prefix=TF32-80
// RUN: kilnc %S/Inputs/tensor-core-tf32.mlir --target=gpu:sm90 --f32-matmul=tf32 --print-schedule | FileCheck %s --check-prefix=TF32-90
// TF32-80: gemm_tf32_4096:0 kiln.matmul (4096x4096xf32, 4096x4096xf32) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 16], [16, 8, 8], [0, 4, 4], [0, 0, 3{{\]\]}}>
// TF32-80: ffn_tf32:0 kiln.matmul (8x128x768xf32, 768x3072xf32) #kiln.schedule<tiles = {{\[\[}}1, 128, 128, 0], [1, 64, 64, 16], [1, 16, 8, 8], [0, 0, 4, 4], [0, 0, 0, 3{{\]\]}}, group = 0>
// TF32-80: batched_tf32:0 kiln.matmul (12x128x64xf32, 12x64x128xf32) #kiln.schedule<tiles = {{\[\[}}1, 32, 64, 0], [1, 32, 64, 16], [1, 16, 8, 8], [0, 0, 4, 4], [0, 0, 0, 4{{\]\]}}>
// TF32-80: ragged_tf32:0 kiln.matmul (1000x1000xf32, 1000x1000xf32) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 16], [16, 8, 8], [0, 4, 4], [0, 0, 4{{\]\]}}>
// TF32-80: ragged_tf32_k37:0 kiln.matmul (100x37xf32, 37x100xf32) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 16], [16, 8, 8], [0, 1, 1], [0, 0, 4{{\]\]}}>
// TF32-90: gemm_tf32_4096:0 kiln.matmul (4096x4096xf32, 4096x4096xf32) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 16], [16, 8, 8], [0, 4, 4], [0, 0, 3{{\]\]}}>
// TF32-90: ragged_tf32_k37:0 kiln.matmul (100x37xf32, 37x100xf32) #kiln.schedule<tiles = {{\[\[}}32, 64, 0], [32, 64, 16], [16, 8, 8], [0, 1, 1], [0, 0, 4{{\]\]}}>

// Asking for TF32 where it cannot apply is an error.
// RUN: not kilnc %s --target=cpu --f32-matmul=tf32 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: kilnc: error: --f32-matmul=tf32 needs a gpu target (--target=cpu computes f32 matmuls in f32)
// RUN: not kiln-opt %s -kiln-select-schedules="target=npu:edge f32-matmul=tf32" 2>&1 | FileCheck %s --check-prefix=NPU
// NPU: error: kiln-select-schedules: f32-matmul=tf32 is a GPU option (target 'npu:edge' computes f32 matmuls in f32)
// RUN: not kiln-opt %s -kiln-select-schedules="target=gpu:sm80 f32-matmul=fp16" 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: error: kiln-select-schedules: f32-matmul='fp16' (expected ieee or tf32)
// RUN: not kilnc %s --target=gpu:sm80 --f32-matmul=fp16 2>&1 | FileCheck %s --check-prefix=CL
// CL: for the --f32-matmul option: Cannot find option named 'fp16'!
func.func @shapes(%h: tensor<4096x4096xf16>, %x: tensor<8x128x768xbf16>, %w: tensor<768x3072xbf16>, %q: tensor<12x128x64xf16>, %k: tensor<12x64x128xf16>, %o: tensor<1000x1000xf16>, %p: tensor<100x36xf16>, %r: tensor<36x100xf16>, %p7: tensor<100x37xf16>, %r7: tensor<37x100xf16>, %f: tensor<256x256xf32>) -> (tensor<4096x4096xf16>, tensor<8x128x3072xbf16>, tensor<12x128x128xf16>, tensor<1000x1000xf16>, tensor<100x100xf16>, tensor<100x100xf16>, tensor<256x256xf32>) {
  %0 = kiln.matmul %h, %h : tensor<4096x4096xf16>, tensor<4096x4096xf16> -> tensor<4096x4096xf16>
  %1 = kiln.matmul %x, %w : tensor<8x128x768xbf16>, tensor<768x3072xbf16> -> tensor<8x128x3072xbf16>
  %2 = kiln.matmul %q, %k : tensor<12x128x64xf16>, tensor<12x64x128xf16> -> tensor<12x128x128xf16>
  %3 = kiln.matmul %o, %o : tensor<1000x1000xf16>, tensor<1000x1000xf16> -> tensor<1000x1000xf16>
  %4 = kiln.matmul %p, %r : tensor<100x36xf16>, tensor<36x100xf16> -> tensor<100x100xf16>
  %5 = kiln.matmul %p7, %r7 : tensor<100x37xf16>, tensor<37x100xf16> -> tensor<100x100xf16>
  %6 = kiln.matmul %f, %f : tensor<256x256xf32>, tensor<256x256xf32> -> tensor<256x256xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4096x4096xf16>, tensor<8x128x3072xbf16>, tensor<12x128x128xf16>, tensor<1000x1000xf16>, tensor<100x100xf16>, tensor<100x100xf16>, tensor<256x256xf32>
}
