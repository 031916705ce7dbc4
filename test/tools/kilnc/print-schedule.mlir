// kilnc --print-schedule: one line per scheduled op with the cost model's
// choice for the target and its predicted time; a schedule in the input or in
// --schedule-file wins over the model.
// RUN: kilnc %s --target=cpu:x86-64-avx2 --print-schedule | FileCheck %s --check-prefix=AVX2
// RUN: kilnc %s --target=cpu:aarch64-neon --print-schedule | FileCheck %s --check-prefix=NEON
// RUN: echo '{"mlp:1": "#kiln.schedule<tiles = [[8, 0], [1, 512], [1, 8]]>", "mlp:2": "#kiln.schedule<tiles = [[0, 0, 0], [0, 0, 64], [2, 16, 1]]>"}' > %t.json
// RUN: kilnc %s --target=cpu:x86-64-avx2 --print-schedule --schedule-file=%t.json | FileCheck %s --check-prefix=FILE
// RUN: echo '{"mlp:9": "#kiln.schedule<tiles = [[0, 0, 0], [0, 0, 64], [2, 16, 1]]>"}' > %t.bad.json
// RUN: not kilnc %s --target=cpu:x86-64-avx2 --print-schedule --schedule-file=%t.bad.json 2>&1 | FileCheck %s --check-prefix=BAD

// The matmul and its GELU epilogue form fusion group 0
// (kiln-form-fusion-groups runs first, as in the pipeline).
// AVX2: mlp:0 kiln.matmul (128x768xf32, 768x3072xf32) #kiln.schedule<tiles = {{\[}}[0, 384, 0], [0, 0, 256], [4, 16, 1]], order = [1, 2, 0], group = 0> {{[0-9.]+}} us
// AVX2: mlp:1 kiln.gelu {{.*}}#kiln.schedule<{{.*}}, group = 0>
// The hand-written schedule on the second matmul is kept (and estimated).
// AVX2: mlp:2 kiln.matmul {{.*}}#kiln.schedule<tiles = {{\[}}[0, 64, 0], [0, 0, 128], [6, 16, 1]], order = [1, 2, 0]> {{.*}}us
// NEON: mlp:0 kiln.matmul (128x768xf32, 768x3072xf32) #kiln.schedule<tiles = {{\[}}[0, 192, 0], [0, 0, 0], [4, 8, 1]], order = [1, 2, 0], group = 0> {{[0-9.]+}} us
// NEON: mlp:2 kiln.matmul {{.*}}[6, 16, 1]
// The file sets gelu's schedule; the input's own schedule on the second
// matmul still wins over the file's entry for it.
// FILE: mlp:1 kiln.gelu (128x3072xf32) #kiln.schedule<tiles = {{\[}}[8, 0], [1, 512], [1, 8]], group = 0>
// FILE: mlp:2 kiln.matmul {{.*}}[6, 16, 1]
// BAD: error: schedule file '{{.*}}': entry 'mlp:9' names no kiln op
// BAD-NOT: see current operation
func.func @mlp(%x: tensor<128x768xf32>, %w1: tensor<768x3072xf32>, %w2: tensor<3072x768xf32>) -> tensor<128x768xf32> {
  %h = kiln.matmul %x, %w1 : tensor<128x768xf32>, tensor<768x3072xf32> -> tensor<128x3072xf32>
  %a = kiln.gelu %h : tensor<128x3072xf32>
  %y = kiln.matmul %a, %w2 {kiln.schedule = #kiln.schedule<tiles = [[0, 64, 0], [0, 0, 128], [6, 16, 1]], order = [1, 2, 0]>} : tensor<128x3072xf32>, tensor<3072x768xf32> -> tensor<128x768xf32>
  return %y : tensor<128x768xf32>
}
