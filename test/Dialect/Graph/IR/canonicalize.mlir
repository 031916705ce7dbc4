// RUN: kiln-opt %s -canonicalize | FileCheck %s

// The kiln folders, run through the canonicalizer: what folds, and what must
// not.

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_compose(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[T:.*]] = kiln.transpose %[[X]] perm = [2, 1, 0] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
// CHECK-NEXT:    return %[[T]]
func.func @transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = kiln.transpose %x perm = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = kiln.transpose %0 perm = [1, 0, 2] : tensor<3x4x2xf32> -> tensor<4x3x2xf32>
  return %1 : tensor<4x3x2xf32>
}

// A chain of three composes into one.
// CHECK-LABEL: func.func @transpose_compose_chain(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT:    %[[T:.*]] = kiln.transpose %[[X]] perm = [3, 0, 2, 1] : tensor<2x3x4x5xf32> -> tensor<5x2x4x3xf32>
// CHECK-NEXT:    return %[[T]]
func.func @transpose_compose_chain(%x: tensor<2x3x4x5xf32>) -> tensor<5x2x4x3xf32> {
  %0 = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<2x3x4x5xf32> -> tensor<2x4x3x5xf32>
  %1 = kiln.transpose %0 perm = [3, 0, 1, 2] : tensor<2x4x3x5xf32> -> tensor<5x2x4x3xf32>
  %2 = kiln.transpose %1 perm = [0, 1, 2, 3] : tensor<5x2x4x3xf32> -> tensor<5x2x4x3xf32>
  return %2 : tensor<5x2x4x3xf32>
}

// CHECK-LABEL: func.func @transpose_back_and_forth(
// CHECK-SAME:      %[[X:.*]]: tensor<1x64x4x64xf32>)
// CHECK-NOT:     kiln.transpose
// CHECK:         return %[[X]]
func.func @transpose_back_and_forth(%x: tensor<1x64x4x64xf32>) -> tensor<1x64x4x64xf32> {
  %0 = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  %1 = kiln.transpose %0 perm = [0, 2, 1, 3] : tensor<1x4x64x64xf32> -> tensor<1x64x4x64xf32>
  return %1 : tensor<1x64x4x64xf32>
}

// CHECK-LABEL: func.func @transpose_rotate_back(
// CHECK-SAME:      %[[X:.*]]: tensor<?x3x4xi32>)
// CHECK-NOT:     kiln.transpose
// CHECK:         return %[[X]]
func.func @transpose_rotate_back(%x: tensor<?x3x4xi32>) -> tensor<?x3x4xi32> {
  %0 = kiln.transpose %x perm = [1, 2, 0] : tensor<?x3x4xi32> -> tensor<3x4x?xi32>
  %1 = kiln.transpose %0 perm = [2, 0, 1] : tensor<3x4x?xi32> -> tensor<?x3x4xi32>
  return %1 : tensor<?x3x4xi32>
}

// CHECK-LABEL: func.func @transpose_identity(
// CHECK-SAME:      %[[X:.*]]: tensor<2x?xf16>)
// CHECK-NOT:     kiln.transpose
// CHECK:         return %[[X]]
func.func @transpose_identity(%x: tensor<2x?xf16>) -> tensor<2x?xf16> {
  %0 = kiln.transpose %x perm = [0, 1] : tensor<2x?xf16> -> tensor<2x?xf16>
  return %0 : tensor<2x?xf16>
}

// The inner transpose keeps its other user.
// CHECK-LABEL: func.func @transpose_compose_shared(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[T:.*]] = kiln.transpose %[[X]] perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT:    return %[[X]], %[[T]]
func.func @transpose_compose_shared(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %0 = kiln.transpose %x perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = kiln.transpose %0 perm = [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1, %0 : tensor<2x3xf32>, tensor<3x2xf32>
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_reshape(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = kiln.reshape %0 : tensor<24xf32> -> tensor<2x12xf32>
  %2 = kiln.reshape %1 : tensor<2x12xf32> -> tensor<4x6xf32>
  return %2 : tensor<4x6xf32>
}

// CHECK-LABEL: func.func @reshape_reshape_dynamic(
// CHECK-SAME:      %[[X:.*]]: tensor<?x256xf32>)
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[X]] : tensor<?x256xf32> -> tensor<?x4x64xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_reshape_dynamic(%x: tensor<?x256xf32>) -> tensor<?x4x64xf32> {
  %0 = kiln.reshape %x : tensor<?x256xf32> -> tensor<?xf32>
  %1 = kiln.reshape %0 : tensor<?xf32> -> tensor<?x4x64xf32>
  return %1 : tensor<?x4x64xf32>
}

// A dynamic intermediate can hide an element-count mismatch (6 vs 20
// elements) that the verifier only catches at run time; composing the two
// reshapes would turn it into invalid IR, so they stay.
// CHECK-LABEL: func.func @reshape_reshape_mismatch(
// CHECK:         kiln.reshape %{{.*}} : tensor<2x3xf32> -> tensor<?x3xf32>
// CHECK-NEXT:    kiln.reshape %{{.*}} : tensor<?x3xf32> -> tensor<4x5xf32>
func.func @reshape_reshape_mismatch(%x: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<?x3xf32>
  %1 = kiln.reshape %0 : tensor<?x3xf32> -> tensor<4x5xf32>
  return %1 : tensor<4x5xf32>
}

// A reshape and its inverse disappear.
// CHECK-LABEL: func.func @reshape_round_trip(
// CHECK-SAME:      %[[X:.*]]: tensor<1x64x256xf32>)
// CHECK-NOT:     kiln.reshape
// CHECK:         return %[[X]]
func.func @reshape_round_trip(%x: tensor<1x64x256xf32>) -> tensor<1x64x256xf32> {
  %0 = kiln.reshape %x : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %1 = kiln.reshape %0 : tensor<1x64x4x64xf32> -> tensor<1x64x256xf32>
  return %1 : tensor<1x64x256xf32>
}

// CHECK-LABEL: func.func @reshape_same_type(
// CHECK-SAME:      %[[X:.*]]: tensor<?x8xi8>)
// CHECK-NOT:     kiln.reshape
// CHECK:         return %[[X]]
func.func @reshape_same_type(%x: tensor<?x8xi8>) -> tensor<?x8xi8> {
  %0 = kiln.reshape %x : tensor<?x8xi8> -> tensor<?x8xi8>
  return %0 : tensor<?x8xi8>
}

// CHECK-LABEL: func.func @reshape_constant(
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense<{{\[\[}}1, 2, 3], [4, 5, 6{{\]\]}}> : tensor<2x3xi32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_constant() -> tensor<2x3xi32> {
  %c = kiln.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = kiln.reshape %c : tensor<6xi32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @reshape_splat_constant(
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense<2.500000e+00> : tensor<2x1x3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_splat_constant() -> tensor<2x1x3xf32> {
  %c = kiln.constant dense<2.5> : tensor<6xf32>
  %0 = kiln.reshape %c : tensor<6xf32> -> tensor<2x1x3xf32>
  return %0 : tensor<2x1x3xf32>
}

// To a dynamic shape, the constant stays as it is.
// CHECK-LABEL: func.func @reshape_constant_dynamic_result(
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[C]] : tensor<6xi32> -> tensor<?x3xi32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_constant_dynamic_result() -> tensor<?x3xi32> {
  %c = kiln.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = kiln.reshape %c : tensor<6xi32> -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// A dense_resource blob is not copied into a new constant.
// CHECK-LABEL: func.func @reshape_resource_constant(
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense_resource<canon_blob> : tensor<4xf32>
// CHECK-NEXT:    %[[R:.*]] = kiln.reshape %[[C]] : tensor<4xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_resource_constant() -> tensor<2x2xf32> {
  %c = kiln.constant dense_resource<canon_blob> : tensor<4xf32>
  %0 = kiln.reshape %c : tensor<4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

//===----------------------------------------------------------------------===//
// Arithmetic identities
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @mul_one(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     kiln.mul
// CHECK:         return %[[X]], %[[X]], %[[X]]
func.func @mul_one(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %one = kiln.constant dense<1.0> : tensor<f32>
  %ones = kiln.constant dense<1.0> : tensor<4x8xf32>
  %0 = kiln.mul %x, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %1 = kiln.mul %one, %x : tensor<f32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = kiln.mul %ones, %x : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @mul_one_int(
// CHECK-SAME:      %[[X:.*]]: tensor<?xi32>)
// CHECK-NOT:     kiln.mul
// CHECK:         return %[[X]], %[[X]]
func.func @mul_one_int(%x: tensor<?xi32>) -> (tensor<?xi32>, tensor<?xi32>) {
  %one = kiln.constant dense<1> : tensor<1xi32>
  %0 = kiln.mul %x, %one : tensor<?xi32>, tensor<1xi32> -> tensor<?xi32>
  %1 = kiln.mul %one, %x : tensor<1xi32>, tensor<?xi32> -> tensor<?xi32>
  return %0, %1 : tensor<?xi32>, tensor<?xi32>
}

// CHECK-LABEL: func.func @add_zero(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xbf16>)
// CHECK-NOT:     kiln.add
// CHECK:         return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<4x8xbf16>) -> (tensor<4x8xbf16>, tensor<4x8xbf16>) {
  %zero = kiln.constant dense<0.0> : tensor<8xbf16>
  %0 = kiln.add %x, %zero : tensor<4x8xbf16>, tensor<8xbf16> -> tensor<4x8xbf16>
  %1 = kiln.add %zero, %x : tensor<8xbf16>, tensor<4x8xbf16> -> tensor<4x8xbf16>
  return %0, %1 : tensor<4x8xbf16>, tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @add_zero_int(
// CHECK-SAME:      %[[X:.*]]: tensor<3xi64>, %[[Y:.*]]: tensor<3xi8>)
// CHECK-NOT:     kiln.add
// CHECK:         return %[[X]], %[[X]], %[[Y]]
func.func @add_zero_int(%x: tensor<3xi64>, %y: tensor<3xi8>) -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi8>) {
  %zero = kiln.constant dense<0> : tensor<i64>
  %zero8 = kiln.constant dense<0> : tensor<3xi8>
  %0 = kiln.add %x, %zero : tensor<3xi64>, tensor<i64> -> tensor<3xi64>
  %1 = kiln.add %zero, %x : tensor<i64>, tensor<3xi64> -> tensor<3xi64>
  %2 = kiln.add %zero8, %y : tensor<3xi8>, tensor<3xi8> -> tensor<3xi8>
  return %0, %1, %2 : tensor<3xi64>, tensor<3xi64>, tensor<3xi8>
}

// A dense literal whose elements are all equal is a splat.
// CHECK-LABEL: func.func @add_zero_all_equal_literal(
// CHECK-SAME:      %[[X:.*]]: tensor<2xf32>)
// CHECK-NOT:     kiln.add
// CHECK:         return %[[X]]
func.func @add_zero_all_equal_literal(%x: tensor<2xf32>) -> tensor<2xf32> {
  %zero = kiln.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %0 = kiln.add %x, %zero : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @sub_zero(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf16>, %[[Y:.*]]: tensor<2xi32>)
// CHECK-NOT:     kiln.sub
// CHECK:         return %[[X]], %[[Y]]
func.func @sub_zero(%x: tensor<4x8xf16>, %y: tensor<2xi32>) -> (tensor<4x8xf16>, tensor<2xi32>) {
  %zero = kiln.constant dense<0.0> : tensor<1x8xf16>
  %izero = kiln.constant dense<0> : tensor<2xi32>
  %0 = kiln.sub %x, %zero : tensor<4x8xf16>, tensor<1x8xf16> -> tensor<4x8xf16>
  %1 = kiln.sub %y, %izero : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
  return %0, %1 : tensor<4x8xf16>, tensor<2xi32>
}

// CHECK-LABEL: func.func @div_one(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<5xi8>)
// CHECK-NOT:     kiln.div
// CHECK:         return %[[X]], %[[Y]]
func.func @div_one(%x: tensor<4x8xf32>, %y: tensor<5xi8>) -> (tensor<4x8xf32>, tensor<5xi8>) {
  %one = kiln.constant dense<1.0> : tensor<f32>
  %ione = kiln.constant dense<1> : tensor<5xi8>
  %0 = kiln.div %x, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %1 = kiln.div %y, %ione : tensor<5xi8>, tensor<5xi8> -> tensor<5xi8>
  return %0, %1 : tensor<4x8xf32>, tensor<5xi8>
}

// x + 0 where the 0 broadcasts x to a larger shape is not x.
// CHECK-LABEL: func.func @add_zero_broadcasting(
// CHECK-SAME:      %[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<?x4xf32>)
// CHECK-DAG:     %[[Z:.*]] = kiln.constant dense<0.000000e+00> : tensor<3x4xf32>
// CHECK-DAG:     %[[Z1:.*]] = kiln.constant dense<0.000000e+00> : tensor<3x1xf32>
// CHECK:         %[[A:.*]] = kiln.add %[[X]], %[[Z]] : tensor<4xf32>, tensor<3x4xf32> -> tensor<3x4xf32>
// CHECK-NEXT:    %[[B:.*]] = kiln.add %[[Y]], %[[Z1]] : tensor<?x4xf32>, tensor<3x1xf32> -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[A]], %[[B]]
func.func @add_zero_broadcasting(%x: tensor<4xf32>, %y: tensor<?x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<3x4xf32>
  %zero1 = kiln.constant dense<0.0> : tensor<3x1xf32>
  %0 = kiln.add %x, %zero : tensor<4xf32>, tensor<3x4xf32> -> tensor<3x4xf32>
  %1 = kiln.add %y, %zero1 : tensor<?x4xf32>, tensor<3x1xf32> -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}

// CHECK-LABEL: func.func @mul_two(
// CHECK-SAME:      %[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[M:.*]] = kiln.mul %[[X]], %[[C]] : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
// CHECK-NEXT:    return %[[M]]
func.func @mul_two(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %0 = kiln.mul %x, %two : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @add_non_splat_zero(
// CHECK-SAME:      %[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT:    %[[C:.*]] = kiln.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[A:.*]] = kiln.add %[[X]], %[[C]] : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
// CHECK-NEXT:    return %[[A]]
func.func @add_non_splat_zero(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = kiln.add %x, %c : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// 0 - x is -x, not x; 1 / x is not x.
// CHECK-LABEL: func.func @zero_minus_x(
// CHECK-SAME:      %[[X:.*]]: tensor<4xf32>)
// CHECK-DAG:     %[[ZERO:.*]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG:     %[[ONE:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
// CHECK:         %[[S:.*]] = kiln.sub %[[ZERO]], %[[X]] : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
// CHECK-NEXT:    %[[D:.*]] = kiln.div %[[ONE]], %[[X]] : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
// CHECK-NEXT:    return %[[S]], %[[D]]
func.func @zero_minus_x(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.sub %zero, %x : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  %1 = kiln.div %one, %x : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// max and min have no identity folds; x * 0 is not folded.
// CHECK-LABEL: func.func @no_other_identities(
// CHECK:         kiln.mul
// CHECK:         kiln.max
// CHECK:         kiln.min
func.func @no_other_identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %0 = kiln.mul %x, %zero : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %1 = kiln.max %x, %zero : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %2 = kiln.min %x, %zero : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// cast, concat, slice
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cast_same_type(
// CHECK-SAME:      %[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT:    %[[C:.*]] = kiln.cast %[[X]] : tensor<?x4xf32> -> tensor<?x4xf16>
// CHECK-NEXT:    return %[[X]], %[[C]]
func.func @cast_same_type(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf16>) {
  %0 = kiln.cast %x : tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = kiln.cast %x : tensor<?x4xf32> -> tensor<?x4xf16>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf16>
}

// CHECK-LABEL: func.func @concat_one_input(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[C:.*]] = kiln.concat %[[X]], %[[X]] axis = 0 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<4x3xf32>
// CHECK-NEXT:    return %[[X]], %[[C]]
func.func @concat_one_input(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>) {
  %0 = kiln.concat %x axis = 1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.concat %x, %x axis = 0 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<4x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func.func @slice_full(
// CHECK-SAME:      %[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     kiln.slice
// CHECK:         return %[[X]], %[[X]]
func.func @slice_full(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = kiln.slice %x starts = [0, 0] limits = [4, 8] : tensor<4x8xf32> -> tensor<4x8xf32>
  %1 = kiln.slice %x starts = [0, 0] limits = [4, 8] steps = [1, 1] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// Reversing, strided and partial slices stay.
// CHECK-LABEL: func.func @slice_not_full(
// CHECK-SAME:      %[[X:.*]]: tensor<8xf32>, %[[D:.*]]: tensor<?xf32>)
// CHECK-NEXT:    %[[R:.*]] = kiln.slice %[[X]] starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
// CHECK-NEXT:    %[[S:.*]] = kiln.slice %[[X]] starts = [0] limits = [8] steps = [2] : tensor<8xf32> -> tensor<4xf32>
// CHECK-NEXT:    %[[P:.*]] = kiln.slice %[[X]] starts = [1] limits = [8] : tensor<8xf32> -> tensor<7xf32>
// CHECK-NEXT:    %[[Q:.*]] = kiln.slice %[[D]] starts = [0] limits = [4] : tensor<?xf32> -> tensor<4xf32>
// CHECK-NEXT:    return %[[R]], %[[S]], %[[P]], %[[Q]]
func.func @slice_not_full(%x: tensor<8xf32>, %d: tensor<?xf32>) -> (tensor<8xf32>, tensor<4xf32>, tensor<7xf32>, tensor<4xf32>) {
  %0 = kiln.slice %x starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
  %1 = kiln.slice %x starts = [0] limits = [8] steps = [2] : tensor<8xf32> -> tensor<4xf32>
  %2 = kiln.slice %x starts = [1] limits = [8] : tensor<8xf32> -> tensor<7xf32>
  %3 = kiln.slice %d starts = [0] limits = [4] : tensor<?xf32> -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<8xf32>, tensor<4xf32>, tensor<7xf32>, tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      canon_blob: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
