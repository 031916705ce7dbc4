// f32 matmuls compiled for the NPU and run in its simulator, against the
// reference interpreter (rtol 1e-4): shapes that are and are not multiples
// of the array, batched and broadcast, on npu-edge and npu-cloud.
// RUN: kiln-run %s --target=npu:edge --function=square --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=ragged --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=batched --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=ragged --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=square --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// CHECK: matrix unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

func.func @square(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %c = kiln.matmul %a, %b : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

func.func @ragged(%a: tensor<37x50xf32>, %b: tensor<50x23xf32>) -> tensor<37x23xf32> {
  %c = kiln.matmul %a, %b : tensor<37x50xf32>, tensor<50x23xf32> -> tensor<37x23xf32>
  return %c : tensor<37x23xf32>
}

func.func @batched(%a: tensor<3x20x40xf32>, %b: tensor<40x33xf32>) -> tensor<3x20x33xf32> {
  %c = kiln.matmul %a, %b : tensor<3x20x40xf32>, tensor<40x33xf32> -> tensor<3x20x33xf32>
  return %c : tensor<3x20x33xf32>
}

// Both operands batched, a partial last N tile (odd trip count of the
// double-buffered loop), and half-precision results through the vector
// cast: bf16 matches the reference exactly; f16 within 1 ulp (rtol 2e-3).
// RUN: kiln-run %s --target=npu:edge --function=batched2 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=bf16 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=bf16 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=f16 --random-inputs --compare-to=ref --rtol=2e-3 2>&1 | FileCheck %s
func.func @batched2(%a: tensor<2x40x50xf32>, %b: tensor<2x50x70xf32>) -> tensor<2x40x70xf32> {
  %c = kiln.matmul %a, %b : tensor<2x40x50xf32>, tensor<2x50x70xf32> -> tensor<2x40x70xf32>
  return %c : tensor<2x40x70xf32>
}

func.func @bf16(%a: tensor<3x40x50xbf16>, %b: tensor<3x50x70xbf16>) -> tensor<3x40x70xbf16> {
  %c = kiln.matmul %a, %b : tensor<3x40x50xbf16>, tensor<3x50x70xbf16> -> tensor<3x40x70xbf16>
  return %c : tensor<3x40x70xbf16>
}

func.func @f16(%a: tensor<3x40x50xf16>, %b: tensor<3x50x70xf16>) -> tensor<3x40x70xf16> {
  %c = kiln.matmul %a, %b : tensor<3x40x50xf16>, tensor<3x50x70xf16> -> tensor<3x40x70xf16>
  return %c : tensor<3x40x70xf16>
}
