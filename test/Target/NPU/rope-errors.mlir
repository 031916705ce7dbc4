// What the rope lowering does not take: one diagnostic naming the op. Every
// numpy broadcast of cos/sin is lowered (rope-broadcast-e2e.mlir), and so
// are rows whose buffers do not fit SPAD (rope-long-rows-e2e.mlir);
// what is left is a part whose vector unit lacks the input's type.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sed -e 's/\["f32", "bf16", /["f32", /' %S/ISA/Inputs/npu-odd.json > %t/no-bf16.json
// RUN: not kiln-run %s --target=npu:%t/no-bf16.json --random-inputs 2>&1 | FileCheck %s

func.func @bf16(%x: tensor<2x8xbf16>, %c: tensor<2x4xbf16>, %s: tensor<2x4xbf16>) -> tensor<2x8xbf16> {
  // CHECK: error: 'kiln.rope' op cannot run on the NPU: the vector unit of npu-odd does not compute on 'bf16' (rope computes its products in f32; no host fallback; docs/npu-compiler.md)
  %y = kiln.rope %x, %c, %s : (tensor<2x8xbf16>, tensor<2x4xbf16>, tensor<2x4xbf16>) -> tensor<2x8xbf16>
  return %y : tensor<2x8xbf16>
}
