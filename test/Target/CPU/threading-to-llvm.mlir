// End to end below the kiln dialect: a hand-written scf.forall nest on memrefs goes
// through the threading passes and the LLVM stage of the cpu pipeline
// (convert-openmp-to-llvm right before reconcile-unrealized-casts), is
// translated to LLVM IR (the OpenMP translation outlines the region and
// calls __kmpc_fork_call), linked with libomp and run: the results are
// right, and with OMP_NUM_THREADS=3 three threads did the work.
//
// RUN: rm -rf %t && split-file %s %t
// RUN: kiln-opt %t/kernel.mlir --kiln-cpu-threading --lower-affine --convert-scf-to-cf --expand-strided-metadata --lower-affine --canonicalize --cse --arith-expand --convert-math-to-llvm --convert-math-to-libm --convert-arith-to-llvm --finalize-memref-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-openmp-to-llvm --reconcile-unrealized-casts --canonicalize -o %t/kernel.llvm.mlir
// RUN: FileCheck %s --check-prefix=DIALECT < %t/kernel.llvm.mlir
// RUN: mlir-translate --mlir-to-llvmir %t/kernel.llvm.mlir -o %t/kernel.ll
// RUN: FileCheck %s --check-prefix=LLVMIR < %t/kernel.ll
// RUN: %cc -O1 -fopenmp -Wno-override-module %t/driver.c %t/kernel.ll -lm -o %t/kernel.exe
// RUN: env OMP_NUM_THREADS=3 %t/kernel.exe | FileCheck %s --check-prefix=THREE
// RUN: env OMP_NUM_THREADS=1 %t/kernel.exe | FileCheck %s --check-prefix=ONE

// One parallel region (the inner forall is sequential), all in the LLVM
// dialect.
// DIALECT:       llvm.func @kernel(
// DIALECT:         omp.parallel {
// DIALECT-NEXT:      omp.wsloop {
// DIALECT-NEXT:        omp.loop_nest (%{{.*}}) : i64 =
// DIALECT-NOT:     omp.parallel
// DIALECT-NOT:     unrealized_conversion_cast
// DIALECT:       llvm.func @_mlir_ciface_kernel(

// LLVMIR-DAG: call void (ptr, i32, ptr, ...) @__kmpc_fork_call(
// LLVMIR-DAG: call void @__kmpc_for_static_init_8u(
// LLVMIR-DAG: declare !callback !{{[0-9]+}} void @__kmpc_fork_call(ptr, i32, ptr, ...)

// THREE: mismatches 0
// THREE-NEXT: threads 3
// ONE: mismatches 0
// ONE-NEXT: threads 1

//--- kernel.mlir
// B[i, j] = exp(A[i, j]) + i; T[t] = 1 for each thread t that ran a tile.
// Tiles of 8 rows (8 iterations: all of 3 threads get some), a nested
// forall inside, and a stack buffer per tile.
func.func private @omp_get_thread_num() -> i32
func.func @kernel(%A: memref<64x32xf32>, %B: memref<64x32xf32>,
                  %T: memref<16xi32>) attributes {llvm.emit_c_interface} {
  %one = arith.constant 1 : i32
  scf.forall (%i0) = (0) to (64) step (8) {
    %t = func.call @omp_get_thread_num() : () -> i32
    %ti = arith.index_cast %t : i32 to index
    memref.store %one, %T[%ti] : memref<16xi32>
    %buf = memref.alloca() : memref<8x32xf32>
    scf.forall (%ii, %j) in (8, 32) {
      %i = arith.addi %i0, %ii : index
      %v = memref.load %A[%i, %j] : memref<64x32xf32>
      %e = math.exp %v : f32
      %i64 = arith.index_cast %i : index to i64
      %fi = arith.sitofp %i64 : i64 to f32
      %r = arith.addf %e, %fi : f32
      memref.store %r, %buf[%ii, %j] : memref<8x32xf32>
    }
    %sub = memref.subview %B[%i0, 0] [8, 32] [1, 1]
        : memref<64x32xf32> to memref<8x32xf32, strided<[32, 1], offset: ?>>
    memref.copy %buf, %sub
        : memref<8x32xf32> to memref<8x32xf32, strided<[32, 1], offset: ?>>
  }
  return
}

//--- driver.c
#include <math.h>
#include <stdint.h>
#include <stdio.h>
typedef struct { void *alloc, *aligned; int64_t off, sizes[2], strides[2]; } m2;
typedef struct { void *alloc, *aligned; int64_t off, sizes[1], strides[1]; } m1;
void _mlir_ciface_kernel(m2 *a, m2 *b, m1 *t);
int main(void) {
  static float A[64 * 32], B[64 * 32];
  static int32_t T[16];
  for (int i = 0; i < 64 * 32; ++i)
    A[i] = (float)(i % 17) / 17.0f - 0.5f;
  m2 a = {A, A, 0, {64, 32}, {32, 1}}, b = {B, B, 0, {64, 32}, {32, 1}};
  m1 t = {T, T, 0, {16}, {1}};
  for (int rep = 0; rep < 20; ++rep) /* back-to-back parallel regions */
    _mlir_ciface_kernel(&a, &b, &t);
  int bad = 0, threads = 0;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 32; ++j) {
      float want = expf(A[i * 32 + j]) + (float)i;
      if (fabsf(B[i * 32 + j] - want) > 1e-5f * fabsf(want) + 1e-6f)
        ++bad;
    }
  for (int i = 0; i < 16; ++i)
    threads += T[i];
  printf("mismatches %d\nthreads %d\n", bad, threads);
  return bad != 0;
}
