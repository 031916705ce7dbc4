// The GPU cost model's choices (docs/gpu.md, "The GPU cost model") for a
// square f32 GEMM, a BERT-style batched projection, an f16 4096^3 GEMM, a
// row softmax and an elementwise GELU, on the sm80 and sm90 descriptions.
// RUN: kilnc %s --target=gpu:sm80 --print-schedule | FileCheck %s --check-prefix=SM80
// RUN: kilnc %s --target=gpu:sm90 --print-schedule | FileCheck %s --check-prefix=SM90

// Pinned: the model's picks for these shapes. matmul: blocks of bm x bn
// with 1 x 8 or 2 x 8 per thread, the batch one per block (the f16 GEMM: a
// tensor-core schedule, tensor-core-cost-model.mlir); softmax: a block
// reduction, four rows of one warp per block, 16-byte loads
// (block-reduce-cost-model.mlir); GELU: elements per thread
// along the last dimension.
// SM80: shapes:0 kiln.matmul (1024x1024xf32, 1024x1024xf32) #kiln.schedule<tiles = {{\[\[}}64, 64, 0], [1, 8, 0{{\]\]}}> {{.*}} us
// SM80-NEXT: shapes:1 kiln.matmul (8x128x768xf32, 768x3072xf32) #kiln.schedule<tiles = {{\[\[}}1, 128, 128, 0], [0, 2, 8, 0{{\]\]}}> {{.*}} us
// SM80-NEXT: shapes:2 kiln.matmul (4096x4096xf16, 4096x4096xf16) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}> {{.*}} us
// SM80-NEXT: shapes:3 kiln.softmax (12x128x128xf32) #kiln.schedule<tiles = {{\[\[}}1, 4, 0], [0, 0, 32], [0, 0, 4{{\]\]}}> {{.*}} us
// SM80-NEXT: shapes:4 kiln.gelu (8x128x768xf32) #kiln.schedule<tiles = {{\[\[}}1, 1, 768], [0, 0, 4{{\]\]}}> {{.*}} us
// SM90: shapes:0 kiln.matmul (1024x1024xf32, 1024x1024xf32) #kiln.schedule<tiles = {{\[\[}}64, 128, 0], [1, 8, 0{{\]\]}}> {{.*}} us
// SM90-NEXT: shapes:1 kiln.matmul (8x128x768xf32, 768x3072xf32) #kiln.schedule<tiles = {{\[\[}}1, 64, 128, 0], [0, 1, 8, 0{{\]\]}}> {{.*}} us
// SM90-NEXT: shapes:2 kiln.matmul (4096x4096xf16, 4096x4096xf16) #kiln.schedule<tiles = {{\[\[}}128, 128, 0], [64, 64, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3{{\]\]}}> {{.*}} us
// SM90-NEXT: shapes:3 kiln.softmax (12x128x128xf32) #kiln.schedule<tiles = {{\[\[}}1, 4, 0], [0, 0, 32], [0, 0, 4{{\]\]}}> {{.*}} us
// SM90-NEXT: shapes:4 kiln.gelu (8x128x768xf32) #kiln.schedule<tiles = {{\[\[}}1, 1, 64], [0, 0, 1{{\]\]}}> {{.*}} us
func.func @shapes(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>, %x: tensor<8x128x768xf32>, %w: tensor<768x3072xf32>, %h: tensor<4096x4096xf16>, %s: tensor<12x128x128xf32>) -> (tensor<1024x1024xf32>, tensor<8x128x3072xf32>, tensor<4096x4096xf16>, tensor<12x128x128xf32>, tensor<8x128x768xf32>) {
  %0 = kiln.matmul %a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32> -> tensor<1024x1024xf32>
  %1 = kiln.matmul %x, %w : tensor<8x128x768xf32>, tensor<768x3072xf32> -> tensor<8x128x3072xf32>
  %2 = kiln.matmul %h, %h : tensor<4096x4096xf16>, tensor<4096x4096xf16> -> tensor<4096x4096xf16>
  %3 = kiln.softmax %s {axis = -1 : i64} : tensor<12x128x128xf32>
  %4 = kiln.gelu %x : tensor<8x128x768xf32>
  return %0, %1, %2, %3, %4 : tensor<1024x1024xf32>, tensor<8x128x3072xf32>, tensor<4096x4096xf16>, tensor<12x128x128xf32>, tensor<8x128x768xf32>
}
