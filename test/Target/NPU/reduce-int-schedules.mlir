// The NPU cost model's row tiles for kiln.reduce on integers (pinned, and
// read by the lowering): the tile stays in its type (i8 tiles are a
// quarter of i32 ones), the per-row values are i32 or i64
// (npuRowwiseComputeType), and work in the int64 domain costs
// vector_unit.i64_cycles per group (as the simulator times it): with 8
// instead of the default 2, npu-cloud's i64 sum goes from 64-row to 16-row
// tiles (its vector work, no longer hidden under the DMAs, is what the
// short tiles pipeline), and the predicted times grow (i64 sum: 2.87 us
// -> 6.95 us; simulated 2954 -> 7304 cycles at 1.05 GHz; a mean of i32
// sums and divides in i64: 1.50 us -> 2.55 us).
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge | FileCheck %s --check-prefix=EDGE
// RUN: kiln-opt %s --kiln-npu-attach-target=target=cloud --kiln-select-schedules=target=npu:cloud | FileCheck %s --check-prefix=CLOUD
// RUN: sed -e 's/"lanes": 128,/"lanes": 128, "i64_cycles": 8,/' %kiln_src_root/targets/npu-cloud.json > %t.json
// RUN: kiln-opt %s --kiln-npu-attach-target=target=%t.json --kiln-select-schedules=target=npu:%t.json | FileCheck %s --check-prefix=SLOW64
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// The simulator agrees (2.87 us and 6.95 us predicted at 1.05 GHz):
// RUN: kiln-run %s --target=npu:cloud --function=sum_i64 --random-inputs 2>&1 | FileCheck %s --check-prefix=SIM2
// RUN: kiln-run %s --target=npu:%t.json --function=sum_i64 --random-inputs 2>&1 | FileCheck %s --check-prefix=SIM8
// SIM2: cycles: 2954
// SIM8: cycles: 7304

// EDGE-LABEL: func.func @sum_i32
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [8, 0], [8, 0]]>
// CLOUD-LABEL: func.func @sum_i32
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// SLOW64-LABEL: func.func @sum_i32
// SLOW64: kiln.predicted_time_us = 2.07
// SLOW64-SAME: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// IR-LABEL: func.func @sum_i32
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<8x768xi32, 1>
// IR: npu.vec_reduce "sum" {{.*}} : memref<8x768xi32, strided<[768, 1]>, 1>, memref<8xi32, strided<[1]>, 1>
func.func @sum_i32(%x: tensor<128x768xi32>) -> tensor<128xi32> {
  %y = kiln.reduce sum %x axes = [1] : tensor<128x768xi32> -> tensor<128xi32>
  return %y : tensor<128xi32>
}

// EDGE-LABEL: func.func @sum_i64
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [4, 0], [4, 0]]>
// CLOUD-LABEL: func.func @sum_i64
// CLOUD: kiln.predicted_time_us = 2.86
// CLOUD-SAME: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [64, 0], [64, 0]]>
// SLOW64-LABEL: func.func @sum_i64
// SLOW64: kiln.predicted_time_us = 6.95
// SLOW64-SAME: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [16, 0], [16, 0]]>
// IR-LABEL: func.func @sum_i64
// IR: npu.vec_reduce "sum" {{.*}} : memref<4x768xi64, strided<[768, 1]>, 1>, memref<4xi64, strided<[1]>, 1>
func.func @sum_i64(%x: tensor<128x768xi64>) -> tensor<128xi64> {
  %y = kiln.reduce sum %x axes = [1] : tensor<128x768xi64> -> tensor<128xi64>
  return %y : tensor<128xi64>
}

// i8: the tile in i8, the sums in i32, one copy to i8 (keeps the low bits).
// EDGE-LABEL: func.func @sum_i8
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [8, 0], [8, 0]]>
// CLOUD-LABEL: func.func @sum_i8
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [128, 0], [128, 0]]>
// IR-LABEL: func.func @sum_i8
// IR: npu.vec_reduce "sum" {{.*}} : memref<8x768xi8, strided<[768, 1]>, 1>, memref<8xi32, strided<[1]>, 1>
// IR: npu.vec_unary "copy" {{.*}} : memref<8xi32, strided<[1]>, 1>, memref<8xi8, strided<[1]>, 1>
func.func @sum_i8(%x: tensor<128x768xi8>) -> tensor<128xi8> {
  %y = kiln.reduce sum %x axes = [1] : tensor<128x768xi8> -> tensor<128xi8>
  return %y : tensor<128xi8>
}

// A column mean of i32: an A-major tile [300, 16], sums in i64 divided by
// the count (a DMA'd i64 constant, read with stride 0), copied to i32.
// EDGE-LABEL: func.func @mean_i32_axis0
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [16, 0], [16, 0]]>
// CLOUD-LABEL: func.func @mean_i32_axis0
// CLOUD: kiln.predicted_time_us = 1.49
// CLOUD-SAME: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [77, 0], [77, 0]]>
// SLOW64-LABEL: func.func @mean_i32_axis0
// SLOW64: kiln.predicted_time_us = 2.55
// IR: memref.global "private" constant @mean_i32_axis0_const0 : memref<1xi64> = dense<300>
// IR-LABEL: func.func @mean_i32_axis0
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<300x16xi32, 1>
// IR: npu.vec_reduce "sum" {{.*}} : memref<?x300xi32, strided<[1, 16]>, 1>, memref<?xi64, strided<[1]>, 1>
// IR: npu.vec_binary "div" {{.*}} : memref<?xi64, strided<[1]>, 1>, memref<?xi64, strided<[0]>, 1>, memref<?xi64, strided<[1]>, 1>
// IR: npu.vec_unary "copy" {{.*}} : memref<?xi64, strided<[1]>, 1>, memref<?xi32, strided<[1]>, 1>
func.func @mean_i32_axis0(%x: tensor<300x77xi32>) -> tensor<77xi32> {
  %y = kiln.reduce mean %x axes = [0] : tensor<300x77xi32> -> tensor<77xi32>
  return %y : tensor<77xi32>
}

// Rows of 40000 i32 do not fit npu-edge's SPAD twice: chunks of 2048.
// EDGE-LABEL: func.func @max_i32_long
// EDGE: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [4, 2048], [4, 2048]]>
// CLOUD-LABEL: func.func @max_i32_long
// CLOUD: kiln.schedule = #kiln.schedule<tiles = {{\[\[}}0, 0], [2, 0], [2, 0]]>
// IR-LABEL: func.func @max_i32_long
// IR: memref.alloc() {npu.buffers = 2 : i64} : memref<4x2048xi32, 1>
// IR: npu.vec_binary "max"
func.func @max_i32_long(%x: tensor<4x40000xi32>) -> tensor<4xi32> {
  %y = kiln.reduce max %x axes = [1] : tensor<4x40000xi32> -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// A mean of i8 over more than 2^24 elements could overflow an i32 sum: it
// sums in i64 (chunks of the row), divides there, keeps the low bits.
// IR: memref.global "private" constant @mean_i8_big_const0 : memref<1xi64> = dense<16777217>
// IR-LABEL: func.func @mean_i8_big
// IR: npu.vec_reduce "sum" {{.*}} : memref<2x?xi8, strided<[{{[0-9]+}}, 1]>, 1>, memref<2xi64, strided<[1]>, 1>
// IR: npu.vec_binary "div" {{.*}} : memref<2xi64, strided<[1]>, 1>, memref<2xi64, strided<[0]>, 1>, memref<2xi64, strided<[1]>, 1>
// IR: npu.vec_unary "copy" {{.*}} : memref<2xi64, strided<[1]>, 1>, memref<2xi8, strided<[1]>, 1>
func.func @mean_i8_big(%x: tensor<2x16777217xi8>) -> tensor<2xi8> {
  %y = kiln.reduce mean %x axes = [1] : tensor<2x16777217xi8> -> tensor<2xi8>
  return %y : tensor<2xi8>
}
