// kiln.cast from i64 on the vector unit (BERT's attention mask): the
// description lists "i64" among the vector dtypes (npu-edge, npu-cloud), and
// `vunary.copy` converts the exact 64-bit value (round to nearest even:
// exact up to 2^24 for f32). Compared with the reference interpreter
// (exact for |v| < 2^53, where both round once).
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[0, 1, -1, 16777217, -16777219, 2**40 + 12345, -(2**52) - 3, 7] * 25] * 3, np.int64))"
// RUN: kiln-run %s --target=npu:edge --function=mask --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=mask --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=wide --input=%t.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=wide --input=%t.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=wide_bf16 --input=%t.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// The 24x40 test part lists i64; the same part without it: one
// diagnostic, no run.
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=mask --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: sed -e 's/, "i64"//' %S/ISA/Inputs/npu-odd.json > %t.no-i64.json
// RUN: not kiln-run %s --target=npu:%t.no-i64.json --function=mask --random-inputs 2>&1 | FileCheck %s --check-prefix=ODD
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// IR-LABEL: func.func @mask
// IR: npu.vec_unary "copy" %{{.*}}, %{{.*}} : memref<1x64xi64, {{.*}}1>, memref<1x64xf32, {{.*}}1>
// ODD: error: 'kiln.cast' op cannot run on the NPU: the vector unit of npu-odd does not compute on 'i64'

// As in examples/bert_layer.mlir: (1 - mask) * -10000.
func.func @mask(%m: tensor<1x64xi64>) -> tensor<1x64xf32> {
  %f = kiln.cast %m : tensor<1x64xi64> -> tensor<1x64xf32>
  %one = kiln.constant dense<1.000000e+00> : tensor<f32>
  %big = kiln.constant dense<-1.000000e+04> : tensor<f32>
  %inv = kiln.sub %one, %f : tensor<f32>, tensor<1x64xf32> -> tensor<1x64xf32>
  %add = kiln.mul %inv, %big : tensor<1x64xf32>, tensor<f32> -> tensor<1x64xf32>
  return %add : tensor<1x64xf32>
}

// Values past 2^24 round to nearest even, as in the reference.
func.func @wide(%m: tensor<3x200xi64>) -> tensor<3x200xf32> {
  %f = kiln.cast %m : tensor<3x200xi64> -> tensor<3x200xf32>
  return %f : tensor<3x200xf32>
}

func.func @wide_bf16(%m: tensor<3x200xi64>) -> tensor<3x200xbf16> {
  %f = kiln.cast %m : tensor<3x200xi64> -> tensor<3x200xbf16>
  return %f : tensor<3x200xbf16>
}
