// Rows too long for SPAD: the reduced dim is cut into chunks (the
// schedule's level 1 at the last loop; without a schedule, a share of
// SPAD). A reduce folds each chunk's reduction into a running per-row
// value; softmax runs online over the chunks (running max m and sum s, s
// scaled by exp(m_old - m_new) when the max grows), then writes
// exp(x - m) / s in a second pass; the norms sum x - K and (x - K)^2 over
// the chunks (K: the first chunk's mean), then write the normalized chunks
// with their scale/bias chunks. f32 within rtol 1e-4 (sums of 70001 terms:
// atol 1e-3), bf16 within rtol 1e-2 and f16 within rtol 2e-3 (one ulp;
// see rowwise-bf16-e2e.mlir). npu-cloud's SPAD holds most of these rows
// whole.
// RUN: kiln-run %s --target=npu:edge --function=softmax_vocab --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax_vocab --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_vocab --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=softmax_bf16 --random-inputs --compare-to=ref --rtol=1e-2 --atol=1e-6 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_bf16 --random-inputs --compare-to=ref --rtol=1e-2 --atol=1e-6 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=softmax_axis0 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_axis0 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=softmax_rank1 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_long --random-inputs --compare-to=ref --atol=1e-3 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=reduce_long --random-inputs --compare-to=ref --atol=1e-3 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_long --random-inputs --compare-to=ref --atol=1e-3 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=mean_all --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=mean_all --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=layer_norm_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=layer_norm_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=layer_norm_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=layer_norm_f16 --random-inputs --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=layer_norm_f16 --random-inputs --compare-to=ref --rtol=2e-3 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=rms_norm_bf16 --random-inputs --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=rms_norm_bf16 --random-inputs --compare-to=ref --rtol=1e-2 --atol=1e-4 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=layer_norm_rank1 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// CHECK-NOT: MISMATCH

// GPT-2's vocabulary: chunks of 2048 (npu-edge), two loops over them.
// IR-LABEL: func.func @softmax_vocab
// IR: scf.for
// IR: scf.if
// IR: npu.vec_reduce "max"
// IR: } else {
// IR: npu.vec_binary "max"
// IR: npu.vec_unary "exp"
// IR: npu.vec_binary "mul"
// IR: scf.for
// IR: npu.vec_binary "div"
func.func @softmax_vocab(%x: tensor<3x50257xf32>) -> tensor<3x50257xf32> {
  %y = kiln.softmax %x : tensor<3x50257xf32>
  return %y : tensor<3x50257xf32>
}

func.func @softmax_bf16(%x: tensor<2x40000xbf16>) -> tensor<2x40000xbf16> {
  %y = kiln.softmax %x : tensor<2x40000xbf16>
  return %y : tensor<2x40000xbf16>
}

// 30000 rows of 3 reduced along axis 0: A-major chunks.
func.func @softmax_axis0(%x: tensor<30000x3xf32>) -> tensor<30000x3xf32> {
  %y = kiln.softmax %x axis = 0 : tensor<30000x3xf32>
  return %y : tensor<30000x3xf32>
}

// Rank 1: no schedule, the default chunk.
func.func @softmax_rank1(%x: tensor<50257xf32>) -> tensor<50257xf32> {
  %y = kiln.softmax %x : tensor<50257xf32>
  return %y : tensor<50257xf32>
}

func.func @reduce_long(%x: tensor<5x70001xf32>) -> (tensor<5xf32>, tensor<5x1xf32>, tensor<5xf32>, tensor<5xf32>) {
  %a = kiln.reduce sum %x axes = [1] : tensor<5x70001xf32> -> tensor<5xf32>
  %b = kiln.reduce mean %x axes = [1] keepdims : tensor<5x70001xf32> -> tensor<5x1xf32>
  %c = kiln.reduce max %x axes = [-1] : tensor<5x70001xf32> -> tensor<5xf32>
  %d = kiln.reduce min %x axes = [1] : tensor<5x70001xf32> -> tensor<5xf32>
  return %a, %b, %c, %d : tensor<5xf32>, tensor<5x1xf32>, tensor<5xf32>, tensor<5xf32>
}

// ONNX ReduceMean's default: every axis, one row of 300000.
func.func @mean_all(%x: tensor<300x1000xf32>) -> tensor<f32> {
  %y = kiln.reduce mean %x axes = [0, 1] : tensor<300x1000xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// IR-LABEL: func.func @layer_norm_long
// IR: scf.for
// IR: npu.vec_reduce "sum"
// IR: npu.vec_unary "rsqrt"
// IR: scf.for
// IR: npu.dma {{.*}} : memref<?xf32, {{.*}}>, memref<?xf32, {{.*}}1>
// IR: npu.vec_binary "sub"
// IR: npu.vec_binary "mul"
// IR: npu.vec_binary "mul"
// IR: npu.vec_binary "add"
func.func @layer_norm_long(%x: tensor<3x40000xf32>, %g: tensor<40000xf32>, %b: tensor<40000xf32>) -> tensor<3x40000xf32> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<3x40000xf32>, tensor<40000xf32>, tensor<40000xf32>) -> tensor<3x40000xf32>
  return %y : tensor<3x40000xf32>
}

func.func @layer_norm_f16(%x: tensor<5x33333xf16>, %g: tensor<33333xf16>, %b: tensor<33333xf16>) -> tensor<5x33333xf16> {
  %y = kiln.layer_norm %x scale %g bias %b : (tensor<5x33333xf16>, tensor<33333xf16>, tensor<33333xf16>) -> tensor<5x33333xf16>
  return %y : tensor<5x33333xf16>
}

// Over the trailing block [50, 800] (40000 elements per row).
func.func @rms_norm_bf16(%x: tensor<2x50x800xbf16>, %g: tensor<50x800xbf16>) -> tensor<2x50x800xbf16> {
  %y = kiln.rms_norm %x scale %g axis = 1 : (tensor<2x50x800xbf16>, tensor<50x800xbf16>) -> tensor<2x50x800xbf16>
  return %y : tensor<2x50x800xbf16>
}

func.func @layer_norm_rank1(%x: tensor<40000xf32>) -> tensor<40000xf32> {
  %y = kiln.layer_norm %x epsilon = 1.0e-3 : (tensor<40000xf32>) -> tensor<40000xf32>
  return %y : tensor<40000xf32>
}
