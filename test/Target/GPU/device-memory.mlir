// kiln-gpu-device-memory: host buffers move to device memory.
// RUN: kiln-opt %s --kiln-gpu-device-memory --split-input-file --verify-diagnostics | FileCheck %s

memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// CHECK-LABEL: func.func @f
// CHECK: %[[W:.*]] = memref.get_global @weights
// CHECK: %[[DW:.*]] = gpu.alloc () : memref<4xf32>
// CHECK: gpu.memcpy %[[DW]], %[[W]] : memref<4xf32>, memref<4xf32>
// CHECK: %[[T:.*]] = gpu.alloc () : memref<4xf32>
// CHECK: linalg.add ins(%arg0, %[[DW]] : {{.*}}) outs(%[[T]] : memref<4xf32>)
// CHECK: gpu.memcpy %arg1, %[[T]] : memref<4xf32>, memref<4xf32>
// CHECK: %[[S:.*]] = memref.subview
// CHECK: linalg.copy ins(%[[S]] : memref<2xf32, strided<[1], offset: 2>>) outs(%arg2 : memref<2xf32>)
// CHECK: gpu.dealloc %[[T]] : memref<4xf32>
// CHECK: gpu.dealloc %[[DW]] : memref<4xf32>
// CHECK-NEXT: return
func.func @f(%x: memref<4xf32>, %out: memref<4xf32>, %out2: memref<2xf32>) {
  %w = memref.get_global @weights : memref<4xf32>
  %t = memref.alloc() : memref<4xf32>
  linalg.add ins(%x, %w : memref<4xf32>, memref<4xf32>) outs(%t : memref<4xf32>)
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  %s = memref.subview %t[2] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 2>>
  memref.copy %s, %out2 : memref<2xf32, strided<[1], offset: 2>> to memref<2xf32>
  memref.dealloc %t : memref<4xf32>
  return
}

// -----

func.func @stack(%out: memref<4xf32>) {
  // expected-error @+1 {{kiln-gpu-device-memory: a host stack buffer (memref.alloca) outside any parallel loop cannot be used by a kernel}}
  %t = memref.alloca() : memref<4xf32>
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A buffer allocated inside a loop that becomes a kernel is one thread's
// temporary: its stack, sized by the constant upper bound of its extent
// (max(min(2, ...), 0) <= 2), viewed with the allocation's type.
// CHECK-LABEL: func.func @in_loop
// CHECK: scf.forall
// CHECK: %[[S:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[T:.*]] = memref.reinterpret_cast %[[S]] to offset: [0], sizes: [%{{.*}}, 4], strides: [4, 1] : memref<8xf32> to memref<?x4xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[T]] : memref<?x4xf32>)
// CHECK-NOT: dealloc
// CHECK: return
func.func @in_loop(%out: memref<6x4xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (3) {
    %n = affine.min affine_map<(d0) -> (2, 7 - d0 * 2)>(%i)
    %m = affine.max affine_map<(d0) -> (0, d0)>(%n)
    %t = memref.alloc(%m) : memref<?x4xf32>
    linalg.fill ins(%zero : f32) outs(%t : memref<?x4xf32>)
    memref.dealloc %t : memref<?x4xf32>
  }
  return
}
