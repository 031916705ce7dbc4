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
// TF32 on request: the f32 matmul and its bias epilogue are one launch of
// the schedule's 32 x 64 blocks of one warp (sm90's choice for this shape).
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log3 FAKE_CUDA_SM=90 kiln-run %s --function=tf32_bias --random-inputs --target=gpu:sm90 --f32-matmul=tf32 | FileCheck %s --check-prefix=TF32
// RUN: FileCheck %s --check-prefix=LOG3 < %t/log3
// TF32: @tf32_bias on gpu:sm90
// LOG3: cuLaunchKernel(tf32_bias_kernel, grid 12x16x1, block 32x1x1, smem 0, stream set, params set) (not executed)
// LOG3-NOT: cuLaunchKernel
// Without the option the f32 matmul runs on SIMT FMAs, a different launch.
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log4 FAKE_CUDA_SM=90 kiln-run %s --function=tf32_bias --random-inputs --target=gpu:sm90 | FileCheck %s --check-prefix=TF32
// RUN: FileCheck %s --check-prefix=LOG4 < %t/log4
// LOG4: cuLaunchKernel(tf32_bias_kernel
// LOG4-NOT: grid 12x16x1, block 32x1x1
// An option the target cannot follow is an error before anything runs.
// RUN: not kiln-run %s --function=tf32_bias --random-inputs --target=cpu --f32-matmul=tf32 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: kiln-run: error: f32-matmul=tf32 needs a gpu target (target 'cpu' computes f32 matmuls in f32)
// RUN: not kiln-run %s --function=tf32_bias --random-inputs --target=gpu:sm90 --f32-matmul=fp8 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: kiln-run: error: f32-matmul 'fp8': expected ieee or tf32

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

func.func @tf32_bias(%a: tensor<512x256xf32>, %b: tensor<256x768xf32>, %bias: tensor<768xf32>) -> tensor<512x768xf32> {
  %0 = kiln.matmul %a, %b : tensor<512x256xf32>, tensor<256x768xf32> -> tensor<512x768xf32>
  %1 = kiln.add %0, %bias : tensor<512x768xf32>, tensor<768xf32> -> tensor<512x768xf32>
  return %1 : tensor<512x768xf32>
}
