// kiln.reduce on integers needs its types on the part's vector unit: the
// input's and the accumulator's (i32 for i8 and i32 sums, max and min;
// i64 for i64 and for a mean of i32). Each missing one is one diagnostic
// naming it (no host fallback).
// RUN: rm -rf %t && split-file %s %t
// RUN: sed -e 's/, "i64"//' %S/ISA/Inputs/npu-odd.json > %t/no-i64.json
// RUN: not kiln-run %t/mean32.mlir --target=npu:%t/no-i64.json --function=mean32 --random-inputs 2>&1 | FileCheck %s --check-prefix=MEAN32
// MEAN32: error: 'kiln.reduce' op cannot run on the NPU: the vector unit of npu-odd does not compute on 'i64' (a mean of 'i32' sums exactly in it) (no host fallback; docs/npu-compiler.md)
// RUN: not kiln-run %t/max64.mlir --target=npu:%t/no-i64.json --function=max64 --random-inputs 2>&1 | FileCheck %s --check-prefix=MAX64
// MAX64: error: 'kiln.reduce' op cannot run on the NPU: the vector unit of npu-odd does not compute on 'i64' (no host fallback; docs/npu-compiler.md)
// Without i64 a sum of i32 and a mean of i8 (in i32: exact) still run.
// RUN: kiln-run %t/ok.mlir --target=npu:%t/no-i64.json --function=ok --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=OK
// OK-COUNT-2: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// npu-odd-no-int lists i8 but not i32: an i8 sum accumulates in i32.
// RUN: not kiln-run %t/sum8.mlir --target=npu:%S/Inputs/npu-odd-no-int.json --function=sum8 --random-inputs 2>&1 | FileCheck %s --check-prefix=SUM8
// SUM8: error: 'kiln.reduce' op cannot run on the NPU: the vector unit of npu-odd-no-int does not compute on 'i32' ('i8' reductions accumulate in it) (no host fallback; docs/npu-compiler.md)

//--- mean32.mlir
func.func @mean32(%x: tensor<4x8xi32>) -> tensor<4xi32> {
  %y = kiln.reduce mean %x axes = [1] : tensor<4x8xi32> -> tensor<4xi32>
  return %y : tensor<4xi32>
}
//--- max64.mlir
func.func @max64(%x: tensor<4x8xi64>) -> tensor<4xi64> {
  %y = kiln.reduce max %x axes = [1] : tensor<4x8xi64> -> tensor<4xi64>
  return %y : tensor<4xi64>
}
//--- ok.mlir
func.func @ok(%x: tensor<4x8xi32>, %z: tensor<4x8xi8>) -> (tensor<4xi32>, tensor<8xi8>) {
  %y = kiln.reduce sum %x axes = [1] : tensor<4x8xi32> -> tensor<4xi32>
  %w = kiln.reduce mean %z axes = [0] : tensor<4x8xi8> -> tensor<8xi8>
  return %y, %w : tensor<4xi32>, tensor<8xi8>
}
//--- sum8.mlir
func.func @sum8(%x: tensor<4x8xi8>) -> tensor<4xi8> {
  %y = kiln.reduce sum %x axes = [1] : tensor<4x8xi8> -> tensor<4xi8>
  return %y : tensor<4xi8>
}
