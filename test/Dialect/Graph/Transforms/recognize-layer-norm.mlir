// RUN: kiln-opt %s -split-input-file -kiln-recognize-layer-norm | FileCheck %s

// torch.onnx's opset-14 nn.LayerNorm, with a scale and a bias whose
// leading size-1 dimension is reshaped away.
// CHECK-LABEL: func.func @torch_form
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<1x8xf32>)
// CHECK-NEXT: %[[B8:.*]] = kiln.reshape %[[B]] : tensor<1x8xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[Y:.*]] = kiln.layer_norm %[[X]] scale %[[G]] bias %[[B8]] axis = 2 epsilon = 9.9999997473787516E-6 : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @torch_form(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<1x8xf32>) -> tensor<2x4x8xf32> {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %eps = kiln.constant dense<9.99999974E-6> : tensor<f32>
  %m = kiln.reduce mean %x axes = [-1] keepdims : tensor<2x4x8xf32> -> tensor<2x4x1xf32>
  %d = kiln.sub %x, %m : tensor<2x4x8xf32>, tensor<2x4x1xf32> -> tensor<2x4x8xf32>
  %q = kiln.pow %d, %two : tensor<2x4x8xf32>, tensor<f32> -> tensor<2x4x8xf32>
  %v = kiln.reduce mean %q axes = [-1] keepdims : tensor<2x4x8xf32> -> tensor<2x4x1xf32>
  %w = kiln.add %v, %eps : tensor<2x4x1xf32>, tensor<f32> -> tensor<2x4x1xf32>
  %s = kiln.sqrt %w : tensor<2x4x1xf32>
  %n = kiln.div %d, %s : tensor<2x4x8xf32>, tensor<2x4x1xf32> -> tensor<2x4x8xf32>
  %y = kiln.mul %n, %g : tensor<2x4x8xf32>, tensor<8xf32> -> tensor<2x4x8xf32>
  %z = kiln.add %y, %b : tensor<2x4x8xf32>, tensor<1x8xf32> -> tensor<2x4x8xf32>
  return %z : tensor<2x4x8xf32>
}

// -----

// Over the last two dimensions, the square as d * d, eps first, no affine
// part. epsilon is the f32 constant's value, exactly.
// CHECK-LABEL: func.func @two_axes
// CHECK-NEXT: %[[Y:.*]] = kiln.layer_norm %arg0 axis = 1 epsilon = 0.0010000000474974513 : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
// CHECK-NEXT: return %[[Y]]
func.func @two_axes(%x: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %eps = kiln.constant dense<1.0e-3> : tensor<f32>
  %m = kiln.reduce mean %x axes = [2, 1] keepdims : tensor<3x4x5xf32> -> tensor<3x1x1xf32>
  %d = kiln.sub %x, %m : tensor<3x4x5xf32>, tensor<3x1x1xf32> -> tensor<3x4x5xf32>
  %q = kiln.mul %d, %d : tensor<3x4x5xf32>, tensor<3x4x5xf32> -> tensor<3x4x5xf32>
  %v = kiln.reduce mean %q axes = [-2, -1] keepdims : tensor<3x4x5xf32> -> tensor<3x1x1xf32>
  %w = kiln.add %eps, %v : tensor<f32>, tensor<3x1x1xf32> -> tensor<3x1x1xf32>
  %s = kiln.sqrt %w : tensor<3x1x1xf32>
  %n = kiln.div %d, %s : tensor<3x4x5xf32>, tensor<3x1x1xf32> -> tensor<3x4x5xf32>
  return %n : tensor<3x4x5xf32>
}

// -----

// A scale that broadcasts over a normalized dimension is not a layer_norm
// scale: the norm is fused, the mul stays.
// CHECK-LABEL: func.func @broadcast_scale
// CHECK-NEXT: %[[Y:.*]] = kiln.layer_norm %arg0 axis = 1 epsilon = 0.0010000000474974513 : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[Z:.*]] = kiln.mul %[[Y]], %arg1
// CHECK-NEXT: return %[[Z]]
func.func @broadcast_scale(%x: tensor<4x8xf32>, %g: tensor<1xf32>) -> tensor<4x8xf32> {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %eps = kiln.constant dense<1.0e-3> : tensor<f32>
  %m = kiln.reduce mean %x axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %d = kiln.sub %x, %m : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %q = kiln.pow %d, %two : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %v = kiln.reduce mean %q axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %w = kiln.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = kiln.sqrt %w : tensor<4x1xf32>
  %n = kiln.div %d, %s : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %y = kiln.mul %n, %g : tensor<4x8xf32>, tensor<1xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Not a layer norm: means over different axes, a leading (not trailing)
// axis, a cube instead of a square, x - mean used elsewhere, no keepdims.
// CHECK-LABEL: func.func @not_layer_norm
// CHECK-NOT: kiln.layer_norm
// CHECK: return
func.func @not_layer_norm(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %three = kiln.constant dense<3.0> : tensor<f32>
  %eps = kiln.constant dense<1.0e-3> : tensor<f32>
  // variance over axis 0 but mean over axis 1
  %m = kiln.reduce mean %x axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %d = kiln.sub %x, %m : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %q = kiln.pow %d, %two : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %v = kiln.reduce mean %q axes = [0] keepdims : tensor<4x8xf32> -> tensor<1x8xf32>
  %w = kiln.add %v, %eps : tensor<1x8xf32>, tensor<f32> -> tensor<1x8xf32>
  %s = kiln.sqrt %w : tensor<1x8xf32>
  %n = kiln.div %d, %s : tensor<4x8xf32>, tensor<1x8xf32> -> tensor<4x8xf32>
  // both over the leading axis
  %m2 = kiln.reduce mean %x axes = [0] keepdims : tensor<4x8xf32> -> tensor<1x8xf32>
  %d2 = kiln.sub %x, %m2 : tensor<4x8xf32>, tensor<1x8xf32> -> tensor<4x8xf32>
  %q2 = kiln.pow %d2, %two : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %v2 = kiln.reduce mean %q2 axes = [0] keepdims : tensor<4x8xf32> -> tensor<1x8xf32>
  %w2 = kiln.add %v2, %eps : tensor<1x8xf32>, tensor<f32> -> tensor<1x8xf32>
  %s2 = kiln.sqrt %w2 : tensor<1x8xf32>
  %n2 = kiln.div %d2, %s2 : tensor<4x8xf32>, tensor<1x8xf32> -> tensor<4x8xf32>
  // a cube
  %m3 = kiln.reduce mean %x axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %d3 = kiln.sub %x, %m3 : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %q3 = kiln.pow %d3, %three : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %v3 = kiln.reduce mean %q3 axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %w3 = kiln.add %v3, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s3 = kiln.sqrt %w3 : tensor<4x1xf32>
  %n3 = kiln.div %d3, %s3 : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  // x - mean also returned
  %m4 = kiln.reduce mean %x axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %d4 = kiln.sub %x, %m4 : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %q4 = kiln.pow %d4, %two : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %v4 = kiln.reduce mean %q4 axes = [1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
  %w4 = kiln.add %v4, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s4 = kiln.sqrt %w4 : tensor<4x1xf32>
  %n4 = kiln.div %d4, %s4 : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  return %n, %n2, %n3, %n4, %d4 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
