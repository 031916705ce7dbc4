// softmax along any axis, reduce over any axis or set of axes (with and
// without keepdims), layer_norm / rms_norm over a trailing block of dims
// on the vector unit (f32, rtol 1e-4), on npu-edge, npu-cloud and the odd
// 24x40 part. An axis before the last is a view [outer, A, inner]: tiles
// come in by one 3-D DMA into an A-major layout whose rows have stride 1
// (vec_reduce reads [rows, A] with strides [1, TR]); reduce axes in
// several blocks ([0, 2]) run one nest per block through f32 DRAM
// temporaries. Shapes are multiples of nothing; tiles end partial.
// RUN: kiln-run %s --target=npu:edge --function=softmax_axis0 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax_axis0 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_axis0 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=softmax_axis1 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=softmax_axis1 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=softmax_axis1 --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=reduce_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_axes --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=reduce_axes --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_axes --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=reduce_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=reduce_long --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=norm_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=norm_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=norm_axis --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
// CHECK-NOT: MISMATCH

// 77 columns of 300 reduced along axis 0: tiles of part of the inner run
// (16 of 77 on npu-edge, the last one 13), one loop over (outer, part).
// IR-LABEL: func.func @softmax_axis0
// IR: npu.dma {{.*}} : memref<1x300x?xf32, strided<[23100, 77, 1], offset: ?>>, memref<1x300x?xf32, strided<[16, 16, 1]>, 1>
// IR: npu.vec_reduce "max" {{.*}} : memref<?x300xf32, strided<[1, 16]>, 1>
// IR: npu.vec_binary "sub" {{.*}} strided<[0, 1]>
// IR: npu.vec_unary "exp"
// IR: npu.vec_reduce "sum"
// IR: npu.vec_binary "div"
func.func @softmax_axis0(%x: tensor<300x77xf32>) -> tensor<300x77xf32> {
  %y = kiln.softmax %x axis = 0 : tensor<300x77xf32>
  return %y : tensor<300x77xf32>
}

func.func @softmax_axis1(%x: tensor<3x37x50xf32>) -> tensor<3x37x50xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<3x37x50xf32>
  return %y : tensor<3x37x50xf32>
}

func.func @reduce_axis(%x: tensor<5x7x30xf32>) -> (tensor<5x30xf32>, tensor<5x1x30xf32>, tensor<7x30xf32>, tensor<5x30xf32>) {
  %s = kiln.reduce sum %x axes = [1] : tensor<5x7x30xf32> -> tensor<5x30xf32>
  %m = kiln.reduce mean %x axes = [1] keepdims : tensor<5x7x30xf32> -> tensor<5x1x30xf32>
  %a = kiln.reduce max %x axes = [0] : tensor<5x7x30xf32> -> tensor<7x30xf32>
  %b = kiln.reduce min %x axes = [-2] : tensor<5x7x30xf32> -> tensor<5x30xf32>
  return %s, %m, %a, %b : tensor<5x30xf32>, tensor<5x1x30xf32>, tensor<7x30xf32>, tensor<5x30xf32>
}

// Two blocks of axes: two nests, the first into an f32 temporary.
// IR-LABEL: func.func @reduce_axes
// IR: memref.alloc() : memref<35xf32>
// IR: npu.vec_reduce "sum"
// IR: npu.vec_reduce "sum"
func.func @reduce_axes(%x: tensor<5x7x30xf32>) -> (tensor<7xf32>, tensor<1x7x1xf32>, tensor<f32>, tensor<5xf32>, tensor<5x1x1xf32>) {
  %s = kiln.reduce sum %x axes = [0, 2] : tensor<5x7x30xf32> -> tensor<7xf32>
  %m = kiln.reduce mean %x axes = [2, 0] keepdims : tensor<5x7x30xf32> -> tensor<1x7x1xf32>
  %a = kiln.reduce max %x axes = [0, 1, 2] : tensor<5x7x30xf32> -> tensor<f32>
  %b = kiln.reduce min %x axes = [1, 2] : tensor<5x7x30xf32> -> tensor<5xf32>
  %c = kiln.reduce mean %x axes = [-1, -2] keepdims : tensor<5x7x30xf32> -> tensor<5x1x1xf32>
  return %s, %m, %a, %b, %c : tensor<7xf32>, tensor<1x7x1xf32>, tensor<f32>, tensor<5xf32>, tensor<5x1x1xf32>
}

// Many rows (several tiles, the last partial) and a 4-D set of axes.
func.func @reduce_long(%x: tensor<6x33x17x40xf32>) -> (tensor<33x40xf32>, tensor<6x40xf32>) {
  %s = kiln.reduce mean %x axes = [0, 2] : tensor<6x33x17x40xf32> -> tensor<33x40xf32>
  %m = kiln.reduce max %x axes = [1, 2] : tensor<6x33x17x40xf32> -> tensor<6x40xf32>
  return %s, %m : tensor<33x40xf32>, tensor<6x40xf32>
}

// Normalized over dims [axis, rank): one row of 5 x 26 per outer index.
func.func @norm_axis(%x: tensor<3x5x26xf32>, %g: tensor<5x26xf32>, %b: tensor<5x26xf32>) -> (tensor<3x5x26xf32>, tensor<3x5x26xf32>) {
  %y = kiln.layer_norm %x scale %g bias %b axis = 1 : (tensor<3x5x26xf32>, tensor<5x26xf32>, tensor<5x26xf32>) -> tensor<3x5x26xf32>
  %z = kiln.rms_norm %x scale %g axis = -2 : (tensor<3x5x26xf32>, tensor<5x26xf32>) -> tensor<3x5x26xf32>
  return %y, %z : tensor<3x5x26xf32>, tensor<3x5x26xf32>
}
