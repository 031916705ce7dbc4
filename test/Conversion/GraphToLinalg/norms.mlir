// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: linalg.softmax dimension(1) ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK-NOT: kiln.
func.func @softmax(%a: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %r = kiln.softmax %a axis = 1 : tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// f16 softmax runs in f32: extf, linalg.softmax on f32, truncf.
// CHECK-LABEL: func.func @softmax_f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: linalg.softmax dimension(2) ins(%{{.*}} : tensor<2x3x4xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @softmax_f16(%a: tensor<2x3x4xf16>) -> tensor<2x3x4xf16> {
  %r = kiln.softmax %a : tensor<2x3x4xf16>
  return %r : tensor<2x3x4xf16>
}

// -----

// Three passes: sum(x), sum((x - mean)^2), then the normalization; the
// statistics are f32 [rows] tensors, scale/bias read dims [axis, rank).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[PAR:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @layer_norm_bf16
// CHECK: %[[N:.*]] = arith.constant 1.200000e+01 : f32
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2xf32>)
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: %[[VAR:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[PAR]], #[[PAR]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %[[SUM]], %[[VAR]], %{{.*}}, %{{.*}} :
// CHECK: math.sqrt
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: kiln.
func.func @layer_norm_bf16(%a: tensor<2x3x4xbf16>, %g: tensor<3x4xbf16>, %b: tensor<3x4xbf16>) -> tensor<2x3x4xbf16> {
  %r = kiln.layer_norm %a scale %g bias %b axis = 1 : (tensor<2x3x4xbf16>, tensor<3x4xbf16>, tensor<3x4xbf16>) -> tensor<2x3x4xbf16>
  return %r : tensor<2x3x4xbf16>
}

// -----

// rms_norm: one reduction (sum of squares) and the normalization; dynamic
// rows come from tensor.dim.
// CHECK-LABEL: func.func @rms_norm_dynamic
// CHECK: %[[D:.*]] = tensor.dim
// CHECK: tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.mulf %[[IN:.*]], %[[IN]]
// CHECK: arith.constant 9.99999997E-7 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.sqrt
// CHECK-NOT: kiln.
func.func @rms_norm_dynamic(%a: tensor<?x4xf32>, %g: tensor<4xf32>) -> tensor<?x4xf32> {
  %r = kiln.rms_norm %a scale %g : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
