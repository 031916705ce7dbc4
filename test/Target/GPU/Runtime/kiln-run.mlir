// kiln-run --target=gpu[:DESC] (GPUExecutionTarget).
//
// Without a CUDA driver it says so plainly, up front, with a non-zero exit:
// what a machine without a GPU (the CI machine) checks.
// UNSUPPORTED: cuda-driver
// RUN: not kiln-run %s --random-inputs --target=gpu 2>&1 | FileCheck %s --check-prefix=NODRIVER
// RUN: not kiln-run %s --random-inputs --target=gpu:sm90 2>&1 | FileCheck %s --check-prefix=NODRIVER
// RUN: not kiln-run %s --random-inputs --compare-to=gpu 2>&1 | FileCheck %s --check-prefix=COMPARE
// NODRIVER: kiln-run: error: no CUDA driver found (libcuda.so.1: cannot open shared object file: No such file or directory); --target=gpu runs on an NVIDIA GPU with its driver (kilnc --target=gpu --emit=ptx compiles without one)
// COMPARE: kiln-run: error: --compare-to: no CUDA driver found
// The same wherever the driver is looked for.
// RUN: env KILN_CUDA_DRIVER=%t.missing/libcuda.so.1 not kiln-run %s --random-inputs --target=gpu 2>&1 | FileCheck %s --check-prefix=PATH
// PATH: kiln-run: error: no CUDA driver found ({{.*}}.missing/libcuda.so.1: cannot open shared object file: No such file or directory)
// RUN: not kiln-run %s --target=gpux 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: kiln-run: error: unknown target 'gpux'; available targets: ref, cpu, gpu[:DESC]

func.func @f(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kiln.add %a, %b : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
