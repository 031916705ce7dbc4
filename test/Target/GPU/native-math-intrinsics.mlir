// kiln-gpu-native-math-intrinsics: the intrinsics NVPTX selects itself are
// called by name, so convert-gpu-to-nvvm leaves no libdevice (__nv_*) calls.
// RUN: kiln-opt %s --pass-pipeline="builtin.module(gpu.module(kiln-gpu-native-math-intrinsics))" | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline="builtin.module(gpu.module(kiln-gpu-native-math-intrinsics,convert-gpu-to-nvvm))" | FileCheck %s --check-prefix=NVVM

// CHECK-LABEL: gpu.func @k
// CHECK: llvm.call_intrinsic "llvm.fabs.f32"(%{{.*}}) : (f32) -> f32
// CHECK: llvm.call_intrinsic "llvm.floor.f16"(%{{.*}}) : (f16) -> f16
// CHECK: llvm.call_intrinsic "llvm.ceil.f64"(%{{.*}}) : (f64) -> f64
// CHECK: llvm.call_intrinsic "llvm.sqrt.f32"(%{{.*}}) : (f32) -> f32
// Vectors keep the op.
// CHECK: llvm.intr.sqrt(%{{.*}}) : (vector<2xf32>) -> vector<2xf32>
// exp2 on f32 (NVPTX: ex2.approx.f32).
// CHECK: llvm.call_intrinsic "llvm.exp2.f32"(%{{.*}}) : (f32) -> f32
// NVVM-NOT: __nv_
gpu.module @m {
  gpu.func @k(%a: f32, %b: f16, %c: f64, %v: vector<2xf32>, %out: memref<4xf32>) kernel {
    %0 = llvm.intr.fabs(%a) : (f32) -> f32
    %1 = llvm.intr.floor(%b) : (f16) -> f16
    %2 = llvm.intr.ceil(%c) : (f64) -> f64
    %3 = llvm.intr.sqrt(%0) : (f32) -> f32
    %4 = llvm.intr.sqrt(%v) : (vector<2xf32>) -> vector<2xf32>
    %5 = llvm.intr.exp2(%a) : (f32) -> f32
    gpu.return
  }
}
