// kiln-run --target=gpu of fused attention on the stand-in driver
// (Inputs/fake_cuda.c: kernels are looked up and launched but not run).
// What this checks: the host side of kiln-gpu-flash-attention: one launch
// per attention, grid (query tiles, batch * heads), one warp per 16 query
// rows, the shared memory as dynamic shared memory at launch (query tile +
// stages x key and value tiles, past the 48 KiB static limit where the
// schedule says so). Numerics: flash-attention-on-gpu.mlir, on a GPU only.
// RUN: rm -rf %t && mkdir -p %t/fake
// RUN: %cc -shared -fPIC %S/Inputs/fake_cuda.c -o %t/fake/libcuda.so.1
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log FAKE_CUDA_SM=80 kiln-run %s --function=causal_hd64 --random-inputs --target=gpu:sm80 | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// CHECK: @causal_hd64 on gpu
// sm80's choice: 16-row query tiles (1 warp), 128-key tiles, 3 stages:
// (16 x 64 + 3 x 128 x (64 + 64)) x 2 bytes = 100352 (over 48 KiB: the
// runtime raises the kernel's dynamic shared memory limit first: attribute 8,
// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
// grid ceil(200 / 16) x (2 x 4).
// LOG: cuFuncSetAttribute(causal_hd64_kernel, 8, 100352)
// LOG: cuLaunchKernel(causal_hd64_kernel, grid 13x8x1, block 32x1x1, smem 100352, stream set, params set) (not executed)
// LOG-NOT: cuLaunchKernel
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log2 FAKE_CUDA_SM=90 kiln-run %s --function=hd128 --random-inputs --target=gpu:sm90 | FileCheck %s --check-prefix=HD128
// RUN: FileCheck %s --check-prefix=LOG2 < %t/log2
// HD128: @hd128 on gpu
// sm90's choice for head dim 128: 128-row query tiles (8 warps), 32-key
// tiles, 3 stages: (128 x 128 + 3 x 32 x 256) x 2 = 81920 bytes; grid
// 1024 / 128 x 16 heads.
// LOG2: cuLaunchKernel(hd128_kernel, grid 8x16x1, block 256x1x1, smem 81920, stream set, params set) (not executed)
// LOG2-NOT: cuLaunchKernel

func.func @causal_hd64(%q: tensor<2x4x200x64xf16>, %k: tensor<2x4x200x64xf16>, %v: tensor<2x4x200x64xf16>) -> tensor<2x4x200x64xf16> {
  %0 = kiln.attention %q, %k, %v causal : (tensor<2x4x200x64xf16>, tensor<2x4x200x64xf16>, tensor<2x4x200x64xf16>) -> tensor<2x4x200x64xf16>
  return %0 : tensor<2x4x200x64xf16>
}

func.func @hd128(%q: tensor<1x16x1024x128xf16>, %k: tensor<1x16x1024x128xf16>, %v: tensor<1x16x1024x128xf16>) -> tensor<1x16x1024x128xf16> {
  %0 = kiln.attention %q, %k, %v : (tensor<1x16x1024x128xf16>, tensor<1x16x1024x128xf16>, tensor<1x16x1024x128xf16>) -> tensor<1x16x1024x128xf16>
  return %0 : tensor<1x16x1024x128xf16>
}
