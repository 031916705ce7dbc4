// kiln-gpu-swizzle-workgroup-memory: the column of every cp.async write and
// ldmatrix read of a workgroup attribution is XOR-permuted by its row
// (upstream nvgpu::optimizeSharedMemoryReadsAndWrites), alike in reads and
// writes; a buffer whose rows are too short to conflict is left alone.
// RUN: kiln-opt %s --kiln-gpu-swizzle-workgroup-memory | FileCheck %s

// CHECK-LABEL: func.func @tile
// CHECK: gpu.launch
// CHECK: %[[W:.*]] = arith.xori %{{.*}}, %{{.*}} : index
// CHECK: nvgpu.device_async_copy %arg0[%{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}, %{{.*}}, %[[W]]], 8
// CHECK: %[[R:.*]] = arith.xori %{{.*}}, %{{.*}} : index
// CHECK: nvgpu.ldmatrix %{{.*}}[%{{.*}}, %{{.*}}, %[[R]]] {numTiles = 4 : i32, transpose = false}
func.func @tile(%a: memref<128x64xf16>, %out: memref<128x8xf16>) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1) workgroup(%s : memref<2x128x64xf16, #gpu.address_space<workgroup>>) {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %row = arith.divui %tx, %c8 : index
    %chunk = arith.remui %tx, %c8 : index
    %col = arith.muli %chunk, %c8 : index
    %t = nvgpu.device_async_copy %a[%row, %col], %s[%c0, %row, %col], 8 : memref<128x64xf16> to memref<2x128x64xf16, #gpu.address_space<workgroup>>
    %g = nvgpu.device_async_create_group %t
    nvgpu.device_async_wait %g {numGroups = 0 : i32}
    gpu.barrier
    %r = arith.remui %tx, %c16 : index
    %h = arith.divui %tx, %c16 : index
    %k = arith.muli %h, %c8 : index
    %f = nvgpu.ldmatrix %s[%c0, %r, %k] {numTiles = 4 : i32, transpose = false} : memref<2x128x64xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    %v = vector.extract %f[0] : vector<2xf16> from vector<4x2xf16>
    vector.store %v, %out[%tx, %c0] : memref<128x8xf16>, vector<2xf16>
    gpu.terminator
  }
  return
}

// Rows of 8 f16 (16 bytes): eight rows share a 128-byte line already.
// CHECK-LABEL: func.func @short_rows
// CHECK-NOT: arith.xori
func.func @short_rows(%a: memref<128x8xf16>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) workgroup(%s : memref<32x8xf16, #gpu.address_space<workgroup>>) {
    %c0 = arith.constant 0 : index
    %t = nvgpu.device_async_copy %a[%tx, %c0], %s[%tx, %c0], 8 : memref<128x8xf16> to memref<32x8xf16, #gpu.address_space<workgroup>>
    %g = nvgpu.device_async_create_group %t
    nvgpu.device_async_wait %g {numGroups = 0 : i32}
    %f = nvgpu.ldmatrix %s[%tx, %c0] {numTiles = 4 : i32, transpose = false} : memref<32x8xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    gpu.terminator
  }
  return
}
