// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// One or more invalid inputs per kiln op, each with the diagnostic the
// verifier or the parser reports.

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

func.func @constant_resource_missing() -> tensor<2xf32> {
  // expected-error @+1 {{'kiln.constant' op dense_resource 'never_defined' has no data: define it in the file's dialect_resources section}}
  %0 = kiln.constant dense_resource<never_defined> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @constant_resource_wrong_size() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op dense_resource 'short_blob' holds 8 bytes but 'tensor<3xf32>' needs 12}}
  %0 = kiln.constant dense_resource<short_blob> : tensor<3xf32>
  return %0 : tensor<3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short_blob: "0x040000000000803F00000040"
    }
  }
#-}

// -----

func.func @constant_resource_wrong_size_i1() -> tensor<4xi1> {
  // expected-error @+1 {{dense_resource 'bool_blob' holds 2 bytes but 'tensor<4xi1>' needs 4}}
  %0 = kiln.constant dense_resource<bool_blob> : tensor<4xi1>
  return %0 : tensor<4xi1>
}

{-#
  dialect_resources: {
    builtin: {
      bool_blob: "0x010000000100"
    }
  }
#-}

// -----

func.func @constant_dynamic_shape() -> tensor<?xf32> {
  // expected-error @+1 {{'kiln.constant' op result #0 must be statically shaped tensor of}}
  %0 = kiln.constant dense_resource<dyn_blob> : tensor<?xf32>
  return %0 : tensor<?xf32>
}

{-#
  dialect_resources: {
    builtin: {
      dyn_blob: "0x040000000000803F"
    }
  }
#-}

// -----

func.func @constant_sparse() -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.constant' op value must be a dense<...> literal or a dense_resource<...> blob}}
  %0 = kiln.constant sparse<[[1]], [2.0]> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @constant_element_type() -> tensor<2xi16> {
  // expected-error @+1 {{'kiln.constant' op result #0 must be statically shaped tensor of}}
  %0 = kiln.constant dense<[1, 2]> : tensor<2xi16>
  return %0 : tensor<2xi16>
}

// -----

func.func @constant_f64() -> tensor<2xf64> {
  // expected-error @+1 {{'kiln.constant' op result #0 must be statically shaped tensor of}}
  %0 = kiln.constant dense<1.0> : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @constant_type_mismatch() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "kiln.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @constant_not_elements() -> tensor<f32> {
  // expected-error @+1 {{invalid properties {value = 1.000000e+00 : f32} for op kiln.constant: Invalid attribute `value` in property conversion}}
  %0 = "kiln.constant"() <{value = 1.0 : f32}> : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

func.func @matmul_k_mismatch(%a: tensor<8x16xf32>, %b: tensor<12x4xf32>) {
  // expected-error @+1 {{'kiln.matmul' op contracting dimensions differ: lhs [8, 16] has K = 16 but rhs [12, 4] has K = 12}}
  %0 = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<12x4xf32> -> tensor<8x4xf32>
  return
}

// -----

func.func @matmul_k_mismatch_transposed(%a: tensor<16x8xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{contracting dimensions differ: lhs [16, 8] has K = 8 but rhs [16, 4] (transposed) has K = 4}}
  %0 = kiln.matmul %a, %b transpose_b : tensor<16x8xf32>, tensor<16x4xf32> -> tensor<16x16xf32>
  return
}

// -----

func.func @matmul_k_mismatch_transpose_a(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{contracting dimensions differ: lhs [8, 16] (transposed) has K = 8 but rhs [16, 4] has K = 16}}
  %0 = kiln.matmul %a, %b transpose_a : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<16x4xf32>
  return
}

// -----

func.func @matmul_lhs_rank1(%a: tensor<16xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{'kiln.matmul' op expects operands of rank 2 or more, but lhs has shape [16]}}
  %0 = kiln.matmul %a, %b : tensor<16xf32>, tensor<16x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_rhs_rank0(%a: tensor<2x16xf32>, %b: tensor<f32>) {
  // expected-error @+1 {{'kiln.matmul' op expects operands of rank 2 or more, but rhs has shape []}}
  %0 = kiln.matmul %a, %b : tensor<2x16xf32>, tensor<f32> -> tensor<2xf32>
  return
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x8x16xf32>, %b: tensor<3x16x4xf32>) {
  // expected-error @+1 {{'kiln.matmul' op operands are not broadcast-compatible: lhs batch dims [2] and rhs batch dims [3] differ in dimension 0 of the broadcast shape (2 vs 3)}}
  %0 = kiln.matmul %a, %b : tensor<2x8x16xf32>, tensor<3x16x4xf32> -> tensor<2x8x4xf32>
  return
}

// -----

func.func @matmul_batch_mismatch_rank(%a: tensor<5x2x8x16xf32>, %b: tensor<3x16x4xf32>) {
  // expected-error @+1 {{lhs batch dims [5, 2] and rhs batch dims [3] differ in dimension 1 of the broadcast shape (2 vs 3)}}
  %0 = kiln.matmul %a, %b : tensor<5x2x8x16xf32>, tensor<3x16x4xf32> -> tensor<5x2x8x4xf32>
  return
}

// -----

func.func @matmul_element_type(%a: tensor<8x16xf32>, %b: tensor<16x4xf16>) {
  // expected-error @+1 {{'kiln.matmul' op rhs has element type 'f16' but lhs has 'f32' ('tensor<16x4xf16>' vs 'tensor<8x16xf32>')}}
  %0 = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<16x4xf16> -> tensor<8x4xf32>
  return
}

// -----

func.func @matmul_wrong_result(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{'kiln.matmul' op result type 'tensor<8x16xf32>' does not match the type inferred from its operands and attributes, 'tensor<8x4xf32>'}}
  %0 = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @matmul_wrong_result_dynamic(%a: tensor<?x16xf32>, %b: tensor<16x4xf32>) {
  // A result more static than what inference proves is rejected too.
  // expected-error @+1 {{result type 'tensor<8x4xf32>' does not match the type inferred from its operands and attributes, 'tensor<?x4xf32>'}}
  %0 = kiln.matmul %a, %b : tensor<?x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  return
}

// -----

func.func @matmul_wrong_result_element(%a: tensor<8x16xi8>, %b: tensor<16x4xi8>) {
  // expected-error @+1 {{result type 'tensor<8x4xi32>' does not match the type inferred from its operands and attributes, 'tensor<8x4xi8>'}}
  %0 = kiln.matmul %a, %b : tensor<8x16xi8>, tensor<16x4xi8> -> tensor<8x4xi32>
  return
}

// -----

func.func @matmul_i1(%a: tensor<8x16xi1>, %b: tensor<16x4xi1>) {
  // expected-error @+1 {{'kiln.matmul' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer values, but got 'tensor<8x16xi1>'}}
  %0 = kiln.matmul %a, %b : tensor<8x16xi1>, tensor<16x4xi1> -> tensor<8x4xi1>
  return
}

// -----

func.func @matmul_unranked(%a: tensor<*xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{custom op 'kiln.matmul' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = kiln.matmul %a, %b : tensor<*xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  return
}

// -----

func.func @matmul_unknown_keyword(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %0 = kiln.matmul %a, %b transpose_c : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

func.func @add_broadcast(%a: tensor<4x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.add' op operands are not broadcast-compatible: lhs [4, 3] and rhs [4] differ in dimension 1 of the broadcast shape (3 vs 4)}}
  %0 = kiln.add %a, %b : tensor<4x3xf32>, tensor<4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @add_wrong_result_broadcast(%a: tensor<4x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.add' op result type 'tensor<4x1xf32>' does not match the type inferred from its operands and attributes, 'tensor<4x3xf32>'}}
  %0 = kiln.add %a, %b : tensor<4x1xf32>, tensor<3xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @sub_element_type(%a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.sub' op rhs has element type 'i32' but lhs has 'f32' ('tensor<4xi32>' vs 'tensor<4xf32>')}}
  %0 = kiln.sub %a, %b : tensor<4xf32>, tensor<4xi32> -> tensor<4xf32>
  return
}

// -----

func.func @sub_i1(%a: tensor<4xi1>, %b: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.sub' op operand #0 must be ranked tensor of}}
  %0 = kiln.sub %a, %b : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @mul_broadcast_dynamic(%a: tensor<?x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'kiln.mul' op operands are not broadcast-compatible: lhs [?, 3] and rhs [2, 4] differ in dimension 1 of the broadcast shape (3 vs 4)}}
  %0 = kiln.mul %a, %b : tensor<?x3xf32>, tensor<2x4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @mul_wrong_result(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.mul' op result type 'tensor<4x4xf32>' does not match the type inferred from its operands and attributes, 'tensor<?x4xf32>'}}
  %0 = kiln.mul %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @div_broadcast(%a: tensor<2x3x4xi32>, %b: tensor<5x1x1xi32>) {
  // expected-error @+1 {{'kiln.div' op operands are not broadcast-compatible: lhs [2, 3, 4] and rhs [5, 1, 1] differ in dimension 0 of the broadcast shape (2 vs 5)}}
  %0 = kiln.div %a, %b : tensor<2x3x4xi32>, tensor<5x1x1xi32> -> tensor<2x3x4xi32>
  return
}

// -----

func.func @div_element_type(%a: tensor<4xi64>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.div' op rhs has element type 'i32' but lhs has 'i64'}}
  %0 = kiln.div %a, %b : tensor<4xi64>, tensor<4xi32> -> tensor<4xi64>
  return
}

// -----

func.func @max_i1(%a: tensor<4xi1>, %b: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.max' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer values, but got 'tensor<4xi1>'}}
  %0 = kiln.max %a, %b : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @max_broadcast(%a: tensor<3x1xf16>, %b: tensor<2x1x5xf16>, %c: tensor<2x3x4xf16>) {
  %0 = kiln.max %a, %b : tensor<3x1xf16>, tensor<2x1x5xf16> -> tensor<2x3x5xf16>
  // expected-error @+1 {{'kiln.max' op operands are not broadcast-compatible: lhs [2, 3, 5] and rhs [2, 3, 4] differ in dimension 2 of the broadcast shape (5 vs 4)}}
  %1 = kiln.max %0, %c : tensor<2x3x5xf16>, tensor<2x3x4xf16> -> tensor<2x3x5xf16>
  return
}

// -----

func.func @min_broadcast(%a: tensor<2x3xbf16>, %b: tensor<3x2xbf16>) {
  // expected-error @+1 {{'kiln.min' op operands are not broadcast-compatible: lhs [2, 3] and rhs [3, 2] differ in dimension 0 of the broadcast shape (2 vs 3)}}
  %0 = kiln.min %a, %b : tensor<2x3xbf16>, tensor<3x2xbf16> -> tensor<2x3xbf16>
  return
}

// -----

func.func @min_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) {
  // expected-error @+1 {{'kiln.min' op operand #0 must be ranked tensor of}}
  %0 = kiln.min %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  return
}

// -----

func.func @pow_integer(%a: tensor<4xi32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.pow' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = kiln.pow %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

func.func @pow_broadcast(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'kiln.pow' op operands are not broadcast-compatible: lhs [4] and rhs [5]}}
  %0 = kiln.pow %a, %b : tensor<4xf32>, tensor<5xf32> -> tensor<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

func.func @exp_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.exp' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = kiln.exp %x : tensor<4xi32>
  return
}

// -----

func.func @exp_wrong_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.exp' op result type 'tensor<5xf32>' does not match the type inferred from its operands and attributes, 'tensor<4xf32>'}}
  %0 = "kiln.exp"(%x) : (tensor<4xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @log_integer(%x: tensor<4xi64>) {
  // expected-error @+1 {{'kiln.log' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.log %x : tensor<4xi64>
  return
}

// -----

func.func @log_f64(%x: tensor<4xf64>) {
  // expected-error @+1 {{'kiln.log' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xf64>'}}
  %0 = kiln.log %x : tensor<4xf64>
  return
}

// -----

func.func @tanh_integer(%x: tensor<4xi8>) {
  // expected-error @+1 {{'kiln.tanh' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.tanh %x : tensor<4xi8>
  return
}

// -----

func.func @erf_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.erf' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.erf %x : tensor<4xi1>
  return
}

// -----

func.func @sqrt_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.sqrt' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.sqrt %x : tensor<4xi32>
  return
}

// -----

func.func @sqrt_vector(%x: vector<4xf32>) {
  // expected-error @+1 {{custom op 'kiln.sqrt' invalid kind of type specified: expected builtin.tensor, but found 'vector<4xf32>'}}
  %0 = kiln.sqrt %x : vector<4xf32>
  return
}

// -----

func.func @rsqrt_integer(%x: tensor<4xi64>) {
  // expected-error @+1 {{'kiln.rsqrt' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.rsqrt %x : tensor<4xi64>
  return
}

// -----

func.func @neg_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.neg' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer values, but got 'tensor<4xi1>'}}
  %0 = kiln.neg %x : tensor<4xi1>
  return
}

// -----

func.func @abs_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.abs' op operand #0 must be ranked tensor of}}
  %0 = kiln.abs %x : tensor<4xi1>
  return
}

// -----

func.func @abs_wrong_result(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.abs' op result type 'tensor<4xi64>' does not match the type inferred from its operands and attributes, 'tensor<4xi32>'}}
  %0 = "kiln.abs"(%x) : (tensor<4xi32>) -> tensor<4xi64>
  return
}

// -----

func.func @relu_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'kiln.relu' op operand #0 must be ranked tensor of}}
  %0 = kiln.relu %x : tensor<4xi1>
  return
}

// -----

func.func @sigmoid_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.sigmoid' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.sigmoid %x : tensor<4xi32>
  return
}

// -----

func.func @silu_integer(%x: tensor<4xi8>) {
  // expected-error @+1 {{'kiln.silu' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.silu %x : tensor<4xi8>
  return
}

// -----

func.func @silu_unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{custom op 'kiln.silu' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = kiln.silu %x : tensor<*xf32>
  return
}

// -----

func.func @silu_unranked_generic(%x: tensor<*xf32>) {
  // expected-error @+1 {{'kiln.silu' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<*xf32>'}}
  %0 = "kiln.silu"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @gelu_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.gelu' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.gelu %x : tensor<4xi32>
  return
}

// -----

func.func @gelu_bad_approximation(%x: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'kiln.gelu' expected string or keyword containing one of the following enum values for attribute 'approximate' [erf, tanh]}}
  %0 = kiln.gelu %x approximate = sigmoid : tensor<4xf32>
  return
}

// -----

func.func @gelu_wrong_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.gelu' op result type 'tensor<4xf16>' does not match the type inferred from its operands and attributes, 'tensor<4xf32>'}}
  %0 = "kiln.gelu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// softmax, layer_norm, rms_norm
//===----------------------------------------------------------------------===//

func.func @softmax_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.softmax' op axis 2 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.softmax %x axis = 2 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_negative_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.softmax' op axis -3 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.softmax %x axis = -3 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'kiln.softmax' op axis -1 is out of range for rank 0 (expected a value in [0, 0))}}
  %0 = kiln.softmax %x : tensor<f32>
  return
}

// -----

func.func @softmax_integer(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'kiln.softmax' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.softmax %x : tensor<4x8xi32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8x16xf32>) {
  // expected-error @+1 {{'kiln.layer_norm' op axis 3 is out of range for rank 3 (expected a value in [-3, 3))}}
  %0 = kiln.layer_norm %x axis = 3 : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x8x16xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.layer_norm' op scale has shape [8] but must have the normalized shape [16] (input [2, 8, 16] from axis 2)}}
  %0 = kiln.layer_norm %x scale %g : (tensor<2x8x16xf32>, tensor<8xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<2x8x16xf32>, %g: tensor<8x16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{'kiln.layer_norm' op bias has shape [16] but must have the normalized shape [8, 16] (input [2, 8, 16] from axis 1)}}
  %0 = kiln.layer_norm %x scale %g bias %b axis = 1 : (tensor<2x8x16xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @layer_norm_scale_broadcastable(%x: tensor<2x8x16xf32>, %g: tensor<1x16xf32>) {
  // The parameters have exactly the normalized shape; they do not broadcast.
  // expected-error @+1 {{scale has shape [1, 16] but must have the normalized shape [8, 16] (input [2, 8, 16] from axis 1)}}
  %0 = kiln.layer_norm %x scale %g axis = -2 : (tensor<2x8x16xf32>, tensor<1x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @layer_norm_bias_only_shape(%x: tensor<2x8x16xf32>, %b: tensor<2x8x16xf32>) {
  // expected-error @+1 {{'kiln.layer_norm' op bias has shape [2, 8, 16] but must have the normalized shape [16]}}
  %0 = kiln.layer_norm %x bias %b : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @layer_norm_scale_element_type(%x: tensor<2x16xf32>, %g: tensor<16xf16>) {
  // expected-error @+1 {{'kiln.layer_norm' op scale has element type 'f16' but input has 'f32' ('tensor<16xf16>' vs 'tensor<2x16xf32>')}}
  %0 = kiln.layer_norm %x scale %g : (tensor<2x16xf32>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @layer_norm_integer(%x: tensor<2x16xi32>) {
  // expected-error @+1 {{'kiln.layer_norm' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.layer_norm %x : (tensor<2x16xi32>) -> tensor<2x16xi32>
  return
}

// -----

func.func @layer_norm_wrong_result(%x: tensor<?x16xf32>) {
  // expected-error @+1 {{'kiln.layer_norm' op result type 'tensor<2x16xf32>' does not match the type inferred from its operands and attributes, 'tensor<?x16xf32>'}}
  %0 = kiln.layer_norm %x : (tensor<?x16xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @rms_norm_scale_shape(%x: tensor<2x8x16xf32>, %g: tensor<8x16xf32>) {
  // expected-error @+1 {{'kiln.rms_norm' op scale has shape [8, 16] but must have the normalized shape [16] (input [2, 8, 16] from axis 2)}}
  %0 = kiln.rms_norm %x scale %g : (tensor<2x8x16xf32>, tensor<8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @rms_norm_axis(%x: tensor<2x8x16xf32>) {
  // expected-error @+1 {{'kiln.rms_norm' op axis -4 is out of range for rank 3 (expected a value in [-3, 3))}}
  %0 = kiln.rms_norm %x axis = -4 : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @rms_norm_scale_element_type(%x: tensor<2x16xbf16>, %g: tensor<16xf32>) {
  // expected-error @+1 {{'kiln.rms_norm' op scale has element type 'f32' but input has 'bf16'}}
  %0 = kiln.rms_norm %x scale %g : (tensor<2x16xbf16>, tensor<16xf32>) -> tensor<2x16xbf16>
  return
}

// -----

func.func @rms_norm_integer(%x: tensor<2x16xi8>) {
  // expected-error @+1 {{'kiln.rms_norm' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = kiln.rms_norm %x : (tensor<2x16xi8>) -> tensor<2x16xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------===//

func.func @reduce_no_axes(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.reduce' op expects at least one axis to reduce}}
  %0 = kiln.reduce sum %x axes = [] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_repeated_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.reduce' op reduction axis 1 is repeated in axes}}
  %0 = kiln.reduce sum %x axes = [1, 1] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reduce_repeated_negative_axis(%x: tensor<4x8xf32>) {
  // -1 and 1 name the same dimension.
  // expected-error @+1 {{'kiln.reduce' op reduction axis -1 is repeated in axes}}
  %0 = kiln.reduce max %x axes = [1, -1] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reduce_axis_range(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.reduce' op reduction axis 2 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.reduce mean %x axes = [0, 2] : tensor<4x8xf32> -> tensor<f32>
  return
}

// -----

func.func @reduce_wrong_result_keepdims(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.reduce' op result type 'tensor<4xf32>' does not match the type inferred from its operands and attributes, 'tensor<4x1xf32>'}}
  %0 = kiln.reduce min %x axes = [1] keepdims : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reduce_wrong_result(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.reduce' op result type 'tensor<8xf32>' does not match the type inferred from its operands and attributes, 'tensor<4xf32>'}}
  %0 = kiln.reduce sum %x axes = [1] : tensor<4x8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @reduce_bad_kind(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{custom op 'kiln.reduce' expected string or keyword containing one of the following enum values for attribute 'kind' [sum, mean, max, min]}}
  %0 = kiln.reduce prod %x axes = [1] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reduce_bool(%x: tensor<4x8xi1>) {
  // expected-error @+1 {{'kiln.reduce' op operand #0 must be ranked tensor of}}
  %0 = kiln.reduce max %x axes = [1] : tensor<4x8xi1> -> tensor<4xi1>
  return
}

// -----

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'kiln.transpose' op perm has 2 entries but the input [2, 3, 4] has rank 3}}
  %0 = kiln.transpose %x perm = [1, 0] : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_perm_repeated(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'kiln.transpose' op perm [0, 1, 1] is not a permutation of [0, 3)}}
  %0 = kiln.transpose %x perm = [0, 1, 1] : tensor<2x3x4xf32> -> tensor<2x3x3xf32>
  return
}

// -----

func.func @transpose_perm_range(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'kiln.transpose' op perm [0, 3, 1] is not a permutation of [0, 3)}}
  %0 = kiln.transpose %x perm = [0, 3, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  return
}

// -----

func.func @transpose_perm_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.transpose' op perm [-1, 0] is not a permutation of [0, 2)}}
  %0 = kiln.transpose %x perm = [-1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_wrong_result(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'kiln.transpose' op result type 'tensor<4x3x2xf32>' does not match the type inferred from its operands and attributes, 'tensor<2x4x3xf32>'}}
  %0 = kiln.transpose %x perm = [0, 2, 1] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.reshape' op cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<4x2xf32>
  return
}

// -----

func.func @reshape_two_dynamic(%x: tensor<?x256xf32>) {
  // expected-error @+1 {{'kiln.reshape' op result shape [?, 4, ?] has more than one dynamic dimension; at most one can be derived from the element count}}
  %0 = kiln.reshape %x : tensor<?x256xf32> -> tensor<?x4x?xf32>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.reshape' op element type changes from 'f32' to 'f16'; reshape keeps the element type (use kiln.cast to convert)}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf16>
  return
}

// -----

func.func @reshape_dynamic_does_not_divide(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.reshape' op cannot reshape [2, 3] (6 elements) to [?, 4]: the static dimensions do not divide the element count}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @reshape_dynamic_zero(%x: tensor<0x4xf32>) {
  // With a zero static dimension the dynamic one cannot be derived.
  // expected-error @+1 {{'kiln.reshape' op cannot reshape [0, 4] (0 elements) to [?, 0]: the static dimensions do not divide the element count}}
  %0 = kiln.reshape %x : tensor<0x4xf32> -> tensor<?x0xf32>
  return
}

// -----

func.func @reshape_to_scalar(%x: tensor<2xi32>) {
  // expected-error @+1 {{'kiln.reshape' op cannot reshape [2] (2 elements) to [] (1 elements)}}
  %0 = kiln.reshape %x : tensor<2xi32> -> tensor<i32>
  return
}

// -----

func.func @reshape_unranked(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{custom op 'kiln.reshape' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<*xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) {
  // expected-error @+1 {{'kiln.concat' op input 1 [2, 3, 1] has rank 3 but input 0 [2, 3] has rank 2}}
  %0 = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x3x1xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_dim(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'kiln.concat' op input 1 [4, 5] differs from input 0 [2, 3] in dimension 0, which is not the concatenation axis 1}}
  %0 = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_dim_blames_the_fixing_input(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4x3xf32>) {
  // input 0's dynamic dim 0 was fixed to 2 by input 1: that is the conflict.
  // expected-error @+1 {{'kiln.concat' op input 2 [4, 3] differs from input 1 [2, 3] in dimension 0, which is not the concatenation axis 1}}
  %0 = kiln.concat %a, %b, %c axis = 1 : tensor<?x3xf32>, tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x9xf32>
  return
}

// -----

func.func @concat_dim_third(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2x4xf32>) {
  // expected-error @+1 {{'kiln.concat' op input 2 [2, 4] differs from input 0 [2, 3] in dimension 1, which is not the concatenation axis 0}}
  %0 = kiln.concat %a, %b, %c axis = 0 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32> -> tensor<6x3xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.concat' op axis 2 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.concat %a, %b axis = 2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xbf16>) {
  // expected-error @+1 {{'kiln.concat' op input 1 has element type 'bf16' but input 0 has 'f32' ('tensor<2x3xbf16>' vs 'tensor<2x3xf32>')}}
  %0 = kiln.concat %a, %b axis = 0 : tensor<2x3xf32>, tensor<2x3xbf16> -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_no_inputs() {
  // expected-error @+1 {{'kiln.concat' op expects at least one input}}
  %0 = "kiln.concat"() <{axis = 0 : i64}> : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_wrong_result(%a: tensor<2x3xf32>, %b: tensor<?x3xf32>) {
  // expected-error @+1 {{'kiln.concat' op result type 'tensor<4x3xf32>' does not match the type inferred from its operands and attributes, 'tensor<?x3xf32>'}}
  %0 = kiln.concat %a, %b axis = 0 : tensor<2x3xf32>, tensor<?x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_missing_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{expected 'axis'}}
  %0 = kiln.concat %a : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

func.func @slice_zero_step(%x: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.slice' op dimension 0 of input [8]: start 0, limit 8, step 0 is invalid: a step is never 0}}
  %0 = kiln.slice %x starts = [0] limits = [8] steps = [0] : tensor<8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @slice_limit_range(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.slice' op dimension 1 of input [4, 8]: start 0, limit 9, step 1 is out of range: a positive step needs 0 <= start <= limit <= 8}}
  %0 = kiln.slice %x starts = [0, 0] limits = [4, 9] : tensor<4x8xf32> -> tensor<4x9xf32>
  return
}

// -----

func.func @slice_negative_start(%x: tensor<8xf32>) {
  // Indices are absolute: -2 does not count from the back.
  // expected-error @+1 {{'kiln.slice' op dimension 0 of input [8]: start -2, limit 8, step 1 is out of range: a positive step needs 0 <= start <= limit <= 8}}
  %0 = kiln.slice %x starts = [-2] limits = [8] : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

func.func @slice_start_after_limit(%x: tensor<?xf32>) {
  // expected-error @+1 {{'kiln.slice' op dimension 0 of input [?]: start 5, limit 3, step 2 is out of range: a positive step needs 0 <= start <= limit <= ?}}
  %0 = kiln.slice %x starts = [5] limits = [3] steps = [2] : tensor<?xf32> -> tensor<0xf32>
  return
}

// -----

func.func @slice_negative_step_start(%x: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.slice' op dimension 0 of input [8]: start 8, limit -1, step -1 is out of range: a negative step needs -1 <= limit <= start < 8}}
  %0 = kiln.slice %x starts = [8] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<9xf32>
  return
}

// -----

func.func @slice_negative_step_limit(%x: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.slice' op dimension 0 of input [8]: start 7, limit -2, step -1 is out of range: a negative step needs -1 <= limit <= start < 8}}
  %0 = kiln.slice %x starts = [7] limits = [-2] steps = [-1] : tensor<8xf32> -> tensor<9xf32>
  return
}

// -----

func.func @slice_entries(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.slice' op starts, limits and steps need one entry per dimension of the input [4, 8] (rank 2), got 1, 2 and 2}}
  %0 = kiln.slice %x starts = [0] limits = [4, 8] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_steps_entries(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kiln.slice' op starts, limits and steps need one entry per dimension of the input [4, 8] (rank 2), got 2, 2 and 3}}
  %0 = kiln.slice %x starts = [0, 0] limits = [4, 8] steps = [1, 1, 1] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_wrong_result(%x: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.slice' op result type 'tensor<4xf32>' does not match the type inferred from its operands and attributes, 'tensor<3xf32>'}}
  %0 = kiln.slice %x starts = [0] limits = [8] steps = [3] : tensor<8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_dynamic_result(%x: tensor<?xf32>) {
  // The result of a slice is static even when the input is dynamic.
  // expected-error @+1 {{'kiln.slice' op result type 'tensor<?xf32>' does not match the type inferred from its operands and attributes, 'tensor<2xf32>'}}
  %0 = kiln.slice %x starts = [1] limits = [3] : tensor<?xf32> -> tensor<?xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------===//

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'kiln.gather' op axis 2 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.gather %x[%i] axis = 2 : tensor<4x8xf32>, tensor<3xi64> -> tensor<4x8x3xf32>
  return
}

// -----

func.func @gather_negative_axis(%x: tensor<4x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'kiln.gather' op axis -3 is out of range for rank 2 (expected a value in [-2, 2))}}
  %0 = kiln.gather %x[%i] axis = -3 : tensor<4x8xf32>, tensor<3xi64> -> tensor<3x4x8xf32>
  return
}

// -----

func.func @gather_float_indices(%x: tensor<4x8xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = kiln.gather %x[%i] : tensor<4x8xf32>, tensor<3xf32> -> tensor<3x8xf32>
  return
}

// -----

func.func @gather_i8_indices(%x: tensor<4x8xf32>, %i: tensor<3xi8>) {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<3xi8>'}}
  %0 = kiln.gather %x[%i] : tensor<4x8xf32>, tensor<3xi8> -> tensor<3x8xf32>
  return
}

// -----

func.func @gather_scalar_data(%x: tensor<f32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'kiln.gather' op data must have rank 1 or more}}
  %0 = kiln.gather %x[%i] : tensor<f32>, tensor<3xi64> -> tensor<3xf32>
  return
}

// -----

func.func @gather_wrong_result(%x: tensor<4x8xf32>, %i: tensor<2x3xi32>) {
  // expected-error @+1 {{'kiln.gather' op result type 'tensor<4x6xf32>' does not match the type inferred from its operands and attributes, 'tensor<4x2x3xf32>'}}
  %0 = kiln.gather %x[%i] axis = 1 : tensor<4x8xf32>, tensor<2x3xi32> -> tensor<4x6xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// where
//===----------------------------------------------------------------------===//

func.func @where_condition_type(%c: tensor<4xi8>, %a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.where' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = kiln.where %c, %a, %b : tensor<4xi8>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @where_float_condition(%c: tensor<4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.where' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.where %c, %a, %b : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @where_broadcast(%c: tensor<3xi1>, %a: tensor<2x4xf32>, %b: tensor<f32>) {
  // expected-error @+1 {{'kiln.where' op operands are not broadcast-compatible: condition [3] and true_value [2, 4] differ in dimension 1 of the broadcast shape (3 vs 4)}}
  %0 = kiln.where %c, %a, %b : tensor<3xi1>, tensor<2x4xf32>, tensor<f32> -> tensor<2x4xf32>
  return
}

// -----

func.func @where_broadcast_false(%c: tensor<4xi1>, %a: tensor<2x4xf32>, %b: tensor<3x1xf32>) {
  // expected-error @+1 {{'kiln.where' op operands are not broadcast-compatible: true_value [2, 4] and false_value [3, 1] differ in dimension 0 of the broadcast shape (2 vs 3)}}
  %0 = kiln.where %c, %a, %b : tensor<4xi1>, tensor<2x4xf32>, tensor<3x1xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @where_element_type(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'kiln.where' op false_value has element type 'f16' but true_value has 'f32' ('tensor<4xf16>' vs 'tensor<4xf32>')}}
  %0 = kiln.where %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @where_wrong_result(%c: tensor<2x1xi1>, %a: tensor<4xi32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.where' op result type 'tensor<4xi32>' does not match the type inferred from its operands and attributes, 'tensor<2x4xi32>'}}
  %0 = kiln.where %c, %a, %b : tensor<2x1xi1>, tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

func.func @cast_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.cast' op changes the shape from 'tensor<2x3xf32>' to 'tensor<3x2xf16>'; cast converts only the element type (use kiln.reshape for the shape)}}
  %0 = kiln.cast %x : tensor<2x3xf32> -> tensor<3x2xf16>
  return
}

// -----

func.func @cast_rank(%x: tensor<6xf32>) {
  // expected-error @+1 {{'kiln.cast' op changes the shape from 'tensor<6xf32>' to 'tensor<1x6xi32>'}}
  %0 = kiln.cast %x : tensor<6xf32> -> tensor<1x6xi32>
  return
}

// -----

func.func @cast_dynamic_to_static(%x: tensor<?x3xf32>) {
  // Even a compatible shape must be spelled the same.
  // expected-error @+1 {{'kiln.cast' op changes the shape from 'tensor<?x3xf32>' to 'tensor<2x3xbf16>'}}
  %0 = kiln.cast %x : tensor<?x3xf32> -> tensor<2x3xbf16>
  return
}

// -----

func.func @cast_unsupported_element(%x: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.cast' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer or 1-bit signless integer values, but got 'tensor<4xi16>'}}
  %0 = kiln.cast %x : tensor<4xf32> -> tensor<4xi16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

func.func @attention_query_rank(%q: tensor<4x64x64xf32>, %k: tensor<1x4x64x64xf32>) {
  // expected-error @+1 {{'kiln.attention' op query has shape [4, 64, 64] but must have rank 4: [batch, heads, sequence, head_dim]}}
  %0 = kiln.attention %q, %k, %k : (tensor<4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  return
}

// -----

func.func @attention_value_rank(%q: tensor<1x4x64x64xf32>, %v: tensor<1x1x4x64x64xf32>) {
  // expected-error @+1 {{'kiln.attention' op value has shape [1, 1, 4, 64, 64] but must have rank 4: [batch, heads, sequence, head_dim]}}
  %0 = kiln.attention %q, %q, %v : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  return
}

// -----

func.func @attention_batch(%q: tensor<2x4x8x16xf32>, %k: tensor<3x4x8x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op batch sizes differ: query [2, 4, 8, 16], key [3, 4, 8, 16], value [3, 4, 8, 16]}}
  %0 = kiln.attention %q, %k, %k : (tensor<2x4x8x16xf32>, tensor<3x4x8x16xf32>, tensor<3x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return
}

// -----

func.func @attention_heads_multiple(%q: tensor<1x6x8x16xf32>, %k: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op query heads (6) must be a multiple of key/value heads (4) for grouped-query attention}}
  %0 = kiln.attention %q, %k, %k : (tensor<1x6x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x6x8x16xf32>
  return
}

// -----

func.func @attention_fewer_query_heads(%q: tensor<1x2x8x16xf32>, %k: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op query heads (2) must be a multiple of key/value heads (4) for grouped-query attention}}
  %0 = kiln.attention %q, %k, %k : (tensor<1x2x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x2x8x16xf32>
  return
}

// -----

func.func @attention_head_dim(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x32xf32>) {
  // expected-error @+1 {{'kiln.attention' op head dims differ: query [1, 4, 8, 16] has D = 16 but key [1, 4, 8, 32] has D = 32}}
  %0 = kiln.attention %q, %k, %k : (tensor<1x4x8x16xf32>, tensor<1x4x8x32xf32>, tensor<1x4x8x32xf32>) -> tensor<1x4x8x32xf32>
  return
}

// -----

func.func @attention_key_value_length(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>, %v: tensor<1x4x9x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op key [1, 4, 8, 16] and value [1, 4, 9, 16] must agree on heads and sequence length}}
  %0 = kiln.attention %q, %k, %v : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x9x16xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_key_value_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>, %v: tensor<1x2x8x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op key [1, 4, 8, 16] and value [1, 2, 8, 16] must agree on heads and sequence length}}
  %0 = kiln.attention %q, %k, %v : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_mask_broadcast(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x12x16xf32>, %m: tensor<8x8xf32>) {
  // expected-error @+1 {{'kiln.attention' op mask [8, 8] does not broadcast to the scores [batch, query heads, query length, key length] = [1, 4, 8, 12]}}
  %0 = kiln.attention %q, %k, %k mask %m : (tensor<1x4x8x16xf32>, tensor<1x4x12x16xf32>, tensor<1x4x12x16xf32>, tensor<8x8xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_mask_rank(%q: tensor<1x4x8x16xf32>, %m: tensor<1x1x4x8x8xi1>) {
  // expected-error @+1 {{'kiln.attention' op mask [1, 1, 4, 8, 8] does not broadcast to the scores [batch, query heads, query length, key length] = [1, 4, 8, 8]}}
  %0 = kiln.attention %q, %q, %q mask %m : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x1x4x8x8xi1>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_mask_kv_heads(%q: tensor<1x8x4x16xf32>, %k: tensor<1x2x4x16xf32>, %m: tensor<1x2x4x4xf32>) {
  // The mask broadcasts against the query heads, not the key/value heads.
  // expected-error @+1 {{'kiln.attention' op mask [1, 2, 4, 4] does not broadcast to the scores [batch, query heads, query length, key length] = [1, 8, 4, 4]}}
  %0 = kiln.attention %q, %k, %k mask %m : (tensor<1x8x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x4xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @attention_mask_element_type(%q: tensor<1x4x8x16xf32>, %m: tensor<8x8xf16>) {
  // expected-error @+1 {{'kiln.attention' op mask has element type 'f16' but query has 'f32' ('tensor<8x8xf16>' vs 'tensor<1x4x8x16xf32>')}}
  %0 = kiln.attention %q, %q, %q mask %m : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<8x8xf16>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_integer_mask(%q: tensor<1x4x8x16xf32>, %m: tensor<8x8xi32>) {
  // expected-error @+1 {{'kiln.attention' op operand #3 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 1-bit signless integer values, but got 'tensor<8x8xi32>'}}
  %0 = kiln.attention %q, %q, %q mask %m : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<8x8xi32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_key_element_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xbf16>) {
  // expected-error @+1 {{'kiln.attention' op key has element type 'bf16' but query has 'f32'}}
  %0 = kiln.attention %q, %k, %k : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_integer(%q: tensor<1x4x8x16xi32>) {
  // expected-error @+1 {{'kiln.attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x4x8x16xi32>'}}
  %0 = kiln.attention %q, %q, %q : (tensor<1x4x8x16xi32>, tensor<1x4x8x16xi32>, tensor<1x4x8x16xi32>) -> tensor<1x4x8x16xi32>
  return
}

// -----

func.func @attention_infinite_scale(%q: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kiln.attention' op scale must be finite, got inf}}
  %0 = kiln.attention %q, %q, %q scale = 0x7FF0000000000000 : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @attention_wrong_result(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x12x16xf32>, %v: tensor<1x4x12x32xf32>) {
  // The result takes the value's head dim and the query's length.
  // expected-error @+1 {{'kiln.attention' op result type 'tensor<1x4x12x16xf32>' does not match the type inferred from its operands and attributes, 'tensor<1x4x8x32xf32>'}}
  %0 = kiln.attention %q, %k, %v : (tensor<1x4x8x16xf32>, tensor<1x4x12x16xf32>, tensor<1x4x12x32xf32>) -> tensor<1x4x12x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

func.func @rope_odd_dim(%x: tensor<1x4x8x15xf32>, %c: tensor<8x7xf32>) {
  // expected-error @+1 {{'kiln.rope' op input [1, 4, 8, 15] has an odd last dimension 15; rotary embedding rotates pairs}}
  %0 = kiln.rope %x, %c, %c : (tensor<1x4x8x15xf32>, tensor<8x7xf32>, tensor<8x7xf32>) -> tensor<1x4x8x15xf32>
  return
}

// -----

func.func @rope_table_shape(%x: tensor<1x4x8x16xf32>, %c: tensor<8x16xf32>) {
  // The tables hold D/2 entries per position.
  // expected-error @+1 {{'kiln.rope' op cos/sin [8, 16] do not broadcast to [1, 4, 8, 8] (the input [1, 4, 8, 16] with its last dimension halved)}}
  %0 = kiln.rope %x, %c, %c : (tensor<1x4x8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @rope_table_length(%x: tensor<1x4x8x16xf32>, %c: tensor<16x8xf32>) {
  // expected-error @+1 {{'kiln.rope' op cos/sin [16, 8] do not broadcast to [1, 4, 8, 8] (the input [1, 4, 8, 16] with its last dimension halved)}}
  %0 = kiln.rope %x, %c, %c interleaved : (tensor<1x4x8x16xf32>, tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @rope_cos_sin_differ(%x: tensor<1x4x8x16xf32>, %c: tensor<8x8xf32>, %s: tensor<1x8xf32>) {
  // expected-error @+1 {{'kiln.rope' op cos [8, 8] and sin [1, 8] must have the same shape}}
  %0 = kiln.rope %x, %c, %s : (tensor<1x4x8x16xf32>, tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @rope_rank1(%x: tensor<16xf32>, %c: tensor<8xf32>) {
  // expected-error @+1 {{'kiln.rope' op input has shape [16] but must have rank 2 or more: [..., sequence, head_dim]}}
  %0 = kiln.rope %x, %c, %c : (tensor<16xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @rope_element_type(%x: tensor<8x16xf32>, %c: tensor<8x8xf16>) {
  // expected-error @+1 {{'kiln.rope' op cos has element type 'f16' but input has 'f32' ('tensor<8x8xf16>' vs 'tensor<8x16xf32>')}}
  %0 = kiln.rope %x, %c, %c : (tensor<8x16xf32>, tensor<8x8xf16>, tensor<8x8xf16>) -> tensor<8x16xf32>
  return
}

// -----

func.func @rope_integer(%x: tensor<8x16xi32>, %c: tensor<8x8xi32>) {
  // expected-error @+1 {{'kiln.rope' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<8x16xi32>'}}
  %0 = kiln.rope %x, %c, %c : (tensor<8x16xi32>, tensor<8x8xi32>, tensor<8x8xi32>) -> tensor<8x16xi32>
  return
}

// -----

func.func @rope_wrong_result(%x: tensor<?x16xf32>, %c: tensor<8x8xf32>) {
  // expected-error @+1 {{'kiln.rope' op result type 'tensor<8x16xf32>' does not match the type inferred from its operands and attributes, 'tensor<?x16xf32>'}}
  %0 = kiln.rope %x, %c, %c : (tensor<?x16xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x16xf32>
  return
}
