// kiln-gpu-contract-fma: a product used once by an add becomes math.fma.
// RUN: kiln-opt %s --pass-pipeline="builtin.module(gpu.module(kiln-gpu-contract-fma))" | FileCheck %s

// CHECK-LABEL: gpu.func @k
// CHECK: %[[F:.*]] = math.fma %arg0, %arg1, %arg2 : f32
// CHECK: %[[G:.*]] = math.fma %arg0, %arg1, %[[F]] : f32
// The product used twice is kept.
// CHECK: %[[M:.*]] = arith.mulf %arg0, %arg2 : f32
// CHECK: arith.addf %[[M]], %arg1 : f32
// CHECK: arith.addf %[[M]], %[[G]] : f32
gpu.module @m {
  gpu.func @k(%a: f32, %b: f32, %c: f32) kernel {
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %0, %c : f32
    %2 = arith.mulf %a, %b : f32
    %3 = arith.addf %1, %2 : f32
    %4 = arith.mulf %a, %c : f32
    %5 = arith.addf %4, %b : f32
    %6 = arith.addf %4, %3 : f32
    gpu.return
  }
}
