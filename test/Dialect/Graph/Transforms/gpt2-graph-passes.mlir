// RUN: kiln-opt %examples/gpt2_block.mlir -kiln-recognize-attention -kiln-form-fusion-groups | FileCheck %s
// RUN: kiln-opt %examples/gpt2_block.mlir -kiln-form-fusion-groups -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s --check-prefix=SCHED

// The GPT-2 block already uses kiln.attention: recognition leaves it as it
// is. Fusion groups: qkv matmul + bias; attention projection + bias +
// residual; fc + bias + gelu; mlp projection + bias + residual. The layer
// norms feed a matmul (no elementwise consumer) and stay alone; the
// residual %h has two users, so the next layer norm is not fused into it.

// CHECK-LABEL: func.func @gpt2_block
// CHECK: kiln.layer_norm
// CHECK-NOT: kiln.fusion_group
// CHECK-SAME: -> tensor<1x64x256xf32>
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 0 : i64} : tensor<1x64x256xf32>, tensor<256x768xf32>
// CHECK-NEXT: kiln.add {{.*}}{kiln.fusion_group = 0 : i64} : tensor<1x64x768xf32>, tensor<768xf32>
// CHECK-NEXT: kiln.slice
// CHECK: kiln.attention
// CHECK-NOT: kiln.fusion_group
// CHECK-SAME: causal
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 1 : i64} : tensor<1x64x256xf32>, tensor<256x256xf32>
// CHECK-NEXT: kiln.add {{.*}}{kiln.fusion_group = 1 : i64} : tensor<1x64x256xf32>, tensor<256xf32>
// CHECK-NEXT: %[[H:.*]] = kiln.add %arg0, {{.*}}{kiln.fusion_group = 1 : i64}
// CHECK: kiln.layer_norm %[[H]]
// CHECK-NOT: kiln.fusion_group
// CHECK-SAME: -> tensor<1x64x256xf32>
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 2 : i64} : tensor<1x64x256xf32>, tensor<256x1024xf32>
// CHECK-NEXT: kiln.add {{.*}}{kiln.fusion_group = 2 : i64} : tensor<1x64x1024xf32>, tensor<1024xf32>
// CHECK-NEXT: kiln.gelu {{.*}} approximate = tanh {kiln.fusion_group = 2 : i64}
// CHECK: kiln.matmul {{.*}}{kiln.fusion_group = 3 : i64} : tensor<1x64x1024xf32>, tensor<1024x256xf32>
// CHECK-NEXT: kiln.add {{.*}}{kiln.fusion_group = 3 : i64} : tensor<1x64x256xf32>, tensor<256xf32>
// CHECK-NEXT: kiln.add %[[H]], {{.*}}{kiln.fusion_group = 3 : i64}
// CHECK-NEXT: return
// CHECK-NOT: kiln.fusion_group = 4

// kiln-select-schedules carries the group into the schedule.
// SCHED-LABEL: func.func @gpt2_block
// SCHED: kiln.matmul {{.*}}kiln.fusion_group = 0 : i64, {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 0, prefetch = 2>} : tensor<1x64x256xf32>, tensor<256x768xf32>
// SCHED-NEXT: kiln.add {{.*}}kiln.fusion_group = 0 : i64, {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 0>}
// SCHED: kiln.attention {{.*}}kiln.schedule = #kiln.schedule<tiles = {{[^>]*}}]]>}
// SCHED: kiln.gelu {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 2>}
// SCHED: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 3>} : tensor<1x64x1024xf32>
// SCHED-NEXT: kiln.add {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 3>}
// SCHED-NEXT: kiln.add {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 3>}
// SCHED-NEXT: return
