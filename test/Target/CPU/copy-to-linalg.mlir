// kiln-cpu-copy-to-linalg: a memref.copy between non-identity layouts
// becomes linalg.copy (plain loops, no runtime library call); a contiguous
// copy stays memref.copy (memcpy).
// RUN: kiln-opt %s --kiln-cpu-copy-to-linalg | FileCheck %s
// CHECK-LABEL: func.func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<4x4xf32, strided<[8, 1]>>) outs(%{{.*}} : memref<4x4xf32>)
// CHECK-NOT: memref.copy
func.func @strided(%a: memref<4x4xf32, strided<[8, 1]>>, %b: memref<4x4xf32>) {
  memref.copy %a, %b : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}
// CHECK-LABEL: func.func @dense
// CHECK: memref.copy
func.func @dense(%a: memref<4x4xf32>, %b: memref<4x4xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  return
}
