// The CPU target's threading passes (addCPUThreadingPasses, run after
// bufferization): scf.forall on memrefs -> omp.parallel + omp.wsloop +
// omp.loop_nest; only the outermost parallel loop of a nest becomes a
// parallel region, and no num_threads clause is set (OMP_NUM_THREADS rules).
// RUN: kiln-opt %s --kiln-cpu-threading --split-input-file | FileCheck %s --implicit-check-not=num_threads

// CHECK-LABEL: func.func @one_loop(
// CHECK-SAME:      %[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<64x32xf32>)
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop {
// CHECK-NEXT:        omp.loop_nest (%[[I:.*]], %[[J:.*]]) : index = (%{{.*}}, %{{.*}}) to (%[[C64]], %[[C32]]) step (%[[C8]], %[[C1]]) collapse(2) {
// CHECK-NOT:           stacksave
// CHECK:               %[[V:.*]] = memref.load %[[A]][%[[I]], %[[J]]]
// CHECK:               memref.store %{{.*}}, %[[B]][%[[I]], %[[J]]]
// CHECK-NEXT:          omp.yield
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NOT:     scf.forall
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @one_loop(%A: memref<64x32xf32>, %B: memref<64x32xf32>) {
  scf.forall (%i, %j) = (0, 0) to (64, 32) step (8, 1) {
    %v = memref.load %A[%i, %j] : memref<64x32xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %B[%i, %j] : memref<64x32xf32>
  }
  return
}

// -----

// A nest: the inner scf.forall and scf.parallel become scf.for loops inside
// the one parallel region. The inner forall's stack allocation is scoped to
// its iteration (stacksave / stackrestore), as is each iteration of the
// parallel loop.
// CHECK-LABEL: func.func @nest(
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop {
// CHECK-NEXT:        omp.loop_nest (%[[I:.*]]) : index
// CHECK-NEXT:          %[[SP:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK:               scf.for %[[J:.*]] =
// CHECK-NEXT:            %[[SP2:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT:            memref.alloca() : memref<8xf32>
// CHECK:                 llvm.intr.stackrestore %[[SP2]]
// CHECK-NEXT:          }
// CHECK:               scf.for %[[K:.*]] =
// CHECK-NEXT:            scf.for %[[L:.*]] =
// CHECK:                   memref.store
// CHECK:               llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT:          omp.yield
// CHECK-NOT:     omp.parallel
// CHECK:         return
func.func @nest(%A: memref<64x32xf32>, %B: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %f = arith.constant 1.0 : f32
  scf.forall (%i) in (64) {
    scf.forall (%j) in (4) {
      %s = memref.alloca() : memref<8xf32>
      memref.store %f, %s[%j] : memref<8xf32>
      %v = memref.load %s[%j] : memref<8xf32>
      memref.store %v, %B[%i, %j] : memref<64x32xf32>
    }
    scf.parallel (%k, %l) = (%c0, %c4) to (%c4, %c8) step (%c1, %c1) {
      %v = memref.load %A[%i, %k] : memref<64x32xf32>
      memref.store %v, %B[%i, %l] : memref<64x32xf32>
    }
  }
  return
}

// -----

// Nothing parallel: unchanged.
// CHECK-LABEL: func.func @sequential(
// CHECK-NOT:     omp.
// CHECK:         scf.for
// CHECK-NOT:     omp.
func.func @sequential(%A: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %f, %A[%i] : memref<4xf32>
  }
  return
}
