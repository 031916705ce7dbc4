// RUN: not kiln-opt %s -kiln-select-schedules=target=tpu:v4 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not kiln-opt %s -kiln-select-schedules=target=gpu:sm_80 2>&1 | FileCheck %s --check-prefix=GPU
// RUN: not kiln-opt %s -kiln-select-schedules=target=cpu:no-such-chip 2>&1 | FileCheck %s --check-prefix=DESC
// RUN: not kiln-opt %s -kiln-select-schedules=target=cpu:%kiln_src_root/test/tools/kilnc/Inputs/bad-cores.json 2>&1 | FileCheck %s --check-prefix=INVALID

// KIND: error: kiln-select-schedules: unsupported target 'tpu:v4' (expected cpu[:DESC])
// GPU: error: kiln-select-schedules: target 'gpu:sm_80': no GPU target description 'sm_80' (looked for sm_80.json and gpu-sm_80.json in {{.*}})
// DESC: error: kiln-select-schedules: target 'cpu:no-such-chip': {{.*}}no-such-chip
// INVALID: error: kiln-select-schedules: target 'cpu:{{.*}}bad-cores.json': {{.*}}cores

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.relu %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
