// Softmax along the last axis on the vector unit (f32, rtol 1e-4): row
// max and sum with vec_reduce, x - max and / sum through column-stride-0
// views of the per-row values; rows stay on chip.
// RUN: kiln-run %s --target=npu:edge --function=softmax --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=scores --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK: vector unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR-LABEL: func.func @softmax
// IR: npu.dma
// IR: npu.vec_reduce "max"
// IR: memref.reinterpret_cast {{.*}} strides: [1, 0]
// IR: npu.vec_binary "sub"
// IR: npu.vec_unary "exp"
// IR: npu.vec_reduce "sum"
// IR: npu.vec_binary "div"
// IR: npu.dma
func.func @softmax(%x: tensor<3x37x50xf32>) -> tensor<3x37x50xf32> {
  %y = kiln.softmax %x : tensor<3x37x50xf32>
  return %y : tensor<3x37x50xf32>
}

// Attention-like scores: q k -> scale -> softmax (unfused nests).
func.func @scores(%q: tensor<64x32xf32>, %k: tensor<32x64xf32>, %s: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %a = kiln.matmul %q, %k : tensor<64x32xf32>, tensor<32x64xf32> -> tensor<64x64xf32>
  %b = kiln.mul %a, %s : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %p = kiln.softmax %b : tensor<64x64xf32>
  return %p : tensor<64x64xf32>
}
