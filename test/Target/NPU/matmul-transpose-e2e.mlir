// matmul with transpose_a / transpose_b: the operand is read through a
// view with its last two dims (sizes and strides) swapped, so the DMA into
// SPAD transposes (f32 rtol 1e-4; bf16 inputs with f32 accumulation).
// The strided DRAM reads are element runs: DMA-bound, low array use.
// RUN: kiln-run %s --target=npu:edge --function=tb --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=tb --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=ta --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=tab --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK: matrix unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR-LABEL: func.func @tb
// IR: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [2, 24, 50], strides: [1200, 1, 24]
// IR: npu.matmul

func.func @tb(%q: tensor<2x37x24xf32>, %k: tensor<2x50x24xf32>) -> tensor<2x37x50xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<2x37x24xf32>, tensor<2x50x24xf32> -> tensor<2x37x50xf32>
  return %s : tensor<2x37x50xf32>
}
func.func @ta(%a: tensor<40x33xbf16>, %b: tensor<40x20xbf16>) -> tensor<33x20xbf16> {
  %s = kiln.matmul %a, %b transpose_a : tensor<40x33xbf16>, tensor<40x20xbf16> -> tensor<33x20xbf16>
  return %s : tensor<33x20xbf16>
}
func.func @tab(%a: tensor<100x70xf32>, %b: tensor<90x100xf32>) -> tensor<70x90xf32> {
  %s = kiln.matmul %a, %b transpose_a transpose_b : tensor<100x70xf32>, tensor<90x100xf32> -> tensor<70x90xf32>
  return %s : tensor<70x90xf32>
}
