// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// Decomposition with static f32 shapes: k is transposed once, the query
// heads of one kv head (Hq/Hkv = 2) become consecutive rows of a
// [B * Hkv, group * Sq, D] batch, scores = one linalg.batch_matmul; one
// elementwise pass for scale / i1 mask / causal mask on [B, Hq, Sq, Sk];
// linalg.softmax over the keys; p . v as a second batch matmul.
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MASK:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @attention_gqa_mask_causal
// CHECK: %[[KT:.*]] = linalg.transpose ins(%{{.*}} : tensor<1x2x5x8xf32>) outs(%{{.*}} : tensor<1x2x8x5xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[QE:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 3, 8]
// CHECK: %[[QB:.*]] = tensor.collapse_shape %[[QE]] {{\[}}[0, 1], [2, 3], [4]] : tensor<1x2x2x3x8xf32> into tensor<2x6x8xf32>
// CHECK: %[[KB:.*]] = tensor.collapse_shape %[[KT]] {{\[}}[0, 1], [2], [3]] : tensor<1x2x8x5xf32> into tensor<2x8x5xf32>
// CHECK: %[[S:.*]] = linalg.batch_matmul ins(%[[QB]], %[[KB]] : tensor<2x6x8xf32>, tensor<2x8x5xf32>)
// CHECK: %[[SE:.*]] = tensor.expand_shape %[[S]] {{\[}}[0, 1], [2, 3], [4]]
// CHECK: %[[SC:.*]] = tensor.collapse_shape %[[SE]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x2x3x5xf32> into tensor<1x4x3x5xf32>
// CHECK: %[[SCALE:.*]] = arith.constant 0.353553385 : f32
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[OFF:.*]] = arith.subi %c5, %c3 : index
// CHECK: %[[MS:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[MASK]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[SC]], %{{.*}} : tensor<1x4x3x5xf32>, tensor<3x5xi1>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: i1, %{{.*}}: f32):
// CHECK: %[[Y:.*]] = arith.mulf %[[X]], %[[SCALE]]
// CHECK: %[[Z:.*]] = arith.select %[[M]], %[[Y]], %[[NINF]]
// CHECK: %[[I:.*]] = linalg.index 2 : index
// CHECK: %[[J:.*]] = linalg.index 3 : index
// CHECK: %[[L:.*]] = arith.addi %[[I]], %[[OFF]]
// CHECK: %[[H:.*]] = arith.cmpi sgt, %[[J]], %[[L]]
// CHECK: arith.select %[[H]], %[[NINF]], %[[Z]]
// CHECK: %[[P:.*]] = linalg.softmax dimension(3) ins(%[[MS]] : tensor<1x4x3x5xf32>)
// CHECK: %[[PE:.*]] = tensor.expand_shape %[[P]]
// CHECK: %[[PB:.*]] = tensor.collapse_shape %[[PE]] {{.*}} into tensor<2x6x5xf32>
// CHECK: %[[VB:.*]] = tensor.collapse_shape %{{.*}} : tensor<1x2x5x6xf32> into tensor<2x5x6xf32>
// CHECK: linalg.batch_matmul ins(%[[PB]], %[[VB]] : tensor<2x6x5xf32>, tensor<2x5x6xf32>)
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x2x2x3x6xf32> into tensor<1x4x3x6xf32>
// CHECK-NOT: kiln.
func.func @attention_gqa_mask_causal(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x6xf32>, %m: tensor<3x5xi1>) -> tensor<1x4x3x6xf32> {
  %r = kiln.attention %q, %k, %v mask %m causal : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x6xf32>, tensor<3x5xi1>) -> tensor<1x4x3x6xf32>
  return %r : tensor<1x4x3x6xf32>
}

// -----

// A float mask is added (broadcast dims read index 0); an explicit scale;
// f16 runs in f32 and truncates once.
// CHECK-DAG: #[[FM:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-LABEL: func.func @attention_f16_float_mask
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[FM]], #{{.*}}]
// CHECK: arith.mulf
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf
// CHECK-NOT: linalg.index
// CHECK: linalg.softmax dimension(3)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @attention_f16_float_mask(%q: tensor<1x2x3x4xf16>, %k: tensor<1x2x3x4xf16>, %v: tensor<1x2x3x4xf16>, %m: tensor<1x1x1x3xf16>) -> tensor<1x2x3x4xf16> {
  %r = kiln.attention %q, %k, %v mask %m scale = 0.25 : (tensor<1x2x3x4xf16>, tensor<1x2x3x4xf16>, tensor<1x2x3x4xf16>, tensor<1x1x1x3xf16>) -> tensor<1x2x3x4xf16>
  return %r : tensor<1x2x3x4xf16>
}

// -----

// Dynamic sequence lengths: the causal offset is Sk - Sq from tensor.dim.
// CHECK-LABEL: func.func @attention_dynamic
// CHECK: tensor.dim %{{.*}} : tensor<1x2x?x4xf32>
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<1x2x?x?xf32>
// CHECK: arith.subi %{{.*}}, %{{.*}} : index
// CHECK: linalg.index 3
// CHECK: linalg.softmax
func.func @attention_dynamic(%q: tensor<1x2x?x4xf32>, %k: tensor<1x2x?x4xf32>, %v: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %r = kiln.attention %q, %k, %v causal : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %r : tensor<1x2x?x4xf32>
}

// -----

// The attention's schedule is mapped onto its two batch matmuls: heads
// over threads (6 of 12 heads per chunk), the query block (32 rows), the
// 4x64 register tile; p . v keeps the key block (32) as its k block.
// The row-wise parts over [B, H, Sq, Sk] (k^T, the scaled and masked
// scores, the softmax) run on the same threads (6 heads per chunk), one head
// per cache block, in vectors of the register tile's 64 columns.
// CHECK-LABEL: func.func @attention_scheduled
// CHECK: linalg.transpose {{.*}} permutation = [0, 1, 3, 2] {kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 6, 0, 0], [1, 1, 0, 0], [1, 1, 1, 64]]>}
// CHECK: linalg.batch_matmul {kiln.schedule = #kiln.schedule<tiles = {{\[}}[6, 0, 0, 0], [1, 32, 0, 0], [1, 4, 64, 1]]>}
// CHECK: linalg.generic {{.*}} attrs = {kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 6, 0, 0], [1, 1, 0, 0], [1, 1, 1, 64]]>}
// CHECK: linalg.softmax {kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 6, 0, 0], [1, 1, 0, 0], [1, 1, 1, 64]]>}
// CHECK: linalg.batch_matmul {kiln.schedule = #kiln.schedule<tiles = {{\[}}[6, 0, 0, 0], [1, 32, 0, 32], [1, 4, 64, 1]]>}
func.func @attention_scheduled(%q: tensor<1x12x128x64xf32>, %k: tensor<1x12x128x64xf32>, %v: tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32> {
  %r = kiln.attention %q, %k, %v causal {kiln.schedule = #kiln.schedule<tiles = [[0, 6, 0, 0, 0], [1, 1, 32, 32, 0], [1, 1, 4, 1, 64]]>} : (tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32>
  return %r : tensor<1x12x128x64xf32>
}
