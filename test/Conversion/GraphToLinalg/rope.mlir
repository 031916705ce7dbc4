// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// Pairs (i, i + D/2): the partner is read through (d3 + 4) mod 8 and the
// cos/sin tables through d3 mod 4.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[PART:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, (d3 + 4) mod 8)>
// CHECK-DAG: #[[TAB:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3 mod 4)>
// CHECK-LABEL: func.func @rope
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x8xf32>, %[[C:.*]]: tensor<3x4xf32>, %[[S:.*]]: tensor<3x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[PART]], #[[TAB]], #[[TAB]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[X]], %[[C]], %[[S]] :
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[P:.*]]: f32, %[[CO:.*]]: f32, %[[SI:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[IDX:.*]] = linalg.index 3 : index
// CHECK: %[[FIRST:.*]] = arith.cmpi ult, %[[IDX]], %c4
// CHECK: %[[XC:.*]] = arith.mulf %[[IN]], %[[CO]]
// CHECK: %[[PS:.*]] = arith.mulf %[[P]], %[[SI]]
// CHECK: %[[A:.*]] = arith.subf %[[XC]], %[[PS]]
// CHECK: %[[B:.*]] = arith.addf %[[XC]], %[[PS]]
// CHECK: arith.select %[[FIRST]], %[[A]], %[[B]]
// CHECK-NOT: kiln.
func.func @rope(%x: tensor<1x2x3x8xf32>, %c: tensor<3x4xf32>, %s: tensor<3x4xf32>) -> tensor<1x2x3x8xf32> {
  %r = kiln.rope %x, %c, %s : (tensor<1x2x3x8xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<1x2x3x8xf32>
  return %r : tensor<1x2x3x8xf32>
}

// -----

// Pairs (2i, 2i + 1): the partner is d3 xor 1, the tables read d3 floordiv 2.
// CHECK-DAG: #[[PART:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3 - (d3 mod 2) * 2 + 1)>
// CHECK-DAG: #[[TAB:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3 floordiv 2)>
// CHECK-LABEL: func.func @rope_interleaved
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PART]], #[[TAB]], #[[TAB]], #{{.*}}]
// CHECK: arith.remui
// CHECK: arith.cmpi eq
func.func @rope_interleaved(%x: tensor<1x2x3x8xf32>, %c: tensor<3x4xf32>, %s: tensor<3x4xf32>) -> tensor<1x2x3x8xf32> {
  %r = kiln.rope %x, %c, %s interleaved : (tensor<1x2x3x8xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<1x2x3x8xf32>
  return %r : tensor<1x2x3x8xf32>
}
