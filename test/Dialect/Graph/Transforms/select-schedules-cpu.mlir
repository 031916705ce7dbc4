// RUN: kiln-opt %s -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s --check-prefix=AVX2
// RUN: kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx512 targets-dir=%kiln_src_root/targets" | FileCheck %s --check-prefix=AVX512
// RUN: kiln-opt %s -kiln-select-schedules=target=cpu:%kiln_src_root/targets/aarch64-neon.json | FileCheck %s --check-prefix=NEON
//
// Pins the schedule the CPU cost model picks for a few shapes on every
// shipped description, so that every heuristic change shows up in review.
// The predicted times are checked only for presence and type.

// AVX2-LABEL: func.func @matmul_1024
// AVX2: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 128, 0], [128, 0, 256], [4, 16, 1]], order = [1, 2, 0], pack = [4, 16, 1], prefetch = 2>}
// AVX512-LABEL: func.func @matmul_1024
// AVX512: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 64, 0], [0, 0, 128], [8, 32, 1]], order = [1, 2, 0]>}
// NEON-LABEL: func.func @matmul_1024
// NEON: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 64, 0], [128, 0, 0], [4, 8, 1]], order = [1, 2, 0], pack = [4, 8, 1], prefetch = 2>}
func.func @matmul_1024(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = kiln.matmul %a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32> -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

// Constant weights are packed at compile time. Packed B larger than the
// L2 share (768x3072 f32, 9 MB) gets the prefetch of the next panel into L2
// (prefetch = 2); a small B is not packed at all.
// AVX512-LABEL: func.func @weights_768x3072
// AVX512: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 192, 0], [0, 0, 128], [8, 32, 1]], order = [1, 2, 0], pack = [8, 32, 1], prefetch = 2>}
// NEON-LABEL: func.func @weights_768x3072
// NEON: kiln.matmul {{.*}}pack = [4, 8, 1], prefetch = 2>}
func.func @weights_768x3072(%a: tensor<128x768xf32>) -> tensor<128x3072xf32> {
  %w = kiln.constant dense<0.5> : tensor<768x3072xf32>
  %0 = kiln.matmul %a, %w : tensor<128x768xf32>, tensor<768x3072xf32> -> tensor<128x3072xf32>
  return %0 : tensor<128x3072xf32>
}

// AVX512-LABEL: func.func @weights_256x256
// AVX512: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0, 0], [0, 0, 128], [8, 32, 1]], order = [1, 2, 0]>}
func.func @weights_256x256(%a: tensor<128x256xf32>) -> tensor<128x256xf32> {
  %w = kiln.constant dense<0.5> : tensor<256x256xf32>
  %0 = kiln.matmul %a, %w : tensor<128x256xf32>, tensor<256x256xf32> -> tensor<128x256xf32>
  return %0 : tensor<128x256xf32>
}

// AVX2-LABEL: func.func @matmul_128x768x3072
// AVX2: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 384, 0], [0, 0, 256], [4, 16, 1]], order = [1, 2, 0]>}
// AVX512-LABEL: func.func @matmul_128x768x3072
// AVX512: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 192, 0], [0, 0, 128], [8, 32, 1]], order = [1, 2, 0]>}
// NEON-LABEL: func.func @matmul_128x768x3072
// NEON: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 192, 0], [0, 0, 0], [4, 8, 1]], order = [1, 2, 0]>}
func.func @matmul_128x768x3072(%a: tensor<128x768xf32>, %b: tensor<768x3072xf32>) -> tensor<128x3072xf32> {
  %0 = kiln.matmul %a, %b : tensor<128x768xf32>, tensor<768x3072xf32> -> tensor<128x3072xf32>
  return %0 : tensor<128x3072xf32>
}

// AVX2-LABEL: func.func @matmul_128x3072x768
// AVX2: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 96, 0], [0, 0, 256], [4, 16, 1]], order = [1, 2, 0]>}
// AVX512-LABEL: func.func @matmul_128x3072x768
// AVX512: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0, 0], [0, 0, 128], [8, 32, 1]], order = [1, 2, 0]>}
// NEON-LABEL: func.func @matmul_128x3072x768
// NEON: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 48, 0], [0, 0, 1024], [4, 8, 1]], order = [1, 2, 0]>}
func.func @matmul_128x3072x768(%a: tensor<128x3072xf32>, %b: tensor<3072x768xf32>) -> tensor<128x768xf32> {
  %0 = kiln.matmul %a, %b : tensor<128x3072xf32>, tensor<3072x768xf32> -> tensor<128x768xf32>
  return %0 : tensor<128x768xf32>
}

// AVX2-LABEL: func.func @matmul_64
// AVX2: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0, 0], [0, 0, 0], [2, 32, 1]], order = [1, 2, 0]>}
// AVX512-LABEL: func.func @matmul_64
// AVX512: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[4, 0, 0], [0, 0, 0], [4, 64, 1]], order = [1, 2, 0]>}
// NEON-LABEL: func.func @matmul_64
// NEON: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[4, 0, 0], [0, 0, 0], [4, 16, 1]], order = [1, 2, 0]>}
func.func @matmul_64(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %a, %b : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// AVX2-LABEL: func.func @add_128x3072
// AVX2: kiln.add {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[16, 0], [1, 1024], [1, 8]]>}
// AVX512-LABEL: func.func @add_128x3072
// AVX512: kiln.add {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [1, 1024], [1, 16]]>}
// The L1 budget allows 2048 columns on NEON; the tile is the largest
// that divides 3072 (no partial, unvectorized edge tile).
// NEON-LABEL: func.func @add_128x3072
// NEON: kiln.add {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [1, 1536], [1, 4]]>}
func.func @add_128x3072(%a: tensor<128x3072xf32>, %b: tensor<128x3072xf32>) -> tensor<128x3072xf32> {
  %0 = kiln.add %a, %b : tensor<128x3072xf32>, tensor<128x3072xf32> -> tensor<128x3072xf32>
  return %0 : tensor<128x3072xf32>
}

// AVX2-LABEL: func.func @softmax_1x12x128x128
// AVX2: kiln.softmax {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 2, 0, 0], [0, 1, 16, 0], [1, 1, 1, 8]]>}
// AVX512-LABEL: func.func @softmax_1x12x128x128
// AVX512: kiln.softmax {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 1, 64, 0], [0, 0, 16, 0], [1, 1, 1, 16]]>}
// NEON-LABEL: func.func @softmax_1x12x128x128
// NEON: kiln.softmax {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 1, 64, 0], [0, 0, 32, 0], [1, 1, 1, 4]]>}
func.func @softmax_1x12x128x128(%x: tensor<1x12x128x128xf32>) -> tensor<1x12x128x128xf32> {
  %0 = kiln.softmax %x : tensor<1x12x128x128xf32>
  return %0 : tensor<1x12x128x128xf32>
}

// AVX2-LABEL: func.func @layer_norm_128x768
// AVX2: kiln.layer_norm {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[16, 0], [1, 0], [1, 8]]>}
// AVX512-LABEL: func.func @layer_norm_128x768
// AVX512: kiln.layer_norm {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [1, 0], [1, 16]]>}
// NEON-LABEL: func.func @layer_norm_128x768
// NEON: kiln.layer_norm {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [2, 0], [1, 4]]>}
func.func @layer_norm_128x768(%x: tensor<128x768xf32>, %s: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<128x768xf32> {
  %0 = kiln.layer_norm %x scale %s bias %b : (tensor<128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<128x768xf32>
  return %0 : tensor<128x768xf32>
}

// AVX2-LABEL: func.func @transpose_64x128
// AVX2: kiln.transpose {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[16, 0], [0, 0], [8, 8]]>}
// AVX512-LABEL: func.func @transpose_64x128
// AVX512: kiln.transpose {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [0, 0], [16, 16]]>}
// NEON-LABEL: func.func @transpose_64x128
// NEON: kiln.transpose {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [0, 0], [4, 4]]>}
func.func @transpose_64x128(%x: tensor<64x128xf32>) -> tensor<128x64xf32> {
  %0 = kiln.transpose %x perm = [1, 0] : tensor<64x128xf32> -> tensor<128x64xf32>
  return %0 : tensor<128x64xf32>
}

// AVX2-LABEL: func.func @reduce_128x768
// AVX2: kiln.reduce {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[16, 0], [2, 0], [1, 8]]>}
// AVX512-LABEL: func.func @reduce_128x768
// AVX512: kiln.reduce {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [2, 0], [1, 16]]>}
// NEON-LABEL: func.func @reduce_128x768
// NEON: kiln.reduce {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [4, 0], [1, 4]]>}
func.func @reduce_128x768(%x: tensor<128x768xf32>) -> tensor<128xf32> {
  %0 = kiln.reduce sum %x axes = [1] : tensor<128x768xf32> -> tensor<128xf32>
  return %0 : tensor<128xf32>
}

// AVX2-LABEL: func.func @attention
// AVX2: kiln.attention {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 2, 0, 0, 0], [1, 1, 0, 32, 0], [1, 1, 2, 1, 32]]>}
// AVX512-LABEL: func.func @attention
// AVX512: kiln.attention {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 1, 64, 0, 0], [1, 1, 0, 32, 0], [1, 1, 4, 1, 64]]>}
// NEON-LABEL: func.func @attention
// NEON: kiln.attention {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 1, 64, 0, 0], [1, 1, 0, 64, 0], [1, 1, 2, 1, 32]]>}
func.func @attention(%q: tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32> {
  %0 = kiln.attention %q, %q, %q causal : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32>
  return %0 : tensor<1x12x128x64xf32>
}
