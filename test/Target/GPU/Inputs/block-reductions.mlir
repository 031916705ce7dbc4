// Row reductions kiln-gpu-block-reduce takes (block-reduce-ptx.test,
// Runtime/block-reduce-fake.mlir, Runtime/block-reduce-on-gpu.mlir):
// f32 / f16 / bf16, rows shorter than a warp, not a multiple of the warp
// size, longer than a block (4096, 50257: vocabulary-size rows), odd
// lengths (scalar loads), several rows per block.

func.func @softmax_vocab(%x: tensor<128x50257xf32>) -> tensor<128x50257xf32> {
  %y = kiln.softmax %x : tensor<128x50257xf32>
  return %y : tensor<128x50257xf32>
}

func.func @softmax_f16(%x: tensor<4x64x1000xf16>) -> tensor<4x64x1000xf16> {
  %y = kiln.softmax %x : tensor<4x64x1000xf16>
  return %y : tensor<4x64x1000xf16>
}

func.func @softmax_short(%x: tensor<33x20xf32>) -> tensor<33x20xf32> {
  %y = kiln.softmax %x : tensor<33x20xf32>
  return %y : tensor<33x20xf32>
}

func.func @layer_norm_bf16(%x: tensor<64x768xbf16>, %g: tensor<768xbf16>, %b: tensor<768xbf16>) -> tensor<64x768xbf16> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<64x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<64x768xbf16>
  return %y : tensor<64x768xbf16>
}

func.func @layer_norm_long(%x: tensor<3x5000xf32>, %g: tensor<5000xf32>, %b: tensor<5000xf32>) -> tensor<3x5000xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<3x5000xf32>, tensor<5000xf32>, tensor<5000xf32>) -> tensor<3x5000xf32>
  return %y : tensor<3x5000xf32>
}

func.func @rms_norm_odd(%x: tensor<7x333xf32>, %g: tensor<333xf32>) -> tensor<7x333xf32> {
  %y = kiln.rms_norm %x scale %g : (tensor<7x333xf32>, tensor<333xf32>) -> tensor<7x333xf32>
  return %y : tensor<7x333xf32>
}

func.func @rms_norm_f16(%x: tensor<2x16x4096xf16>, %g: tensor<4096xf16>) -> tensor<2x16x4096xf16> {
  %y = kiln.rms_norm %x scale %g : (tensor<2x16x4096xf16>, tensor<4096xf16>) -> tensor<2x16x4096xf16>
  return %y : tensor<2x16x4096xf16>
}

func.func @reduce_sum_long(%x: tensor<16x4096xf32>) -> tensor<16xf32> {
  %y = kiln.reduce sum %x axes = [1] : tensor<16x4096xf32> -> tensor<16xf32>
  return %y : tensor<16xf32>
}

func.func @reduce_max_keepdims(%x: tensor<3x4x100xbf16>) -> tensor<3x4x1xbf16> {
  %y = kiln.reduce max %x axes = [-1] keepdims : tensor<3x4x100xbf16> -> tensor<3x4x1xbf16>
  return %y : tensor<3x4x1xbf16>
}

func.func @reduce_mean(%x: tensor<10x50257xf32>) -> tensor<10xf32> {
  %y = kiln.reduce mean %x axes = [1] : tensor<10x50257xf32> -> tensor<10xf32>
  return %y : tensor<10xf32>
}
