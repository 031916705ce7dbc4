// kiln-run --target=gpu of tensor-core matmuls on the stand-in driver
// (Inputs/fake_cuda.c: kernels are looked up and launched but not run).
// What this checks: the host side of the tensor-core kernels: one launch
// each, with the grid of block tiles (x = n tiles, y = m tiles, z = batch)
// and the warps of the schedule as threads, its shared memory static (no
// dynamic shared memory at launch), and the epilogue in the same kernel
// (no other launch). Numerics: tensor-core-on-gpu.mlir, on a GPU only.
// RUN: rm -rf %t && mkdir -p %t/fake
// RUN: %cc -shared -fPIC %S/Inputs/fake_cuda.c -o %t/fake/libcuda.so.1
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log FAKE_CUDA_SM=80 kiln-run %s --function=mm_bias_gelu --random-inputs --target=gpu:sm80 | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// CHECK: @mm_bias_gelu on gpu
// 256 x 384: 32 x 32 blocks of one warp (sm80's choice for this shape).
// LOG: cuLaunchKernel(mm_bias_gelu_kernel, grid 12x8x1, block 32x1x1, smem 0, stream set, params set) (not executed)
// LOG-NOT: cuLaunchKernel
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log2 FAKE_CUDA_SM=90 kiln-run %s --function=batched --random-inputs --target=gpu:sm90 | FileCheck %s --check-prefix=BATCHED
// RUN: FileCheck %s --check-prefix=LOG2 < %t/log2
// BATCHED: @batched on gpu
// 4 x 128 x 64: 32 x 64 blocks of one warp per batch element (sm90).
// LOG2: cuLaunchKernel(batched_kernel, grid 1x4x4, block 32x1x1, smem 0, stream set, params set) (not executed)
// LOG2-NOT: cuLaunchKernel

func.func @mm_bias_gelu(%a: tensor<256x512xf16>, %b: tensor<512x384xf16>, %bias: tensor<384xf16>) -> tensor<256x384xf16> {
  %0 = kiln.matmul %a, %b : tensor<256x512xf16>, tensor<512x384xf16> -> tensor<256x384xf16>
  %1 = kiln.add %0, %bias : tensor<256x384xf16>, tensor<384xf16> -> tensor<256x384xf16>
  %2 = kiln.gelu %1 : tensor<256x384xf16>
  return %2 : tensor<256x384xf16>
}

func.func @batched(%a: tensor<4x128x64xbf16>, %b: tensor<4x64x64xbf16>) -> tensor<4x128x64xbf16> {
  %0 = kiln.matmul %a, %b : tensor<4x128x64xbf16>, tensor<4x64x64xbf16> -> tensor<4x128x64xbf16>
  return %0 : tensor<4x128x64xbf16>
}
