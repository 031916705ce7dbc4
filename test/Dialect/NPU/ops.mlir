// Round trip of every npu op (print, parse, print again).
// RUN: kiln-opt %s | kiln-opt | FileCheck %s

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 262144, acc_bytes = 65536, tokens = 8, matrix_types = [f32, bf16], vector_types = [f32, bf16]>} {
  // CHECK-LABEL: func.func @all
  func.func @all(%a: memref<64x16xf32>, %t: memref<100x16xf32>, %o: memref<64x16xf32>, %p: i1) {
    %s = memref.alloc() {npu.address = 0 : i64} : memref<64x16xf32, 1>
    %w = memref.alloc() : memref<16x16xf32, 1>
    %c = memref.alloc() : memref<64x16xf32, 2>
    %i = memref.alloc() : memref<8xi32, 1>
    %g = memref.alloc() : memref<8x16xf32, 1>
    %r = memref.alloc() : memref<64xf32, 1>
    // CHECK: npu.signal "load", 1
    npu.signal "load", 1
    // CHECK: npu.wait "compute", 1
    npu.wait "compute", 1
    // CHECK: npu.dma %{{.*}}, %{{.*}} : memref<64x16xf32>, memref<64x16xf32, 1>
    npu.dma %a, %s : memref<64x16xf32>, memref<64x16xf32, 1>
    // CHECK: npu.dma_gather %{{.*}}[%{{.*}}], %{{.*}} : memref<100x16xf32>, memref<8xi32, 1>, memref<8x16xf32, 1>
    npu.dma_gather %t[%i], %g : memref<100x16xf32>, memref<8xi32, 1>, memref<8x16xf32, 1>
    // CHECK: npu.matmul %{{.*}}, %{{.*}}, %{{.*}} : memref<64x16xf32, 1>, memref<16x16xf32, 1>, memref<64x16xf32, 2>
    npu.matmul %s, %w, %c : memref<64x16xf32, 1>, memref<16x16xf32, 1>, memref<64x16xf32, 2>
    // CHECK: npu.matmul %{{.*}}, %{{.*}}, %{{.*}} accumulate(%{{.*}})
    npu.matmul %s, %w, %c accumulate(%p) : memref<64x16xf32, 1>, memref<16x16xf32, 1>, memref<64x16xf32, 2>
    // CHECK: npu.vec_unary "gelu" %{{.*}}, %{{.*}} : memref<64x16xf32, 2>, memref<64x16xf32, 1>
    npu.vec_unary "gelu" %c, %s : memref<64x16xf32, 2>, memref<64x16xf32, 1>
    // CHECK: npu.vec_binary "add" %{{.*}}, %{{.*}}, %{{.*}}
    npu.vec_binary "add" %c, %s, %s : memref<64x16xf32, 2>, memref<64x16xf32, 1>, memref<64x16xf32, 1>
    // CHECK: npu.vec_reduce "max" %{{.*}}, %{{.*}} : memref<64x16xf32, 1>, memref<64xf32, 1>
    npu.vec_reduce "max" %s, %r : memref<64x16xf32, 1>, memref<64xf32, 1>
    // CHECK: npu.vec_select %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<64x16xi1, 1>, memref<64x16xf32, 1>, memref<64x16xf32, 2>, memref<64x16xf32, 1>
    %m = memref.alloc() : memref<64x16xi1, 1>
    npu.vec_select %m, %s, %c, %s : memref<64x16xi1, 1>, memref<64x16xf32, 1>, memref<64x16xf32, 2>, memref<64x16xf32, 1>
    // CHECK: npu.dma %{{.*}}, %{{.*}} : memref<64x16xf32, 2>, memref<64x16xf32>
    npu.dma %c, %o : memref<64x16xf32, 2>, memref<64x16xf32>
    return
  }
}
