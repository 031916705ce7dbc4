module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @scale(%a: memref<16xf32>) kernel {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<16xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %a[%i] : memref<16xf32>
      gpu.return
    }
  }
  func.func @main() -> i32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %c16 = arith.constant 16 : index
    %seven = arith.constant 7.0 : f32
    %h = memref.alloc() : memref<16xf32>
    %back = memref.alloc() : memref<16xf32>
    memref.store %seven, %h[%c3] : memref<16xf32>
    %t0 = gpu.wait async
    %d, %t1 = gpu.alloc async [%t0] () : memref<16xf32>
    %t2 = gpu.memcpy async [%t1] %d, %h : memref<16xf32>, memref<16xf32>
    %t3 = gpu.launch_func async [%t2] @kernels::@scale blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%d : memref<16xf32>)
    %t4 = gpu.memcpy async [%t3] %back, %d : memref<16xf32>, memref<16xf32>
    %t5 = gpu.dealloc async [%t4] %d : memref<16xf32>
    gpu.wait [%t5]
    %v = memref.load %back[%c3] : memref<16xf32>
    memref.dealloc %h : memref<16xf32>
    memref.dealloc %back : memref<16xf32>
    %ok = arith.cmpf oeq, %v, %seven : f32
    %r0 = arith.constant 0 : i32
    %r1 = arith.constant 1 : i32
    %r = arith.select %ok, %r0, %r1 : i32
    return %r : i32
  }
}
