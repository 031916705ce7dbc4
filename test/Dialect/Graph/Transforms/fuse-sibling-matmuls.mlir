// RUN: kiln-opt %s --split-input-file --kiln-fuse-sibling-matmuls | FileCheck %s

// q, k, v projections of one activation with biases: one matmul by the
// weights concatenated along N ([3, 2 | 2 | 1]), one add of the biases
// concatenated the same way (a splat bias included), each result a slice.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3xf32>)
// CHECK: %[[W:.*]] = kiln.constant dense_resource<kiln_fused_weight> : tensor<3x5xf32>
// CHECK: %[[Y:.*]] = kiln.matmul %[[X]], %[[W]] : tensor<1x4x3xf32>, tensor<3x5xf32> -> tensor<1x4x5xf32>
// CHECK: %[[B:.*]] = kiln.constant dense_resource<kiln_fused_bias> : tensor<5xf32>
// CHECK: %[[YB:.*]] = kiln.add %[[Y]], %[[B]]
// CHECK: %[[Q:.*]] = kiln.slice %[[YB]] starts = [0, 0, 0] limits = [1, 4, 2]
// CHECK: %[[K:.*]] = kiln.slice %[[YB]] starts = [0, 0, 2] limits = [1, 4, 4]
// CHECK: %[[V:.*]] = kiln.slice %[[YB]] starts = [0, 0, 4] limits = [1, 4, 5]
// CHECK-NOT: kiln.matmul
// CHECK-NOT: kiln.add
// CHECK: return %[[Q]], %[[K]], %[[V]]
// The weights row by row: [1 2 | 7 8 | 13], [3 4 | 9 10 | 14], [5 6 | 11 12 | 15];
// the biases [0.5 -0.5 | 1.5 2.5 | 3] (after the blob's 4-byte alignment header).
// CHECK: kiln_fused_weight: "0x{{........}}0000803F000000400000E0400000004100005041
// CHECK-SAME: 0000404000008040000010410000204100006041
// CHECK-SAME: 0000A0400000C040000030410000404100007041"
// CHECK: kiln_fused_bias: "0x{{........}}0000003F000000BF0000C03F0000204000004040"
func.func @qkv(%x: tensor<1x4x3xf32>) -> (tensor<1x4x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>) {
  %wq = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %bq = kiln.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %q0 = kiln.matmul %x, %wq : tensor<1x4x3xf32>, tensor<3x2xf32> -> tensor<1x4x2xf32>
  %q = kiln.add %q0, %bq : tensor<1x4x2xf32>, tensor<2xf32> -> tensor<1x4x2xf32>
  %wk = kiln.constant dense<[[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]]> : tensor<3x2xf32>
  %bk = kiln.constant dense<[1.5, 2.5]> : tensor<2xf32>
  %k0 = kiln.matmul %x, %wk : tensor<1x4x3xf32>, tensor<3x2xf32> -> tensor<1x4x2xf32>
  %k = kiln.add %bk, %k0 : tensor<2xf32>, tensor<1x4x2xf32> -> tensor<1x4x2xf32>
  %wv = kiln.constant dense<[[13.0], [14.0], [15.0]]> : tensor<3x1xf32>
  %bv = kiln.constant dense<3.0> : tensor<1xf32>
  %v0 = kiln.matmul %x, %wv : tensor<1x4x3xf32>, tensor<3x1xf32> -> tensor<1x4x1xf32>
  %v = kiln.add %v0, %bv : tensor<1x4x1xf32>, tensor<1xf32> -> tensor<1x4x1xf32>
  return %q, %k, %v : tensor<1x4x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>
}

// -----

// Not every member has a bias: the matmuls fuse, the one bias add stays
// and reads its slice.
// CHECK-LABEL: func.func @one_bias
// CHECK: %[[Y:.*]] = kiln.matmul {{.*}} -> tensor<4x4xf32>
// CHECK: %[[A:.*]] = kiln.slice %[[Y]] starts = [0, 0] limits = [4, 2]
// CHECK: %[[B:.*]] = kiln.slice %[[Y]] starts = [0, 2] limits = [4, 4]
// CHECK: %[[AB:.*]] = kiln.add %[[A]], %{{.*}} : tensor<4x2xf32>, tensor<2xf32>
// CHECK: return %[[AB]], %[[B]]
func.func @one_bias(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w0 = kiln.constant dense<1.0> : tensor<3x2xf32>
  %w1 = kiln.constant dense<2.0> : tensor<3x2xf32>
  %b0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %a = kiln.matmul %x, %w0 : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %ab = kiln.add %a, %b0 : tensor<4x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  %b = kiln.matmul %x, %w1 : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  return %ab, %b : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// What must not fuse: different activations, a weight that is not a
// constant, a transposed weight, a hand-written schedule, and a lone matmul.
// CHECK-LABEL: func.func @not_siblings
// CHECK-COUNT-5: kiln.matmul
// CHECK-NOT: kiln.slice
func.func @not_siblings(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>, %w: tensor<3x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %c = kiln.constant dense<1.0> : tensor<3x2xf32>
  %ct = kiln.constant dense<1.0> : tensor<2x3xf32>
  %a = kiln.matmul %x, %c : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %b = kiln.matmul %y, %c : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %d = kiln.matmul %x, %w : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %e = kiln.matmul %x, %ct transpose_b : tensor<4x3xf32>, tensor<2x3xf32> -> tensor<4x2xf32>
  %f = kiln.matmul %x, %c {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [4, 2, 1]]>} : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  return %a, %b, %d, %e, %f : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}
