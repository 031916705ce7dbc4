// The cpu lowering pipeline (what `kiln-run --target=cpu` runs before the JIT)
// takes kiln IR all the way to the LLVM dialect: public functions get a C
// interface wrapper whose tensor results are caller-owned out-parameters,
// f32 erf becomes a polynomial (no libm call), and nothing of kiln, linalg, memref, scf or cf
// is left.
// RUN: kiln-opt %s --kiln-lower-to-llvm-cpu | FileCheck %s \
// RUN:   --implicit-check-not='{{[ "](kiln|linalg|tensor|memref|bufferization|scf|cf|affine|arith|math|func)\.}}' \
// RUN:   --implicit-check-not=unrealized_conversion_cast --implicit-check-not=erff

// Temporaries come from the generic allocation functions (BufferCache.c
// backs them with a cache of freed blocks).
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)

// Two inputs and one output: the wrapper takes 3 descriptor pointers.
// CHECK-LABEL: llvm.func @gelu_mlp(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @_mlir_memref_to_llvm_free
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @_mlir_ciface_gelu_mlp(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @gelu_mlp(
// CHECK: llvm.return
func.func @gelu_mlp(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %h = kiln.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %r = kiln.reduce max %h axes = [1] keepdims : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = kiln.sub %h, %r : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %y = kiln.gelu %d : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// A private function is lowered without a C interface.
// CHECK-LABEL: llvm.func @helper(
// CHECK-NOT: emit_c_interface
// CHECK-NOT: _mlir_ciface_helper
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = kiln.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
