// kiln-npu-insert-tokens: per on-chip buffer shared by two queues, a
// full/free token pair; `free` credited with the buffer's 2 slots at the
// nest's start (consumer queue) and drained at its end (producer queue).
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu --kiln-npu-insert-tokens | FileCheck %s

// CHECK-LABEL: func.func @mm
// CHECK: scf.execute_region
// One nest, no barrier: B (load -> compute): tokens 0 (full) / 1 (free);
// A: 2 / 3; ACC (compute -> store): 4 / 5.
// CHECK-NEXT: npu.signal "store", 5
// CHECK-NEXT: npu.signal "store", 5
// CHECK-NEXT: npu.signal "compute", 3
// CHECK-NEXT: npu.signal "compute", 3
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NEXT: npu.signal "compute", 1
// CHECK: scf.for
// CHECK: npu.wait "load", 1
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 0
// CHECK: npu.wait "compute", 0
// CHECK-NEXT: scf.for
// CHECK: npu.wait "load", 3
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 2
// CHECK: npu.wait "compute", 2
// CHECK-NEXT: npu.wait "compute", 5
// CHECK: npu.matmul
// CHECK: npu.signal "compute", 4
// CHECK-NEXT: npu.signal "compute", 3
// CHECK: npu.wait "store", 4
// CHECK: npu.dma
// CHECK: npu.signal "store", 5
// CHECK: npu.signal "compute", 1
// CHECK: npu.wait "load", 1
// CHECK-NEXT: npu.wait "load", 1
// CHECK-NEXT: npu.wait "load", 3
// CHECK-NEXT: npu.wait "load", 3
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: scf.yield
func.func @mm(%a: tensor<64x48xf32>, %b: tensor<48x40xf32>) -> tensor<64x40xf32> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [32, 32, 48], [32, 16, 16]], order = [1, 0, 2]>} : tensor<64x48xf32>, tensor<48x40xf32> -> tensor<64x40xf32>
  return %c : tensor<64x40xf32>
}

// Two nests: a barrier of the three queues (tokens 0-2) between them.
// CHECK-LABEL: func.func @two
// CHECK: {npu.op = "kiln.matmul"}
// CHECK-NEXT: npu.signal "load", 0
// CHECK-NEXT: npu.wait "compute", 0
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NEXT: npu.wait "store", 1
// CHECK-NEXT: npu.signal "store", 2
// CHECK-NEXT: npu.signal "store", 2
// CHECK-NEXT: npu.wait "load", 2
// CHECK-NEXT: npu.wait "compute", 2
// CHECK-NEXT: scf.execute_region
func.func @two(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [16, 16, 16], [16, 16, 16]]>} : tensor<16x16xf32>, tensor<16x16xf32> -> tensor<16x16xf32>
  %d = kiln.matmul %c, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [16, 16, 16], [16, 16, 16]]>} : tensor<16x16xf32>, tensor<16x16xf32> -> tensor<16x16xf32>
  return %d : tensor<16x16xf32>
}
