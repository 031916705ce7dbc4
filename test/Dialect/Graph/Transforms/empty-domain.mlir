// An op with a zero-size dimension has no work: kiln-select-schedules leaves
// it unscheduled (the cost model's per-loop arithmetic needs extents > 0;
// this used to divide by zero).
// RUN: kiln-opt %s -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s
// RUN: kilnc %s --target=cpu:x86-64-avx2 --print-schedule | FileCheck %s --check-prefix=PRINT --allow-empty

// CHECK-LABEL: func.func @zero
// CHECK: kiln.exp
// CHECK-NOT: kiln.schedule
// CHECK: kiln.matmul
// CHECK-NOT: kiln.schedule
// CHECK: return
// PRINT-NOT: kiln.schedule
func.func @zero(%x: tensor<0x4xf32>, %a: tensor<8x0xf32>, %b: tensor<0x4xf32>) -> (tensor<0x4xf32>, tensor<8x4xf32>) {
  %y = kiln.exp %x : tensor<0x4xf32>
  %m = kiln.matmul %a, %b : tensor<8x0xf32>, tensor<0x4xf32> -> tensor<8x4xf32>
  return %y, %m : tensor<0x4xf32>, tensor<8x4xf32>
}
