// RUN: kiln-opt %s -convert-kiln-to-linalg -split-input-file | FileCheck %s

// Broadcasting: the size-1 dim of %b reads index 0, missing dims are dropped.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-NOT: kiln.
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BC]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK: arith.addf
// CHECK: linalg.yield
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %r = kiln.add %a, %b : tensor<2x3x4xf32>, tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @float_binary
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.powf
// CHECK-NOT: kiln.
func.func @float_binary(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.sub %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = kiln.mul %0, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %2 = kiln.div %1, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %3 = kiln.max %2, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %4 = kiln.min %3, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %5 = kiln.pow %4, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %5 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @int_binary
// CHECK: arith.addi
// CHECK: arith.subi
// CHECK: arith.muli
// Integer division cannot trap: x / 0 gives 0 and INT_MIN / -1 wraps.
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %[[MINUS_ONE:.*]] = arith.constant -1 : i32
// CHECK: %[[IS_ZERO:.*]] = arith.cmpi eq, %[[Y:.*]], %[[ZERO]]
// CHECK: %[[IS_MINUS_ONE:.*]] = arith.cmpi eq, %[[Y]], %[[MINUS_ONE]]
// CHECK: %[[SPECIAL:.*]] = arith.ori %[[IS_ZERO]], %[[IS_MINUS_ONE]]
// CHECK: %[[SAFE:.*]] = arith.select %[[SPECIAL]], %[[ONE]], %[[Y]]
// CHECK: %[[Q:.*]] = arith.divsi %[[X:.*]], %[[SAFE]]
// CHECK: %[[NEG:.*]] = arith.subi %[[ZERO]], %[[X]]
// CHECK: %[[R:.*]] = arith.select %[[IS_MINUS_ONE]], %[[NEG]], %[[Q]]
// CHECK: arith.select %[[IS_ZERO]], %[[ZERO]], %[[R]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @int_binary(%a: tensor<4xi32>, %b: tensor<i32>) -> tensor<4xi32> {
  %0 = kiln.add %a, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  %1 = kiln.sub %0, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  %2 = kiln.mul %1, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  %3 = kiln.div %2, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  %4 = kiln.max %3, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  %5 = kiln.min %4, %b : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  return %5 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @float_unary
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.tanh
// CHECK: math.erf
// CHECK: math.sqrt
// CHECK: math.rsqrt
// CHECK: arith.negf
// CHECK: math.absf
// CHECK: arith.maximumf
// sigmoid: 1 / (1 + exp(-x))
// CHECK: arith.negf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
// silu: x * sigmoid(x)
// CHECK: arith.negf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
// CHECK-NEXT: arith.mulf
// CHECK-NOT: kiln.
func.func @float_unary(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.exp %a : tensor<4xf32>
  %1 = kiln.log %0 : tensor<4xf32>
  %2 = kiln.tanh %1 : tensor<4xf32>
  %3 = kiln.erf %2 : tensor<4xf32>
  %4 = kiln.sqrt %3 : tensor<4xf32>
  %5 = kiln.rsqrt %4 : tensor<4xf32>
  %6 = kiln.neg %5 : tensor<4xf32>
  %7 = kiln.abs %6 : tensor<4xf32>
  %8 = kiln.relu %7 : tensor<4xf32>
  %9 = kiln.sigmoid %8 : tensor<4xf32>
  %10 = kiln.silu %9 : tensor<4xf32>
  return %10 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @int_unary
// CHECK: arith.subi
// CHECK: math.absi
// CHECK: arith.maxsi
func.func @int_unary(%a: tensor<4xi8>) -> tensor<4xi8> {
  %0 = kiln.neg %a : tensor<4xi8>
  %1 = kiln.abs %0 : tensor<4xi8>
  %2 = kiln.relu %1 : tensor<4xi8>
  return %2 : tensor<4xi8>
}

// -----

// gelu erf: 0.5 x (1 + erf(x / sqrt(2))); tanh: 0.5 x (1 + tanh(c (x + k x^3))).
// CHECK-LABEL: func.func @gelu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R2:.*]] = arith.constant 0.707106769 : f32
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[R2]]
// CHECK-NEXT: %[[E:.*]] = math.erf %[[S]]
// CHECK-NEXT: arith.addf %{{.*}}, %[[E]]
// CHECK: arith.constant 0.797884583 : f32
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: math.tanh
// CHECK-NOT: kiln.
func.func @gelu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.gelu %a : tensor<4xf32>
  %1 = kiln.gelu %0 approximate = tanh : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// f16 arithmetic runs in f32 inside the body and rounds once.
// CHECK-LABEL: func.func @exp_f16
// CHECK: ^bb0(%[[X:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[W]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[E]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
func.func @exp_f16(%a: tensor<8xf16>) -> tensor<8xf16> {
  %0 = kiln.exp %a : tensor<8xf16>
  return %0 : tensor<8xf16>
}

// -----

// Dynamic dims: sizes come from tensor.dim of an operand with that dim
// dynamic.
// CHECK-LABEL: func.func @add_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %[[C0]] : tensor<?x4xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic
func.func @add_dynamic(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.add %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
