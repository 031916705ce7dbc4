// kiln.reduce on i8, i32 and i64 on the vector unit, in the integer domain
// (no float round trip): sum/max/min/mean over one axis (last or not),
// several blocks of axes, all of them, rows too long for SPAD (chunks of
// the reduced dim), and reductions over an empty axis (sum and mean 0, a
// float mean NaN). The reference sums in i64 (wrapping) and wraps to the
// type: i8/i32 sums run in i32 (wrapping there too: the i8 sums of 50
// full-range values overflow), i64 in i64; a mean truncates the exact
// sum's quotient (i32: sums in i64). Inputs span each type's full range
// (gen.py); exact: --rtol=0 --atol=0, and for i64 (past 2^53, where the
// comparison's doubles round) the .npy files bit for bit.
//
// RUN: rm -rf %t && split-file %s %t && mkdir %t/in %t/ref %t/npu
// RUN: %python %t/gen.py %t/in
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=int32 --input=%t/in/x32.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// RUN: kiln-run %t/r.mlir --target=npu:cloud --function=int32 --input=%t/in/x32.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// RUN: kiln-run %t/r.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int32 --input=%t/in/x32.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// I32-COUNT-6: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// I32-NOT: MISMATCH
//
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=int8 --input=%t/in/x8.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// RUN: kiln-run %t/r.mlir --target=npu:cloud --function=int8 --input=%t/in/x8.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// RUN: kiln-run %t/r.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int8 --input=%t/in/x8.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// I8-COUNT-6: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// I8-NOT: MISMATCH
//
// RUN: kiln-run %t/r.mlir --target=ref --function=int64 --input=%t/in/x64.npy --output-dir=%t/ref/i64
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=int64 --input=%t/in/x64.npy --output-dir=%t/npu/i64-edge
// RUN: kiln-run %t/r.mlir --target=npu:cloud --function=int64 --input=%t/in/x64.npy --output-dir=%t/npu/i64-cloud
// RUN: kiln-run %t/r.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int64 --input=%t/in/x64.npy --output-dir=%t/npu/i64-odd
// RUN: %python %t/same.py %t/ref/i64 %t/npu/i64-edge %t/npu/i64-cloud %t/npu/i64-odd | FileCheck %s --check-prefix=SAME
// SAME: identical: 5 outputs x 3 targets
//
// Rows too long for SPAD (npu-edge: 40000 i32 and 70000 i64 elements per
// row, in chunks of the reduced dim).
// RUN: kiln-run %t/r.mlir --target=ref --function=long --input=%t/in/l32.npy,%t/in/l64.npy --output-dir=%t/ref/long
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=long --input=%t/in/l32.npy,%t/in/l64.npy --output-dir=%t/npu/long-edge
// RUN: %python %t/same.py %t/ref/long %t/npu/long-edge | FileCheck %s --check-prefix=LONG
// LONG: identical: 3 outputs x 1 targets
//
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=empty --input=%t/in/e0.npy,%t/in/e1.npy,%t/in/e2.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: kiln-run %t/r.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=empty --input=%t/in/e0.npy,%t/in/e1.npy,%t/in/e2.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=empty --input=%t/in/e0.npy,%t/in/e1.npy,%t/in/e2.npy --output-dir=%t/npu/empty
// RUN: %python -c "import numpy as np; print(np.load('%t/npu/empty/output_1.npy'), np.load('%t/npu/empty/output_2.npy'))" | FileCheck %s --check-prefix=EMPTYV
// EMPTY-COUNT-5: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// EMPTY-NOT: MISMATCH
// EMPTYV: [nan nan nan nan] [0 0 0]
//
// --random-inputs draws integers 0 or 1 (docs/npu.md).
// RUN: kiln-run %t/r.mlir --target=npu:edge --function=int8 --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8

//--- r.mlir
func.func @int32(%x: tensor<6x40xi32>) -> (tensor<6xi32>, tensor<40xi32>, tensor<6xi32>, tensor<40xi32>, tensor<6xi32>, tensor<i32>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<6x40xi32> -> tensor<6xi32>
  %b = kiln.reduce sum %x axes = [0] : tensor<6x40xi32> -> tensor<40xi32>
  %c = kiln.reduce max %x axes = [1] : tensor<6x40xi32> -> tensor<6xi32>
  %d = kiln.reduce min %x axes = [0] : tensor<6x40xi32> -> tensor<40xi32>
  %e = kiln.reduce mean %x axes = [1] : tensor<6x40xi32> -> tensor<6xi32>
  %f = kiln.reduce mean %x axes = [0, 1] : tensor<6x40xi32> -> tensor<i32>
  return %a, %b, %c, %d, %e, %f : tensor<6xi32>, tensor<40xi32>, tensor<6xi32>, tensor<40xi32>, tensor<6xi32>, tensor<i32>
}
func.func @int8(%x: tensor<3x5x50xi8>) -> (tensor<3x50xi8>, tensor<5xi8>, tensor<3x5xi8>, tensor<5xi8>, tensor<3x50xi8>, tensor<3x1x1xi8>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<3x5x50xi8> -> tensor<3x50xi8>
  %b = kiln.reduce sum %x axes = [0, 2] : tensor<3x5x50xi8> -> tensor<5xi8>
  %c = kiln.reduce max %x axes = [2] : tensor<3x5x50xi8> -> tensor<3x5xi8>
  %d = kiln.reduce mean %x axes = [0, 2] : tensor<3x5x50xi8> -> tensor<5xi8>
  %e = kiln.reduce min %x axes = [1] : tensor<3x5x50xi8> -> tensor<3x50xi8>
  %f = kiln.reduce mean %x axes = [1, 2] keepdims : tensor<3x5x50xi8> -> tensor<3x1x1xi8>
  return %a, %b, %c, %d, %e, %f : tensor<3x50xi8>, tensor<5xi8>, tensor<3x5xi8>, tensor<5xi8>, tensor<3x50xi8>, tensor<3x1x1xi8>
}
func.func @int64(%x: tensor<3x4x50xi64>) -> (tensor<3x50xi64>, tensor<4xi64>, tensor<3x4xi64>, tensor<4xi64>, tensor<3x4xi64>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<3x4x50xi64> -> tensor<3x50xi64>
  %b = kiln.reduce mean %x axes = [0, 2] : tensor<3x4x50xi64> -> tensor<4xi64>
  %c = kiln.reduce max %x axes = [2] : tensor<3x4x50xi64> -> tensor<3x4xi64>
  %d = kiln.reduce min %x axes = [0, 2] : tensor<3x4x50xi64> -> tensor<4xi64>
  %e = kiln.reduce sum %x axes = [2] : tensor<3x4x50xi64> -> tensor<3x4xi64>
  return %a, %b, %c, %d, %e : tensor<3x50xi64>, tensor<4xi64>, tensor<3x4xi64>, tensor<4xi64>, tensor<3x4xi64>
}
func.func @long(%x: tensor<2x40000xi32>, %y: tensor<2x70000xi64>) -> (tensor<2xi32>, tensor<2xi32>, tensor<2xi64>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<2x40000xi32> -> tensor<2xi32>
  %b = kiln.reduce mean %x axes = [1] : tensor<2x40000xi32> -> tensor<2xi32>
  %c = kiln.reduce max %y axes = [1] : tensor<2x70000xi64> -> tensor<2xi64>
  return %a, %b, %c : tensor<2xi32>, tensor<2xi32>, tensor<2xi64>
}
func.func @empty(%x: tensor<4x0xf32>, %y: tensor<0x3xi32>, %z: tensor<2x0x3xi8>) -> (tensor<4xf32>, tensor<4xf32>, tensor<3xi32>, tensor<3xi32>, tensor<2x3xi8>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<4x0xf32> -> tensor<4xf32>
  %b = kiln.reduce mean %x axes = [1] : tensor<4x0xf32> -> tensor<4xf32>
  %c = kiln.reduce sum %y axes = [0] : tensor<0x3xi32> -> tensor<3xi32>
  %d = kiln.reduce mean %y axes = [0] : tensor<0x3xi32> -> tensor<3xi32>
  %e = kiln.reduce sum %z axes = [1] : tensor<2x0x3xi8> -> tensor<2x3xi8>
  return %a, %b, %c, %d, %e : tensor<4xf32>, tensor<4xf32>, tensor<3xi32>, tensor<3xi32>, tensor<2x3xi8>
}

//--- gen.py
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(11)
def ints(dt, shape):
    info = np.iinfo(dt)
    x = rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
    x.flat[:5] = [info.min, info.max, -1, 0, info.min]
    return x
np.save(d + "/x32.npy", ints(np.int32, (6, 40)))
np.save(d + "/x8.npy", ints(np.int8, (3, 5, 50)))
x64 = ints(np.int64, (3, 4, 50))
x64[1] //= 64  # sums that do not all wrap (and means past 2^53)
np.save(d + "/x64.npy", x64)
np.save(d + "/l32.npy", ints(np.int32, (2, 40000)))
np.save(d + "/l64.npy", ints(np.int64, (2, 70000)))
np.save(d + "/e0.npy", np.zeros((4, 0), np.float32))
np.save(d + "/e1.npy", np.zeros((0, 3), np.int32))
np.save(d + "/e2.npy", np.zeros((2, 0, 3), np.int8))

//--- same.py
import os, sys, numpy as np
ref = sys.argv[1]
names = sorted(os.listdir(ref))
assert names, "no reference outputs"
for other in sys.argv[2:]:
    for n in names:
        x, y = np.load(os.path.join(ref, n)), np.load(os.path.join(other, n))
        assert x.dtype == y.dtype and x.shape == y.shape, (other, n, x.dtype, y.dtype)
        assert np.array_equal(x, y), (other, n, np.argwhere(x != y)[:4], x[x != y][:4], y[x != y][:4])
print("identical: %d outputs x %d targets" % (len(names), len(sys.argv) - 2))
