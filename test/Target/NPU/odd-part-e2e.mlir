// A new NPU is one JSON file, no C++: the deliberately odd part (24x40
// array, 300000-byte scratchpad, 6 banks, 48-byte bursts) compiles and
// runs matmuls from kiln IR and matches the reference; its schedule's
// array tile is 24 deep and 40 wide.
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=mm --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=batched --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kilnc %s --target=npu:%S/ISA/Inputs/npu-odd.json --emit=npu | FileCheck %s --check-prefix=NPU
// CHECK: target: npu-odd
// CHECK: matrix unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// NPU: npu.target = #npu.target<name = "npu-odd", rows = 24, cols = 40
// NPU: npu.matmul {{.*}} : memref<100x24xf32, {{.*}}, 1>, memref<24x?xf32, {{.*}}, 1>, memref<100x?xf32, {{.*}}, 2>

func.func @mm(%a: tensor<100x72xf32>, %b: tensor<72x130xf32>) -> tensor<100x130xf32> {
  %c = kiln.matmul %a, %b : tensor<100x72xf32>, tensor<72x130xf32> -> tensor<100x130xf32>
  return %c : tensor<100x130xf32>
}

func.func @batched(%a: tensor<3x30x50xf32>, %b: tensor<3x50x45xf32>) -> tensor<3x30x45xf32> {
  %c = kiln.matmul %a, %b : tensor<3x30x50xf32>, tensor<3x50x45xf32> -> tensor<3x30x45xf32>
  return %c : tensor<3x30x45xf32>
}
