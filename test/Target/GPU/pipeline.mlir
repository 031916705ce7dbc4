// The GPU pipeline stage by stage (docs/gpu.md): blocks and threads on
// tensors, device buffers and launches, one outlined kernel module, NVVM,
// and the PTX of the description's chip.
// RUN: kilnc %s --target=gpu:sm90 --emit=tiled | FileCheck %s --check-prefix=TILED
// RUN: kilnc %s --target=gpu:sm90 --emit=gpu | FileCheck %s --check-prefix=GPU
// RUN: kilnc %s --target=gpu:sm90 --emit=llvm-mlir | FileCheck %s --check-prefix=LLVM
// RUN: kilnc %s --target=gpu:sm80 --emit=ptx | FileCheck %s --check-prefix=PTX80
// RUN: kilnc %s --target=gpu:sm90 --emit=ptx -o %t.ptx && FileCheck %s --check-prefix=PTX90 < %t.ptx
// RUN: kiln-opt %s --kiln-lower-to-llvm-gpu="target=gpu-sm90" | FileCheck %s --check-prefix=LLVM

// TILED-LABEL: func.func @dense_gelu
// TILED: scf.forall {{.*}} {
// TILED: scf.forall {{.*}} {
// TILED: linalg.fill
// TILED: linalg.matmul
// TILED: linalg.generic
// TILED: math.erf
// TILED: } -> tensor<1x8xf32>
// TILED: {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
// TILED: {mapping = [#gpu.block<y>, #gpu.block<x>]}
// TILED-NOT: scf.forall

// The weights (the splat slice each thread reads, after folding) are
// copied to the device; GELU is fused into the matmul's kernel (its
// epilogue, fusion group 0), which writes the caller's out-parameter; the
// kernel is in @kiln_kernels.
// GPU-LABEL: func.func @dense_gelu
// GPU-SAME: (%[[X:.*]]: memref<64x256xf32>, %[[OUT:.*]]: memref<64x128xf32>) attributes {llvm.emit_c_interface}
// GPU: %[[W:.*]] = memref.get_global
// GPU: %[[DW:.*]] = gpu.alloc () : memref<[[WSHAPE:.*]]>
// GPU: gpu.memcpy %[[DW]], %[[W]]
// GPU: gpu.launch_func @kiln_kernels::@dense_gelu_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c64, %c1)
// GPU-SAME: %[[X]] : memref<64x256xf32>
// GPU-SAME: %[[DW]] : memref<[[WSHAPE]]>
// GPU-SAME: %[[OUT]] : memref<64x128xf32>
// GPU-NOT: gpu.launch_func
// GPU: gpu.dealloc %[[DW]]
// GPU-NEXT: return
// GPU: gpu.module @kiln_kernels
// GPU: gpu.func @dense_gelu_kernel({{.*}}) kernel
// GPU-NOT: gpu.module

// Host: one stream, synchronized before returning; the kernels as a
// gpu.binary of PTX for the description's chip.
// LLVM: llvm.func @dense_gelu(
// LLVM: llvm.call @mgpuStreamCreate
// LLVM: llvm.call @mgpuMemAlloc
// LLVM: llvm.call @mgpuMemcpy
// LLVM: gpu.launch_func <%{{.*}} : !llvm.ptr> @kiln_kernels::@dense_gelu_kernel
// LLVM: llvm.call @mgpuStreamSynchronize
// LLVM: llvm.func @_mlir_ciface_dense_gelu(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// LLVM: gpu.binary @kiln_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "

// PTX80: .version 7.0
// PTX80: .target sm_80
// PTX80: .visible .entry dense_gelu_kernel(
// PTX80: mul.rn.f32
// PTX80-NOT: __nv_
// PTX90: .version 8.0
// PTX90: .target sm_90
func.func @dense_gelu(%x: tensor<64x256xf32>) -> tensor<64x128xf32> {
  %w = kiln.constant dense<0.5> : tensor<256x128xf32>
  %y = kiln.matmul %x, %w : tensor<64x256xf32>, tensor<256x128xf32> -> tensor<64x128xf32>
  %g = kiln.gelu %y : tensor<64x128xf32>
  return %g : tensor<64x128xf32>
}
