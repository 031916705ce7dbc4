// kiln-run --target=gpu through the real pipeline (buildGPUPipeline, PTX
// JIT-loaded by the driver) on the stand-in driver (Inputs/fake_cuda.c):
// kernels are looked up and launched but do not run, so the output stays
// the zeros the executable put on the device. What this checks is the
// executable's protocol: the kernels load at compile time, each tensor gets
// a device buffer (inputs copied in, the output zero-filled), the function
// runs, the device is synchronized, the output copied back, and everything
// is freed; and the driver's failures become kiln-run errors.
// RUN: rm -rf %t && mkdir -p %t/fake
// RUN: %cc -shared -fPIC %S/Inputs/fake_cuda.c -o %t/fake/libcuda.so.1
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_LOG=%t/log kiln-run %s --function=f --random-inputs --target=gpu --print-output | FileCheck %s
// CHECK: @f on gpu
// CHECK: 0, 0, 0, 0
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// LOG: cuInit(0)
// LOG: cuModuleLoadDataEx(3 options, optimization level {{[0-3]}}, error log of 8192 bytes)
// LOG: cuMemAlloc_v2(128)
// LOG: cuMemcpyHtoD_v2(128)
// LOG: cuMemAlloc_v2(128)
// LOG: cuMemcpyHtoD_v2(128)
// LOG: cuMemAlloc_v2(128)
// LOG: cuMemcpyHtoD_v2(128)
// The host code: its own stream, the kernel, a synchronization.
// LOG: cuStreamCreate(flags 1)
// LOG: cuModuleGetFunction({{.+}}) -> found
// LOG: cuLaunchKernel({{.+}}, stream set, params set) (not executed)
// LOG: cuStreamSynchronize()
// LOG: cuStreamDestroy_v2()
// LOG: cuCtxSynchronize()
// LOG: cuMemcpyDtoH_v2(128)
// LOG: cuMemFree_v2(128 bytes)
// LOG: cuMemFree_v2(128 bytes)
// LOG: cuMemFree_v2(128 bytes)
// LOG: cuModuleUnload()
// LOG: exit: context depth 0, 0 allocations, 0 streams, 0 events, 0 modules live

// A description is picked from the device's compute capability; one newer
// than the device, or none for it, is an error naming the device.
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_SM=80 kiln-run %s --function=f --random-inputs --target=gpu | FileCheck %s --check-prefix=SM80
// SM80: @f on gpu
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_SM=80 not kiln-run %s --function=f --random-inputs --target=gpu:sm90 2>&1 | FileCheck %s --check-prefix=NEWER
// NEWER: kiln-run: error: the GPU description 'gpu-sm90' targets sm_90, newer than this GPU (Kiln Fake GPU, sm_80)
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA_SM=75 not kiln-run %s --function=f --random-inputs --target=gpu 2>&1 | FileCheck %s --check-prefix=NODESC
// NODESC: kiln-run: error: no GPU description for this GPU (Kiln Fake GPU, sm_75); pass --target=gpu:DESC:

// The driver rejects the PTX: a compile-time error with its JIT log.
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA=bad-ptx not kiln-run %s --function=f --random-inputs --target=gpu 2>&1 | FileCheck %s --check-prefix=BADPTX
// BADPTX: kiln-run-fake.mlir:[[# @LINE + 13]]:1: error: gpu target: the GPU did not accept the compiled kernels: loading a GPU module (cuModuleLoadDataEx, PTX JIT at -O{{[0-3]}}) failed: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation failed); JIT log: ptxas application ptx input, line 7; fatal   : Parsing error near 'bogus': syntax error

// A launch or a kernel that fails: a run-time error, no output.
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA=launch-fail not kiln-run %s --function=f --random-inputs --target=gpu --print-output 2>&1 | FileCheck %s --check-prefix=LAUNCH --implicit-check-not="0, 0"
// LAUNCH: error: gpu target: running @f failed: launching a kernel (cuLaunchKernel, grid {{.+}}) failed: CUDA_ERROR_LAUNCH_FAILED (unspecified launch failure)
// RUN: env LD_LIBRARY_PATH=%t/fake FAKE_CUDA=sync-fail not kiln-run %s --function=f --random-inputs --target=gpu 2>&1 | FileCheck %s --check-prefix=SYNC
// SYNC: error: gpu target: running @f failed: {{.*}}CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered)

// What the gpu target refuses before compiling.
// RUN: kiln-run %s --function=f --random-inputs --output-dir=%t
// RUN: env LD_LIBRARY_PATH=%t/fake not kiln-run %s --function=dynamic --input=%t/output_0.npy --target=gpu 2>&1 | FileCheck %s --check-prefix=DYN
// DYN: kiln-run-fake.mlir:[[# @LINE + 7]]:1: error: the gpu target needs static shapes: argument 0 is 'tensor<?x8xf32>' (give the function static shapes, or run it with --target=ref)

func.func @f(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kiln.add %a, %b : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @dynamic(%a: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = kiln.exp %a : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
