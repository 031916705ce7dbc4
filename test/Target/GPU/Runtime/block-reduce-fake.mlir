// kiln-run --target=gpu of block reductions on the stand-in driver
// (Inputs/fake_cuda.c: kernels are looked up and launched but not run).
// What this checks: the host side of kiln-gpu-block-reduce: one launch per
// softmax / norm (its reductions and elementwise steps in one kernel),
// grid = rows / rows per block, block = threads per row x rows per block
// as the schedule says (block-reduce-cost-model.mlir), shared memory
// static. Numerics: block-reduce-on-gpu.mlir, on a GPU only.
// RUN: rm -rf %t && mkdir -p %t/fake
// RUN: %cc -shared -fPIC %S/Inputs/fake_cuda.c -o %t/fake/libcuda.so.1
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log1 kiln-run %s --function=softmax_vocab --random-inputs --target=gpu:sm80 | FileCheck %s --check-prefix=RUN1
// RUN: FileCheck %s --check-prefix=VOCAB < %t/log1
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log2 kiln-run %s --function=softmax_short --random-inputs --target=gpu:sm80 | FileCheck %s --check-prefix=RUN2
// RUN: FileCheck %s --check-prefix=SHORT < %t/log2
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log3 kiln-run %s --function=rms_norm_odd --random-inputs --target=gpu:sm90 | FileCheck %s --check-prefix=RUN3
// RUN: FileCheck %s --check-prefix=RMS < %t/log3
// RUN1: @softmax_vocab on gpu
// Rows of 50257: one row per block of 1024 threads.
// VOCAB: cuLaunchKernel(softmax_vocab_kernel, grid 4x1x1, block 1024x1x1, smem 0, stream set, params set) (not executed)
// VOCAB-NOT: cuLaunchKernel
// RUN2: @softmax_short on gpu
// 33 rows of 20: four rows of one warp per block, 9 blocks.
// SHORT: cuLaunchKernel(softmax_short_kernel, grid 9x1x1, block 32x4x1, smem 0, stream set, params set) (not executed)
// SHORT-NOT: cuLaunchKernel
// RUN3: @rms_norm_odd on gpu
// 7 rows of 333 (scalar loads): 128 threads per row.
// RMS: cuLaunchKernel(rms_norm_odd_kernel, grid 7x1x1, block 128x1x1, smem 0, stream set, params set) (not executed)
// RMS-NOT: cuLaunchKernel

func.func @softmax_vocab(%x: tensor<4x50257xf32>) -> tensor<4x50257xf32> {
  %y = kiln.softmax %x : tensor<4x50257xf32>
  return %y : tensor<4x50257xf32>
}

func.func @softmax_short(%x: tensor<33x20xf32>) -> tensor<33x20xf32> {
  %y = kiln.softmax %x : tensor<33x20xf32>
  return %y : tensor<33x20xf32>
}

func.func @rms_norm_odd(%x: tensor<7x333xf32>, %g: tensor<333xf32>) -> tensor<7x333xf32> {
  %y = kiln.rms_norm %x scale %g : (tensor<7x333xf32>, tensor<333xf32>) -> tensor<7x333xf32>
  return %y : tensor<7x333xf32>
}
