// RUN: kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/schedules.json" | FileCheck %s
// RUN: not kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/bad-entry.json" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/wrong-loops.json" 2>&1 | FileCheck %s --check-prefix=LOOPS
// RUN: not kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/unknown-key.json" 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: not kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/not-json.json" 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: not kiln-opt %s -kiln-select-schedules="target=cpu:x86-64-avx2 schedule-file=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING

// Keys are "<func>:<n>", n the op's index among the function's kiln ops:
// f:0 is the constant, f:1 the add, f:2 the relu.

// CHECK: kiln.constant
// CHECK: kiln.add {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 0], [4, 0], [1, 8]], group = 7>}
// CHECK: kiln.relu {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [0, 0], [1, 8]]>}

// BAD: schedule file '{{.*}}bad-entry.json': entry 'f:1': cannot parse '#kiln.schedule<tiles = {{\[}}[0, 0], [4, 0]], order = [0, 0]>' as a #kiln.schedule: #kiln.schedule: order must be a permutation of [0, 2), got [0, 0]
// LOOPS: error: schedule file '{{.*}}wrong-loops.json': entry 'f:1': kiln.schedule tiles have 1 entries per level but 'kiln.add' has 2 loops [d0, d1]
// KEY: error: schedule file '{{.*}}unknown-key.json': entry 'f:9' names no kiln op
// JSON: error: schedule file '{{.*}}not-json.json': invalid JSON
// MISSING: error: schedule file '{{.*}}missing.json': cannot read

func.func @f(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %c = kiln.constant dense<1.0> : tensor<64x64xf32>
  %0 = kiln.add %a, %c : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %1 = kiln.relu %0 : tensor<64x64xf32>
  return %1 : tensor<64x64xf32>
}
