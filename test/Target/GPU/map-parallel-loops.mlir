// kiln-gpu-map-parallel-loops: every host-level loop gets the launch
// mapping convert-parallel-loops-to-gpu takes.
// RUN: kiln-opt %s --kiln-gpu-map-parallel-loops | FileCheck %s
// RUN: kiln-opt %s --kiln-gpu-map-parallel-loops --convert-parallel-loops-to-gpu --canonicalize | FileCheck %s --check-prefix=LAUNCH

// Block and thread loops from kiln-gpu-tile keep their roles (innermost =
// x); a loop nested in a thread runs as scf.for.
// CHECK-LABEL: func.func @tiled
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_y, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]
// CHECK: mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]
// LAUNCH-LABEL: func.func @tiled
// LAUNCH: gpu.launch blocks({{.*}}) in ({{.*}} = %c4, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c8, {{.*}} = %c4, {{.*}} = %c1)
func.func @tiled(%x: memref<8x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c32) step (%c4, %c8) {
    scf.parallel (%ti, %tj) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
      %r = arith.addi %i, %ti : index
      %c = arith.addi %j, %tj : index
      scf.parallel (%k) = (%c0) to (%c2) step (%c1) {
        memref.store %zero, %x[%r, %c] : memref<8x32xf32>
        scf.reduce
      }
      scf.reduce
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
    scf.reduce
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// A loop without a schedule: collapsed to one dimension, split into blocks
// of 256 threads with a bounds guard.
// CHECK-LABEL: func.func @untiled
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%[[C256:.*]])
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: processor = thread_x
// CHECK: processor = block_x
// LAUNCH-LABEL: func.func @untiled
// LAUNCH: gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
func.func @untiled(%x: memref<3x5x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c3, %c5, %c7) step (%c1, %c1, %c1) {
    memref.store %zero, %x[%i, %j, %k] : memref<3x5x7xf32>
    scf.reduce
  }
  return
}

// Memory-touching host code outside any loop: one block, one thread.
// CHECK-LABEL: func.func @sequential
// CHECK: scf.parallel
// CHECK-NEXT: scf.for
// CHECK: processor = block_x
// LAUNCH-LABEL: func.func @sequential
// LAUNCH: gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1)
// LAUNCH: scf.for
func.func @sequential(%x: memref<16xf32>, %y: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %x[%i] : memref<16xf32>
    %a = memref.load %y[] : memref<f32>
    %s = arith.addf %v, %a : f32
    memref.store %s, %y[] : memref<f32>
  }
  return
}
