// kiln.matmul on i8 (i8 x i8 -> i8, wrapping): the matrix unit's i8 inputs
// accumulate in i32 in ACC (two's complement, wrapping), and the drain's
// vunary.copy i32 -> i8 keeps the low 8 bits, which are those of the exact
// sum: the reference's result. Exact on every part, with K past one array
// tile, N and M not multiples of the array, a batch, transpose_b, and an
// integer op after it (not fused: the drain epilogue is for f32 matmuls).
// RUN: rm -rf %t && split-file %s %t && mkdir %t/in
// RUN: %python %t/gen.py %t/in
// RUN: kiln-run %t/mm.mlir --target=npu:edge --function=mm --input=%t/in/a.npy,%t/in/b.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %t/mm.mlir --target=npu:cloud --function=mm --input=%t/in/a.npy,%t/in/b.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %t/mm.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=mm --input=%t/in/a.npy,%t/in/b.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %t/mm.mlir --target=npu:edge --function=bmm --input=%t/in/ba.npy,%t/in/bt.npy,%t/in/bias.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// RUN: kiln-run %t/mm.mlir --target=npu:%S/ISA/Inputs/npu-odd.json --function=bmm --input=%t/in/ba.npy,%t/in/bt.npy,%t/in/bias.npy --compare-to=ref --rtol=0 --atol=0 2>&1 | FileCheck %s
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: max abs error 0, max rel error 0 (rtol 0, atol 0): OK
// RUN: kilnc %t/mm.mlir --target=npu:edge --emit=npu-asm | FileCheck %s --check-prefix=ASM
// ASM: matmul {{.*}}acc.i32{{.*}}spad.i8{{.*}}spad.i8
// ASM: vunary.copy {{.*}}spad.i8{{.*}}acc.i32
//
// A part whose matrix unit lacks i8: the matrix unit's diagnostic.
// RUN: %python -c "import json; d = json.load(open('%S/ISA/Inputs/npu-odd.json')); d['matrix_unit']['dtypes'] = d['matrix_unit']['dtypes'][:3]; json.dump(d, open('%t/no-i8.json', 'w'))"
// RUN: not kiln-run %t/mm.mlir --target=npu:%t/no-i8.json --function=mm --random-inputs 2>&1 | FileCheck %s --check-prefix=NOI8
// NOI8: error: 'kiln.matmul' op cannot run on the NPU: the matrix unit of npu-odd does not accept 'i8'

//--- mm.mlir
func.func @mm(%a: tensor<37x50xi8>, %b: tensor<50x45xi8>) -> tensor<37x45xi8> {
  %c = kiln.matmul %a, %b : tensor<37x50xi8>, tensor<50x45xi8> -> tensor<37x45xi8>
  return %c : tensor<37x45xi8>
}

func.func @bmm(%a: tensor<2x9x30xi8>, %bt: tensor<2x20x30xi8>, %bias: tensor<20xi8>) -> tensor<2x9x20xi8> {
  %c = kiln.matmul %a, %bt transpose_b : tensor<2x9x30xi8>, tensor<2x20x30xi8> -> tensor<2x9x20xi8>
  %d = kiln.add %c, %bias : tensor<2x9x20xi8>, tensor<20xi8> -> tensor<2x9x20xi8>
  return %d : tensor<2x9x20xi8>
}

//--- gen.py
import sys, numpy as np
d = sys.argv[1]
r = np.random.default_rng(5)
def i8(shape):
    x = r.integers(-128, 128, shape).astype(np.int8)
    x.flat[:3] = [-128, 127, -128]
    return x
np.save(d + "/a.npy", i8((37, 50)))
np.save(d + "/b.npy", i8((50, 45)))
np.save(d + "/ba.npy", i8((2, 9, 30)))
np.save(d + "/bt.npy", i8((2, 20, 30)))
np.save(d + "/bias.npy", i8((20,)))
