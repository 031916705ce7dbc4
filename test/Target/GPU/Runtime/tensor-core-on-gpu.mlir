// On a GPU machine only (a real libcuda.so.1 loads): f16 / bf16 matmuls on
// tensor cores (kiln-gpu-tensor-core-matmul: cp.async stages, ldmatrix,
// mma.sync, fused epilogues) match the reference interpreter. NOT RUN YET:
// no GPU machine was available when it was written, so the tolerances are
// reasoned, not observed: both sides accumulate in f32 and round once to the
// output type; the sums differ only in order, so an output may differ by
// one rounding step of the output type (f16: 2^-10 relative, bf16: 2^-7),
// and GELU uses Kiln's polynomial erf on the GPU.
// REQUIRES: cuda-driver
// Square, with partial tiles (masked copies and stores), bf16 with K = 36
// (8-byte copies), batched, and transformer shapes with bias, GELU and a
// residual fused into the epilogue.
// RUN: kiln-run %s --function=square_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=1e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ragged_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=1e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ragged_bf16_k36 --random-inputs --target=gpu --compare-to=ref --rtol=1.6e-2 --atol=1e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=batched_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=1e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ffn_bf16 --random-inputs --target=gpu --compare-to=ref --rtol=1.6e-2 --atol=1e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=proj_residual_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=2e-3 | FileCheck %s --implicit-check-not=MISMATCH
// TF32 (--f32-matmul=tf32): each operand element rounded to 10 mantissa
// bits (relative error <= 2^-11 each), products summed in f32. For inputs
// uniform in [-1, 1) and K <= 512 an output's error is a sum of K terms of
// |a·b|·2^-10 with random signs: typically ~3e-3, the largest of ~2.6e5
// outputs ~1.5e-2, against outputs of magnitude ~7 (reasoned, not observed).
// RUN: kiln-run %s --function=square_tf32 --random-inputs --target=gpu --f32-matmul=tf32 --compare-to=ref --rtol=1e-2 --atol=3e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ragged_tf32 --random-inputs --target=gpu --f32-matmul=tf32 --compare-to=ref --rtol=1e-2 --atol=3e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ragged_tf32_k37 --random-inputs --target=gpu --f32-matmul=tf32 --compare-to=ref --rtol=1e-2 --atol=1e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --function=ffn_tf32 --random-inputs --target=gpu --f32-matmul=tf32 --compare-to=ref --rtol=1e-2 --atol=3e-2 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on gpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @square_tf32(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %0 = kiln.matmul %a, %b : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  return %0 : tensor<512x512xf32>
}

func.func @ragged_tf32(%a: tensor<200x136xf32>, %b: tensor<136x120xf32>) -> tensor<200x120xf32> {
  %0 = kiln.matmul %a, %b : tensor<200x136xf32>, tensor<136x120xf32> -> tensor<200x120xf32>
  return %0 : tensor<200x120xf32>
}

func.func @ragged_tf32_k37(%a: tensor<100x37xf32>, %b: tensor<37x100xf32>) -> tensor<100x100xf32> {
  %0 = kiln.matmul %a, %b : tensor<100x37xf32>, tensor<37x100xf32> -> tensor<100x100xf32>
  return %0 : tensor<100x100xf32>
}

func.func @ffn_tf32(%x: tensor<2x64x256xf32>, %w: tensor<256x1024xf32>, %bias: tensor<1024xf32>) -> tensor<2x64x1024xf32> {
  %0 = kiln.matmul %x, %w : tensor<2x64x256xf32>, tensor<256x1024xf32> -> tensor<2x64x1024xf32>
  %1 = kiln.add %0, %bias : tensor<2x64x1024xf32>, tensor<1024xf32> -> tensor<2x64x1024xf32>
  %2 = kiln.gelu %1 : tensor<2x64x1024xf32>
  return %2 : tensor<2x64x1024xf32>
}

func.func @square_f16(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  %0 = kiln.matmul %a, %b : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
  return %0 : tensor<512x512xf16>
}

func.func @ragged_f16(%a: tensor<200x136xf16>, %b: tensor<136x120xf16>) -> tensor<200x120xf16> {
  %0 = kiln.matmul %a, %b : tensor<200x136xf16>, tensor<136x120xf16> -> tensor<200x120xf16>
  return %0 : tensor<200x120xf16>
}

func.func @ragged_bf16_k36(%a: tensor<100x36xbf16>, %b: tensor<36x100xbf16>) -> tensor<100x100xbf16> {
  %0 = kiln.matmul %a, %b : tensor<100x36xbf16>, tensor<36x100xbf16> -> tensor<100x100xbf16>
  return %0 : tensor<100x100xbf16>
}

func.func @batched_f16(%q: tensor<4x128x64xf16>, %k: tensor<4x64x128xf16>) -> tensor<4x128x128xf16> {
  %0 = kiln.matmul %q, %k : tensor<4x128x64xf16>, tensor<4x64x128xf16> -> tensor<4x128x128xf16>
  return %0 : tensor<4x128x128xf16>
}

func.func @ffn_bf16(%x: tensor<2x64x256xbf16>, %w: tensor<256x1024xbf16>, %bias: tensor<1024xbf16>) -> tensor<2x64x1024xbf16> {
  %0 = kiln.matmul %x, %w : tensor<2x64x256xbf16>, tensor<256x1024xbf16> -> tensor<2x64x1024xbf16>
  %1 = kiln.add %0, %bias : tensor<2x64x1024xbf16>, tensor<1024xbf16> -> tensor<2x64x1024xbf16>
  %2 = kiln.gelu %1 : tensor<2x64x1024xbf16>
  return %2 : tensor<2x64x1024xbf16>
}

func.func @proj_residual_f16(%x: tensor<1x64x256xf16>, %w: tensor<256x256xf16>, %bias: tensor<256xf16>, %res: tensor<1x64x256xf16>) -> tensor<1x64x256xf16> {
  %0 = kiln.matmul %x, %w : tensor<1x64x256xf16>, tensor<256x256xf16> -> tensor<1x64x256xf16>
  %1 = kiln.add %0, %bias : tensor<1x64x256xf16>, tensor<256xf16> -> tensor<1x64x256xf16>
  %2 = kiln.add %1, %res : tensor<1x64x256xf16>, tensor<1x64x256xf16> -> tensor<1x64x256xf16>
  return %2 : tensor<1x64x256xf16>
}
