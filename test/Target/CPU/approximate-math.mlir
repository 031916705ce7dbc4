// kiln-cpu-approximate-math: f32 tanh / erf / exp / log become polynomial
// arithmetic (no libm call left); f64 keeps its math op.
// RUN: kiln-opt %s --kiln-cpu-approximate-math | FileCheck %s
// And the approximations stay within the cpu target's tolerance:
// RUN: kiln-run %s --target=cpu --function=gelu --random-inputs --compare-to=ref | FileCheck %s --check-prefix=E2E
// RUN: kiln-run %s --target=cpu --function=transcendental --random-inputs --compare-to=ref | FileCheck %s --check-prefix=E2E
// E2E-NOT: MISMATCH
// E2E: vs target ref: {{.*}}: OK

// CHECK-LABEL: func.func @f32
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK: return
func.func @f32(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.tanh %x : vector<8xf32>
  %1 = math.erf %0 : vector<8xf32>
  %2 = math.exp %1 : vector<8xf32>
  %3 = math.log %2 : vector<8xf32>
  return %3 : vector<8xf32>
}

// CHECK-LABEL: func.func @f64
// CHECK: math.tanh
func.func @f64(%x: f64) -> f64 {
  %0 = math.tanh %x : f64
  return %0 : f64
}

func.func @gelu(%x: tensor<4x256xf32>) -> tensor<4x256xf32> {
  %a = kiln.gelu %x approximate = tanh : tensor<4x256xf32>
  %b = kiln.gelu %a : tensor<4x256xf32>
  return %b : tensor<4x256xf32>
}

func.func @transcendental(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %t = kiln.tanh %x : tensor<1024xf32>
  %e = kiln.exp %t : tensor<1024xf32>
  %l = kiln.log %e : tensor<1024xf32>
  %r = kiln.erf %l : tensor<1024xf32>
  return %r : tensor<1024xf32>
}
