// --emit=tiled prints linalg after schedule-driven tiling and vectorization;
// a schedule written on the op overrides the cost model and changes the loop
// nest: here a 2x16 register tile with a k block of 8 instead of the
// model's choice (pinned too, for x86-64-avx2).
// RUN: kilnc %s --target=cpu:x86-64-avx2 --emit=tiled | FileCheck %s
// The model: 6-row chunks over the threads, 6x16 register tiles, k whole.
// CHECK-LABEL: func.func @model
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK: scf.forall (%{{.*}}) = (0) to (48) step (6)
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C48]] step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// The override: no threads, k blocks of 8, 2x16 register tiles.
// CHECK-LABEL: func.func @override
// CHECK-NOT: scf.forall
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C8]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C2]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C8]] step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-2: vector.fma {{.*}} : vector<16xf32>
func.func @model(%a: tensor<48x48xf32>, %b: tensor<48x64xf32>) -> tensor<48x64xf32> {
  %y = kiln.matmul %a, %b : tensor<48x48xf32>, tensor<48x64xf32> -> tensor<48x64xf32>
  return %y : tensor<48x64xf32>
}
func.func @override(%a: tensor<48x48xf32>, %b: tensor<48x64xf32>) -> tensor<48x64xf32> {
  %y = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 8], [2, 16, 1]], order = [1, 2, 0]>} : tensor<48x48xf32>, tensor<48x64xf32> -> tensor<48x64xf32>
  return %y : tensor<48x64xf32>
}
