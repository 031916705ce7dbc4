// kiln-npu-multi-buffer: each tile marked npu.buffers = 2 becomes two
// copies before its loop, iteration i using copy (i / step) mod 2.
// kiln-npu-assign-addresses: the buffers of a nest get disjoint, 64-byte
// aligned addresses in their SRAM.
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu --kiln-npu-insert-tokens --kiln-npu-multi-buffer --kiln-npu-assign-addresses | FileCheck %s

// CHECK: #[[MAP:.*]] = affine_map<(d0) -> ((d0 floordiv 32) mod 2)>
// CHECK-LABEL: func.func @mm
// CHECK: %[[B:.*]] = memref.alloc() {npu.address = 0 : i64} : memref<2x48x32xf32, 1>
// CHECK-NEXT: scf.for %[[N:.*]] = 
// CHECK-NEXT: %[[SLOT:.*]] = affine.apply #[[MAP]](%[[N]])
// CHECK-NEXT: memref.subview %[[B]][%[[SLOT]], 0, 0] [1, 48, 32] [1, 1, 1]
// CHECK: memref.alloc() {npu.address = 12288 : i64} : memref<2x32x48xf32, 1>
// CHECK: memref.alloc() {npu.address = 0 : i64} : memref<2x2x32x16xf32, 2>
// CHECK-NOT: npu.buffers
func.func @mm(%a: tensor<64x48xf32>, %b: tensor<48x40xf32>) -> tensor<64x40xf32> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [32, 32, 48], [32, 16, 16]], order = [1, 0, 2]>} : tensor<64x48xf32>, tensor<48x40xf32> -> tensor<64x40xf32>
  return %c : tensor<64x40xf32>
}
