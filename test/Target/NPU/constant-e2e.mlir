// kiln.constant on the NPU: constants are DRAM segments of the program
// (memref.global -> Segment), read by DMA like inputs (f32 rtol 1e-4).
// RUN: kiln-run %s --target=npu:edge --function=bias --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=weights --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=weights --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=splat_bf16 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// RUN: kilnc %s --target=npu:edge --emit=npu-asm | FileCheck %s --check-prefix=ASM
// The bias (0.5, -1.0, ...) as little-endian f32 bytes in a DRAM segment.
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR: memref.global "private" constant @bias_const0 : memref<8xf32> = dense<
// IR-LABEL: func.func @bias
// IR: memref.get_global @bias_const0 : memref<8xf32>
// ASM: .segment @0x100 0000003f000080bf000000400000803e000040bf000040400000c03f000020c0

func.func @bias(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = kiln.constant dense<[0.5, -1.0, 2.0, 0.25, -0.75, 3.0, 1.5, -2.5]> : tensor<8xf32>
  %y = kiln.add %x, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @weights(%x: tensor<5x4xf32>) -> tensor<5x3xf32> {
  %w = kiln.constant dense<[[1.0, 0.5, -1.0], [2.0, -0.5, 0.0], [0.25, 1.5, -2.0], [-1.0, 0.75, 3.0]]> : tensor<4x3xf32>
  %y = kiln.matmul %x, %w : tensor<5x4xf32>, tensor<4x3xf32> -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// bf16 within the reference's bf16 tolerance.
func.func @splat_bf16(%x: tensor<6x16xbf16>) -> tensor<6x16xbf16> {
  %c = kiln.constant dense<1.5> : tensor<6x16xbf16>
  %y = kiln.mul %x, %c : tensor<6x16xbf16>, tensor<6x16xbf16> -> tensor<6x16xbf16>
  return %y : tensor<6x16xbf16>
}
