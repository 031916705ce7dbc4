// The cpu pipeline rewrites the graph before it schedules it: attention
// written out as matmul / softmax / matmul (as torch.fx and ONNX exports
// give it) becomes kiln.attention, whose static lowering runs two scheduled
// batch matmuls; sibling matmuls become one. --print-schedule shows the
// rewritten ops, and the result still matches the reference.
// RUN: kilnc %s --target=cpu --print-schedule | FileCheck %s --check-prefix=SCHED
// SCHED: kiln.matmul (1x16x32xf32, 32x96xf32)
// SCHED: kiln.attention
// SCHED-NOT: kiln.softmax
// RUN: kilnc %s --target=cpu --emit=tiled | FileCheck %s --check-prefix=TILED
// TILED-NOT: linalg.softmax
// TILED: vector.fma
// RUN: kiln-run %s --target=cpu --random-inputs --compare-to=ref | FileCheck %s
// CHECK: vs target ref: {{.*}}: OK
func.func @self_attention(%x: tensor<1x16x32xf32>) -> tensor<1x2x16x16xf32> {
  %wq = kiln.constant dense<0.05> : tensor<32x32xf32>
  %wk = kiln.constant dense<-0.03> : tensor<32x32xf32>
  %wv = kiln.constant dense<0.02> : tensor<32x32xf32>
  %q0 = kiln.matmul %x, %wq : tensor<1x16x32xf32>, tensor<32x32xf32> -> tensor<1x16x32xf32>
  %k0 = kiln.matmul %x, %wk : tensor<1x16x32xf32>, tensor<32x32xf32> -> tensor<1x16x32xf32>
  %v0 = kiln.matmul %x, %wv : tensor<1x16x32xf32>, tensor<32x32xf32> -> tensor<1x16x32xf32>
  %q1 = kiln.reshape %q0 : tensor<1x16x32xf32> -> tensor<1x16x2x16xf32>
  %k1 = kiln.reshape %k0 : tensor<1x16x32xf32> -> tensor<1x16x2x16xf32>
  %v1 = kiln.reshape %v0 : tensor<1x16x32xf32> -> tensor<1x16x2x16xf32>
  %q = kiln.transpose %q1 perm = [0, 2, 1, 3] : tensor<1x16x2x16xf32> -> tensor<1x2x16x16xf32>
  %k = kiln.transpose %k1 perm = [0, 2, 1, 3] : tensor<1x16x2x16xf32> -> tensor<1x2x16x16xf32>
  %v = kiln.transpose %v1 perm = [0, 2, 1, 3] : tensor<1x16x2x16xf32> -> tensor<1x2x16x16xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %s0 = kiln.matmul %q, %k transpose_b : tensor<1x2x16x16xf32>, tensor<1x2x16x16xf32> -> tensor<1x2x16x16xf32>
  %s = kiln.div %s0, %c : tensor<1x2x16x16xf32>, tensor<f32> -> tensor<1x2x16x16xf32>
  %p = kiln.softmax %s : tensor<1x2x16x16xf32>
  %o = kiln.matmul %p, %v : tensor<1x2x16x16xf32>, tensor<1x2x16x16xf32> -> tensor<1x2x16x16xf32>
  return %o : tensor<1x2x16x16xf32>
}
