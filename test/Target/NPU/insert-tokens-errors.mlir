// kiln-npu-insert-tokens rejects what it cannot synchronise, with the
// buffer's location.
// RUN: kiln-opt %s -split-input-file --kiln-npu-attach-target=target=edge --kiln-npu-insert-tokens -verify-diagnostics

// Both queues use a nest-level buffer inside one loop: no place in the
// nest's block for the hand-off between them (the lowering allocates such
// a buffer inside the loop).
func.func @one_loop(%in: memref<4x8xf32>, %out: memref<4x8xf32>) attributes {npu.num_inputs = 1 : i64} {
  scf.execute_region {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    // expected-error @+1 {{is used by the load and the compute queues inside one scf.for; the NPU lowering allocates a buffer that two queues share in the block that holds their uses}}
    %t = memref.alloc() : memref<8xf32, 1>
    scf.for %i = %c0 to %c4 step %c1 {
      %row = memref.subview %in[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
      npu.dma %row, %t : memref<8xf32, strided<[1], offset: ?>>, memref<8xf32, 1>
      npu.vec_unary "exp" %t, %t : memref<8xf32, 1>, memref<8xf32, 1>
    }
    scf.yield
  }
  return
}

// -----

func.func @three(%in: memref<8xf32>, %out: memref<8xf32>) attributes {npu.num_inputs = 1 : i64} {
  scf.execute_region {
    // expected-error @+1 {{is used by three queues; the NPU lowering gives each on-chip buffer at most two}}
    %t = memref.alloc() : memref<8xf32, 1>
    npu.dma %in, %t : memref<8xf32>, memref<8xf32, 1>
    npu.vec_unary "exp" %t, %t : memref<8xf32, 1>, memref<8xf32, 1>
    npu.dma %t, %out : memref<8xf32, 1>, memref<8xf32>
    scf.yield
  }
  return
}
