// Data movement on the NPU's DMA engines (exact: bytes are copied):
// reshape is a view of the contiguous buffer (a copy only when it is a
// function result); transpose reads the input through permuted strides,
// slice through a strided subview, concat writes each input into a
// subview of the result; all DRAM -> SPAD tile -> DRAM.
// RUN: kiln-run %s --target=npu:edge --function=transpose --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=transpose --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=transpose4 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reshape_view --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reshape_result --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=slice --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=concat --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=concat --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// Several row tiles (the last one partial); the 24x40 part (13 tokens) in
// odd-part-norms-e2e.mlir.
// RUN: kiln-run %s --target=npu:edge --function=transpose_tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=slice_1d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=concat_rows --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=concat_cols --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=transpose_3d --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=transpose_i32 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// matmul -> reshape (view) -> rms_norm -> reshape (view) -> transpose (f32, rtol 1e-4).
// RUN: kiln-run %s --target=npu:edge --function=mixed --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// IR-LABEL: func.func @transpose
// IR: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [40, 24], strides: [1, 40]
// IR: npu.dma
// IR: npu.dma
// IR-LABEL: func.func @reshape_view
// IR: memref.collapse_shape
// IR: memref.expand_shape
// IR: scf.execute_region
// IR: npu.vec_unary "exp"
// IR-NOT: scf.execute_region
// IR: return
// IR-LABEL: func.func @slice
// IR: memref.subview %{{.*}}[1, 2] [5, 6] [2, 3]

func.func @transpose(%x: tensor<24x40xf32>) -> tensor<40x24xf32> {
  %y = kiln.transpose %x perm = [1, 0] : tensor<24x40xf32> -> tensor<40x24xf32>
  return %y : tensor<40x24xf32>
}

func.func @transpose4(%x: tensor<2x3x4x5xbf16>) -> tensor<5x2x4x3xbf16> {
  %y = kiln.transpose %x perm = [3, 0, 2, 1] : tensor<2x3x4x5xbf16> -> tensor<5x2x4x3xbf16>
  return %y : tensor<5x2x4x3xbf16>
}

// The reshape is a view: the exp reads the input's bytes as 6x20.
func.func @reshape_view(%x: tensor<4x30xf32>) -> tensor<6x20xf32> {
  %r = kiln.reshape %x : tensor<4x30xf32> -> tensor<6x20xf32>
  %y = kiln.exp %r : tensor<6x20xf32>
  return %y : tensor<6x20xf32>
}

func.func @reshape_result(%x: tensor<4x30xf32>) -> tensor<2x3x20xf32> {
  %r = kiln.reshape %x : tensor<4x30xf32> -> tensor<2x3x20xf32>
  return %r : tensor<2x3x20xf32>
}

func.func @slice(%x: tensor<12x20xf32>) -> tensor<5x6xf32> {
  %y = kiln.slice %x starts = [1, 2] limits = [11, 20] steps = [2, 3] : tensor<12x20xf32> -> tensor<5x6xf32>
  return %y : tensor<5x6xf32>
}

func.func @concat(%a: tensor<3x7x5xf32>, %b: tensor<3x2x5xf32>) -> tensor<3x9x5xf32> {
  %y = kiln.concat %a, %b axis = 1 : tensor<3x7x5xf32>, tensor<3x2x5xf32> -> tensor<3x9x5xf32>
  return %y : tensor<3x9x5xf32>
}

func.func @transpose_tiled(%x: tensor<96x512xf32>) -> tensor<512x96xf32> {
  %y = kiln.transpose %x perm = [1, 0] : tensor<96x512xf32> -> tensor<512x96xf32>
  return %y : tensor<512x96xf32>
}

func.func @slice_1d(%x: tensor<40xf32>) -> tensor<13xf32> {
  %y = kiln.slice %x starts = [1] limits = [40] steps = [3] : tensor<40xf32> -> tensor<13xf32>
  return %y : tensor<13xf32>
}
func.func @concat_rows(%a: tensor<3x5xbf16>, %b: tensor<4x5xbf16>) -> tensor<7x5xbf16> {
  %y = kiln.concat %a, %b axis = 0 : tensor<3x5xbf16>, tensor<4x5xbf16> -> tensor<7x5xbf16>
  return %y : tensor<7x5xbf16>
}
func.func @concat_cols(%a: tensor<3x5xf32>, %b: tensor<3x2xf32>) -> tensor<3x7xf32> {
  %y = kiln.concat %a, %b axis = -1 : tensor<3x5xf32>, tensor<3x2xf32> -> tensor<3x7xf32>
  return %y : tensor<3x7xf32>
}
func.func @transpose_3d(%x: tensor<4x6x9xf32>) -> tensor<4x9x6xf32> {
  %y = kiln.transpose %x perm = [0, 2, 1] : tensor<4x6x9xf32> -> tensor<4x9x6xf32>
  return %y : tensor<4x9x6xf32>
}
func.func @transpose_i32(%x: tensor<4x6xi32>) -> tensor<6x4xi32> {
  %y = kiln.transpose %x perm = [1, 0] : tensor<4x6xi32> -> tensor<6x4xi32>
  return %y : tensor<6x4xi32>
}
func.func @mixed(%x: tensor<4x6xf32>, %w: tensor<6x8xf32>) -> tensor<8x4xf32> {
  %m = kiln.matmul %x, %w : tensor<4x6xf32>, tensor<6x8xf32> -> tensor<4x8xf32>
  %r = kiln.reshape %m : tensor<4x8xf32> -> tensor<2x16xf32>
  %n = kiln.rms_norm %r : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %r2 = kiln.reshape %n : tensor<2x16xf32> -> tensor<4x8xf32>
  %t = kiln.transpose %r2 perm = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %t : tensor<8x4xf32>
}
