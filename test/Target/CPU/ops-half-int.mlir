// f16, bf16 and integer versions of the ops that accumulate or normalize
// (matmul, softmax, layer_norm, rms_norm, reduce, attention), integer
// division and mean, against the reference interpreter on reproducible
// random inputs.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=matmul_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=softmax_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=layer_norm_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=reduce_sum_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rms_norm_bf16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=gelu_tanh_f16 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=div_i32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=mean_i32 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=pow_f16 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @matmul_f16(%a: tensor<8x64xf16>, %b: tensor<64x8xf16>) -> tensor<8x8xf16> {
  %y = kiln.matmul %a, %b : tensor<8x64xf16>, tensor<64x8xf16> -> tensor<8x8xf16>
  return %y : tensor<8x8xf16>
}
func.func @matmul_bf16(%a: tensor<8x64xbf16>, %b: tensor<64x8xbf16>) -> tensor<8x8xbf16> {
  %y = kiln.matmul %a, %b : tensor<8x64xbf16>, tensor<64x8xbf16> -> tensor<8x8xbf16>
  return %y : tensor<8x8xbf16>
}
func.func @softmax_f16(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %y = kiln.softmax %x : tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
func.func @layer_norm_bf16(%x: tensor<4x64xbf16>) -> tensor<4x64xbf16> {
  %y = kiln.layer_norm %x : (tensor<4x64xbf16>) -> tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}
func.func @reduce_sum_f16(%x: tensor<4x64xf16>) -> tensor<4xf16> {
  %y = kiln.reduce sum %x axes = [1] : tensor<4x64xf16> -> tensor<4xf16>
  return %y : tensor<4xf16>
}
func.func @attention_f16(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>, %v: tensor<1x2x8x16xf16>) -> tensor<1x2x8x16xf16> {
  %y = kiln.attention %q, %k, %v causal : (tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>) -> tensor<1x2x8x16xf16>
  return %y : tensor<1x2x8x16xf16>
}
func.func @rms_norm_bf16(%x: tensor<4x64xbf16>, %g: tensor<64xbf16>) -> tensor<4x64xbf16> {
  %y = kiln.rms_norm %x scale %g : (tensor<4x64xbf16>, tensor<64xbf16>) -> tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}
func.func @gelu_tanh_f16(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %y = kiln.gelu %x approximate = tanh : tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
func.func @div_i32(%a: tensor<16xi32>, %b: tensor<16xi32>) -> tensor<16xi32> {
  %one = kiln.constant dense<3> : tensor<i32>
  %bb = kiln.add %b, %one : tensor<16xi32>, tensor<i32> -> tensor<16xi32>
  %y = kiln.div %a, %bb : tensor<16xi32>, tensor<16xi32> -> tensor<16xi32>
  return %y : tensor<16xi32>
}
func.func @mean_i32(%x: tensor<4x8xi32>) -> tensor<4xi32> {
  %y = kiln.reduce mean %x axes = [1] : tensor<4x8xi32> -> tensor<4xi32>
  return %y : tensor<4xi32>
}
func.func @pow_f16(%a: tensor<4x8xf16>, %b: tensor<8xf16>) -> tensor<4x8xf16> {
  %e = kiln.exp %a : tensor<4x8xf16>
  %y = kiln.pow %e, %b : tensor<4x8xf16>, tensor<8xf16> -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}
