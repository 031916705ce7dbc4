// RUN: kiln-opt %s -kiln-cpu-prefetch-panels -canonicalize | FileCheck %s
// RUN: kilnc %s --emit=llvm-mlir | FileCheck %s --check-prefix=LLVM
// RUN: kiln-run %s --target=cpu --function=weights --random-inputs --compare-to=ref | FileCheck %s --check-prefix=REF

// The k loop of a packed matmul's register tile, marked by
// kiln-cpu-tile-and-vectorize: before it, the m tile's share of the next n
// panel (B[n + 1, kb .. kb + kc)) is prefetched. 4 m tiles share the
// 16 x 32 f32 panel's 32 lines: 8 each.
// CHECK-LABEL: func.func @marked
// CHECK: scf.for %[[M:.*]] = %c0 to %c4 step %c1
// CHECK: %[[NEXT:.*]] = arith.minui {{.*}}, %c3
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK: memref.prefetch %{{.*}}[%[[NEXT]], %{{.*}}, %{{.*}}, %c0], read, locality<2>, data : memref<4x16x32x1xf32>
// CHECK: scf.for
// CHECK-NOT: kiln.cpu.prefetch_panel
// CHECK: vector.transfer_read
// CHECK-LABEL: func.func @unmarked
// CHECK-NOT: memref.prefetch
func.func @marked(%a: memref<4x16x8x1xf32>, %b: memref<4x16x32x1xf32>, %n: index) -> vector<32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %f0 = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<32xf32>
  %r = scf.for %m = %c0 to %c4 step %c1 iter_args(%acc0 = %init) -> (vector<32xf32>) {
    %s = scf.for %k = %c0 to %c16 step %c1 iter_args(%acc = %acc0) -> (vector<32xf32>) {
      %kk = affine.apply affine_map<(d0) -> (d0)>(%k)
      %av = vector.transfer_read %a[%m, %kk, %c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x16x8x1xf32>, vector<8x1xf32>
      %bv = vector.transfer_read %b[%n, %kk, %c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x16x32x1xf32>, vector<32x1xf32>
      %b1 = vector.shape_cast %bv : vector<32x1xf32> to vector<32xf32>
      %a0 = vector.extract %av[0, 0] : f32 from vector<8x1xf32>
      %ab = vector.broadcast %a0 : f32 to vector<32xf32>
      %f = vector.fma %ab, %b1, %acc : vector<32xf32>
      scf.yield %f : vector<32xf32>
    } {kiln.cpu.prefetch_panel = 2 : i64}
    scf.yield %s : vector<32xf32>
  }
  return %r : vector<32xf32>
}
func.func @unmarked(%b: memref<4x16x32x1xf32>, %n: index) -> vector<32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %f0 = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<32xf32>
  %r = scf.for %m = %c0 to %c4 step %c1 iter_args(%acc0 = %init) -> (vector<32xf32>) {
    %s = scf.for %k = %c0 to %c16 step %c1 iter_args(%acc = %acc0) -> (vector<32xf32>) {
      %kk = affine.apply affine_map<(d0) -> (d0)>(%k)
      %bv = vector.transfer_read %b[%n, %kk, %c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x16x32x1xf32>, vector<32x1xf32>
      %b1 = vector.shape_cast %bv : vector<32x1xf32> to vector<32xf32>
      %f = arith.addf %b1, %acc : vector<32xf32>
      scf.yield %f : vector<32xf32>
    }
    scf.yield %s : vector<32xf32>
  }
  return %r : vector<32xf32>
}

// End to end: the schedule's `prefetch` reaches the generated code, and the
// result still matches the reference (3 n panels, the last one's prefetch
// clamped to itself; 40 rows: 5 m tiles; kc = 16 of K = 40: a partial k
// block).
// LLVM-LABEL: llvm.func @weights
// LLVM: llvm.intr.prefetch
// REF: vs target ref: {{.*}}: OK
func.func @weights(%a: tensor<40x40xf32>, %w: tensor<40x96xf32>) -> tensor<40x96xf32> {
  %y = kiln.matmul %a, %w {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 16], [8, 32, 1]], order = [1, 2, 0], pack = [8, 32, 1], prefetch = 2>} : tensor<40x40xf32>, tensor<40x96xf32> -> tensor<40x96xf32>
  return %y : tensor<40x96xf32>
}
