// layer_norm, reduce and transpose on the 24x40 part with its non-power-of-two SRAM
// and 13 tokens (f32, rtol 1e-4): several row tiles, the last one partial.
// kiln-run compiles the whole module, so this file holds one op per
// function and few functions (each nest's shared buffers need tokens).
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=layer_norm --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=mean --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=transpose --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

func.func @layer_norm(%x: tensor<45x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<45x768xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<45x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<45x768xf32>
  return %y : tensor<45x768xf32>
}

func.func @mean(%x: tensor<45x768xf32>) -> tensor<45xf32> {
  %s = kiln.reduce mean %x axes = [1] : tensor<45x768xf32> -> tensor<45xf32>
  return %s : tensor<45xf32>
}

func.func @transpose(%x: tensor<96x512xf32>) -> tensor<512x96xf32> {
  %y = kiln.transpose %x perm = [1, 0] : tensor<96x512xf32> -> tensor<512x96xf32>
  return %y : tensor<512x96xf32>
}
