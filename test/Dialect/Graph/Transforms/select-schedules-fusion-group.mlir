// RUN: kiln-opt %s -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s

// kiln-select-schedules copies kiln.fusion_group (written by
// kiln-form-fusion-groups) into the chosen schedule's group; a group already
// written in a hand-made schedule wins; an op without the attribute gets no
// group.
// CHECK-LABEL: func.func @groups
// CHECK: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<{{.*}}, group = 4>}
// CHECK: kiln.add {{.*}}kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 0], [0, 0], [1, 8]], group = 9>}
// CHECK: kiln.relu {{.*}}kiln.schedule = #kiln.schedule<tiles = {{\[\[[^>]*\]\]}}>}
func.func @groups(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %a, %b {kiln.fusion_group = 4 : i64} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %1 = kiln.add %0, %a {kiln.fusion_group = 4 : i64, kiln.schedule = #kiln.schedule<tiles = [[0, 0], [0, 0], [1, 8]], group = 9>} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %2 = kiln.relu %1 : tensor<64x64xf32>
  return %2 : tensor<64x64xf32>
}
