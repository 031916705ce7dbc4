// f32 matmuls the GPU cost model puts on TF32 tensor cores when asked to
// (kilnc --f32-matmul=tf32): square, a transformer shape with a fused
// epilogue, batched, and shapes that are not multiples of the tiles
// (tensor-core-ptx.test, tensor-core-ptxas.test, tensor-core-cost-model.mlir).

func.func @gemm_tf32_4096(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %0 = kiln.matmul %a, %b : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  return %0 : tensor<4096x4096xf32>
}

// BERT-base FFN up-projection with bias and GELU (batch folded into m).
func.func @ffn_tf32(%x: tensor<8x128x768xf32>, %w: tensor<768x3072xf32>, %bias: tensor<3072xf32>) -> tensor<8x128x3072xf32> {
  %0 = kiln.matmul %x, %w : tensor<8x128x768xf32>, tensor<768x3072xf32> -> tensor<8x128x3072xf32>
  %1 = kiln.add %0, %bias : tensor<8x128x3072xf32>, tensor<3072xf32> -> tensor<8x128x3072xf32>
  %2 = kiln.gelu %1 : tensor<8x128x3072xf32>
  return %2 : tensor<8x128x3072xf32>
}

// Attention scores per head: [12, 128, 64] x [12, 64, 128].
func.func @batched_tf32(%q: tensor<12x128x64xf32>, %k: tensor<12x64x128xf32>) -> tensor<12x128x128xf32> {
  %0 = kiln.matmul %q, %k : tensor<12x128x64xf32>, tensor<12x64x128xf32> -> tensor<12x128x128xf32>
  return %0 : tensor<12x128x128xf32>
}

// Not multiples of the tiles: masked copies and stores.
func.func @ragged_tf32(%a: tensor<1000x1000xf32>, %b: tensor<1000x1000xf32>) -> tensor<1000x1000xf32> {
  %0 = kiln.matmul %a, %b : tensor<1000x1000xf32>, tensor<1000x1000xf32> -> tensor<1000x1000xf32>
  return %0 : tensor<1000x1000xf32>
}

// K = 37: 4-byte copies (one element, cp.async.ca).
func.func @ragged_tf32_k37(%a: tensor<100x37xf32>, %b: tensor<37x100xf32>) -> tensor<100x100xf32> {
  %0 = kiln.matmul %a, %b : tensor<100x37xf32>, tensor<37x100xf32> -> tensor<100x100xf32>
  return %0 : tensor<100x100xf32>
}
