// Integer elementwise ops and casts to integer types on the vector unit
// (ISA 1.1, docs/npu.md "Numerics"): add/sub/mul wrap, div truncates toward
// zero (INT_MIN / -1 wraps), max/min, neg/abs/relu, where; i8 and i32 in the
// int32 domain, i64 in the int64 domain, each wrapped once at the result's
// type. Casts: float -> i64 truncates (NaN -> 0, saturating at the i64
// range), float -> i32/i8 goes through i64 and wraps (kiln's rule), int ->
// int wraps or sign-extends, to i1 is x != 0, i1 -> anything 0/1. Inputs span
// each type's full range (gen.py; divisors are non-zero, one is -1 under
// INT_MIN). Integers must match the reference exactly: --rtol=0 --atol=0,
// and for i64 (past 2^53, where the comparison's doubles round) the .npy
// files are compared bit for bit.
//
// RUN: rm -rf %t && split-file %s %t && mkdir %t/in %t/ref %t/npu
// RUN: %python %t/gen.py %t/in
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=int32 --input=%t/in/a32.npy,%t/in/b32.npy,%t/in/d32.npy,%t/in/bias32.npy,%t/in/col32.npy,%t/in/c.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// RUN: kiln-run %t/int.mlir --target=npu:cloud --function=int32 --input=%t/in/a32.npy,%t/in/b32.npy,%t/in/d32.npy,%t/in/bias32.npy,%t/in/col32.npy,%t/in/c.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// RUN: kiln-run %t/int.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int32 --input=%t/in/a32.npy,%t/in/b32.npy,%t/in/d32.npy,%t/in/bias32.npy,%t/in/col32.npy,%t/in/c.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I32
// I32-COUNT-7: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// I32-NOT: MISMATCH
//
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=int8 --input=%t/in/a8.npy,%t/in/b8.npy,%t/in/d8.npy,%t/in/c3.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// RUN: kiln-run %t/int.mlir --target=npu:cloud --function=int8 --input=%t/in/a8.npy,%t/in/b8.npy,%t/in/d8.npy,%t/in/c3.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// RUN: kiln-run %t/int.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int8 --input=%t/in/a8.npy,%t/in/b8.npy,%t/in/d8.npy,%t/in/c3.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=I8
// I8-COUNT-5: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// I8-NOT: MISMATCH
//
// RUN: kiln-run %t/int.mlir --target=ref --function=int64 --input=%t/in/a64.npy,%t/in/b64.npy,%t/in/d64.npy,%t/in/c3.npy --output-dir=%t/ref/i64
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=int64 --input=%t/in/a64.npy,%t/in/b64.npy,%t/in/d64.npy,%t/in/c3.npy --output-dir=%t/npu/i64-edge
// RUN: kiln-run %t/int.mlir --target=npu:cloud --function=int64 --input=%t/in/a64.npy,%t/in/b64.npy,%t/in/d64.npy,%t/in/c3.npy --output-dir=%t/npu/i64-cloud
// RUN: kiln-run %t/int.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=int64 --input=%t/in/a64.npy,%t/in/b64.npy,%t/in/d64.npy,%t/in/c3.npy --output-dir=%t/npu/i64-odd
// RUN: %python %t/same.py %t/ref/i64 %t/npu/i64-edge %t/npu/i64-cloud %t/npu/i64-odd | FileCheck %s --check-prefix=SAME
//
// RUN: kiln-run %t/int.mlir --target=ref --function=casts --input=%t/in/f.npy,%t/in/h.npy,%t/in/a32.npy,%t/in/a64.npy,%t/in/a8.npy,%t/in/c.npy --output-dir=%t/ref/casts
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=casts --input=%t/in/f.npy,%t/in/h.npy,%t/in/a32.npy,%t/in/a64.npy,%t/in/a8.npy,%t/in/c.npy --output-dir=%t/npu/casts-edge
// RUN: kiln-run %t/int.mlir --target=npu:cloud --function=casts --input=%t/in/f.npy,%t/in/h.npy,%t/in/a32.npy,%t/in/a64.npy,%t/in/a8.npy,%t/in/c.npy --output-dir=%t/npu/casts-cloud
// RUN: kiln-run %t/int.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=casts --input=%t/in/f.npy,%t/in/h.npy,%t/in/a32.npy,%t/in/a64.npy,%t/in/a8.npy,%t/in/c.npy --output-dir=%t/npu/casts-odd
// RUN: %python %t/same.py %t/ref/casts %t/npu/casts-edge %t/npu/casts-cloud %t/npu/casts-odd | FileCheck %s --check-prefix=SAME
// SAME: identical: {{[0-9]+}} outputs x 3 targets
//
// --random-inputs draws integers 0 or 1 (docs/npu.md): enough for the
// arithmetic without a division.
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=small --random-inputs --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=SMALL
// SMALL: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// Broadcasts that are materialized ([4, 20] over a batch, [3, 1, 1]), where
// on i1 values, casts from f16:
// RUN: kiln-run %t/int.mlir --target=npu:edge --function=forms --random-inputs --seed=3 --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=FORMS
// RUN: kiln-run %t/int.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=forms --random-inputs --seed=3 --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=FORMS
// FORMS-COUNT-5: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
//
// The lowering: the cast f32 -> i32 is two copies through an i64 tile.
// RUN: kiln-opt %t/int.mlir --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @casts
// IR: npu.vec_unary "copy" %{{.*}}, %[[W:.*]] : memref<{{.*}}xf32, {{.*}}>, memref<{{.*}}xi64, {{.*}}>
// IR-NEXT: npu.vec_unary "copy" %[[W]], %{{.*}} : memref<{{.*}}xi64, {{.*}}>, memref<{{.*}}xi32, {{.*}}>
//
// An f32 matmul's drain fuses the f32 bias add but not the cast to i32 or
// the integer add after it (npuDrainEpilogue keeps the matmul's type): they
// are nests of their own. Integer-valued inputs keep the f32 matmul exact.
// RUN: kiln-opt %t/drain.mlir --kiln-npu-attach-target=target=edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=DRAIN
// DRAIN: npu.matmul
// DRAIN: npu.vec_binary "add" {{.*}}f32
// DRAIN: {npu.op = "kiln.matmul"}
// DRAIN: npu.vec_unary "copy"
// DRAIN: {npu.op = "kiln.cast"}
// DRAIN: npu.vec_binary "add" {{.*}}i32
// DRAIN: {npu.op = "kiln.add"}
// RUN: %python -c "import numpy as np; r = np.random.default_rng(3); np.save('%t/in/ma.npy', r.integers(-40, 40, (20, 24)).astype(np.float32)); np.save('%t/in/mb.npy', r.integers(-40, 40, (24, 36)).astype(np.float32)); np.save('%t/in/mbias.npy', r.integers(-9, 9, (36,)).astype(np.float32))"
// RUN: kiln-run %t/drain.mlir --target=npu:edge --input=%t/in/ma.npy,%t/in/mb.npy,%t/in/mbias.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=SMALL
// RUN: kiln-run %t/drain.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --input=%t/in/ma.npy,%t/in/mb.npy,%t/in/mbias.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s --check-prefix=SMALL

//--- drain.mlir
func.func @drain(%a: tensor<20x24xf32>, %b: tensor<24x36xf32>, %bias: tensor<36xf32>) -> tensor<20x36xi32> {
  %c = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [20, 36, 24], [20, 16, 16]], order = [1, 0, 2]>} : tensor<20x24xf32>, tensor<24x36xf32> -> tensor<20x36xf32>
  %d = kiln.add %c, %bias : tensor<20x36xf32>, tensor<36xf32> -> tensor<20x36xf32>
  %i = kiln.cast %d : tensor<20x36xf32> -> tensor<20x36xi32>
  %k = kiln.constant dense<2147483000> : tensor<i32>
  %e = kiln.add %i, %k : tensor<20x36xi32>, tensor<i32> -> tensor<20x36xi32>
  return %e : tensor<20x36xi32>
}

//--- int.mlir
func.func @int32(%a: tensor<6x40xi32>, %b: tensor<6x40xi32>, %d: tensor<6x40xi32>, %bias: tensor<40xi32>, %col: tensor<6x1xi32>, %c: tensor<6x40xi1>) -> (tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>) {
  %k = kiln.constant dense<-7> : tensor<i32>
  %add = kiln.add %a, %b : tensor<6x40xi32>, tensor<6x40xi32> -> tensor<6x40xi32>
  %sub = kiln.sub %add, %k : tensor<6x40xi32>, tensor<i32> -> tensor<6x40xi32>
  %mul = kiln.mul %a, %bias : tensor<6x40xi32>, tensor<40xi32> -> tensor<6x40xi32>
  %div = kiln.div %a, %d : tensor<6x40xi32>, tensor<6x40xi32> -> tensor<6x40xi32>
  %max = kiln.max %a, %col : tensor<6x40xi32>, tensor<6x1xi32> -> tensor<6x40xi32>
  %min = kiln.min %b, %a : tensor<6x40xi32>, tensor<6x40xi32> -> tensor<6x40xi32>
  %neg = kiln.neg %a : tensor<6x40xi32>
  %abs = kiln.abs %a : tensor<6x40xi32>
  %relu = kiln.relu %b : tensor<6x40xi32>
  %s1 = kiln.add %neg, %abs : tensor<6x40xi32>, tensor<6x40xi32> -> tensor<6x40xi32>
  %w = kiln.where %c, %relu, %k : tensor<6x40xi1>, tensor<6x40xi32>, tensor<i32> -> tensor<6x40xi32>
  return %sub, %mul, %div, %max, %min, %s1, %w : tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>, tensor<6x40xi32>
}

func.func @int8(%a: tensor<3x50xi8>, %b: tensor<3x50xi8>, %d: tensor<3x50xi8>, %c: tensor<3x50xi1>) -> (tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>) {
  %mul = kiln.mul %a, %b : tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  %sub = kiln.sub %mul, %a : tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  %div = kiln.div %a, %d : tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  %abs = kiln.abs %a : tensor<3x50xi8>
  %neg = kiln.neg %b : tensor<3x50xi8>
  %mx = kiln.max %neg, %abs : tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  %mn = kiln.min %a, %b : tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  %w = kiln.where %c, %a, %b : tensor<3x50xi1>, tensor<3x50xi8>, tensor<3x50xi8> -> tensor<3x50xi8>
  return %sub, %div, %mx, %mn, %w : tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>, tensor<3x50xi8>
}

func.func @int64(%a: tensor<3x50xi64>, %b: tensor<3x50xi64>, %d: tensor<3x50xi64>, %c: tensor<3x50xi1>) -> (tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>) {
  %k = kiln.constant dense<1099511627776> : tensor<i64>
  %add = kiln.add %a, %b : tensor<3x50xi64>, tensor<3x50xi64> -> tensor<3x50xi64>
  %mul = kiln.mul %a, %b : tensor<3x50xi64>, tensor<3x50xi64> -> tensor<3x50xi64>
  %sub = kiln.sub %mul, %k : tensor<3x50xi64>, tensor<i64> -> tensor<3x50xi64>
  %div = kiln.div %a, %d : tensor<3x50xi64>, tensor<3x50xi64> -> tensor<3x50xi64>
  %neg = kiln.neg %a : tensor<3x50xi64>
  %abs = kiln.abs %neg : tensor<3x50xi64>
  %relu = kiln.relu %b : tensor<3x50xi64>
  %mx = kiln.max %abs, %relu : tensor<3x50xi64>, tensor<3x50xi64> -> tensor<3x50xi64>
  %mn = kiln.min %a, %b : tensor<3x50xi64>, tensor<3x50xi64> -> tensor<3x50xi64>
  %w = kiln.where %c, %a, %k : tensor<3x50xi1>, tensor<3x50xi64>, tensor<i64> -> tensor<3x50xi64>
  return %add, %sub, %div, %mx, %mn, %w : tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>, tensor<3x50xi64>
}

func.func @casts(%f: tensor<4x30xf32>, %h: tensor<4x30xbf16>, %a: tensor<6x40xi32>, %l: tensor<3x50xi64>, %s: tensor<3x50xi8>, %c: tensor<6x40xi1>) -> (tensor<4x30xi32>, tensor<4x30xi8>, tensor<4x30xi64>, tensor<4x30xi1>, tensor<4x30xi32>, tensor<6x40xi8>, tensor<6x40xi64>, tensor<6x40xi1>, tensor<6x40xf32>, tensor<3x50xi32>, tensor<3x50xi8>, tensor<3x50xbf16>, tensor<3x50xi32>, tensor<6x40xi32>, tensor<6x40xf32>) {
  %0 = kiln.cast %f : tensor<4x30xf32> -> tensor<4x30xi32>
  %1 = kiln.cast %f : tensor<4x30xf32> -> tensor<4x30xi8>
  %2 = kiln.cast %f : tensor<4x30xf32> -> tensor<4x30xi64>
  %3 = kiln.cast %f : tensor<4x30xf32> -> tensor<4x30xi1>
  %4 = kiln.cast %h : tensor<4x30xbf16> -> tensor<4x30xi32>
  %5 = kiln.cast %a : tensor<6x40xi32> -> tensor<6x40xi8>
  %6 = kiln.cast %a : tensor<6x40xi32> -> tensor<6x40xi64>
  %7 = kiln.cast %a : tensor<6x40xi32> -> tensor<6x40xi1>
  %8 = kiln.cast %a : tensor<6x40xi32> -> tensor<6x40xf32>
  %9 = kiln.cast %l : tensor<3x50xi64> -> tensor<3x50xi32>
  %10 = kiln.cast %l : tensor<3x50xi64> -> tensor<3x50xi8>
  %11 = kiln.cast %l : tensor<3x50xi64> -> tensor<3x50xbf16>
  %12 = kiln.cast %s : tensor<3x50xi8> -> tensor<3x50xi32>
  %13 = kiln.cast %c : tensor<6x40xi1> -> tensor<6x40xi32>
  %14 = kiln.cast %c : tensor<6x40xi1> -> tensor<6x40xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14 : tensor<4x30xi32>, tensor<4x30xi8>, tensor<4x30xi64>, tensor<4x30xi1>, tensor<4x30xi32>, tensor<6x40xi8>, tensor<6x40xi64>, tensor<6x40xi1>, tensor<6x40xf32>, tensor<3x50xi32>, tensor<3x50xi8>, tensor<3x50xbf16>, tensor<3x50xi32>, tensor<6x40xi32>, tensor<6x40xf32>
}

func.func @small(%a: tensor<5x70xi32>, %b: tensor<70xi32>) -> tensor<5x70xi32> {
  %s = kiln.sub %a, %b : tensor<5x70xi32>, tensor<70xi32> -> tensor<5x70xi32>
  %m = kiln.mul %s, %a : tensor<5x70xi32>, tensor<5x70xi32> -> tensor<5x70xi32>
  %r = kiln.relu %m : tensor<5x70xi32>
  return %r : tensor<5x70xi32>
}

func.func @forms(%c: tensor<3x4x20xi1>, %p: tensor<3x4x20xi1>, %q: tensor<4x20xi1>, %a: tensor<3x4x20xi64>, %b: tensor<4x20xi64>, %s: tensor<3x1x1xi8>, %t: tensor<3x4x20xi8>, %h: tensor<4x20xf16>) -> (tensor<3x4x20xi1>, tensor<3x4x20xi64>, tensor<3x4x20xi8>, tensor<4x20xi32>, tensor<4x20xi1>) {
  %w = kiln.where %c, %p, %q : tensor<3x4x20xi1>, tensor<3x4x20xi1>, tensor<4x20xi1> -> tensor<3x4x20xi1>
  %x = kiln.sub %a, %b : tensor<3x4x20xi64>, tensor<4x20xi64> -> tensor<3x4x20xi64>
  %y = kiln.mul %t, %s : tensor<3x4x20xi8>, tensor<3x1x1xi8> -> tensor<3x4x20xi8>
  %hi = kiln.cast %h : tensor<4x20xf16> -> tensor<4x20xi32>
  %hb = kiln.cast %h : tensor<4x20xf16> -> tensor<4x20xi1>
  return %w, %x, %y, %hi, %hb : tensor<3x4x20xi1>, tensor<3x4x20xi64>, tensor<3x4x20xi8>, tensor<4x20xi32>, tensor<4x20xi1>
}

//--- gen.py
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)
def ints(dt, shape):
    info = np.iinfo(dt)
    x = rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
    x.flat[:5] = [info.min, info.max, -1, 0, info.min]
    return x
def divisors(dt, shape):
    x = ints(dt, shape)
    x[x == 0] = 3
    x.flat[:5] = [-1, 7, -2, 5, 1]  # INT_MIN / -1 wraps to INT_MIN
    x.flat[5:9] = [2, -3, 4, -5]  # small ones, so quotients are not all 0
    return x
for bits, dt, shape in [(32, np.int32, (6, 40)), (8, np.int8, (3, 50)), (64, np.int64, (3, 50))]:
    np.save("%s/a%d.npy" % (d, bits), ints(dt, shape))
    np.save("%s/b%d.npy" % (d, bits), ints(dt, shape))
    np.save("%s/d%d.npy" % (d, bits), divisors(dt, shape))
np.save(d + "/bias32.npy", ints(np.int32, (40,)))
np.save(d + "/col32.npy", ints(np.int32, (6, 1)))
c = rng.integers(0, 2, size=(6, 40)).astype(bool)
np.save(d + "/c.npy", c)
np.save(d + "/c3.npy", rng.integers(0, 2, size=(3, 50)).astype(bool))
# Floats for the casts: fractions both sides of 0, past the i32 and i8
# ranges (they wrap after saturating at i64), past the i64 range, inf, NaN.
f = rng.uniform(-3e9, 3e9, size=(4, 30)).astype(np.float32)
f.flat[:12] = [1.9, -1.9, 0.5, -0.5, 255.5, -129.7, 2.0**40 + 2**20, 1e20, -1e20, np.inf, -np.inf, np.nan]
f.flat[12:20] = rng.uniform(-300, 300, size=8)
np.save(d + "/f.npy", f)
# bf16 inputs are given as f32 (kiln-run rounds them to nearest even).
np.save(d + "/h.npy", (f * 0.37).astype(np.float32))

//--- same.py
import os, sys, numpy as np
ref = sys.argv[1]
names = sorted(os.listdir(ref))
assert names, "no reference outputs"
for other in sys.argv[2:]:
    for n in names:
        x, y = np.load(os.path.join(ref, n)), np.load(os.path.join(other, n))
        assert x.dtype == y.dtype and x.shape == y.shape, (other, n, x.dtype, y.dtype)
        ok = np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
        assert ok, (other, n, np.argwhere(x != y)[:4], x[x != y][:4], y[x != y][:4])
print("identical: %d outputs x %d targets" % (len(names), len(sys.argv) - 2))
