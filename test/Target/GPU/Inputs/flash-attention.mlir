// Attention cases for the fused flash-attention kernel (flash-attention-ptx.test,
// flash-attention-ptxas.test): head dims 64 and 128, seq 1024 and 4096,
// causal, Sq != Sk, ragged lengths, GQA, float and boolean masks, bf16.
func.func @seq1024_hd64(%q: tensor<1x8x1024x64xf16>, %k: tensor<1x8x1024x64xf16>, %v: tensor<1x8x1024x64xf16>) -> tensor<1x8x1024x64xf16> {
  %0 = kiln.attention %q, %k, %v : (tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>) -> tensor<1x8x1024x64xf16>
  return %0 : tensor<1x8x1024x64xf16>
}
func.func @seq4096_hd128_causal(%q: tensor<1x4x4096x128xf16>, %k: tensor<1x4x4096x128xf16>, %v: tensor<1x4x4096x128xf16>) -> tensor<1x4x4096x128xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<1x4x4096x128xf16>, tensor<1x4x4096x128xf16>, tensor<1x4x4096x128xf16>) -> tensor<1x4x4096x128xf16>
  return %0 : tensor<1x4x4096x128xf16>
}
func.func @ragged_causal_sq_ne_sk(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x300x64xf16>, %v: tensor<2x4x300x64xf16>) -> tensor<2x4x100x64xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<2x4x100x64xf16>, tensor<2x4x300x64xf16>, tensor<2x4x300x64xf16>) -> tensor<2x4x100x64xf16>
  return %0 : tensor<2x4x100x64xf16>
}
func.func @gqa_mask_bf16_hd128(%q: tensor<1x8x77x128xbf16>, %k: tensor<1x2x77x128xbf16>, %v: tensor<1x2x77x128xbf16>, %m: tensor<1x1x1x77xbf16>) -> tensor<1x8x77x128xbf16> {
  %0 = kiln.attention %q, %k, %v mask %m scale = 1.250000e-01 : (tensor<1x8x77x128xbf16>, tensor<1x2x77x128xbf16>, tensor<1x2x77x128xbf16>, tensor<1x1x1x77xbf16>) -> tensor<1x8x77x128xbf16>
  return %0 : tensor<1x8x77x128xbf16>
}
func.func @bool_mask(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x64xf16>, %m: tensor<64x64xi1>) -> tensor<1x2x64x64xf16> {
  %0 = kiln.attention %q, %k, %v mask %m : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<64x64xi1>) -> tensor<1x2x64x64xf16>
  return %0 : tensor<1x2x64x64xf16>
}
