// Temporaries (here the intermediate of two chained matmuls) come from the
// generic allocation functions: the JIT and kilnc --emit=lib back them with
// a cache of freed blocks (BufferCache.c); an object alone carries weak
// fallbacks to malloc/free, so it links anywhere.
// RUN: kilnc %s --emit=llvm-ir | FileCheck %s --check-prefix=IR
// IR-DAG: call {{.*}}ptr @_mlir_memref_to_llvm_alloc(i64
// IR-DAG: call void @_mlir_memref_to_llvm_free(ptr
// IR-DAG: define weak {{.*}}ptr @_mlir_memref_to_llvm_alloc(i64 {{.*}}) {{.*}}{
// IR-DAG: define weak {{.*}}void @_mlir_memref_to_llvm_free(ptr {{.*}}) {{.*}}{

// The JIT resolves them to the cache, called twice (the second call reuses
// the first call's blocks) with the same result as the reference.
// RUN: kiln-run %s --target=cpu --random-inputs --compare-to=ref --benchmark=2 | FileCheck %s
// CHECK: vs target ref: {{.*}}: OK
// CHECK: median {{.*}} over 2 runs

// A library holds the cache itself (hidden: each library has its own).
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s --emit=lib -o %t/libchain.so
// RUN: llvm-nm --defined-only %t/libchain.so | FileCheck %s --check-prefix=LIB
// LIB-DAG: t _mlir_memref_to_llvm_alloc
// LIB-DAG: t _mlir_memref_to_llvm_free
func.func @chain(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %ab = kiln.matmul %a, %b : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %abc = kiln.matmul %ab, %c : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %abc : tensor<64x64xf32>
}
