// Elementwise ops on the vector unit against the reference interpreter
// (f32: rtol 1e-4): unary functions, binary ops of equal shapes, and a
// bias row broadcast over the rows (read through a row-stride-0 view).
// RUN: kiln-run %s --target=npu:edge --function=chain --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=binary --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=chain --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=mlp --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=mlp --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=residual --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=where --random-inputs --compare-to=ref 2>&1 | FileCheck %s --check-prefix=WHERE
// RUN: kiln-run %s --target=npu:cloud --function=where_row --random-inputs --compare-to=ref 2>&1 | FileCheck %s --check-prefix=WHERE
// RUN: kiln-run %s --target=npu:edge --function=where_scalar --random-inputs --compare-to=ref 2>&1 | FileCheck %s --check-prefix=WHERE
// RUN: kiln-run %s --target=npu:edge --function=scale --random-inputs --compare-to=ref 2>&1 | FileCheck %s --check-prefix=WHERE
// WHERE-NOT: MISMATCH
// WHERE: vs target ref: {{.*}}: OK
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK: vector unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// The bias add and the GELU fuse into the matmul's accumulator drain: one
// nest; the first vector op reads ACC (space 2), the bias row is a
// row-stride-0 view, the result leaves from SPAD.
// IR-LABEL: func.func @mlp
// IR: scf.execute_region
// IR: npu.matmul
// IR: memref.reinterpret_cast %{{.*}} to offset: [%{{.*}}], sizes: [64, 16], strides: [0, 1]
// IR: npu.vec_binary "add" %{{.*}}, %{{.*}}, %{{.*}} : memref<64x16xf32, {{.*}}, 2>, memref<64x16xf32, strided<[0, 1], offset: ?>, 1>, memref<64x16xf32, {{.*}}, 1>
// IR: npu.vec_unary "gelu_tanh" %{{.*}}, %{{.*}} : memref<64x16xf32, {{.*}}, 1>, memref<64x16xf32, {{.*}}, 1>
// IR: npu.dma %{{.*}}, %{{.*}} : memref<64x80xf32, {{.*}}, 1>, memref<64x80xf32{{.*}}>
// IR-NOT: scf.execute_region
// IR: return

func.func @chain(%x: tensor<4x50x33xf32>) -> tensor<4x50x33xf32> {
  %a = kiln.exp %x : tensor<4x50x33xf32>
  %b = kiln.tanh %a : tensor<4x50x33xf32>
  %c = kiln.gelu %b : tensor<4x50x33xf32>
  %d = kiln.sigmoid %c : tensor<4x50x33xf32>
  %e = kiln.neg %d : tensor<4x50x33xf32>
  %f = kiln.relu %e : tensor<4x50x33xf32>
  return %f : tensor<4x50x33xf32>
}

func.func @binary(%x: tensor<70x40xf32>, %y: tensor<70x40xf32>) -> tensor<70x40xf32> {
  %a = kiln.add %x, %y : tensor<70x40xf32>, tensor<70x40xf32> -> tensor<70x40xf32>
  %b = kiln.mul %a, %x : tensor<70x40xf32>, tensor<70x40xf32> -> tensor<70x40xf32>
  %c = kiln.sub %b, %y : tensor<70x40xf32>, tensor<70x40xf32> -> tensor<70x40xf32>
  %d = kiln.max %c, %x : tensor<70x40xf32>, tensor<70x40xf32> -> tensor<70x40xf32>
  return %d : tensor<70x40xf32>
}

// A GPT-2 MLP's first half: matmul, bias, GELU (tanh).
func.func @mlp(%x: tensor<64x96xf32>, %w: tensor<96x80xf32>, %bias: tensor<80xf32>) -> tensor<64x80xf32> {
  %h = kiln.matmul %x, %w : tensor<64x96xf32>, tensor<96x80xf32> -> tensor<64x80xf32>
  %hb = kiln.add %h, %bias : tensor<64x80xf32>, tensor<80xf32> -> tensor<64x80xf32>
  %g = kiln.gelu %hb approximate = tanh : tensor<64x80xf32>
  return %g : tensor<64x80xf32>
}

// A residual (full-shape operand) and a non-commutative op with the
// running value on the right, fused too.
func.func @residual(%x: tensor<2x30x40xf32>, %w: tensor<40x50xf32>, %r: tensor<2x30x50xf32>) -> tensor<2x30x50xf32> {
  %h = kiln.matmul %x, %w : tensor<2x30x40xf32>, tensor<40x50xf32> -> tensor<2x30x50xf32>
  %a = kiln.add %r, %h : tensor<2x30x50xf32>, tensor<2x30x50xf32> -> tensor<2x30x50xf32>
  %s = kiln.sub %r, %a : tensor<2x30x50xf32>, tensor<2x30x50xf32> -> tensor<2x30x50xf32>
  %t = kiln.tanh %s : tensor<2x30x50xf32>
  return %t : tensor<2x30x50xf32>
}

// where: npu.vec_select on a byte-per-element i1 condition (exact).
func.func @where(%c: tensor<37x24xi1>, %x: tensor<37x24xf32>, %y: tensor<37x24xf32>) -> tensor<37x24xf32> {
  %z = kiln.where %c, %x, %y : tensor<37x24xi1>, tensor<37x24xf32>, tensor<37x24xf32> -> tensor<37x24xf32>
  return %z : tensor<37x24xf32>
}

// A mask row broadcast over the rows (row stride 0), bf16 values.
func.func @where_row(%c: tensor<24xi1>, %x: tensor<5x24xbf16>, %y: tensor<5x24xbf16>) -> tensor<5x24xbf16> {
  %z = kiln.where %c, %x, %y : tensor<24xi1>, tensor<5x24xbf16>, tensor<5x24xbf16> -> tensor<5x24xbf16>
  return %z : tensor<5x24xbf16>
}

// A single-element operand (tensor<f32>) read with strides [0, 0], as in
// the examples' `where %mask, %scores, %neg_inf`.
func.func @where_scalar(%c: tensor<16x24xi1>, %x: tensor<16x24xf32>, %y: tensor<f32>) -> tensor<16x24xf32> {
  %z = kiln.where %c, %x, %y : tensor<16x24xi1>, tensor<16x24xf32>, tensor<f32> -> tensor<16x24xf32>
  return %z : tensor<16x24xf32>
}

func.func @scale(%x: tensor<3x20x24xf32>, %s: tensor<1x1xf32>) -> tensor<3x20x24xf32> {
  %z = kiln.mul %x, %s : tensor<3x20x24xf32>, tensor<1x1xf32> -> tensor<3x20x24xf32>
  return %z : tensor<3x20x24xf32>
}
