// kiln-gpu-align-workgroup-memory: every workgroup attribution gets
// llvm.align = 16 (cp.async of 16 bytes and ldmatrix need it; the .shared
// array would otherwise be aligned to its element type), which
// convert-gpu-to-nvvm gives the .shared global; a larger one is kept.
// RUN: kiln-opt %s --kiln-gpu-align-workgroup-memory | FileCheck %s
// RUN: kiln-opt %s --kiln-gpu-align-workgroup-memory --convert-gpu-to-nvvm | FileCheck %s --check-prefix=NVVM

// CHECK-LABEL: gpu.func @k
// CHECK-SAME: workgroup(%{{.*}} : memref<64x32xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64})
// NVVM: llvm.mlir.global internal @__wg_k_0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<2048 x f16>
// NVVM: llvm.mlir.global internal @__wg_k_1() {addr_space = 3 : i32, alignment = 32 : i64} : !llvm.array<8 x f32>
gpu.module @m {
  gpu.func @k(%out: memref<f16>) workgroup(%s : memref<64x32xf16, #gpu.address_space<workgroup>>, %t : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64}) kernel {
    %c0 = arith.constant 0 : index
    %v = memref.load %s[%c0, %c0] : memref<64x32xf16, #gpu.address_space<workgroup>>
    memref.store %v, %out[] : memref<f16>
    gpu.return
  }
}
