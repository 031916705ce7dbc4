// layer_norm, rms_norm and reduce over the last axis on the vector unit
// (f32, rtol 1e-4), and cast (the vector unit's copy converts). Per row
// tile: vec_reduce sum into a per-row SPAD vector, the scalars 1/cols and
// epsilon as constant segments read with stride 0, rsqrt per row, and the
// per-row values read with column stride 0; rows stay on chip.
// RUN: kiln-run %s --target=npu:edge --function=layer_norm --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=layer_norm --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=layer_norm_plain --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rms_norm --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=reduce --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=cast --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Several row tiles (the last one partial); the 24x40 part (13 tokens) in
// odd-part-norms-e2e.mlir.
// RUN: kiln-run %s --target=npu:edge --function=layer_norm_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=mean_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=cast_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR-LABEL: func.func @layer_norm
// IR: memref.get_global
// IR: npu.vec_reduce "sum"
// IR: npu.vec_binary "sub"
// IR: npu.vec_reduce "sum"
// IR: npu.vec_unary "rsqrt"
// IR: npu.vec_binary "mul" {{.*}}strided<[1, 0]
// IR-LABEL: func.func @cast
// IR: npu.vec_unary "copy" %{{.*}}, %{{.*}} : memref<{{.*}}xf32, {{.*}}1>, memref<{{.*}}xbf16, {{.*}}1>

func.func @layer_norm(%x: tensor<3x37x50xf32>, %g: tensor<50xf32>, %b: tensor<50xf32>) -> tensor<3x37x50xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<3x37x50xf32>, tensor<50xf32>, tensor<50xf32>) -> tensor<3x37x50xf32>
  return %y : tensor<3x37x50xf32>
}

func.func @layer_norm_plain(%x: tensor<9x64xf32>) -> tensor<9x64xf32> {
  %y = kiln.layer_norm %x epsilon = 1.0e-3 : (tensor<9x64xf32>) -> tensor<9x64xf32>
  return %y : tensor<9x64xf32>
}

func.func @rms_norm(%x: tensor<2x21x48xf32>, %g: tensor<48xf32>) -> tensor<2x21x48xf32> {
  %y = kiln.rms_norm %x scale %g : (tensor<2x21x48xf32>, tensor<48xf32>) -> tensor<2x21x48xf32>
  return %y : tensor<2x21x48xf32>
}

func.func @reduce(%x: tensor<5x7x30xf32>) -> (tensor<5x7xf32>, tensor<5x7x1xf32>, tensor<5x7xf32>, tensor<5x7xf32>) {
  %s = kiln.reduce sum %x axes = [2] : tensor<5x7x30xf32> -> tensor<5x7xf32>
  %m = kiln.reduce mean %x axes = [-1] keepdims : tensor<5x7x30xf32> -> tensor<5x7x1xf32>
  %a = kiln.reduce max %x axes = [2] : tensor<5x7x30xf32> -> tensor<5x7xf32>
  %b = kiln.reduce min %x axes = [2] : tensor<5x7x30xf32> -> tensor<5x7xf32>
  return %s, %m, %a, %b : tensor<5x7xf32>, tensor<5x7x1xf32>, tensor<5x7xf32>, tensor<5x7xf32>
}

// f32 -> bf16 rounds to nearest even on both sides.
func.func @cast(%x: tensor<6x40xf32>) -> tensor<6x40xbf16> {
  %y = kiln.cast %x : tensor<6x40xf32> -> tensor<6x40xbf16>
  return %y : tensor<6x40xbf16>
}

func.func @layer_norm_tiled(%x: tensor<45x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<45x768xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<45x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<45x768xf32>
  return %y : tensor<45x768xf32>
}

func.func @mean_tiled(%x: tensor<45x768xf32>) -> tensor<45xf32> {
  %s = kiln.reduce mean %x axes = [1] : tensor<45x768xf32> -> tensor<45xf32>
  return %s : tensor<45xf32>
}

func.func @cast_tiled(%x: tensor<300x200xf32>) -> tensor<300x200xbf16> {
  %y = kiln.cast %x : tensor<300x200xf32> -> tensor<300x200xbf16>
  return %y : tensor<300x200xbf16>
}
