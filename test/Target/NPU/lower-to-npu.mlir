// kiln-npu-lower-to-npu: a matmul becomes the tile nest its schedule says.
// K fits one SRAM tile (tk = 48) and n is outer: B is loaded once per n
// tile (weight reuse across the M stream), A once per (n, m) tile; the ACC
// tile is blocked by array columns; the drain is one DMA per block.
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s

// CHECK-LABEL: func.func @mm(%{{.*}}: memref<64x48xf32>, %{{.*}}: memref<48x40xf32>, %{{.*}}: memref<64x40xf32>) attributes {npu.num_inputs = 2 : i64}
// CHECK: scf.execute_region
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %c32
// CHECK: memref.alloc() {npu.buffers = 2 : i64} : memref<48x32xf32, 1>
// CHECK: npu.dma %{{.*}}, %{{.*}} : memref<48x?xf32, strided<[40, 1], offset: ?>>, memref<48x?xf32, strided<[32, 1]>, 1>
// CHECK: scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c32
// CHECK: memref.alloc() {npu.buffers = 2 : i64} : memref<32x48xf32, 1>
// CHECK: npu.dma
// CHECK: memref.alloc() {npu.buffers = 2 : i64} : memref<2x32x16xf32, 2>
// CHECK: scf.for %[[K1:.*]] = %{{.*}} to %{{.*}} step %c16
// CHECK: scf.for
// CHECK: %[[ACC:.*]] = arith.cmpi ne, %[[K1]], %{{.*}} : index
// CHECK: npu.matmul %{{.*}}, %{{.*}}, %{{.*}} accumulate(%[[ACC]]) : memref<32x16xf32, {{.*}}, 1>, memref<16x?xf32, {{.*}}, 1>, memref<32x?xf32, strided<[16, 1], offset: ?>, 2>
// CHECK: scf.for
// CHECK: npu.dma %{{.*}}, %{{.*}} : memref<32x?xf32, strided<[16, 1], offset: ?>, 2>, memref<32x?xf32, strided<[40, 1], offset: ?>>
// CHECK: {npu.op = "kiln.matmul"}
func.func @mm(%a: tensor<64x48xf32>, %b: tensor<48x40xf32>) -> tensor<64x40xf32> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [32, 32, 48], [32, 16, 16]], order = [1, 0, 2]>} : tensor<64x48xf32>, tensor<48x40xf32> -> tensor<64x40xf32>
  return %c : tensor<64x40xf32>
}

// A bf16 result drains through a vector cast into SPAD, then one DMA.
// CHECK-LABEL: func.func @bf16
// CHECK: npu.matmul
// CHECK: npu.vec_unary "copy" %{{.*}}, %{{.*}} : memref<16x16xf32, {{.*}}, 2>, memref<16x16xbf16, {{.*}}, 1>
// CHECK: npu.dma %{{.*}}, %{{.*}} : memref<16x32xbf16, {{.*}}, 1>, memref<16x32xbf16{{.*}}>
func.func @bf16(%a: tensor<16x16xbf16>, %b: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [16, 32, 16], [16, 16, 16]], order = [0, 1, 2]>} : tensor<16x16xbf16>, tensor<16x32xbf16> -> tensor<16x32xbf16>
  return %c : tensor<16x32xbf16>
}
