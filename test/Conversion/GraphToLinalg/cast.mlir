// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @cast_float
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to f16
// CHECK-NOT: kiln.
func.func @cast_float(%a: tensor<4xf32>) -> tensor<4xf16> {
  %0 = kiln.cast %a : tensor<4xf32> -> tensor<4xbf16>
  %1 = kiln.cast %0 : tensor<4xbf16> -> tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// float -> int: NaN gives 0, values outside int64 saturate, then fptosi to
// i64 and trunci (wrap) to the width.
// CHECK-LABEL: func.func @cast_float_to_int
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf oge
// CHECK: arith.cmpf olt
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @cast_float_to_int(%a: tensor<4xf16>) -> tensor<4xi8> {
  %0 = kiln.cast %a : tensor<4xf16> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @cast_bool
// CHECK: arith.cmpf une
// CHECK: arith.extui %{{.*}} : i1 to i32
// CHECK: arith.cmpi ne
// CHECK: arith.uitofp %{{.*}} : i1 to f32
func.func @cast_bool(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.cast %a : tensor<4xf32> -> tensor<4xi1>
  %1 = kiln.cast %0 : tensor<4xi1> -> tensor<4xi32>
  %2 = kiln.cast %1 : tensor<4xi32> -> tensor<4xi1>
  %3 = kiln.cast %2 : tensor<4xi1> -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_int
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.sitofp %{{.*}} : i64 to bf16
func.func @cast_int(%a: tensor<4xi8>) -> tensor<4xbf16> {
  %0 = kiln.cast %a : tensor<4xi8> -> tensor<4xi64>
  %1 = kiln.cast %0 : tensor<4xi64> -> tensor<4xbf16>
  return %1 : tensor<4xbf16>
}

// -----

// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @where
// CHECK: linalg.generic {indexing_maps = [#[[C]], #[[T]], #[[F]], #[[T]]], iterator_types = ["parallel", "parallel"]}
// CHECK: ^bb0(%[[CO:.*]]: i1, %[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.select %[[CO]], %[[X]], %[[Y]] : f32
// CHECK-NOT: kiln.
func.func @where(%c: tensor<4xi1>, %a: tensor<3x4xf32>, %b: tensor<f32>) -> tensor<3x4xf32> {
  %0 = kiln.where %c, %a, %b : tensor<4xi1>, tensor<3x4xf32>, tensor<f32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
