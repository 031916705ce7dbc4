// On a GPU machine only (a real libcuda.so.1 loads): fused flash attention
// (kiln-gpu-flash-attention) matches the reference interpreter. NOT RUN YET:
// no GPU machine was available when it was written, so the tolerances are
// reasoned, not observed: scores and the softmax are f32 on both sides, but
// the kernel rounds the probabilities to the operand type before P V
// (f16: 2^-11 relative, bf16: 2^-8), sums in another order, and uses Kiln's
// polynomial exp; the output is then rounded once to f16 / bf16 (2^-11 /
// 2^-8 relative). Outputs are averages of values, so the errors are relative
// to max |v|: f16 rtol 5e-3 atol 5e-3, bf16 rtol 3e-2 atol 3e-2.
// REQUIRES: cuda-driver
// Head dims 64 and 128, causal with Sq != Sk and ragged tiles, GQA with a
// float mask in bf16, a boolean mask, rows with every key hidden (Sq > Sk,
// causal: NaN on both sides).
// RUN: kiln-run %s --function=hd64 --random-inputs --target=gpu --compare-to=ref --rtol=5e-3 --atol=5e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=hd128_causal --random-inputs --target=gpu --compare-to=ref --rtol=5e-3 --atol=5e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ragged_causal --random-inputs --target=gpu --compare-to=ref --rtol=5e-3 --atol=5e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=gqa_mask_bf16 --random-inputs --target=gpu --compare-to=ref --rtol=3e-2 --atol=3e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=bool_mask --random-inputs --target=gpu --compare-to=ref --rtol=5e-3 --atol=5e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=hidden_rows --random-inputs --target=gpu --compare-to=ref --rtol=5e-3 --atol=5e-3 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on gpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @hd64(%q: tensor<1x4x256x64xf16>, %k: tensor<1x4x256x64xf16>, %v: tensor<1x4x256x64xf16>) -> tensor<1x4x256x64xf16> {
  %0 = kiln.attention %q, %k, %v : (tensor<1x4x256x64xf16>, tensor<1x4x256x64xf16>, tensor<1x4x256x64xf16>) -> tensor<1x4x256x64xf16>
  return %0 : tensor<1x4x256x64xf16>
}

func.func @hd128_causal(%q: tensor<2x2x256x128xf16>, %k: tensor<2x2x256x128xf16>, %v: tensor<2x2x256x128xf16>) -> tensor<2x2x256x128xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<2x2x256x128xf16>, tensor<2x2x256x128xf16>, tensor<2x2x256x128xf16>) -> tensor<2x2x256x128xf16>
  return %0 : tensor<2x2x256x128xf16>
}

func.func @ragged_causal(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x300x64xf16>, %v: tensor<2x4x300x64xf16>) -> tensor<2x4x100x64xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<2x4x100x64xf16>, tensor<2x4x300x64xf16>, tensor<2x4x300x64xf16>) -> tensor<2x4x100x64xf16>
  return %0 : tensor<2x4x100x64xf16>
}

func.func @gqa_mask_bf16(%q: tensor<1x8x77x128xbf16>, %k: tensor<1x2x77x128xbf16>, %v: tensor<1x2x77x128xbf16>, %m: tensor<1x1x1x77xbf16>) -> tensor<1x8x77x128xbf16> {
  %0 = kiln.attention %q, %k, %v mask %m scale = 1.250000e-01 : (tensor<1x8x77x128xbf16>, tensor<1x2x77x128xbf16>, tensor<1x2x77x128xbf16>, tensor<1x1x1x77xbf16>) -> tensor<1x8x77x128xbf16>
  return %0 : tensor<1x8x77x128xbf16>
}

func.func @bool_mask(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x64xf16>, %m: tensor<64x64xi1>) -> tensor<1x2x64x64xf16> {
  %0 = kiln.attention %q, %k, %v mask %m : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<64x64xi1>) -> tensor<1x2x64x64xf16>
  return %0 : tensor<1x2x64x64xf16>
}

func.func @hidden_rows(%q: tensor<1x2x100x64xf16>, %k: tensor<1x2x30x64xf16>, %v: tensor<1x2x30x64xf16>) -> tensor<1x2x100x64xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<1x2x100x64xf16>, tensor<1x2x30x64xf16>, tensor<1x2x30x64xf16>) -> tensor<1x2x100x64xf16>
  return %0 : tensor<1x2x100x64xf16>
}
