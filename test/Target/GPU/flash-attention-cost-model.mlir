// The GPU cost model's flash-attention schedules (docs/gpu.md, "Fused
// attention"): four levels [block: BM query rows], [16-row warps, BN keys
// per tile], [m16n8k16], [stages, copy vector], chosen from the
// description's fields only (the mma.sync form, opt-in shared memory per
// block, registers, warp size, SM count, rates, bandwidth).
// RUN: kilnc %s --target=gpu:sm80 --print-schedule | FileCheck %s --check-prefix=SM80
// RUN: kilnc %s --target=gpu:sm90 --print-schedule | FileCheck %s --check-prefix=SM90

// Pinned: head dim 64 and 128 at seq 1024 (16 heads) and causal seq 4096
// (8 heads, bf16 and f16); f32 has no m16n8k16 form and keeps a two-level
// SIMT schedule (the decomposed path).
// SM80: shapes:0 kiln.attention (1x16x1024x64xf16, 1x16x1024x64xf16, 1x16x1024x64xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM80-NEXT: shapes:1 kiln.attention (1x16x1024x128xf16, 1x16x1024x128xf16, 1x16x1024x128xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 64, 0, 0], [1, 1, 16, 64, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM80-NEXT: shapes:2 kiln.attention (1x8x4096x128xbf16, 1x8x4096x128xbf16, 1x8x4096x128xbf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM80-NEXT: shapes:3 kiln.attention (1x8x4096x64xf16, 1x8x4096x64xf16, 1x8x4096x64xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM80-NEXT: shapes:4 kiln.attention (1x4x256x64xf32, 1x4x256x64xf32, 1x4x256x64xf32) #kiln.schedule<tiles = {{\[\[}}{{[0-9, ]+}}], [{{[0-9, ]+}}{{\]\]}}>
// SM90: shapes:0 kiln.attention (1x16x1024x64xf16, 1x16x1024x64xf16, 1x16x1024x64xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 128, 0, 0], [1, 1, 16, 64, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM90-NEXT: shapes:1 kiln.attention (1x16x1024x128xf16, 1x16x1024x128xf16, 1x16x1024x128xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 128, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM90-NEXT: shapes:2 kiln.attention (1x8x4096x128xbf16, 1x8x4096x128xbf16, 1x8x4096x128xbf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM90-NEXT: shapes:3 kiln.attention (1x8x4096x64xf16, 1x8x4096x64xf16, 1x8x4096x64xf16) #kiln.schedule<tiles = {{\[\[}}1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8{{\]\]}}>
// SM90-NEXT: shapes:4 kiln.attention (1x4x256x64xf32, 1x4x256x64xf32, 1x4x256x64xf32) #kiln.schedule<tiles = {{\[\[}}{{[0-9, ]+}}], [{{[0-9, ]+}}{{\]\]}}>
func.func @shapes(%q64: tensor<1x16x1024x64xf16>, %q128: tensor<1x16x1024x128xf16>, %l128: tensor<1x8x4096x128xbf16>, %l64: tensor<1x8x4096x64xf16>, %f: tensor<1x4x256x64xf32>) -> (tensor<1x16x1024x64xf16>, tensor<1x16x1024x128xf16>, tensor<1x8x4096x128xbf16>, tensor<1x8x4096x64xf16>, tensor<1x4x256x64xf32>) {
  %0 = kiln.attention %q64, %q64, %q64 : (tensor<1x16x1024x64xf16>, tensor<1x16x1024x64xf16>, tensor<1x16x1024x64xf16>) -> tensor<1x16x1024x64xf16>
  %1 = kiln.attention %q128, %q128, %q128 : (tensor<1x16x1024x128xf16>, tensor<1x16x1024x128xf16>, tensor<1x16x1024x128xf16>) -> tensor<1x16x1024x128xf16>
  %2 = kiln.attention %l128, %l128, %l128 causal : (tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>) -> tensor<1x8x4096x128xbf16>
  %3 = kiln.attention %l64, %l64, %l64 causal : (tensor<1x8x4096x64xf16>, tensor<1x8x4096x64xf16>, tensor<1x8x4096x64xf16>) -> tensor<1x8x4096x64xf16>
  %4 = kiln.attention %f, %f, %f : (tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>) -> tensor<1x4x256x64xf32>
  return %0, %1, %2, %3, %4 : tensor<1x16x1024x64xf16>, tensor<1x16x1024x128xf16>, tensor<1x8x4096x128xbf16>, tensor<1x8x4096x64xf16>, tensor<1x4x256x64xf32>
}
