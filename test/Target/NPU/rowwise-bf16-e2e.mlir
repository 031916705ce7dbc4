// softmax, layer_norm, rms_norm and reduce in bf16 and f16 on the vector
// unit, on npu-edge, npu-cloud and the odd 24x40 part: each tile converted
// to f32 after its load (vec_unary copy), computed in f32 (a reduce over
// several blocks of axes keeps f32 DRAM temporaries between its nests) and
// rounded once to the type before its store (the copy rounds to nearest
// even), as the reference interpreter computes in double and rounds each
// result once. The two differ by at most one ulp of the type: bf16 within
// rtol 1e-2 (one ulp is at most 2^-7 relative), f16 within rtol 2e-3 (at
// most 2^-10), atol 1e-4 for results near zero. Largest errors seen
// (seeds 1-5, all three parts): bf16 rel 5.8e-3, f16 rel 9.4e-4.
// RUN: kiln-run %s --target=npu:edge --function=softmax_bf16 --random-inputs --seed=1 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax_bf16 --random-inputs --seed=1 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_bf16 --random-inputs --seed=1 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=softmax_f16 --random-inputs --seed=2 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax_f16 --random-inputs --seed=2 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_f16 --random-inputs --seed=2 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=norms_bf16 --random-inputs --seed=3 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=norms_bf16 --random-inputs --seed=3 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=norms_bf16 --random-inputs --seed=3 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=norms_f16 --random-inputs --seed=4 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=norms_f16 --random-inputs --seed=4 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=norms_f16 --random-inputs --seed=4 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_bf16 --random-inputs --seed=5 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=reduce_bf16 --random-inputs --seed=5 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_bf16 --random-inputs --seed=5 --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_f16 --random-inputs --seed=6 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_f16 --random-inputs --seed=6 --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// CHECK-NOT: MISMATCH

// IR-LABEL: func.func @softmax_bf16
// IR: npu.dma {{.*}}xbf16, {{.*}}1>
// IR: npu.vec_unary "copy" {{.*}} : memref<{{.*}}xbf16, {{.*}}1>, memref<{{.*}}xf32, {{.*}}1>
// IR: npu.vec_reduce "max" {{.*}}xf32
// IR: npu.vec_binary "div"
// IR: npu.vec_unary "copy" {{.*}} : memref<{{.*}}xf32, {{.*}}1>, memref<{{.*}}xbf16, {{.*}}1>
// IR: npu.dma {{.*}}xbf16
func.func @softmax_bf16(%x: tensor<45x130xbf16>, %y: tensor<3x37x50xbf16>) -> (tensor<45x130xbf16>, tensor<3x37x50xbf16>) {
  %a = kiln.softmax %x : tensor<45x130xbf16>
  %b = kiln.softmax %y axis = 1 : tensor<3x37x50xbf16>
  return %a, %b : tensor<45x130xbf16>, tensor<3x37x50xbf16>
}

func.func @softmax_f16(%x: tensor<45x130xf16>, %y: tensor<77x9xf16>) -> (tensor<45x130xf16>, tensor<77x9xf16>) {
  %a = kiln.softmax %x : tensor<45x130xf16>
  %b = kiln.softmax %y axis = 0 : tensor<77x9xf16>
  return %a, %b : tensor<45x130xf16>, tensor<77x9xf16>
}

// The scale and bias rows are converted to f32 on chip once per nest.
// IR-LABEL: func.func @norms_bf16
// IR: npu.vec_unary "copy" {{.*}} : memref<{{.*}}xbf16, {{.*}}1>, memref<{{.*}}xf32, {{.*}}1>
// IR: scf.for
func.func @norms_bf16(%x: tensor<37x100xbf16>, %g: tensor<100xbf16>, %b: tensor<100xbf16>, %z: tensor<3x5x26xbf16>, %h: tensor<5x26xbf16>) -> (tensor<37x100xbf16>, tensor<37x100xbf16>, tensor<3x5x26xbf16>) {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<37x100xbf16>, tensor<100xbf16>, tensor<100xbf16>) -> tensor<37x100xbf16>
  %r = kiln.rms_norm %x scale %g : (tensor<37x100xbf16>, tensor<100xbf16>) -> tensor<37x100xbf16>
  %w = kiln.layer_norm %z scale %h axis = 1 : (tensor<3x5x26xbf16>, tensor<5x26xbf16>) -> tensor<3x5x26xbf16>
  return %y, %r, %w : tensor<37x100xbf16>, tensor<37x100xbf16>, tensor<3x5x26xbf16>
}

func.func @norms_f16(%x: tensor<37x100xf16>, %g: tensor<100xf16>, %b: tensor<100xf16>, %z: tensor<3x5x26xf16>) -> (tensor<37x100xf16>, tensor<3x5x26xf16>) {
  %y = kiln.layer_norm %x scale %g bias %b epsilon = 1.0e-3 : (tensor<37x100xf16>, tensor<100xf16>, tensor<100xf16>) -> tensor<37x100xf16>
  %r = kiln.rms_norm %z axis = 1 : (tensor<3x5x26xf16>) -> tensor<3x5x26xf16>
  return %y, %r : tensor<37x100xf16>, tensor<3x5x26xf16>
}

func.func @reduce_bf16(%x: tensor<5x7x30xbf16>) -> (tensor<5x7xbf16>, tensor<5x1x30xbf16>, tensor<7xbf16>, tensor<bf16>) {
  %s = kiln.reduce sum %x axes = [2] : tensor<5x7x30xbf16> -> tensor<5x7xbf16>
  %m = kiln.reduce mean %x axes = [1] keepdims : tensor<5x7x30xbf16> -> tensor<5x1x30xbf16>
  %a = kiln.reduce mean %x axes = [0, 2] : tensor<5x7x30xbf16> -> tensor<7xbf16>
  %b = kiln.reduce max %x axes = [0, 1, 2] : tensor<5x7x30xbf16> -> tensor<bf16>
  return %s, %m, %a, %b : tensor<5x7xbf16>, tensor<5x1x30xbf16>, tensor<7xbf16>, tensor<bf16>
}

func.func @reduce_f16(%x: tensor<5x7x30xf16>) -> (tensor<5x30xf16>, tensor<5x7xf16>, tensor<7xf16>) {
  %s = kiln.reduce mean %x axes = [1] : tensor<5x7x30xf16> -> tensor<5x30xf16>
  %m = kiln.reduce min %x axes = [-1] : tensor<5x7x30xf16> -> tensor<5x7xf16>
  %a = kiln.reduce sum %x axes = [0, 2] : tensor<5x7x30xf16> -> tensor<7xf16>
  return %s, %m, %a : tensor<5x30xf16>, tensor<5x7xf16>, tensor<7xf16>
}
