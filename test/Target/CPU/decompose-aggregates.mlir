// kiln-cpu-decompose-aggregates: linalg.softmax becomes upstream's
// structured parts (max, sub+exp, sum, div); each part iterating over the
// softmax's domain (same loop count) carries its schedule, so the threads'
// level applies to all of them.
// RUN: kiln-opt %s --kiln-cpu-decompose-aggregates | FileCheck %s
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}kiln.schedule = #kiln.schedule<tiles = {{\[}}[1, 0, 0], [0, 0, 0], [1, 1, 16]]>
// CHECK: arith.maxnumf
// CHECK: linalg.generic {{.*}}kiln.schedule = #kiln.schedule
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}kiln.schedule = #kiln.schedule
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}kiln.schedule = #kiln.schedule
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %e = tensor.empty() : tensor<2x4x16xf32>
  %y = linalg.softmax {kiln.schedule = #kiln.schedule<tiles = [[1, 0, 0], [0, 0, 0], [1, 1, 16]]>} dimension(2) ins(%x : tensor<2x4x16xf32>) outs(%e : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}
