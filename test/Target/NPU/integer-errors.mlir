// Integer ops on a part whose vector unit does not list the type: one
// diagnostic naming the part and the type, no run. The variant is the odd
// part without "i32" and "i64" in vector_unit.dtypes (Inputs/).
// RUN: rm -rf %t && split-file %s %t
// RUN: not kiln-run %t/add32.mlir --target=npu:%S/Inputs/npu-odd-no-int.json --function=add32 --random-inputs 2>&1 | FileCheck %s --check-prefix=ADD
// ADD: error: 'kiln.add' op cannot run on the NPU: the vector unit of npu-odd-no-int does not compute on 'i32' (no host fallback; docs/npu-compiler.md)
// RUN: not kiln-run %t/neg64.mlir --target=npu:%S/Inputs/npu-odd-no-int.json --function=neg64 --random-inputs 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: error: 'kiln.neg' op cannot run on the NPU: the vector unit of npu-odd-no-int does not compute on 'i64'
// i8 is listed, but a cast from a float to i8 goes through i64:
// RUN: not kiln-run %t/cast8.mlir --target=npu:%S/Inputs/npu-odd-no-int.json --function=cast8 --random-inputs 2>&1 | FileCheck %s --check-prefix=CAST
// CAST: error: 'kiln.cast' op cannot run on the NPU: the vector unit of npu-odd-no-int does not compute on i64, which a cast from 'f32' to 'i8' goes through
// The same i8 cast's other forms need no i64 (i8 -> f32, i1 -> i8):
// RUN: kiln-run %t/from8.mlir --target=npu:%S/Inputs/npu-odd-no-int.json --function=from8 --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=OK
// OK: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
//
// An integer division by zero is a run-time fault of the simulator (the
// reference reports it too): an error naming the instruction, not a crash.
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[7, -7, 3, 0]], np.int32)); np.save('%t/b.npy', np.array([[2, 2, 0, 1]], np.int32))"
// RUN: not kiln-run %t/div32.mlir --target=npu:edge --function=div32 --input=%t/a.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=DIV0
// DIV0: error: NPU simulator: compute queue instruction {{[0-9]+}} (vbinary): integer division by zero at element (0, 0, 2) (dividend 3)
// RUN: not kiln-run %t/div32.mlir --target=ref --function=div32 --input=%t/a.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=REF0
// REF0: error: 'kiln.div' op integer division by zero at result index [0, 2] (dividend 3)

//--- add32.mlir
func.func @add32(%a: tensor<4x8xi32>, %b: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %y = kiln.add %a, %b : tensor<4x8xi32>, tensor<4x8xi32> -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

//--- neg64.mlir
func.func @neg64(%a: tensor<4x8xi64>) -> tensor<4x8xi64> {
  %y = kiln.neg %a : tensor<4x8xi64>
  return %y : tensor<4x8xi64>
}

//--- cast8.mlir
func.func @cast8(%a: tensor<4x8xf32>) -> tensor<4x8xi8> {
  %y = kiln.cast %a : tensor<4x8xf32> -> tensor<4x8xi8>
  return %y : tensor<4x8xi8>
}

//--- from8.mlir
func.func @from8(%a: tensor<4x8xi8>, %c: tensor<4x8xi1>) -> (tensor<4x8xf32>, tensor<4x8xi8>) {
  %y = kiln.cast %a : tensor<4x8xi8> -> tensor<4x8xf32>
  %z = kiln.cast %c : tensor<4x8xi1> -> tensor<4x8xi8>
  return %y, %z : tensor<4x8xf32>, tensor<4x8xi8>
}

//--- div32.mlir
func.func @div32(%a: tensor<1x4xi32>, %b: tensor<1x4xi32>) -> tensor<1x4xi32> {
  %y = kiln.div %a, %b : tensor<1x4xi32>, tensor<1x4xi32> -> tensor<1x4xi32>
  return %y : tensor<1x4xi32>
}
