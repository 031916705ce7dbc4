// kilnc --target=npu:NAME: the disassembly (--emit=npu-asm), the encoded
// program (--emit=npubin, the default), the npu dialect (--emit=npu), and
// one error for a description that does not exist.
// RUN: kilnc %s --target=npu:edge --emit=npu-asm | FileCheck %s --check-prefix=ASM
// RUN: kilnc %s --target=npu:edge -o %t.npubin
// RUN: kiln-npu-sim %t.npubin --random-inputs | FileCheck %s --check-prefix=SIM
// RUN: kilnc %s --target=npu:cloud --emit=npu | FileCheck %s --check-prefix=NPU
// RUN: not kilnc %s --target=npu:nosuch 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not kilnc %s --target=npu:edge --emit=obj 2>&1 | FileCheck %s --check-prefix=EMIT

// ASM: ; Kiln NPU program, ISA 1.1
// ASM: .target {"kind": "npu", "name": "npu-edge"
// ASM: .input arg0 f32 [40,24]
// ASM: .input arg1 f32 [24,20]
// ASM: .output result0 f32 [40,20]
// ASM: .queue load
// ASM: dma 1x40x24 spad.f32{{.*}} ; kiln.matmul
// ASM: .queue compute
// ASM: matmul 40x16x16
// ASM: matmul.acc 40x8x16
// ASM: .queue store
// ASM: dma 1x40x16 dram.f32

// SIM: matrix unit utilization
// SIM: DRAM bytes written: 3200

// NPU: module attributes {npu.description = "{{.*}}", npu.target = #npu.target<name = "npu-cloud", rows = 128, cols = 128
// NPU: npu.matmul

// ERR: error: --target=npu:nosuch: no NPU description 'nosuch'

// EMIT: --target=npu:edge emits kiln, npu, npu-asm or npubin

func.func @mm(%a: tensor<40x24xf32>, %b: tensor<24x20xf32>) -> tensor<40x20xf32> {
  %c = kiln.matmul %a, %b : tensor<40x24xf32>, tensor<24x20xf32> -> tensor<40x20xf32>
  return %c : tensor<40x20xf32>
}
