// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file -verify-diagnostics

func.func @reshape_dynamic(%a: tensor<?x4xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'kiln.reshape' op with a dynamic dimension cannot be lowered to linalg yet}}
  %0 = kiln.reshape %a : tensor<?x4xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @rope_dynamic_head_dim(%x: tensor<2x?xf32>, %c: tensor<2x1xf32>, %s: tensor<2x1xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{'kiln.rope' op with a dynamic last (head) dimension cannot be lowered to linalg}}
  %r = kiln.rope %x, %c, %s : (tensor<2x?xf32>, tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x?xf32>
  return %r : tensor<2x?xf32>
}

// -----

func.func @attention_dynamic_heads(%q: tensor<1x?x3x4xf32>, %k: tensor<1x?x3x4xf32>, %v: tensor<1x?x3x4xf32>) -> tensor<1x?x3x4xf32> {
  // expected-error @+1 {{'kiln.attention' op with a dynamic number of heads cannot be lowered to linalg}}
  %r = kiln.attention %q, %k, %v : (tensor<1x?x3x4xf32>, tensor<1x?x3x4xf32>, tensor<1x?x3x4xf32>) -> tensor<1x?x3x4xf32>
  return %r : tensor<1x?x3x4xf32>
}
