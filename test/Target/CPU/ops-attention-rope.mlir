// The cpu target against the reference interpreter on reproducible random
// inputs (default tolerances rtol 1e-4, atol 1e-5): attention (plain, causal, causal on a key cache, additive mask with
// grouped-query heads, boolean mask), rope and a small MLP.
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention_causal | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention_causal_kv_cache | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention_mask | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=attention_bool_mask | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rope | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=rope_interleaved | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %s --target=cpu --compare-to=ref --random-inputs --function=mlp_block | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on cpu:
// CHECK: vs target ref: {{.*}}: OK

func.func @attention(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %y = kiln.attention %q, %k, %v : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
  return %y : tensor<1x2x8x16xf32>
}

func.func @attention_causal(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %y = kiln.attention %q, %k, %v causal : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
  return %y : tensor<1x2x8x16xf32>
}

func.func @attention_causal_kv_cache(%q: tensor<1x2x4x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x8xf32>) -> tensor<1x2x4x8xf32> {
  %y = kiln.attention %q, %k, %v causal : (tensor<1x2x4x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x4x8xf32>
  return %y : tensor<1x2x4x8xf32>
}

func.func @attention_mask(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %y = kiln.attention %q, %k, %v mask %m scale = 1.250000e-01 : (tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
  return %y : tensor<2x4x8x16xf32>
}

func.func @attention_bool_mask(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %m: tensor<8x8xi1>) -> tensor<1x2x8x16xf32> {
  %t = kiln.constant dense<true> : tensor<8x1xi1>
  %m1 = kiln.concat %t, %m axis = 1 : tensor<8x1xi1>, tensor<8x8xi1> -> tensor<8x9xi1>
  %mm = kiln.slice %m1 starts = [0, 0] limits = [8, 8] : tensor<8x9xi1> -> tensor<8x8xi1>
  %y = kiln.attention %q, %k, %v mask %mm : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<8x8xi1>) -> tensor<1x2x8x16xf32>
  return %y : tensor<1x2x8x16xf32>
}

func.func @rope(%x: tensor<1x2x8x16xf32>, %c: tensor<8x8xf32>, %s: tensor<8x8xf32>) -> tensor<1x2x8x16xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<1x2x8x16xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x16xf32>
  return %y : tensor<1x2x8x16xf32>
}

func.func @rope_interleaved(%x: tensor<1x2x8x16xf32>, %c: tensor<8x8xf32>, %s: tensor<8x8xf32>) -> tensor<1x2x8x16xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<1x2x8x16xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x16xf32>
  return %y : tensor<1x2x8x16xf32>
}

func.func @mlp_block(%x: tensor<4x16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>, %w2: tensor<32x16xf32>) -> tensor<4x16xf32> {
  %h = kiln.matmul %x, %w1 : tensor<4x16xf32>, tensor<16x32xf32> -> tensor<4x32xf32>
  %hb = kiln.add %h, %b1 : tensor<4x32xf32>, tensor<32xf32> -> tensor<4x32xf32>
  %g = kiln.gelu %hb approximate = tanh : tensor<4x32xf32>
  %o = kiln.matmul %g, %w2 : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
  %y = kiln.add %x, %o : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

