// f16 / bf16 matmuls the GPU cost model puts on tensor cores: square,
// transformer shapes with fused epilogues, batched, and shapes that are not
// multiples of the tiles (tensor-core-ptx.test, tensor-core-ptxas.test).

func.func @gemm_f16_4096(%a: tensor<4096x4096xf16>, %b: tensor<4096x4096xf16>) -> tensor<4096x4096xf16> {
  %0 = kiln.matmul %a, %b : tensor<4096x4096xf16>, tensor<4096x4096xf16> -> tensor<4096x4096xf16>
  return %0 : tensor<4096x4096xf16>
}

func.func @gemm_bf16_1024(%a: tensor<1024x1024xbf16>, %b: tensor<1024x1024xbf16>) -> tensor<1024x1024xbf16> {
  %0 = kiln.matmul %a, %b : tensor<1024x1024xbf16>, tensor<1024x1024xbf16> -> tensor<1024x1024xbf16>
  return %0 : tensor<1024x1024xbf16>
}

// BERT-base FFN up-projection with bias and GELU (batch folded into m).
func.func @ffn_bf16(%x: tensor<8x128x768xbf16>, %w: tensor<768x3072xbf16>, %bias: tensor<3072xbf16>) -> tensor<8x128x3072xbf16> {
  %0 = kiln.matmul %x, %w : tensor<8x128x768xbf16>, tensor<768x3072xbf16> -> tensor<8x128x3072xbf16>
  %1 = kiln.add %0, %bias : tensor<8x128x3072xbf16>, tensor<3072xbf16> -> tensor<8x128x3072xbf16>
  %2 = kiln.gelu %1 : tensor<8x128x3072xbf16>
  return %2 : tensor<8x128x3072xbf16>
}

// GPT-2 attention output projection with bias and the residual add.
func.func @proj_residual_f16(%x: tensor<1x64x256xf16>, %w: tensor<256x256xf16>, %bias: tensor<256xf16>, %res: tensor<1x64x256xf16>) -> tensor<1x64x256xf16> {
  %0 = kiln.matmul %x, %w : tensor<1x64x256xf16>, tensor<256x256xf16> -> tensor<1x64x256xf16>
  %1 = kiln.add %0, %bias : tensor<1x64x256xf16>, tensor<256xf16> -> tensor<1x64x256xf16>
  %2 = kiln.add %1, %res : tensor<1x64x256xf16>, tensor<1x64x256xf16> -> tensor<1x64x256xf16>
  return %2 : tensor<1x64x256xf16>
}

// Attention scores per head: [12, 128, 64] x [12, 64, 128].
func.func @batched_f16(%q: tensor<12x128x64xf16>, %k: tensor<12x64x128xf16>) -> tensor<12x128x128xf16> {
  %0 = kiln.matmul %q, %k : tensor<12x128x64xf16>, tensor<12x64x128xf16> -> tensor<12x128x128xf16>
  return %0 : tensor<12x128x128xf16>
}

// Not multiples of the tiles: masked copies and stores.
func.func @ragged_f16(%a: tensor<1000x1000xf16>, %b: tensor<1000x1000xf16>) -> tensor<1000x1000xf16> {
  %0 = kiln.matmul %a, %b : tensor<1000x1000xf16>, tensor<1000x1000xf16> -> tensor<1000x1000xf16>
  return %0 : tensor<1000x1000xf16>
}

// K = 36: 8-byte copies (cp.async.ca).
func.func @ragged_bf16_k36(%a: tensor<100x36xbf16>, %b: tensor<36x100xbf16>) -> tensor<100x100xbf16> {
  %0 = kiln.matmul %a, %b : tensor<100x36xbf16>, tensor<36x100xbf16> -> tensor<100x100xbf16>
  return %0 : tensor<100x100xbf16>
}
