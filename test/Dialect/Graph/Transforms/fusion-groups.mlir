// RUN: kiln-opt %s -split-input-file -kiln-form-fusion-groups | FileCheck %s

// Epilogue fusion: a matmul and its chain of single-use elementwise
// consumers (bias add, gelu, residual add) share a group; constants do not
// take one.
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK: kiln.constant
// CHECK-NOT: kiln.fusion_group
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.add {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.gelu {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.add {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.cast {{.*}}{kiln.fusion_group = 0 : i64}
func.func @matmul_epilogue(%x: tensor<64x128xf32>, %w: tensor<128x128xf32>, %r: tensor<64x128xf32>) -> tensor<64x128xbf16> {
  %b = kiln.constant dense<1.0> : tensor<128xf32>
  %0 = kiln.matmul %x, %w : tensor<64x128xf32>, tensor<128x128xf32> -> tensor<64x128xf32>
  %1 = kiln.add %0, %b : tensor<64x128xf32>, tensor<128xf32> -> tensor<64x128xf32>
  %2 = kiln.gelu %1 : tensor<64x128xf32>
  %3 = kiln.add %r, %2 : tensor<64x128xf32>, tensor<64x128xf32> -> tensor<64x128xf32>
  %4 = kiln.cast %3 : tensor<64x128xf32> -> tensor<64x128xbf16>
  return %4 : tensor<64x128xbf16>
}

// -----

// silu, relu and mul in an epilogue; a second matmul starts group 1.
// CHECK-LABEL: func.func @two_matmuls
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.silu {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 1 : i64}
// CHECK: kiln.relu {{.*}}{kiln.fusion_group = 1 : i64}
// The mul has two single-use producers, each with a matmul: it joins the
// first (lhs) group only; one matmul per group.
// CHECK: kiln.mul {{.*}}{kiln.fusion_group = 0 : i64}
func.func @two_matmuls(%x: tensor<64x128xf32>, %w1: tensor<128x256xf32>, %w2: tensor<128x256xf32>) -> tensor<64x256xf32> {
  %0 = kiln.matmul %x, %w1 : tensor<64x128xf32>, tensor<128x256xf32> -> tensor<64x256xf32>
  %1 = kiln.silu %0 : tensor<64x256xf32>
  %2 = kiln.matmul %x, %w2 : tensor<64x128xf32>, tensor<128x256xf32> -> tensor<64x256xf32>
  %3 = kiln.relu %2 : tensor<64x256xf32>
  %4 = kiln.mul %1, %3 : tensor<64x256xf32>, tensor<64x256xf32> -> tensor<64x256xf32>
  return %4 : tensor<64x256xf32>
}

// -----

// Normalizations and softmax with their elementwise consumers.
// CHECK-LABEL: func.func @norms
// CHECK: kiln.layer_norm {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.mul {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.rms_norm {{.*}}{kiln.fusion_group = 1 : i64}
// CHECK: kiln.cast {{.*}}{kiln.fusion_group = 1 : i64}
// CHECK: kiln.softmax {{.*}}{kiln.fusion_group = 2 : i64}
// CHECK: kiln.log {{.*}}{kiln.fusion_group = 2 : i64}
func.func @norms(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf16>, tensor<8x64xf32>) {
  %0 = kiln.layer_norm %x : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %1 = kiln.mul %0, %g : tensor<8x64xf32>, tensor<64xf32> -> tensor<8x64xf32>
  %2 = kiln.rms_norm %x scale %g : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %3 = kiln.cast %2 : tensor<8x64xf32> -> tensor<8x64xf16>
  %4 = kiln.softmax %x : tensor<8x64xf32>
  %5 = kiln.log %4 : tensor<8x64xf32>
  return %1, %3, %5 : tensor<8x64xf32>, tensor<8x64xf16>, tensor<8x64xf32>
}

// -----

// Elementwise chains of one shape share a group; a chain's two branches
// merge at the op consuming both. A norm consuming the chain is not fused
// into it (it starts its own group, alone here, so none).
// CHECK-LABEL: func.func @elementwise_chain
// CHECK: kiln.exp {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.tanh {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.neg {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.sub {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.layer_norm
// CHECK-NOT: kiln.fusion_group
// CHECK: return
func.func @elementwise_chain(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = kiln.exp %x : tensor<8x64xf32>
  %1 = kiln.tanh %0 : tensor<8x64xf32>
  %2 = kiln.neg %x : tensor<8x64xf32>
  %3 = kiln.sub %1, %2 : tensor<8x64xf32>, tensor<8x64xf32> -> tensor<8x64xf32>
  %4 = kiln.layer_norm %3 : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %4 : tensor<8x64xf32>
}

// -----

// A producer with two users ends the group: the matmul's result feeds the
// relu and the return; the relu starts its own chain with the sigmoid.
// CHECK-LABEL: func.func @multi_use
// CHECK: kiln.matmul
// CHECK-NOT: kiln.fusion_group
// CHECK-SAME: -> tensor<64x64xf32>
// CHECK-NEXT: kiln.relu {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK-NEXT: kiln.sigmoid {{.*}}{kiln.fusion_group = 0 : i64}
func.func @multi_use(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %0 = kiln.matmul %x, %w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %1 = kiln.relu %0 : tensor<64x64xf32>
  %2 = kiln.sigmoid %1 : tensor<64x64xf32>
  return %0, %2 : tensor<64x64xf32>, tensor<64x64xf32>
}

// -----

// Data movement between producer and consumer ends the group: no group at
// all here (every group would have one op).
// CHECK-LABEL: func.func @transpose_between
// CHECK-NOT: kiln.fusion_group
// CHECK: return
func.func @transpose_between(%x: tensor<64x32xf32>, %w: tensor<32x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %x, %w : tensor<64x32xf32>, tensor<32x64xf32> -> tensor<64x64xf32>
  %1 = kiln.transpose %0 perm = [1, 0] : tensor<64x64xf32> -> tensor<64x64xf32>
  %2 = kiln.relu %1 : tensor<64x64xf32>
  %3 = kiln.reshape %2 : tensor<64x64xf32> -> tensor<4096xf32>
  %4 = kiln.exp %3 : tensor<4096xf32>
  %5 = kiln.reshape %4 : tensor<4096xf32> -> tensor<64x64xf32>
  return %5 : tensor<64x64xf32>
}

// -----

// An elementwise consumer whose broadcast makes its result bigger than the
// matmul's is not fused; neither is a reduce.
// CHECK-LABEL: func.func @bigger_consumer
// CHECK-NOT: kiln.fusion_group
// CHECK: return
func.func @bigger_consumer(%x: tensor<64x32xf32>, %w: tensor<32x64xf32>, %y: tensor<4x64x64xf32>) -> (tensor<4x64x64xf32>, tensor<64xf32>) {
  %0 = kiln.matmul %x, %w : tensor<64x32xf32>, tensor<32x64xf32> -> tensor<64x64xf32>
  %1 = kiln.add %0, %y : tensor<64x64xf32>, tensor<4x64x64xf32> -> tensor<4x64x64xf32>
  %2 = kiln.matmul %x, %w : tensor<64x32xf32>, tensor<32x64xf32> -> tensor<64x64xf32>
  %3 = kiln.reduce sum %2 axes = [1] : tensor<64x64xf32> -> tensor<64xf32>
  return %1, %3 : tensor<4x64x64xf32>, tensor<64xf32>
}

// -----

// Rerunning recomputes: a stale kiln.fusion_group is dropped; ids are
// unique across the functions of the module.
// CHECK-LABEL: func.func @first
// CHECK: kiln.exp {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK: kiln.log {{.*}}{kiln.fusion_group = 0 : i64}
// CHECK-LABEL: func.func @second
// CHECK: kiln.abs %arg0 : tensor<8xf32>
// CHECK: kiln.exp {{.*}}{kiln.fusion_group = 1 : i64}
// CHECK: kiln.sqrt {{.*}}{kiln.fusion_group = 1 : i64}
func.func @first(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = kiln.exp %x : tensor<8xf32>
  %1 = kiln.log %0 : tensor<8xf32>
  return %1 : tensor<8xf32>
}
func.func @second(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = kiln.abs %x {kiln.fusion_group = 7 : i64} : tensor<8xf32>
  %1 = kiln.exp %x : tensor<8xf32>
  %2 = kiln.sqrt %1 : tensor<8xf32>
  return %0, %2 : tensor<8xf32>, tensor<8xf32>
}
