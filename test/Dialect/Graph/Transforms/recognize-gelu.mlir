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

// -----

// torch.onnx.export's nn.GELU(approximate='tanh'):
// 0.5 * (x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * (x * (x * x)))))).
// CHECK-LABEL: func.func @tanh_torch_form
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[G:.*]] = kiln.gelu %[[X]] approximate = tanh : tensor<2x8xf32>
// CHECK-NEXT: return %[[G]]
func.func @tanh_torch_form(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %beta = kiln.constant dense<0.797884583> : tensor<f32>
  %kappa = kiln.constant dense<0.044715> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %sq = kiln.mul %x, %x : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %cube = kiln.mul %x, %sq : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %k = kiln.mul %kappa, %cube : tensor<f32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %i = kiln.add %x, %k : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %v = kiln.mul %beta, %i : tensor<f32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %t = kiln.tanh %v : tensor<2x8xf32>
  %s = kiln.add %one, %t : tensor<f32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %m = kiln.mul %x, %s : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %y = kiln.mul %half, %m : tensor<f32>, tensor<2x8xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// GPT-2's gelu_new: 0.5 * x * (1 + tanh(c * (x + 0.044715 * pow(x, 3)))),
// constants on the right, (x * x) * x not needed: pow.
// CHECK-LABEL: func.func @tanh_pow_form
// CHECK-NEXT: %[[G:.*]] = kiln.gelu %arg0 approximate = tanh : tensor<4xf32>
// CHECK-NEXT: return %[[G]]
func.func @tanh_pow_form(%x: tensor<4xf32>) -> tensor<4xf32> {
  %beta = kiln.constant dense<0.797884583> : tensor<1xf32>
  %kappa = kiln.constant dense<0.044715> : tensor<f32>
  %three = kiln.constant dense<3.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %h = kiln.mul %half, %x : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %cube = kiln.pow %x, %three : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %k = kiln.mul %cube, %kappa : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %i = kiln.add %k, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v = kiln.mul %i, %beta : tensor<4xf32>, tensor<1xf32> -> tensor<4xf32>
  %t = kiln.tanh %v : tensor<4xf32>
  %s = kiln.add %t, %one : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %y = kiln.mul %h, %s : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Not tanh GELU: kappa 0.05 instead of 0.044715, sqrt(1/pi) instead of
// sqrt(2/pi), x^2 instead of x^3, a tanh result used twice, and the cube of
// another value than x. The chains stay as they are.
// CHECK-LABEL: func.func @not_tanh_gelu
// CHECK-NOT: kiln.gelu
// CHECK-COUNT-5: kiln.tanh
// CHECK-NOT: kiln.gelu
// CHECK: return
func.func @not_tanh_gelu(%x: tensor<4xf32>, %z: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %beta = kiln.constant dense<0.797884583> : tensor<f32>
  %badbeta = kiln.constant dense<0.564189613> : tensor<f32>
  %kappa = kiln.constant dense<0.044715> : tensor<f32>
  %badkappa = kiln.constant dense<0.05> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  // kappa 0.05
  %sq1 = kiln.mul %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %c1 = kiln.mul %x, %sq1 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %k1 = kiln.mul %badkappa, %c1 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %i1 = kiln.add %x, %k1 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v1 = kiln.mul %beta, %i1 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %t1 = kiln.tanh %v1 : tensor<4xf32>
  %s1 = kiln.add %one, %t1 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %m1 = kiln.mul %x, %s1 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y1 = kiln.mul %half, %m1 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  // sqrt(1/pi)
  %sq2 = kiln.mul %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %c2 = kiln.mul %x, %sq2 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %k2 = kiln.mul %kappa, %c2 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %i2 = kiln.add %x, %k2 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v2 = kiln.mul %badbeta, %i2 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %t2 = kiln.tanh %v2 : tensor<4xf32>
  %s2 = kiln.add %one, %t2 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %m2 = kiln.mul %x, %s2 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y2 = kiln.mul %half, %m2 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  // x^2
  %sq3 = kiln.mul %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %k3 = kiln.mul %kappa, %sq3 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %i3 = kiln.add %x, %k3 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v3 = kiln.mul %beta, %i3 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %t3 = kiln.tanh %v3 : tensor<4xf32>
  %s3 = kiln.add %one, %t3 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %m3 = kiln.mul %x, %s3 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y3 = kiln.mul %half, %m3 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  // tanh used twice (%t4 is also returned)
  %sq4 = kiln.mul %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %c4 = kiln.mul %x, %sq4 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %k4 = kiln.mul %kappa, %c4 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %i4 = kiln.add %x, %k4 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v4 = kiln.mul %beta, %i4 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %t4 = kiln.tanh %v4 : tensor<4xf32>
  %s4 = kiln.add %one, %t4 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %m4 = kiln.mul %x, %s4 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y4 = kiln.mul %half, %m4 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  // z^3 added to x
  %sq5 = kiln.mul %z, %z : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %c5 = kiln.mul %z, %sq5 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %k5 = kiln.mul %kappa, %c5 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %i5 = kiln.add %x, %k5 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %v5 = kiln.mul %beta, %i5 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %t5 = kiln.tanh %v5 : tensor<4xf32>
  %s5 = kiln.add %one, %t5 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %m5 = kiln.mul %x, %s5 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %y5 = kiln.mul %half, %m5 : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  return %y1, %y2, %y3, %y4, %t4, %y5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
