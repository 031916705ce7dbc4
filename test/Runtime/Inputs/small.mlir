// Two entry points for the runtime tests: f32 with three inputs, and i32
// with two outputs (one of them the input itself).
func.func @axpy(%a: tensor<2x3xf32>, %x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = kiln.mul %a, %x : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %r = kiln.add %m, %y : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

func.func @twice(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %r = kiln.add %x, %x : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %r, %x : tensor<4xi32>, tensor<4xi32>
}

func.func private @helper(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
