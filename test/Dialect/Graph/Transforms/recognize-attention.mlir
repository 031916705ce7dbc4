// RUN: kiln-opt %s -split-input-file -kiln-recognize-attention | FileCheck %s

// The plain pattern: no scaling op, so the scale is written as 1.0 (the
// op's default would be 1/sqrt(D)).
// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x16x8xf32>, %[[K:.*]]: tensor<1x4x32x8xf32>, %[[V:.*]]: tensor<1x4x32x16xf32>)
// CHECK-NEXT: %[[O:.*]] = kiln.attention %[[Q]], %[[K]], %[[V]] scale = 1.000000e+00 : (tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32>, tensor<1x4x32x16xf32>) -> tensor<1x4x16x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @plain(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x16xf32>) -> tensor<1x4x16x16xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x16x32xf32>
  %p = kiln.softmax %s : tensor<1x4x16x32xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x32xf32>, tensor<1x4x32x16xf32> -> tensor<1x4x16x16xf32>
  return %o : tensor<1x4x16x16xf32>
}

// -----

// Scale by mul with 1/sqrt(64) = 0.125: the default, so no scale attribute;
// the constant operand may come first; softmax axis = 3 is the last axis.
// CHECK-LABEL: func.func @mul_default_scale
// CHECK-NOT: kiln.softmax
// CHECK: %[[O:.*]] = kiln.attention %arg0, %arg1, %arg2 : (tensor<2x4x16x64xf16>, tensor<2x4x16x64xf16>, tensor<2x4x16x64xf16>) -> tensor<2x4x16x64xf16>
// CHECK-NEXT: return %[[O]]
func.func @mul_default_scale(%q: tensor<2x4x16x64xf16>, %k: tensor<2x4x16x64xf16>, %v: tensor<2x4x16x64xf16>) -> tensor<2x4x16x64xf16> {
  %c = kiln.constant dense<1.250000e-01> : tensor<f16>
  %s = kiln.matmul %q, %k transpose_b : tensor<2x4x16x64xf16>, tensor<2x4x16x64xf16> -> tensor<2x4x16x16xf16>
  %t = kiln.mul %c, %s : tensor<f16>, tensor<2x4x16x16xf16> -> tensor<2x4x16x16xf16>
  %p = kiln.softmax %t axis = 3 : tensor<2x4x16x16xf16>
  %o = kiln.matmul %p, %v : tensor<2x4x16x16xf16>, tensor<2x4x16x64xf16> -> tensor<2x4x16x64xf16>
  return %o : tensor<2x4x16x64xf16>
}

// -----

// Scale by mul with another constant: written as it is.
// CHECK-LABEL: func.func @mul_scale
// CHECK: kiln.attention %arg0, %arg1, %arg2 scale = 5.000000e-01 : (tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>) -> tensor<1x2x8x16xbf16>
// CHECK-NOT: kiln.matmul
func.func @mul_scale(%q: tensor<1x2x8x16xbf16>, %k: tensor<1x2x8x16xbf16>, %v: tensor<1x2x8x16xbf16>) -> tensor<1x2x8x16xbf16> {
  %c = kiln.constant dense<5.000000e-01> : tensor<1x1x1x1xbf16>
  %s = kiln.matmul %q, %k transpose_b : tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16> -> tensor<1x2x8x8xbf16>
  %t = kiln.mul %s, %c : tensor<1x2x8x8xbf16>, tensor<1x1x1x1xbf16> -> tensor<1x2x8x8xbf16>
  %p = kiln.softmax %t : tensor<1x2x8x8xbf16>
  %o = kiln.matmul %p, %v : tensor<1x2x8x8xbf16>, tensor<1x2x8x16xbf16> -> tensor<1x2x8x16xbf16>
  return %o : tensor<1x2x8x16xbf16>
}

// -----

// Scale by div with sqrt(D) = 8: the default 1/sqrt(64).
// CHECK-LABEL: func.func @div_default_scale
// CHECK: kiln.attention %arg0, %arg1, %arg2 : (
// CHECK-NOT: kiln.div
func.func @div_default_scale(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x16x64xf32>, %v: tensor<1x4x16x64xf32>) -> tensor<1x4x16x64xf32> {
  %c = kiln.constant dense<8.000000e+00> : tensor<f32>
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x16xf32>
  %t = kiln.div %s, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %t : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return %o : tensor<1x4x16x64xf32>
}

// -----

// Scale by div with another constant: scale = 1/c.
// CHECK-LABEL: func.func @div_scale
// CHECK: kiln.attention %arg0, %arg1, %arg2 scale = 2.500000e-01 : (
func.func @div_scale(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x16x64xf32>, %v: tensor<1x4x16x64xf32>) -> tensor<1x4x16x64xf32> {
  %c = kiln.constant dense<4.000000e+00> : tensor<f32>
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x16xf32>
  %t = kiln.div %s, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %t : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return %o : tensor<1x4x16x64xf32>
}

// -----

// Scale and an additive mask (either operand order of the add). The scale
// is the f32 constant's exact value, 0.2f, not the decimal 0.2.
// CHECK-LABEL: func.func @mask
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<1x1x16x16xf32>
// CHECK: kiln.attention %arg0, %arg1, %arg2 mask %[[M]] scale = 0.20000000298023224 : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x1x16x16xf32>) -> tensor<1x4x16x32xf32>
// CHECK-NOT: kiln.add
func.func @mask(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf32>, %v: tensor<1x4x16x32xf32>, %m: tensor<1x1x16x16xf32>) -> tensor<1x4x16x32xf32> {
  %c = kiln.constant dense<2.000000e-01> : tensor<f32>
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x16xf32>
  %t = kiln.mul %s, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %u = kiln.add %m, %t : tensor<1x1x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %u : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// -----

// A mask without scaling; the mask is a rank-2 [Sq, Sk] tensor.
// CHECK-LABEL: func.func @mask_unscaled
// CHECK: kiln.attention %arg0, %arg1, %arg2 mask %arg3 scale = 1.000000e+00 : (
func.func @mask_unscaled(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf32>, %v: tensor<1x4x16x32xf32>, %m: tensor<16x16xf32>) -> tensor<1x4x16x32xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x16xf32>
  %u = kiln.add %s, %m : tensor<1x4x16x16xf32>, tensor<16x16xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %u : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// -----

// k given as [B, H, D, S] by a kiln.transpose swapping the last two dims,
// feeding a plain matmul: the attention reads k before the transpose.
// CHECK-LABEL: func.func @k_transposed
// CHECK-NOT: kiln.transpose
// CHECK: kiln.attention %arg0, %arg1, %arg2 : (tensor<1x4x16x64xf32>, tensor<1x4x24x64xf32>, tensor<1x4x24x64xf32>) -> tensor<1x4x16x64xf32>
func.func @k_transposed(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x24x64xf32>, %v: tensor<1x4x24x64xf32>) -> tensor<1x4x16x64xf32> {
  %c = kiln.constant dense<1.250000e-01> : tensor<f32>
  %kt = kiln.transpose %k perm = [0, 1, 3, 2] : tensor<1x4x24x64xf32> -> tensor<1x4x64x24xf32>
  %s = kiln.matmul %q, %kt : tensor<1x4x16x64xf32>, tensor<1x4x64x24xf32> -> tensor<1x4x16x24xf32>
  %t = kiln.mul %s, %c : tensor<1x4x16x24xf32>, tensor<f32> -> tensor<1x4x16x24xf32>
  %p = kiln.softmax %t : tensor<1x4x16x24xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x24xf32>, tensor<1x4x24x64xf32> -> tensor<1x4x16x64xf32>
  return %o : tensor<1x4x16x64xf32>
}

// -----

// A transpose with another perm is not k^T.
// CHECK-LABEL: func.func @k_wrong_perm
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax
func.func @k_wrong_perm(%q: tensor<1x4x16x16xf32>, %k: tensor<4x1x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %kt = kiln.transpose %k perm = [1, 0, 3, 2] : tensor<4x1x16x16xf32> -> tensor<1x4x16x16xf32>
  %s = kiln.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %s : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %o : tensor<1x4x16x16xf32>
}

// -----

// The scores have a second user: not fused.
// CHECK-LABEL: func.func @scores_used_twice
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax
func.func @scores_used_twice(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> (tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>) {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %s : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %o, %s : tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>
}

// -----

// The scaled scores and the probabilities have second users: not fused.
// CHECK-LABEL: func.func @intermediates_used_twice
// CHECK-NOT: kiln.attention
// CHECK: return
func.func @intermediates_used_twice(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> (tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>) {
  %c = kiln.constant dense<5.000000e-01> : tensor<f32>
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %t = kiln.mul %s, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %t : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  %s2 = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %p2 = kiln.softmax %s2 : tensor<1x4x16x16xf32>
  %o2 = kiln.matmul %p2, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %o, %t, %o2, %p2 : tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>
}

// -----

// Softmax over another axis: not attention.
// CHECK-LABEL: func.func @softmax_other_axis
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax %{{.*}} axis = 2
func.func @softmax_other_axis(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %s axis = 2 : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %o : tensor<1x4x16x8xf32>
}

// -----

// A scale that is not a constant, and a non-splat constant: not fused.
// CHECK-LABEL: func.func @non_constant_scale
// CHECK-NOT: kiln.attention
// CHECK: kiln.mul
// CHECK: kiln.mul
func.func @non_constant_scale(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %c: tensor<f32>) -> (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %t = kiln.mul %s, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %t : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  %c2 = kiln.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]> : tensor<16xf32>
  %s2 = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x16xf32>
  %t2 = kiln.mul %s2, %c2 : tensor<1x4x16x16xf32>, tensor<16xf32> -> tensor<1x4x16x16xf32>
  %p2 = kiln.softmax %t2 : tensor<1x4x16x16xf32>
  %o2 = kiln.matmul %p2, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %o, %o2 : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
}

// -----

// Rank 3 ([B*H, S, D]): kiln.attention wants rank 4; not fused.
// CHECK-LABEL: func.func @rank3
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax
func.func @rank3(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<4x16x8xf32>, tensor<4x16x8xf32> -> tensor<4x16x16xf32>
  %p = kiln.softmax %s : tensor<4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<4x16x16xf32>, tensor<4x16x8xf32> -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// Broadcast heads (k/v with 1 head against 4 query heads): no GQA/MQA
// inference; not fused.
// CHECK-LABEL: func.func @broadcast_heads
// CHECK-NOT: kiln.attention
// CHECK: kiln.softmax
func.func @broadcast_heads(%q: tensor<1x4x16x8xf32>, %k: tensor<1x1x16x8xf32>, %v: tensor<1x1x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x4x16x16xf32>
  %p = kiln.softmax %s : tensor<1x4x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x16xf32>, tensor<1x1x16x8xf32> -> tensor<1x4x16x8xf32>
  return %o : tensor<1x4x16x8xf32>
}
