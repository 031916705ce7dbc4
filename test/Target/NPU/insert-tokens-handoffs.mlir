// kiln-npu-insert-tokens when a buffer changes hands between two queues
// more than once in program order: one token per hand-off (signalled by the
// queue that used the buffer last, after that use; awaited by the next one
// before its first), and `free` only when the queue that uses the buffer
// first is not the one that uses it last. (The pass used to take the first
// user's queue as the only producer: for compute, load, compute the load's
// wait came before the compute queue's signal in program order, a wait
// nothing had signalled, which the npu dialect's verifier reports as a
// deadlock.)
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-npu-insert-tokens | FileCheck %s

// %p: the compute queue writes its first half (a copy of %a), a DMA writes
// the second half, the compute queue reads both (the order of the bf16
// norms' parameter buffer with the conversion first). Tokens: %a (load ->
// compute) 0/1; %p compute -> load 2, load -> compute 3 (no free: the
// compute queue opens and closes it); %o (compute -> store) 4/5.
// CHECK-LABEL: func.func @compute_load_compute
// CHECK: npu.signal "store", 5
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NOT: npu.signal
// CHECK: npu.wait "load", 1
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 0
// CHECK: npu.wait "compute", 0
// CHECK-NEXT: npu.vec_unary "copy"
// CHECK-NEXT: npu.signal "compute", 2
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NEXT: npu.wait "load", 2
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 3
// CHECK-NEXT: npu.wait "compute", 3
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: npu.vec_binary "add"
// CHECK-NEXT: npu.signal "compute", 4
// CHECK-NEXT: npu.wait "store", 4
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "store", 5
// CHECK-NEXT: npu.wait "load", 1
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: scf.yield
func.func @compute_load_compute(%in: memref<8xf32>, %out: memref<8xf32>) attributes {npu.num_inputs = 1 : i64} {
  scf.execute_region {
    %a = memref.alloc() : memref<8xf32, 1>
    %p = memref.alloc() : memref<16xf32, 1>
    %o = memref.alloc() : memref<8xf32, 1>
    npu.dma %in, %a : memref<8xf32>, memref<8xf32, 1>
    %p0 = memref.subview %p[0] [8] [1] : memref<16xf32, 1> to memref<8xf32, strided<[1]>, 1>
    %p1 = memref.subview %p[8] [8] [1] : memref<16xf32, 1> to memref<8xf32, strided<[1], offset: 8>, 1>
    npu.vec_unary "copy" %a, %p0 : memref<8xf32, 1>, memref<8xf32, strided<[1]>, 1>
    npu.dma %in, %p1 : memref<8xf32>, memref<8xf32, strided<[1], offset: 8>, 1>
    npu.vec_binary "add" %p0, %p1, %o : memref<8xf32, strided<[1]>, 1>, memref<8xf32, strided<[1], offset: 8>, 1>, memref<8xf32, 1>
    npu.dma %o, %out : memref<8xf32, 1>, memref<8xf32>
    scf.yield
  }
  return
}

// -----

// A double-buffered tile in a loop, load, compute, load, compute per
// iteration: hand-offs 0 (load -> compute), 2 (compute -> load), 3 (load ->
// compute), and free 1 (compute back to load, two credits: the trip count
// 4 is a multiple of the copies, so they stay at the nest). %o (compute ->
// store): 4/5.
// CHECK-LABEL: func.func @twice_per_tile
// CHECK: npu.signal "store", 5
// CHECK-NEXT: npu.signal "store", 5
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NEXT: npu.signal "compute", 1
// CHECK: scf.for
// CHECK: npu.wait "load", 1
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 0
// CHECK-NEXT: npu.wait "compute", 0
// CHECK-NEXT: npu.vec_unary "exp"
// CHECK-NEXT: npu.signal "compute", 2
// CHECK-NEXT: npu.wait "load", 2
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "load", 3
// CHECK-NEXT: npu.wait "compute", 3
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: npu.vec_binary "add"
// CHECK-NEXT: npu.signal "compute", 4
// CHECK-NEXT: npu.signal "compute", 1
// CHECK-NEXT: npu.wait "store", 4
// CHECK-NEXT: npu.dma
// CHECK-NEXT: npu.signal "store", 5
// CHECK: npu.wait "load", 1
// CHECK-NEXT: npu.wait "load", 1
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: npu.wait "compute", 5
// CHECK-NEXT: scf.yield
func.func @twice_per_tile(%in: memref<4x8xf32>, %out: memref<4x8xf32>) attributes {npu.num_inputs = 1 : i64} {
  scf.execute_region {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    scf.for %i = %c0 to %c4 step %c1 {
      %t = memref.alloc() {npu.buffers = 2 : i64} : memref<16xf32, 1>
      %o = memref.alloc() {npu.buffers = 2 : i64} : memref<8xf32, 1>
      %t0 = memref.subview %t[0] [8] [1] : memref<16xf32, 1> to memref<8xf32, strided<[1]>, 1>
      %t1 = memref.subview %t[8] [8] [1] : memref<16xf32, 1> to memref<8xf32, strided<[1], offset: 8>, 1>
      %row = memref.subview %in[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
      %orow = memref.subview %out[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
      npu.dma %row, %t0 : memref<8xf32, strided<[1], offset: ?>>, memref<8xf32, strided<[1]>, 1>
      npu.vec_unary "exp" %t0, %t1 : memref<8xf32, strided<[1]>, 1>, memref<8xf32, strided<[1], offset: 8>, 1>
      npu.dma %row, %t0 : memref<8xf32, strided<[1], offset: ?>>, memref<8xf32, strided<[1]>, 1>
      npu.vec_binary "add" %t0, %t1, %o : memref<8xf32, strided<[1]>, 1>, memref<8xf32, strided<[1], offset: 8>, 1>, memref<8xf32, 1>
      npu.dma %o, %orow : memref<8xf32, 1>, memref<8xf32, strided<[1], offset: ?>>
    }
    scf.yield
  }
  return
}

