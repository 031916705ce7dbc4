// RUN: kiln-opt %s -split-input-file -kiln-recognize-gelu | FileCheck %s

// torch.onnx's form: (x * (erf(x / sqrt(2)) + 1)) * 0.5.
// CHECK-LABEL: func.func @torch_form
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[G:.*]] = kiln.gelu %[[X]] : tensor<2x8xf32>
// CHECK-NEXT: return %[[G]]
func.func @torch_form(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %c = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %u = kiln.div %x, %c : tensor<2x8xf32>, tensor<f32> -> tensor<2x8xf32>
  %e = kiln.erf %u : tensor<2x8xf32>
  %s = kiln.add %e, %one : tensor<2x8xf32>, tensor<f32> -> tensor<2x8xf32>
  %m = kiln.mul %x, %s : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %y = kiln.mul %m, %half : tensor<2x8xf32>, tensor<f32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// BERT's form: x * 0.5 * (1 + erf(x * (1/sqrt(2)))), in f16 (sqrt(2) to
// f16 precision), constants first.
// CHECK-LABEL: func.func @bert_form
// CHECK-NEXT: %[[G:.*]] = kiln.gelu %arg0 : tensor<4xf16>
// CHECK-NEXT: return %[[G]]
func.func @bert_form(%x: tensor<4xf16>) -> tensor<4xf16> {
  %c = kiln.constant dense<0.707> : tensor<1xf16>
  %one = kiln.constant dense<1.0> : tensor<f16>
  %half = kiln.constant dense<0.5> : tensor<f16>
  %u = kiln.mul %c, %x : tensor<1xf16>, tensor<4xf16> -> tensor<4xf16>
  %e = kiln.erf %u : tensor<4xf16>
  %s = kiln.add %one, %e : tensor<f16>, tensor<4xf16> -> tensor<4xf16>
  %h = kiln.mul %x, %half : tensor<4xf16>, tensor<f16> -> tensor<4xf16>
  %y = kiln.mul %h, %s : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// (s * 0.5) * x.
// CHECK-LABEL: func.func @half_first
// CHECK-NEXT: kiln.gelu %arg0
// CHECK-NEXT: return
func.func @half_first(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %u = kiln.div %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %e = kiln.erf %u : tensor<4xf32>
  %s = kiln.add %e, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %m = kiln.mul %s, %half : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %y = kiln.mul %m, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Not GELU: 0.6 instead of 0.5, sqrt(3) instead of sqrt(2), an
// intermediate used twice, and a constant that enlarges x.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: kiln.gelu
// CHECK: return
func.func @not_gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>) {
  %c = kiln.constant dense<1.41421354> : tensor<f32>
  %c3 = kiln.constant dense<1.73205078> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %bighalf = kiln.constant dense<0.5> : tensor<2x4xf32>
  %six = kiln.constant dense<0.6> : tensor<f32>
  %u = kiln.div %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %e = kiln.erf %u : tensor<4xf32>
  %s = kiln.add %e, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %m = kiln.mul %x, %s : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y = kiln.mul %m, %six : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %u2 = kiln.div %x, %c3 : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %e2 = kiln.erf %u2 : tensor<4xf32>
  %s2 = kiln.add %e2, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %m2 = kiln.mul %x, %s2 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y2 = kiln.mul %m2, %half : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %u3 = kiln.div %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %e3 = kiln.erf %u3 : tensor<4xf32>
  %s3 = kiln.add %e3, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %m3 = kiln.mul %x, %s3 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y3 = kiln.mul %m3, %half : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %u4 = kiln.div %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %e4 = kiln.erf %u4 : tensor<4xf32>
  %s4 = kiln.add %e4, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %m4 = kiln.mul %x, %s4 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y4 = kiln.mul %m4, %bighalf : tensor<4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  return %y, %y2, %y3, %m3, %s, %y4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>
}
