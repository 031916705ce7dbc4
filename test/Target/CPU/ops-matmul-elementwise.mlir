// The cpu target against the reference interpreter on reproducible random
// inputs (default tolerances rtol 1e-4, atol 1e-5): matmul (2-D, batched, broadcast batch, transposed, integer), the broadcasting
// binary ops, the unary ops and the activations, in f32, f16, bf16 and integers.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_2d | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_batched | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_bcast_batch | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_transpose_b | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_transpose_a | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_i32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=add_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=sub_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=mul_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=div_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=max_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=min_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=add_scalar | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=pow_bcast | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=add_i32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=mul_i64 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=sub_i8 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=add_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=mul_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=abs | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=neg | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=exp | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=tanh | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=sigmoid | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=relu | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=erf | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=silu | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=log | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=sqrt | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rsqrt | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gelu_erf | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gelu_tanh | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=exp_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gelu_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @matmul_2d(%a: tensor<8x16xf32>, %b: tensor<16x12xf32>) -> tensor<8x12xf32> {
  %y = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<16x12xf32> -> tensor<8x12xf32>
  return %y : tensor<8x12xf32>
}

func.func @matmul_batched(%a: tensor<2x3x8x16xf32>, %b: tensor<2x3x16x8xf32>) -> tensor<2x3x8x8xf32> {
  %y = kiln.matmul %a, %b : tensor<2x3x8x16xf32>, tensor<2x3x16x8xf32> -> tensor<2x3x8x8xf32>
  return %y : tensor<2x3x8x8xf32>
}

func.func @matmul_bcast(%a: tensor<2x8x16xf32>, %b: tensor<16x4xf32>) -> tensor<2x8x4xf32> {
  %y = kiln.matmul %a, %b : tensor<2x8x16xf32>, tensor<16x4xf32> -> tensor<2x8x4xf32>
  return %y : tensor<2x8x4xf32>
}

func.func @matmul_bcast_batch(%a: tensor<2x1x8x16xf32>, %b: tensor<3x16x4xf32>) -> tensor<2x3x8x4xf32> {
  %y = kiln.matmul %a, %b : tensor<2x1x8x16xf32>, tensor<3x16x4xf32> -> tensor<2x3x8x4xf32>
  return %y : tensor<2x3x8x4xf32>
}

func.func @matmul_transpose_b(%a: tensor<2x4x8x16xf32>, %b: tensor<2x4x12x16xf32>) -> tensor<2x4x8x12xf32> {
  %y = kiln.matmul %a, %b transpose_b : tensor<2x4x8x16xf32>, tensor<2x4x12x16xf32> -> tensor<2x4x8x12xf32>
  return %y : tensor<2x4x8x12xf32>
}

func.func @matmul_transpose_a(%a: tensor<16x8xf32>, %b: tensor<16x12xf32>) -> tensor<8x12xf32> {
  %y = kiln.matmul %a, %b transpose_a : tensor<16x8xf32>, tensor<16x12xf32> -> tensor<8x12xf32>
  return %y : tensor<8x12xf32>
}

func.func @matmul_i32(%a: tensor<4x8xi32>, %b: tensor<8x4xi32>) -> tensor<4x4xi32> {
  %y = kiln.matmul %a, %b : tensor<4x8xi32>, tensor<8x4xi32> -> tensor<4x4xi32>
  return %y : tensor<4x4xi32>
}

func.func @add_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.add %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @sub_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.sub %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @mul_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.mul %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @div_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.div %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @max_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.max %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @min_bcast(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %y = kiln.min %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %y : tensor<4x3x8xf32>
}

func.func @add_scalar(%a: tensor<4x8xf32>, %b: tensor<f32>) -> tensor<4x8xf32> {
  %y = kiln.add %a, %b : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @pow_bcast(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %e = kiln.exp %a : tensor<4x8xf32>
  %y = kiln.pow %e, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @add_i32(%a: tensor<4x8xi32>, %b: tensor<8xi32>) -> tensor<4x8xi32> {
  %y = kiln.add %a, %b : tensor<4x8xi32>, tensor<8xi32> -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

func.func @mul_i64(%a: tensor<4x8xi64>, %b: tensor<4x8xi64>) -> tensor<4x8xi64> {
  %y = kiln.mul %a, %b : tensor<4x8xi64>, tensor<4x8xi64> -> tensor<4x8xi64>
  return %y : tensor<4x8xi64>
}

func.func @sub_i8(%a: tensor<16xi8>, %b: tensor<16xi8>) -> tensor<16xi8> {
  %y = kiln.sub %a, %b : tensor<16xi8>, tensor<16xi8> -> tensor<16xi8>
  return %y : tensor<16xi8>
}

func.func @add_f16(%a: tensor<4x8xf16>, %b: tensor<8xf16>) -> tensor<4x8xf16> {
  %y = kiln.add %a, %b : tensor<4x8xf16>, tensor<8xf16> -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}

func.func @mul_bf16(%a: tensor<4x8xbf16>, %b: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %y = kiln.mul %a, %b : tensor<4x8xbf16>, tensor<4x8xbf16> -> tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

func.func @abs(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.abs %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @neg(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.neg %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @exp(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.exp %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @tanh(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.tanh %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @sigmoid(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.sigmoid %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @relu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.relu %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @erf(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.erf %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @silu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.silu %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @log(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = kiln.exp %x : tensor<4x16xf32>
  %y = kiln.log %e : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @sqrt(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = kiln.exp %x : tensor<4x16xf32>
  %y = kiln.sqrt %e : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @rsqrt(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = kiln.exp %x : tensor<4x16xf32>
  %y = kiln.rsqrt %e : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @gelu_erf(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.gelu %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @gelu_tanh(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = kiln.gelu %x approximate = tanh : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @exp_f16(%x: tensor<4x16xf16>) -> tensor<4x16xf16> {
  %y = kiln.exp %x : tensor<4x16xf16>
  return %y : tensor<4x16xf16>
}

func.func @gelu_bf16(%x: tensor<4x16xbf16>) -> tensor<4x16xbf16> {
  %y = kiln.gelu %x : tensor<4x16xbf16>
  return %y : tensor<4x16xbf16>
}

