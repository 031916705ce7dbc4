// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round trip of every kiln op in its pretty form, through the pretty and the
// generic printers, with every optional clause. The CHECK lines pin the
// printed syntax, which is the dialect's public contract (docs/dialect.md):
// optional attributes at their default value are not printed.

// CHECK-LABEL: func.func @constants(
func.func @constants() -> (tensor<2x2xf32>, tensor<f32>, tensor<3xi64>, tensor<4xi1>, tensor<2x3xbf16>, tensor<2xf16>, tensor<2xi32>, tensor<3xi8>, tensor<2xf32>, tensor<2x2xi8>, tensor<0x4xf32>) {
  %dense = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: %[[DENSE:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00{{\]\]}}> : tensor<2x2xf32>
  %scalar = kiln.constant dense<1.0> : tensor<f32>
  // CHECK-NEXT: %[[SCALAR:.*]] = kiln.constant dense<1.000000e+00> : tensor<f32>
  %ids = kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  // CHECK-NEXT: %[[IDS:.*]] = kiln.constant dense<[0, -1, 7]> : tensor<3xi64>
  %mask = kiln.constant dense<[true, false, true, true]> : tensor<4xi1>
  // CHECK-NEXT: %[[MASK:.*]] = kiln.constant dense<[true, false, true, true]> : tensor<4xi1>
  %splat = kiln.constant dense<0.5> : tensor<2x3xbf16>
  // CHECK-NEXT: %[[SPLAT:.*]] = kiln.constant dense<5.000000e-01> : tensor<2x3xbf16>
  %half = kiln.constant dense<[1.5, -2.0]> : tensor<2xf16>
  // CHECK-NEXT: %[[HALF:.*]] = kiln.constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf16>
  %i32 = kiln.constant dense<[1, 2]> : tensor<2xi32>
  // CHECK-NEXT: %[[I32:.*]] = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %i8 = kiln.constant dense<[-128, 0, 127]> : tensor<3xi8>
  // CHECK-NEXT: %[[I8:.*]] = kiln.constant dense<[-128, 0, 127]> : tensor<3xi8>
  %weight = kiln.constant dense_resource<ops_weight> : tensor<2xf32>
  // CHECK-NEXT: %[[WEIGHT:.*]] = kiln.constant dense_resource<ops_weight> : tensor<2xf32>
  %bytes = kiln.constant dense_resource<ops_bytes> : tensor<2x2xi8>
  // CHECK-NEXT: %[[BYTES:.*]] = kiln.constant dense_resource<ops_bytes> : tensor<2x2xi8>
  %empty = kiln.constant dense<> : tensor<0x4xf32>
  // CHECK-NEXT: %[[EMPTY:.*]] = kiln.constant dense<> : tensor<0x4xf32>
  return %dense, %scalar, %ids, %mask, %splat, %half, %i32, %i8, %weight, %bytes, %empty : tensor<2x2xf32>, tensor<f32>, tensor<3xi64>, tensor<4xi1>, tensor<2x3xbf16>, tensor<2xf16>, tensor<2xi32>, tensor<3xi8>, tensor<2xf32>, tensor<2x2xi8>, tensor<0x4xf32>
  // CHECK-NEXT: return %[[DENSE]], %[[SCALAR]], %[[IDS]], %[[MASK]], %[[SPLAT]], %[[HALF]], %[[I32]], %[[I8]], %[[WEIGHT]], %[[BYTES]], %[[EMPTY]] : tensor<2x2xf32>, tensor<f32>, tensor<3xi64>, tensor<4xi1>, tensor<2x3xbf16>, tensor<2xf16>, tensor<2xi32>, tensor<3xi8>, tensor<2xf32>, tensor<2x2xi8>, tensor<0x4xf32>
}

// CHECK-LABEL: func.func @matmul(
func.func @matmul(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %at: tensor<16x8xf32>, %bt: tensor<4x16xf32>) {
  %0 = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  // CHECK: %{{.*}} = kiln.matmul %arg0, %arg1 : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  %1 = kiln.matmul %at, %b transpose_a : tensor<16x8xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg2, %arg1 transpose_a : tensor<16x8xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  %2 = kiln.matmul %a, %bt transpose_b : tensor<8x16xf32>, tensor<4x16xf32> -> tensor<8x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg0, %arg3 transpose_b : tensor<8x16xf32>, tensor<4x16xf32> -> tensor<8x4xf32>
  %3 = kiln.matmul %at, %bt transpose_a transpose_b : tensor<16x8xf32>, tensor<4x16xf32> -> tensor<8x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg2, %arg3 transpose_a transpose_b : tensor<16x8xf32>, tensor<4x16xf32> -> tensor<8x4xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @matmul_batched(
func.func @matmul_batched(%x: tensor<2x1x8x16xf32>, %w: tensor<3x16x4xf32>, %v: tensor<16x4xf32>, %q: tensor<1x4x64x32xf16>, %k: tensor<1x4x64x32xf16>) {
  %0 = kiln.matmul %x, %w : tensor<2x1x8x16xf32>, tensor<3x16x4xf32> -> tensor<2x3x8x4xf32>
  // CHECK: %{{.*}} = kiln.matmul %arg0, %arg1 : tensor<2x1x8x16xf32>, tensor<3x16x4xf32> -> tensor<2x3x8x4xf32>
  %1 = kiln.matmul %x, %v : tensor<2x1x8x16xf32>, tensor<16x4xf32> -> tensor<2x1x8x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg0, %arg2 : tensor<2x1x8x16xf32>, tensor<16x4xf32> -> tensor<2x1x8x4xf32>
  %2 = kiln.matmul %q, %k transpose_b : tensor<1x4x64x32xf16>, tensor<1x4x64x32xf16> -> tensor<1x4x64x64xf16>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg3, %arg4 transpose_b : tensor<1x4x64x32xf16>, tensor<1x4x64x32xf16> -> tensor<1x4x64x64xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @matmul_dynamic_and_integer(
func.func @matmul_dynamic_and_integer(%a: tensor<?x?x16xf32>, %b: tensor<16x?xf32>, %c: tensor<4x?xf32>, %d: tensor<?x8xf32>, %i: tensor<2x3xi32>, %j: tensor<3x5xi32>, %s: tensor<4x8xi8>, %t: tensor<8x2xi8>, %e: tensor<2x4xbf16>, %f: tensor<4x3xbf16>, %g: tensor<3x2xi64>) {
  %0 = kiln.matmul %a, %b : tensor<?x?x16xf32>, tensor<16x?xf32> -> tensor<?x?x?xf32>
  // CHECK: %{{.*}} = kiln.matmul %arg0, %arg1 : tensor<?x?x16xf32>, tensor<16x?xf32> -> tensor<?x?x?xf32>
  %1 = kiln.matmul %c, %d : tensor<4x?xf32>, tensor<?x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg2, %arg3 : tensor<4x?xf32>, tensor<?x8xf32> -> tensor<4x8xf32>
  %2 = kiln.matmul %i, %j : tensor<2x3xi32>, tensor<3x5xi32> -> tensor<2x5xi32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg4, %arg5 : tensor<2x3xi32>, tensor<3x5xi32> -> tensor<2x5xi32>
  %3 = kiln.matmul %s, %t : tensor<4x8xi8>, tensor<8x2xi8> -> tensor<4x2xi8>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg6, %arg7 : tensor<4x8xi8>, tensor<8x2xi8> -> tensor<4x2xi8>
  %4 = kiln.matmul %e, %f : tensor<2x4xbf16>, tensor<4x3xbf16> -> tensor<2x3xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg8, %arg9 : tensor<2x4xbf16>, tensor<4x3xbf16> -> tensor<2x3xbf16>
  %5 = kiln.matmul %g, %g transpose_a : tensor<3x2xi64>, tensor<3x2xi64> -> tensor<2x2xi64>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg10, %arg10 transpose_a : tensor<3x2xi64>, tensor<3x2xi64> -> tensor<2x2xi64>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @binary(
func.func @binary(%x: tensor<64x256xf32>, %b: tensor<256xf32>, %s: tensor<f32>, %col: tensor<64x1xf32>) {
  %0 = kiln.add %x, %b : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
  // CHECK: %{{.*}} = kiln.add %arg0, %arg1 : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
  %1 = kiln.sub %b, %x : tensor<256xf32>, tensor<64x256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.sub %arg1, %arg0 : tensor<256xf32>, tensor<64x256xf32> -> tensor<64x256xf32>
  %2 = kiln.mul %x, %s : tensor<64x256xf32>, tensor<f32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.mul %arg0, %arg2 : tensor<64x256xf32>, tensor<f32> -> tensor<64x256xf32>
  %3 = kiln.div %s, %x : tensor<f32>, tensor<64x256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.div %arg2, %arg0 : tensor<f32>, tensor<64x256xf32> -> tensor<64x256xf32>
  %4 = kiln.max %col, %b : tensor<64x1xf32>, tensor<256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.max %arg3, %arg1 : tensor<64x1xf32>, tensor<256xf32> -> tensor<64x256xf32>
  %5 = kiln.min %x, %col : tensor<64x256xf32>, tensor<64x1xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.min %arg0, %arg3 : tensor<64x256xf32>, tensor<64x1xf32> -> tensor<64x256xf32>
  %6 = kiln.pow %x, %x : tensor<64x256xf32>, tensor<64x256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.pow %arg0, %arg0 : tensor<64x256xf32>, tensor<64x256xf32> -> tensor<64x256xf32>
  %7 = kiln.add %s, %s : tensor<f32>, tensor<f32> -> tensor<f32>
  // CHECK-NEXT: %{{.*}} = kiln.add %arg2, %arg2 : tensor<f32>, tensor<f32> -> tensor<f32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @binary_dynamic(
func.func @binary_dynamic(%a: tensor<?x4xf32>, %b: tensor<4xf32>, %c: tensor<3x1xf32>, %d: tensor<?x?xf32>, %e: tensor<1x?xf32>, %f: tensor<2x1x5xf32>) {
  %0 = kiln.add %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: %{{.*}} = kiln.add %arg0, %arg1 : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %1 = kiln.mul %a, %c : tensor<?x4xf32>, tensor<3x1xf32> -> tensor<3x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.mul %arg0, %arg2 : tensor<?x4xf32>, tensor<3x1xf32> -> tensor<3x4xf32>
  %2 = kiln.sub %d, %a : tensor<?x?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK-NEXT: %{{.*}} = kiln.sub %arg3, %arg0 : tensor<?x?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %3 = kiln.max %e, %c : tensor<1x?xf32>, tensor<3x1xf32> -> tensor<3x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.max %arg4, %arg2 : tensor<1x?xf32>, tensor<3x1xf32> -> tensor<3x?xf32>
  %4 = kiln.min %d, %d : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.min %arg3, %arg3 : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %5 = kiln.pow %f, %c : tensor<2x1x5xf32>, tensor<3x1xf32> -> tensor<2x3x5xf32>
  // CHECK-NEXT: %{{.*}} = kiln.pow %arg5, %arg2 : tensor<2x1x5xf32>, tensor<3x1xf32> -> tensor<2x3x5xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @binary_types(
func.func @binary_types(%i64: tensor<4xi64>, %i32: tensor<4xi32>, %i8: tensor<2x4xi8>, %f16: tensor<4xf16>, %bf16: tensor<4xbf16>, %h: tensor<4xf16>) {
  %0 = kiln.add %i64, %i64 : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  // CHECK: %{{.*}} = kiln.add %arg0, %arg0 : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %1 = kiln.sub %i32, %i32 : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  // CHECK-NEXT: %{{.*}} = kiln.sub %arg1, %arg1 : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %2 = kiln.mul %i8, %i8 : tensor<2x4xi8>, tensor<2x4xi8> -> tensor<2x4xi8>
  // CHECK-NEXT: %{{.*}} = kiln.mul %arg2, %arg2 : tensor<2x4xi8>, tensor<2x4xi8> -> tensor<2x4xi8>
  %3 = kiln.div %i32, %i32 : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  // CHECK-NEXT: %{{.*}} = kiln.div %arg1, %arg1 : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %4 = kiln.max %f16, %h : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  // CHECK-NEXT: %{{.*}} = kiln.max %arg3, %arg5 : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  %5 = kiln.min %i64, %i64 : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  // CHECK-NEXT: %{{.*}} = kiln.min %arg0, %arg0 : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %6 = kiln.pow %bf16, %bf16 : tensor<4xbf16>, tensor<4xbf16> -> tensor<4xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.pow %arg4, %arg4 : tensor<4xbf16>, tensor<4xbf16> -> tensor<4xbf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @unary(
func.func @unary(%x: tensor<64x256xf32>, %h: tensor<?x8xf16>, %b: tensor<4xbf16>, %i: tensor<3xi32>, %l: tensor<3xi64>, %c: tensor<2x?xi8>) {
  %0 = kiln.exp %x : tensor<64x256xf32>
  // CHECK: %{{.*}} = kiln.exp %arg0 : tensor<64x256xf32>
  %1 = kiln.log %h : tensor<?x8xf16>
  // CHECK-NEXT: %{{.*}} = kiln.log %arg1 : tensor<?x8xf16>
  %2 = kiln.tanh %b : tensor<4xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.tanh %arg2 : tensor<4xbf16>
  %3 = kiln.erf %x : tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.erf %arg0 : tensor<64x256xf32>
  %4 = kiln.sqrt %h : tensor<?x8xf16>
  // CHECK-NEXT: %{{.*}} = kiln.sqrt %arg1 : tensor<?x8xf16>
  %5 = kiln.rsqrt %b : tensor<4xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.rsqrt %arg2 : tensor<4xbf16>
  %6 = kiln.neg %i : tensor<3xi32>
  // CHECK-NEXT: %{{.*}} = kiln.neg %arg3 : tensor<3xi32>
  %7 = kiln.abs %l : tensor<3xi64>
  // CHECK-NEXT: %{{.*}} = kiln.abs %arg4 : tensor<3xi64>
  %8 = kiln.relu %c : tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.relu %arg5 : tensor<2x?xi8>
  %9 = kiln.sigmoid %x : tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.sigmoid %arg0 : tensor<64x256xf32>
  %10 = kiln.silu %h : tensor<?x8xf16>
  // CHECK-NEXT: %{{.*}} = kiln.silu %arg1 : tensor<?x8xf16>
  %11 = kiln.neg %x : tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.neg %arg0 : tensor<64x256xf32>
  %12 = kiln.abs %b : tensor<4xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.abs %arg2 : tensor<4xbf16>
  %13 = kiln.relu %x : tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.relu %arg0 : tensor<64x256xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @gelu(
func.func @gelu(%x: tensor<64x1024xf32>, %h: tensor<?x4xbf16>) {
  %0 = kiln.gelu %x : tensor<64x1024xf32>
  // CHECK: %{{.*}} = kiln.gelu %arg0 : tensor<64x1024xf32>
  %1 = kiln.gelu %x approximate = tanh : tensor<64x1024xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gelu %arg0 approximate = tanh : tensor<64x1024xf32>
  // The default, written out, prints in the short form.
  %2 = kiln.gelu %h approximate = erf : tensor<?x4xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.gelu %arg1 : tensor<?x4xbf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @softmax(
func.func @softmax(%s: tensor<1x4x64x64xf32>, %d: tensor<?x?xf16>) {
  %0 = kiln.softmax %s : tensor<1x4x64x64xf32>
  // CHECK: %{{.*}} = kiln.softmax %arg0 : tensor<1x4x64x64xf32>
  %1 = kiln.softmax %s axis = 1 : tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.softmax %arg0 axis = 1 : tensor<1x4x64x64xf32>
  %2 = kiln.softmax %s axis = -4 : tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.softmax %arg0 axis = -4 : tensor<1x4x64x64xf32>
  %3 = kiln.softmax %d axis = 0 : tensor<?x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.softmax %arg1 axis = 0 : tensor<?x?xf16>
  // The default, written out, prints in the short form.
  %4 = kiln.softmax %d axis = -1 : tensor<?x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.softmax %arg1 : tensor<?x?xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @layer_norm(
func.func @layer_norm(%x: tensor<1x64x256xf32>, %g: tensor<256xf32>, %b: tensor<256xf32>, %g2: tensor<64x256xf32>) {
  %0 = kiln.layer_norm %x : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK: %{{.*}} = kiln.layer_norm %arg0 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  %1 = kiln.layer_norm %x scale %g : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 scale %arg1 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  %2 = kiln.layer_norm %x bias %b : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 bias %arg2 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  %3 = kiln.layer_norm %x scale %g bias %b : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 scale %arg1 bias %arg2 : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  %4 = kiln.layer_norm %x scale %g2 bias %g2 axis = 1 epsilon = 1.0e-06 : (tensor<1x64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 scale %arg3 bias %arg3 axis = 1 epsilon = 9.9999999999999995E-7 : (tensor<1x64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<1x64x256xf32>
  %5 = kiln.layer_norm %x axis = -2 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 axis = -2 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  %6 = kiln.layer_norm %x epsilon = 1.0e-12 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 epsilon = 9.9999999999999998E-13 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // Defaults written out print in the short form.
  %7 = kiln.layer_norm %x scale %g axis = -1 epsilon = 1.0e-05 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 scale %arg1 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @layer_norm_dynamic(
func.func @layer_norm_dynamic(%x: tensor<?x?x256xbf16>, %g: tensor<256xbf16>, %d: tensor<?x?xf16>, %p: tensor<?xf16>, %q: tensor<8xf16>) {
  %0 = kiln.layer_norm %x scale %g bias %g : (tensor<?x?x256xbf16>, tensor<256xbf16>, tensor<256xbf16>) -> tensor<?x?x256xbf16>
  // CHECK: %{{.*}} = kiln.layer_norm %arg0 scale %arg1 bias %arg1 : (tensor<?x?x256xbf16>, tensor<256xbf16>, tensor<256xbf16>) -> tensor<?x?x256xbf16>
  %1 = kiln.layer_norm %d scale %p bias %q : (tensor<?x?xf16>, tensor<?xf16>, tensor<8xf16>) -> tensor<?x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg2 scale %arg3 bias %arg4 : (tensor<?x?xf16>, tensor<?xf16>, tensor<8xf16>) -> tensor<?x?xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @rms_norm(
func.func @rms_norm(%x: tensor<1x64x256xf32>, %g: tensor<256xf32>, %g2: tensor<64x256xf32>, %d: tensor<?x?xf16>, %p: tensor<?xf16>) {
  %0 = kiln.rms_norm %x : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK: %{{.*}} = kiln.rms_norm %arg0 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  %1 = kiln.rms_norm %x scale %g : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg0 scale %arg1 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  %2 = kiln.rms_norm %x scale %g2 axis = 1 : (tensor<1x64x256xf32>, tensor<64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg0 scale %arg2 axis = 1 : (tensor<1x64x256xf32>, tensor<64x256xf32>) -> tensor<1x64x256xf32>
  %3 = kiln.rms_norm %x epsilon = 1.0e-05 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg0 epsilon = 1.000000e-05 : (tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  %4 = kiln.rms_norm %x scale %g axis = -1 epsilon = 9.9999999999999995e-07 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg0 scale %arg1 : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
  %5 = kiln.rms_norm %d scale %p axis = 1 epsilon = 1.0e-05 : (tensor<?x?xf16>, tensor<?xf16>) -> tensor<?x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg3 scale %arg4 axis = 1 epsilon = 1.000000e-05 : (tensor<?x?xf16>, tensor<?xf16>) -> tensor<?x?xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @reduce(
func.func @reduce(%x: tensor<4x8x16xf32>, %i: tensor<4x8xi32>, %d: tensor<?x8xf16>) {
  %0 = kiln.reduce sum %x axes = [1] : tensor<4x8x16xf32> -> tensor<4x16xf32>
  // CHECK: %{{.*}} = kiln.reduce sum %arg0 axes = [1] : tensor<4x8x16xf32> -> tensor<4x16xf32>
  %1 = kiln.reduce mean %x axes = [-1] keepdims : tensor<4x8x16xf32> -> tensor<4x8x1xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reduce mean %arg0 axes = [-1] keepdims : tensor<4x8x16xf32> -> tensor<4x8x1xf32>
  %2 = kiln.reduce max %x axes = [0, 2] : tensor<4x8x16xf32> -> tensor<8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reduce max %arg0 axes = [0, 2] : tensor<4x8x16xf32> -> tensor<8xf32>
  %3 = kiln.reduce min %x axes = [2, 0, 1] keepdims : tensor<4x8x16xf32> -> tensor<1x1x1xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reduce min %arg0 axes = [2, 0, 1] keepdims : tensor<4x8x16xf32> -> tensor<1x1x1xf32>
  %4 = kiln.reduce sum %x axes = [0, 1, 2] : tensor<4x8x16xf32> -> tensor<f32>
  // CHECK-NEXT: %{{.*}} = kiln.reduce sum %arg0 axes = [0, 1, 2] : tensor<4x8x16xf32> -> tensor<f32>
  %5 = kiln.reduce mean %i axes = [1] : tensor<4x8xi32> -> tensor<4xi32>
  // CHECK-NEXT: %{{.*}} = kiln.reduce mean %arg1 axes = [1] : tensor<4x8xi32> -> tensor<4xi32>
  %6 = kiln.reduce max %d axes = [1] : tensor<?x8xf16> -> tensor<?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.reduce max %arg2 axes = [1] : tensor<?x8xf16> -> tensor<?xf16>
  %7 = kiln.reduce min %d axes = [-2] keepdims : tensor<?x8xf16> -> tensor<1x8xf16>
  // CHECK-NEXT: %{{.*}} = kiln.reduce min %arg2 axes = [-2] keepdims : tensor<?x8xf16> -> tensor<1x8xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @transpose(
func.func @transpose(%x: tensor<1x64x4x64xf32>, %d: tensor<?x3xi64>, %s: tensor<f32>) {
  %0 = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  // CHECK: %{{.*}} = kiln.transpose %arg0 perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
  %1 = kiln.transpose %x perm = [3, 2, 1, 0] : tensor<1x64x4x64xf32> -> tensor<64x4x64x1xf32>
  // CHECK-NEXT: %{{.*}} = kiln.transpose %arg0 perm = [3, 2, 1, 0] : tensor<1x64x4x64xf32> -> tensor<64x4x64x1xf32>
  %2 = kiln.transpose %d perm = [1, 0] : tensor<?x3xi64> -> tensor<3x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.transpose %arg1 perm = [1, 0] : tensor<?x3xi64> -> tensor<3x?xi64>
  %3 = kiln.transpose %x perm = [0, 1, 2, 3] : tensor<1x64x4x64xf32> -> tensor<1x64x4x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.transpose %arg0 perm = [0, 1, 2, 3] : tensor<1x64x4x64xf32> -> tensor<1x64x4x64xf32>
  %4 = kiln.transpose %s perm = [] : tensor<f32> -> tensor<f32>
  // CHECK-NEXT: %{{.*}} = kiln.transpose %arg2 perm = [] : tensor<f32> -> tensor<f32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @reshape(
func.func @reshape(%x: tensor<1x64x256xf32>, %d: tensor<?x256xf32>, %one: tensor<1x1xi8>, %e: tensor<0x4xf32>) {
  %0 = kiln.reshape %x : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  // CHECK: %{{.*}} = kiln.reshape %arg0 : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
  %1 = kiln.reshape %x : tensor<1x64x256xf32> -> tensor<?x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reshape %arg0 : tensor<1x64x256xf32> -> tensor<?x256xf32>
  %2 = kiln.reshape %d : tensor<?x256xf32> -> tensor<?x4x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reshape %arg1 : tensor<?x256xf32> -> tensor<?x4x64xf32>
  %3 = kiln.reshape %d : tensor<?x256xf32> -> tensor<16x16x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reshape %arg1 : tensor<?x256xf32> -> tensor<16x16x?xf32>
  %4 = kiln.reshape %one : tensor<1x1xi8> -> tensor<i8>
  // CHECK-NEXT: %{{.*}} = kiln.reshape %arg2 : tensor<1x1xi8> -> tensor<i8>
  %5 = kiln.reshape %e : tensor<0x4xf32> -> tensor<2x0xf32>
  // CHECK-NEXT: %{{.*}} = kiln.reshape %arg3 : tensor<0x4xf32> -> tensor<2x0xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @concat(
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<4x3xf32>, %d: tensor<?x3xf32>, %e: tensor<2x?xi1>) {
  %0 = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  // CHECK: %{{.*}} = kiln.concat %arg0, %arg1 axis = 1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  %1 = kiln.concat %a, %c, %a axis = 0 : tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32> -> tensor<8x3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg0, %arg2, %arg0 axis = 0 : tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32> -> tensor<8x3xf32>
  %2 = kiln.concat %a, %b axis = -1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg0, %arg1 axis = -1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  %3 = kiln.concat %a axis = 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg0 axis = 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %4 = kiln.concat %a, %d axis = 0 : tensor<2x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg0, %arg3 axis = 0 : tensor<2x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = kiln.concat %d, %a axis = 1 : tensor<?x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg3, %arg0 axis = 1 : tensor<?x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  %6 = kiln.concat %e, %e axis = 0 : tensor<2x?xi1>, tensor<2x?xi1> -> tensor<4x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.concat %arg4, %arg4 axis = 0 : tensor<2x?xi1>, tensor<2x?xi1> -> tensor<4x?xi1>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @slice(
func.func @slice(%qkv: tensor<1x64x768xf32>, %x: tensor<8xf32>, %d: tensor<?x16xi32>) {
  %0 = kiln.slice %qkv starts = [0, 0, 0] limits = [1, 64, 256] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  // CHECK: %{{.*}} = kiln.slice %arg0 starts = [0, 0, 0] limits = [1, 64, 256] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  %1 = kiln.slice %qkv starts = [0, 0, 256] limits = [1, 64, 512] steps = [1, 1, 1] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg0 starts = [0, 0, 256] limits = [1, 64, 512] steps = [1, 1, 1] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
  %2 = kiln.slice %qkv starts = [0, 1, 0] limits = [1, 64, 768] steps = [1, 2, 3] : tensor<1x64x768xf32> -> tensor<1x32x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg0 starts = [0, 1, 0] limits = [1, 64, 768] steps = [1, 2, 3] : tensor<1x64x768xf32> -> tensor<1x32x256xf32>
  %3 = kiln.slice %x starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg1 starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
  %4 = kiln.slice %x starts = [6] limits = [1] steps = [-2] : tensor<8xf32> -> tensor<3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg1 starts = [6] limits = [1] steps = [-2] : tensor<8xf32> -> tensor<3xf32>
  %5 = kiln.slice %x starts = [3] limits = [3] : tensor<8xf32> -> tensor<0xf32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg1 starts = [3] limits = [3] : tensor<8xf32> -> tensor<0xf32>
  %6 = kiln.slice %d starts = [2, 0] limits = [10, 16] steps = [4, 1] : tensor<?x16xi32> -> tensor<2x16xi32>
  // CHECK-NEXT: %{{.*}} = kiln.slice %arg2 starts = [2, 0] limits = [10, 16] steps = [4, 1] : tensor<?x16xi32> -> tensor<2x16xi32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @gather(
func.func @gather(%table: tensor<50257x256xf32>, %ids: tensor<1x64xi64>, %x: tensor<4x8xf32>, %i: tensor<3xi32>, %s: tensor<i64>, %d: tensor<?x8xi8>, %di: tensor<?xi64>) {
  %0 = kiln.gather %table[%ids] : tensor<50257x256xf32>, tensor<1x64xi64> -> tensor<1x64x256xf32>
  // CHECK: %{{.*}} = kiln.gather %arg0[%arg1] : tensor<50257x256xf32>, tensor<1x64xi64> -> tensor<1x64x256xf32>
  %1 = kiln.gather %x[%i] axis = 1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg2[%arg3] axis = 1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  %2 = kiln.gather %x[%i] axis = -1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg2[%arg3] axis = -1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  %3 = kiln.gather %x[%s] : tensor<4x8xf32>, tensor<i64> -> tensor<8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg2[%arg4] : tensor<4x8xf32>, tensor<i64> -> tensor<8xf32>
  %4 = kiln.gather %d[%di] axis = 1 : tensor<?x8xi8>, tensor<?xi64> -> tensor<?x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg5[%arg6] axis = 1 : tensor<?x8xi8>, tensor<?xi64> -> tensor<?x?xi8>
  // The default axis, written out, prints in the short form.
  %5 = kiln.gather %x[%i] axis = 0 : tensor<4x8xf32>, tensor<3xi32> -> tensor<3x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg2[%arg3] : tensor<4x8xf32>, tensor<3xi32> -> tensor<3x8xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @where(
func.func @where(%keep: tensor<64x64xi1>, %s: tensor<1x4x64x64xf32>, %neg_inf: tensor<f32>, %c: tensor<?xi1>, %a: tensor<3x1xi32>, %b: tensor<3x?xi32>, %p: tensor<2xi1>) {
  %0 = kiln.where %keep, %s, %neg_inf : tensor<64x64xi1>, tensor<1x4x64x64xf32>, tensor<f32> -> tensor<1x4x64x64xf32>
  // CHECK: %{{.*}} = kiln.where %arg0, %arg1, %arg2 : tensor<64x64xi1>, tensor<1x4x64x64xf32>, tensor<f32> -> tensor<1x4x64x64xf32>
  %1 = kiln.where %c, %a, %b : tensor<?xi1>, tensor<3x1xi32>, tensor<3x?xi32> -> tensor<3x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.where %arg3, %arg4, %arg5 : tensor<?xi1>, tensor<3x1xi32>, tensor<3x?xi32> -> tensor<3x?xi32>
  %2 = kiln.where %p, %p, %p : tensor<2xi1>, tensor<2xi1>, tensor<2xi1> -> tensor<2xi1>
  // CHECK-NEXT: %{{.*}} = kiln.where %arg6, %arg6, %arg6 : tensor<2xi1>, tensor<2xi1>, tensor<2xi1> -> tensor<2xi1>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @cast(
func.func @cast(%x: tensor<64x256xf32>, %d: tensor<?x?xi64>) {
  %0 = kiln.cast %x : tensor<64x256xf32> -> tensor<64x256xbf16>
  // CHECK: %{{.*}} = kiln.cast %arg0 : tensor<64x256xf32> -> tensor<64x256xbf16>
  %1 = kiln.cast %x : tensor<64x256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<64x256xf32> -> tensor<64x256xf32>
  %2 = kiln.cast %d : tensor<?x?xi64> -> tensor<?x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<?x?xi64> -> tensor<?x?xi1>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @cast_all_pairs(
func.func @cast_all_pairs(%f32: tensor<2x?xf32>, %f16: tensor<2x?xf16>, %bf16: tensor<2x?xbf16>, %i64: tensor<2x?xi64>, %i32: tensor<2x?xi32>, %i8: tensor<2x?xi8>, %i1: tensor<2x?xi1>) {
  %f32_to_f16 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xf16>
  // CHECK: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xf16>
  %f32_to_bf16 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xbf16>
  %f32_to_i64 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xi64>
  %f32_to_i32 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xi32>
  %f32_to_i8 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xi8>
  %f32_to_i1 = kiln.cast %f32 : tensor<2x?xf32> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg0 : tensor<2x?xf32> -> tensor<2x?xi1>
  %f16_to_f32 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xf32>
  %f16_to_bf16 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xbf16>
  %f16_to_i64 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xi64>
  %f16_to_i32 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xi32>
  %f16_to_i8 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xi8>
  %f16_to_i1 = kiln.cast %f16 : tensor<2x?xf16> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg1 : tensor<2x?xf16> -> tensor<2x?xi1>
  %bf16_to_f32 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xf32>
  %bf16_to_f16 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xf16>
  %bf16_to_i64 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xi64>
  %bf16_to_i32 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xi32>
  %bf16_to_i8 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xi8>
  %bf16_to_i1 = kiln.cast %bf16 : tensor<2x?xbf16> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg2 : tensor<2x?xbf16> -> tensor<2x?xi1>
  %i64_to_f32 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xf32>
  %i64_to_f16 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xf16>
  %i64_to_bf16 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xbf16>
  %i64_to_i32 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xi32>
  %i64_to_i8 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xi8>
  %i64_to_i1 = kiln.cast %i64 : tensor<2x?xi64> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg3 : tensor<2x?xi64> -> tensor<2x?xi1>
  %i32_to_f32 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xf32>
  %i32_to_f16 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xf16>
  %i32_to_bf16 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xbf16>
  %i32_to_i64 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xi64>
  %i32_to_i8 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xi8>
  %i32_to_i1 = kiln.cast %i32 : tensor<2x?xi32> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg4 : tensor<2x?xi32> -> tensor<2x?xi1>
  %i8_to_f32 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xf32>
  %i8_to_f16 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xf16>
  %i8_to_bf16 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xbf16>
  %i8_to_i64 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xi64>
  %i8_to_i32 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xi32>
  %i8_to_i1 = kiln.cast %i8 : tensor<2x?xi8> -> tensor<2x?xi1>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg5 : tensor<2x?xi8> -> tensor<2x?xi1>
  %i1_to_f32 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xf32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xf32>
  %i1_to_f16 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xf16>
  %i1_to_bf16 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xbf16>
  %i1_to_i64 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xi64>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xi64>
  %i1_to_i32 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xi32>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xi32>
  %i1_to_i8 = kiln.cast %i1 : tensor<2x?xi1> -> tensor<2x?xi8>
  // CHECK-NEXT: %{{.*}} = kiln.cast %arg6 : tensor<2x?xi1> -> tensor<2x?xi8>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @attention(
func.func @attention(%q: tensor<1x4x64x64xf32>, %k: tensor<1x4x64x64xf32>, %v: tensor<1x4x64x64xf32>, %m: tensor<1x1x64x64xf32>, %keep: tensor<64x64xi1>) {
  %0 = kiln.attention %q, %k, %v : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  // CHECK: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  %1 = kiln.attention %q, %k, %v causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  %2 = kiln.attention %q, %k, %v mask %m : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 mask %arg3 : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x4x64x64xf32>
  %3 = kiln.attention %q, %k, %v mask %keep : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<64x64xi1>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 mask %arg4 : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<64x64xi1>) -> tensor<1x4x64x64xf32>
  %4 = kiln.attention %q, %k, %v scale = 1.250000e-01 : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 scale = 1.250000e-01 : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
  %5 = kiln.attention %q, %k, %v mask %m scale = 0.5 causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 mask %arg3 scale = 5.000000e-01 causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x4x64x64xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @attention_grouped(
func.func @attention_grouped(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x128x64xf32>, %v: tensor<1x2x128x32xf32>, %k1: tensor<1x1x128x64xf32>, %v1: tensor<1x1x128x64xf32>, %m: tensor<1x1x1x128xf32>, %b: tensor<8x1x128xi1>) {
  // Grouped-query: 8 query heads read 2 key/value heads; Dv != D; Sq != Sk.
  %0 = kiln.attention %q, %k, %v mask %m scale = 1.250000e-01 causal : (tensor<1x8x16x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x32xf32>, tensor<1x1x1x128xf32>) -> tensor<1x8x16x32xf32>
  // CHECK: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 mask %arg5 scale = 1.250000e-01 causal : (tensor<1x8x16x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x32xf32>, tensor<1x1x1x128xf32>) -> tensor<1x8x16x32xf32>
  // Multi-query: one key/value head.
  %1 = kiln.attention %q, %k1, %v1 mask %b causal : (tensor<1x8x16x64xf32>, tensor<1x1x128x64xf32>, tensor<1x1x128x64xf32>, tensor<8x1x128xi1>) -> tensor<1x8x16x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg0, %arg3, %arg4 mask %arg6 causal : (tensor<1x8x16x64xf32>, tensor<1x1x128x64xf32>, tensor<1x1x128x64xf32>, tensor<8x1x128xi1>) -> tensor<1x8x16x64xf32>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @attention_dynamic(
func.func @attention_dynamic(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>, %v: tensor<?x4x?x64xbf16>, %m: tensor<?x?xbf16>, %q16: tensor<2x?x8x32xf16>, %k16: tensor<2x?x8x32xf16>, %kb: tensor<1x1x1x1xi1>) {
  %0 = kiln.attention %q, %k, %v mask %m causal : (tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x?xbf16>) -> tensor<?x4x?x64xbf16>
  // CHECK: %{{.*}} = kiln.attention %arg0, %arg1, %arg2 mask %arg3 causal : (tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x?xbf16>) -> tensor<?x4x?x64xbf16>
  %1 = kiln.attention %q16, %k16, %k16 mask %kb scale = 2.000000e+00 : (tensor<2x?x8x32xf16>, tensor<2x?x8x32xf16>, tensor<2x?x8x32xf16>, tensor<1x1x1x1xi1>) -> tensor<2x?x8x32xf16>
  // CHECK-NEXT: %{{.*}} = kiln.attention %arg4, %arg5, %arg5 mask %arg6 scale = 2.000000e+00 : (tensor<2x?x8x32xf16>, tensor<2x?x8x32xf16>, tensor<2x?x8x32xf16>, tensor<1x1x1x1xi1>) -> tensor<2x?x8x32xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @rope(
func.func @rope(%q: tensor<1x4x64x64xf32>, %cos: tensor<64x32xf32>, %sin: tensor<64x32xf32>, %c4: tensor<1x1x64x32xf32>, %x: tensor<?x?x128xbf16>, %cd: tensor<?x64xbf16>, %r: tensor<8x2xf16>, %t: tensor<1xf16>) {
  %0 = kiln.rope %q, %cos, %sin : (tensor<1x4x64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<1x4x64x64xf32>
  // CHECK: %{{.*}} = kiln.rope %arg0, %arg1, %arg2 : (tensor<1x4x64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<1x4x64x64xf32>
  %1 = kiln.rope %q, %cos, %sin interleaved : (tensor<1x4x64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rope %arg0, %arg1, %arg2 interleaved : (tensor<1x4x64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<1x4x64x64xf32>
  %2 = kiln.rope %q, %c4, %c4 interleaved : (tensor<1x4x64x64xf32>, tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32>) -> tensor<1x4x64x64xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rope %arg0, %arg3, %arg3 interleaved : (tensor<1x4x64x64xf32>, tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32>) -> tensor<1x4x64x64xf32>
  %3 = kiln.rope %x, %cd, %cd : (tensor<?x?x128xbf16>, tensor<?x64xbf16>, tensor<?x64xbf16>) -> tensor<?x?x128xbf16>
  // CHECK-NEXT: %{{.*}} = kiln.rope %arg4, %arg5, %arg5 : (tensor<?x?x128xbf16>, tensor<?x64xbf16>, tensor<?x64xbf16>) -> tensor<?x?x128xbf16>
  %4 = kiln.rope %r, %t, %t : (tensor<8x2xf16>, tensor<1xf16>, tensor<1xf16>) -> tensor<8x2xf16>
  // CHECK-NEXT: %{{.*}} = kiln.rope %arg6, %arg7, %arg7 : (tensor<8x2xf16>, tensor<1xf16>, tensor<1xf16>) -> tensor<8x2xf16>
  return
  // CHECK-NEXT: return
}

// CHECK-LABEL: func.func @transformer_block(
func.func @transformer_block(%x: tensor<1x4x8xf32>, %ids: tensor<1x4xi64>) -> tensor<1x4x8xf32> {
  %table = kiln.constant dense_resource<ops_table> : tensor<4x8xf32>
  // CHECK: %[[TABLE:.*]] = kiln.constant dense_resource<ops_table> : tensor<4x8xf32>
  %g = kiln.constant dense<1.0> : tensor<8xf32>
  // CHECK-NEXT: %[[G:.*]] = kiln.constant dense<1.000000e+00> : tensor<8xf32>
  %w = kiln.constant dense<0.5> : tensor<8x24xf32>
  // CHECK-NEXT: %[[W:.*]] = kiln.constant dense<5.000000e-01> : tensor<8x24xf32>
  %e = kiln.gather %table[%ids] : tensor<4x8xf32>, tensor<1x4xi64> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[E:.*]] = kiln.gather %[[TABLE]][%arg1] : tensor<4x8xf32>, tensor<1x4xi64> -> tensor<1x4x8xf32>
  %h = kiln.add %x, %e : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[H:.*]] = kiln.add %arg0, %[[E]] : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %n = kiln.layer_norm %h scale %g bias %g : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[N:.*]] = kiln.layer_norm %[[H]] scale %[[G]] bias %[[G]] : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %qkv = kiln.matmul %n, %w : tensor<1x4x8xf32>, tensor<8x24xf32> -> tensor<1x4x24xf32>
  // CHECK-NEXT: %[[QKV:.*]] = kiln.matmul %[[N]], %[[W]] : tensor<1x4x8xf32>, tensor<8x24xf32> -> tensor<1x4x24xf32>
  %q = kiln.slice %qkv starts = [0, 0, 0] limits = [1, 4, 8] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[Q:.*]] = kiln.slice %[[QKV]] starts = [0, 0, 0] limits = [1, 4, 8] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  %k = kiln.slice %qkv starts = [0, 0, 8] limits = [1, 4, 16] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[K:.*]] = kiln.slice %[[QKV]] starts = [0, 0, 8] limits = [1, 4, 16] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  %v = kiln.slice %qkv starts = [0, 0, 16] limits = [1, 4, 24] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[V:.*]] = kiln.slice %[[QKV]] starts = [0, 0, 16] limits = [1, 4, 24] : tensor<1x4x24xf32> -> tensor<1x4x8xf32>
  %q4 = kiln.reshape %q : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  // CHECK-NEXT: %[[Q4:.*]] = kiln.reshape %[[Q]] : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  %k4 = kiln.reshape %k : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  // CHECK-NEXT: %[[K4:.*]] = kiln.reshape %[[K]] : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  %v4 = kiln.reshape %v : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  // CHECK-NEXT: %[[V4:.*]] = kiln.reshape %[[V]] : tensor<1x4x8xf32> -> tensor<1x4x2x4xf32>
  %qt = kiln.transpose %q4 perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  // CHECK-NEXT: %[[QT:.*]] = kiln.transpose %[[Q4]] perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  %kt = kiln.transpose %k4 perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  // CHECK-NEXT: %[[KT:.*]] = kiln.transpose %[[K4]] perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  %vt = kiln.transpose %v4 perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  // CHECK-NEXT: %[[VT:.*]] = kiln.transpose %[[V4]] perm = [0, 2, 1, 3] : tensor<1x4x2x4xf32> -> tensor<1x2x4x4xf32>
  %o = kiln.attention %qt, %kt, %vt causal : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  // CHECK-NEXT: %[[O:.*]] = kiln.attention %[[QT]], %[[KT]], %[[VT]] causal : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %ot = kiln.transpose %o perm = [0, 2, 1, 3] : tensor<1x2x4x4xf32> -> tensor<1x4x2x4xf32>
  // CHECK-NEXT: %[[OT:.*]] = kiln.transpose %[[O]] perm = [0, 2, 1, 3] : tensor<1x2x4x4xf32> -> tensor<1x4x2x4xf32>
  %o3 = kiln.reshape %ot : tensor<1x4x2x4xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[O3:.*]] = kiln.reshape %[[OT]] : tensor<1x4x2x4xf32> -> tensor<1x4x8xf32>
  %a = kiln.gelu %o3 approximate = tanh : tensor<1x4x8xf32>
  // CHECK-NEXT: %[[A:.*]] = kiln.gelu %[[O3]] approximate = tanh : tensor<1x4x8xf32>
  %y = kiln.add %x, %a : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  // CHECK-NEXT: %[[Y:.*]] = kiln.add %arg0, %[[A]] : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
  // CHECK-NEXT: return %[[Y]] : tensor<1x4x8xf32>
}

// Ops written in the generic form without their optional attributes get the
// defaults and print in the short pretty form.
// CHECK-LABEL: func.func @generic_form_defaults(
func.func @generic_form_defaults(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %i: tensor<3xi64>) {
  %0 = "kiln.gelu"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: %{{.*}} = kiln.gelu %arg0 : tensor<2x8xf32>
  %1 = "kiln.softmax"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.softmax %arg0 : tensor<2x8xf32>
  %2 = "kiln.layer_norm"(%x, %g) {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.layer_norm %arg0 scale %arg1 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %3 = "kiln.rms_norm"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.rms_norm %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = "kiln.gather"(%x, %i) : (tensor<2x8xf32>, tensor<3xi64>) -> tensor<3x8xf32>
  // CHECK-NEXT: %{{.*}} = kiln.gather %arg0[%arg2] : tensor<2x8xf32>, tensor<3xi64> -> tensor<3x8xf32>
  %5 = "kiln.matmul"(%x, %x) {transpose_b} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x2xf32>
  // CHECK-NEXT: %{{.*}} = kiln.matmul %arg0, %arg0 transpose_b : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x2xf32>
  return
  // CHECK-NEXT: return
}

{-#
  dialect_resources: {
    builtin: {
      ops_weight: "0x040000000000803F00000040",
      ops_bytes: "0x0100000001FF7F80",
      ops_table: "0x04000000000000000000003E0000803E0000C03E0000003F0000203F0000403F0000603F0000803F0000903F0000A03F0000B03F0000C03F0000D03F0000E03F0000F03F00000040000008400000104000001840000020400000284000003040000038400000404000004840000050400000584000006040000068400000704000007840"
    }
  }
#-}


// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       ops_weight: "0x040000000000803F00000040",
// CHECK-NEXT:       ops_bytes: "0x0100000001FF7F80",
// CHECK-NEXT:       ops_table: "0x04000000000000000000003E{{[0-9A-F]+}}"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}
