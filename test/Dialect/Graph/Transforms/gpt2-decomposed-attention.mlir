// RUN: kiln-opt %s -kiln-recognize-attention | FileCheck %s
// RUN: kiln-opt %s -kiln-recognize-attention -kiln-form-fusion-groups | FileCheck %s --check-prefix=GROUPS

// The GPT-2 block's attention written out as PyTorch's eager code does it:
// q @ k.transpose(-1, -2), * 1/sqrt(64), + additive causal mask, softmax,
// @ v, between the same head split/merge and projections as
// examples/gpt2_block.mlir (weights as arguments).

// CHECK-LABEL: func.func @gpt2_attention
// CHECK-SAME: %[[MASK:[a-z0-9]+]]: tensor<1x1x64x64xf32>
// CHECK-NOT: kiln.softmax
// CHECK: %[[QH:.*]] = kiln.transpose {{.*}} -> tensor<1x4x64x64xf32>
// CHECK: %[[KH:.*]] = kiln.transpose {{.*}} -> tensor<1x4x64x64xf32>
// CHECK: %[[VH:.*]] = kiln.transpose {{.*}} -> tensor<1x4x64x64xf32>
// CHECK-NOT: kiln.softmax
// CHECK: %[[A:.*]] = kiln.attention %[[QH]], %[[KH]], %[[VH]] mask %[[MASK]] : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x4x64x64xf32>
// CHECK-NEXT: kiln.transpose %[[A]] perm = [0, 2, 1, 3]
// CHECK-NOT: kiln.softmax
// CHECK: return

// After recognition, the projections still get their epilogue groups.
// GROUPS: kiln.matmul {{.*}}{kiln.fusion_group = 0 : i64} : tensor<1x64x256xf32>, tensor<256x768xf32>
// GROUPS-NEXT: kiln.add {{.*}}{kiln.fusion_group = 0 : i64}
// GROUPS: kiln.attention
// GROUPS-NOT: kiln.fusion_group
// GROUPS-SAME: -> tensor<1x4x64x64xf32>
// GROUPS: kiln.matmul {{.*}}{kiln.fusion_group = 1 : i64} : tensor<1x64x256xf32>, tensor<256x256xf32>
// GROUPS-NEXT: kiln.add {{.*}}{kiln.fusion_group = 1 : i64}
// GROUPS-NEXT: kiln.add {{.*}}{kiln.fusion_group = 1 : i64}
func.func @gpt2_attention(%x: tensor<1x64x256xf32>, %qkv_w: tensor<256x768xf32>, %qkv_b: tensor<768xf32>, %proj_w: tensor<256x256xf32>, %proj_b: tensor<256xf32>, %mask: tensor<1x1x64x64xf32>) -> tensor<1x64x256xf32> {
  %qkv_mm = kiln.matmul %x, %qkv_w : tensor<1x64x256xf32>, tensor<256x768xf32> -> tensor<1x64x768xf32>
  %qkv = kiln.add %qkv_mm, %qkv_b : tensor<1x64x768xf32>, tensor<768xf32> -> tensor<1x64x768xf32>
  %q = kiln.slice %qkv starts = [0, 0, 0] limits = [1, 64, 256] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  %k = kiln.slice %qkv starts = [0, 0, 256] limits = [1, 64, 512] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  %v = kiln.slice %qkv starts = [0, 0, 512] limits = [1, 64, 768] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  %qh_r = kiln.reshape %q : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %qh = kiln.transpose %qh_r perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  %kh_r = kiln.reshape %k : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %kh = kiln.transpose %kh_r perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  %vh_r = kiln.reshape %v : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %vh = kiln.transpose %vh_r perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  // scores = q @ k^T / sqrt(64) + mask
  %kt = kiln.transpose %kh perm = [0, 1, 3, 2] : tensor<1x4x64x64xf32> -> tensor<1x4x64x64xf32>
  %s = kiln.matmul %qh, %kt : tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32> -> tensor<1x4x64x64xf32>
  %scale = kiln.constant dense<1.250000e-01> : tensor<f32>
  %ss = kiln.mul %s, %scale : tensor<1x4x64x64xf32>, tensor<f32> -> tensor<1x4x64x64xf32>
  %sm = kiln.add %ss, %mask : tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32> -> tensor<1x4x64x64xf32>
  %p = kiln.softmax %sm : tensor<1x4x64x64xf32>
  %attn = kiln.matmul %p, %vh : tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32> -> tensor<1x4x64x64xf32>
  %attn_merged_t = kiln.transpose %attn perm = [0, 2, 1, 3] : tensor<1x4x64x64xf32> -> tensor<1x64x4x64xf32>
  %attn_merged = kiln.reshape %attn_merged_t : tensor<1x64x4x64xf32> -> tensor<1x64x256xf32>
  %proj_mm = kiln.matmul %attn_merged, %proj_w : tensor<1x64x256xf32>, tensor<256x256xf32> -> tensor<1x64x256xf32>
  %proj = kiln.add %proj_mm, %proj_b : tensor<1x64x256xf32>, tensor<256xf32> -> tensor<1x64x256xf32>
  %h = kiln.add %x, %proj : tensor<1x64x256xf32>, tensor<1x64x256xf32> -> tensor<1x64x256xf32>
  return %h : tensor<1x64x256xf32>
}
