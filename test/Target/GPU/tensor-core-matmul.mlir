// kiln-gpu-tensor-core-matmul: a matmul with a tensor-core schedule, its
// accumulator fill and its marked epilogue become one gpu.launch (block
// tiles, cp.async stages in workgroup memory, ldmatrix, mma.sync, the
// epilogue on the accumulators).
// RUN: kiln-opt %s --kiln-gpu-tensor-core-matmul --canonicalize --cse --split-input-file --verify-diagnostics | FileCheck %s

// 256 x 384 x 512 f16, blocks of 64 x 128 (3 x 4 blocks of 8 warps of
// 32 x 32: 256 threads), K tiles of 32 in 3 stages, copies of 8 elements
// (16 bytes, L1 bypassed); epilogue:
// truncation to f16 into a temporary, then a bias add in place into the
// result. The f32 accumulator and the temporary disappear.
// CHECK-LABEL: func.func @f16_bias
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c3, %{{.*}} = %c4, %{{.*}} = %c1) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c256, %{{.*}} = %c1, %{{.*}} = %c1)
// CHECK-SAME: workgroup(%[[SA:[a-z0-9_]+]] : memref<3x64x32xf16, #gpu.address_space<workgroup>>, %[[SB:[a-z0-9_]+]] : memref<3x32x128xf16, #gpu.address_space<workgroup>>)
// Prologue: two K tiles in flight, one group each; A: 64*32/8/256 = 1 copy
// per thread, B: 32*128/8/256 = 2.
// CHECK: nvgpu.device_async_copy %{{.*}}[{{.*}}], %[[SA]][{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK-COUNT-2: nvgpu.device_async_copy %{{.*}}[{{.*}}], %[[SB]][{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: %[[G:[a-z0-9_]+]] = nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for %[[KT:[a-z0-9_]+]] = %{{.*}} to %c16 step %{{.*}} iter_args(%{{.*}} = %{{.*}}, {{.*}}) -> (vector<2x2xf32>, {{.*}}) {
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.device_async_copy
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<3x64x32xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %[[SB]][{{.*}}] {numTiles = 4 : i32, transpose = true} : memref<3x32x128xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: scf.yield
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// The epilogue per accumulator element: truncate, load the bias, add,
// store once; the tiles divide the shapes, so no bounds check.
// CHECK-NOT: scf.if
// CHECK: vector.extract %{{.*}}[0, 0] : f32 from vector<2x2xf32>
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: memref.load %arg2[%{{.*}}] : memref<384xf16>
// CHECK: arith.addf
// CHECK: memref.store %{{.*}}, %arg3[%{{.*}}, %{{.*}}] : memref<256x384xf16>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
// CHECK: return
func.func @f16_bias(%a: memref<256x512xf16>, %b: memref<512x384xf16>, %bias: memref<384xf16>, %out: memref<256x384xf16>) {
  %zero = arith.constant 0.000000e+00 : f32
  %acc = memref.alloc() : memref<256x384xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<256x384xf32>)
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[64, 128, 0], [32, 32, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3]]>} ins(%a, %b : memref<256x512xf16>, memref<512x384xf16>) outs(%acc : memref<256x384xf32>)
  %t = memref.alloc() : memref<256x384xf16>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<256x384xf32>) outs(%t : memref<256x384xf16>) attrs = {kiln.gpu.tensor_core_epilogue} {
  ^bb0(%in: f32, %o: f16):
    %0 = arith.truncf %in : f32 to f16
    linalg.yield %0 : f16
  }
  memref.dealloc %acc : memref<256x384xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t, %bias : memref<256x384xf16>, memref<384xf16>) outs(%out : memref<256x384xf16>) attrs = {kiln.gpu.tensor_core_epilogue} {
  ^bb0(%x: f16, %y: f16, %o: f16):
    %1 = arith.addf %x, %y : f16
    linalg.yield %1 : f16
  }
  memref.dealloc %t : memref<256x384xf16>
  return
}

// -----

// [B, M, K] x [K, N] in bf16 with the batch folded into m (100 = 2 x 50
// rows: not a multiple of the 32-row block): copies outside A / B read 0
// elements from a clamped address, stores outside C are skipped, the
// epilogue reads C through the expand_shape (row -> batch, row). bf16 uses
// nvvm.mma.sync on i32 pairs; 4-element (8-byte) copies do not bypass L1.
// CHECK-LABEL: func.func @bf16_folded_partial
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[SA:[a-z0-9_]+]] : memref<2x32x32xbf16, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x32x32xbf16, #gpu.address_space<workgroup>>)
// CHECK: %[[IN:[a-z0-9_]+]] = arith.andi
// CHECK: %[[N:[a-z0-9_]+]] = arith.select %[[IN]], %c4, %c0
// CHECK: nvgpu.device_async_copy %{{.*}}[{{.*}}], %[[SA]][{{.*}}], 4, %[[N]] : memref<100x24xbf16>
// CHECK-NOT: bypassL1
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK: scf.if
// CHECK: arith.remui %{{.*}}, %c50
// CHECK: arith.divui %{{.*}}, %c50
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store %{{.*}}, %arg2[%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x50x40xbf16>
func.func @bf16_folded_partial(%a: memref<100x24xbf16>, %b: memref<24x40xbf16>, %out: memref<2x50x40xbf16>) {
  %zero = arith.constant 0.000000e+00 : f32
  %acc = memref.alloc() : memref<100x40xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<100x40xf32>)
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[1, 32, 32, 0], [1, 32, 32, 32], [1, 16, 8, 16], [0, 0, 4, 4], [0, 0, 0, 2]]>} ins(%a, %b : memref<100x24xbf16>, memref<24x40xbf16>) outs(%acc : memref<100x40xf32>)
  %e = memref.expand_shape %acc [[0, 1], [2]] output_shape [2, 50, 40] : memref<100x40xf32> into memref<2x50x40xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : memref<2x50x40xf32>) outs(%out : memref<2x50x40xbf16>) attrs = {kiln.gpu.tensor_core_epilogue} {
  ^bb0(%in: f32, %o: bf16):
    %0 = arith.truncf %in : f32 to bf16
    linalg.yield %0 : bf16
  }
  memref.dealloc %acc : memref<100x40xf32>
  return
}

// -----

// batch_matmul: the batch is the grid's z; without an epilogue the f32
// accumulators are stored to C.
// CHECK-LABEL: func.func @batched
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %[[BZ:[a-z0-9_]+]]) in (%{{.*}} = %c2, %{{.*}} = %c4, %{{.*}} = %c12)
// CHECK: nvgpu.device_async_copy %arg0[%[[BZ]], %{{.*}}, %{{.*}}]
// CHECK: nvgpu.mma.sync
// CHECK: memref.store %{{.*}}, %arg2[%[[BZ]], %{{.*}}, %{{.*}}] : memref<12x128x64xf32>
func.func @batched(%a: memref<12x128x64xf16>, %b: memref<12x64x64xf16>, %c: memref<12x128x64xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<12x128x64xf32>)
  linalg.batch_matmul {kiln.schedule = #kiln.schedule<tiles = [[1, 32, 32, 0], [1, 32, 32, 64], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 4]]>} ins(%a, %b : memref<12x128x64xf16>, memref<12x64x64xf16>) outs(%c : memref<12x128x64xf32>)
  return
}

// -----

// Not taken (a remark; the generic path runs it): no fill of the
// accumulator just before.
func.func @no_fill(%a: memref<64x64xf16>, %b: memref<64x64xf16>, %c: memref<64x64xf32>) {
  // expected-remark @below {{kiln-gpu-tensor-core-matmul: not taken (the accumulator is not zero-filled just before)}}
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[32, 32, 0], [32, 32, 32], [16, 8, 16], [0, 8, 8], [0, 0, 2]]>} ins(%a, %b : memref<64x64xf16>, memref<64x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A schedule the lowering cannot follow (B tile 40 wide: copies do not
// spread evenly over the threads) is an error.
func.func @bad_schedule(%a: memref<64x64xf16>, %b: memref<64x64xf16>, %c: memref<64x64xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  // expected-error @below {{kiln-gpu-tensor-core-matmul: the tensor-core schedule does not fit this matmul}}
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[32, 40, 0], [32, 40, 32], [16, 8, 16], [0, 8, 8], [0, 0, 2]]>} ins(%a, %b : memref<64x64xf16>, memref<64x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// The chain stops where another op reads the buffer in between (here
// inside a loop): the truncation is fused and stored, the in-place add
// after the loop stays a generic of its own.
// CHECK-LABEL: func.func @read_between
// CHECK: gpu.launch
// CHECK: arith.truncf
// CHECK: memref.store %{{.*}}, %arg2
// CHECK: scf.for
// CHECK: memref.load %arg2
// CHECK: linalg.generic
// CHECK-SAME: kiln.gpu.tensor_core_epilogue
func.func @read_between(%a: memref<64x64xf16>, %b: memref<64x64xf16>, %out: memref<64x64xf16>, %probe: memref<4xf16>) {
  %zero = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %acc = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<64x64xf32>)
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[32, 32, 0], [32, 32, 32], [16, 8, 16], [0, 8, 8], [0, 0, 2]]>} ins(%a, %b : memref<64x64xf16>, memref<64x64xf16>) outs(%acc : memref<64x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<64x64xf32>) outs(%out : memref<64x64xf16>) attrs = {kiln.gpu.tensor_core_epilogue} {
  ^bb0(%in: f32, %o: f16):
    %0 = arith.truncf %in : f32 to f16
    linalg.yield %0 : f16
  }
  memref.dealloc %acc : memref<64x64xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %out[%i, %c0] : memref<64x64xf16>
    memref.store %v, %probe[%i] : memref<4xf16>
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out : memref<64x64xf16>) outs(%out : memref<64x64xf16>) attrs = {kiln.gpu.tensor_core_epilogue} {
  ^bb0(%x: f16, %o: f16):
    %1 = arith.addf %x, %x : f16
    linalg.yield %1 : f16
  }
  return
}

// -----

// f32 with an m16n8k8 schedule (--f32-matmul=tf32): 128 x 96 x 64, blocks
// of 64 x 32 (2 x 3 blocks of 4 warps of 32 x 16), K tiles of 16 in 2
// stages, 16-byte copies of 4 elements. Per 8-deep step: A with ldmatrix
// x4 of 32-bit elements (vector<4x1xf32>), B with two 32-bit loads per lane
// (rows lane%4 and lane%4 + 4 of column lane/4: ldmatrix cannot transpose
// 32-bit elements), each rounded to TF32 (cvt.rna), m16n8k8 mma.sync with
// tf32 enabled; the accumulators are stored as they are.
// CHECK-LABEL: func.func @tf32
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c3, %{{.*}} = %c2, %{{.*}} = %c1) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c128, %{{.*}} = %c1, %{{.*}} = %c1)
// CHECK-SAME: workgroup(%[[SA:[a-z0-9_]+]] : memref<2x64x16xf32, #gpu.address_space<workgroup>>, %[[SB:[a-z0-9_]+]] : memref<2x16x32xf32, #gpu.address_space<workgroup>>)
// CHECK: nvgpu.device_async_copy %{{.*}}[{{.*}}], %[[SA]][{{.*}}], 4, %{{.*}} {bypassL1} : memref<128x64xf32> to memref<2x64x16xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4 step %{{.*}} iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>) {
// CHECK: %[[A:[a-z0-9_]+]] = nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<2x64x16xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// CHECK: %[[A0:[a-z0-9_]+]] = vector.extract %[[A]][0, 0] : f32 from vector<4x1xf32>
// CHECK: %[[R0:[a-z0-9_]+]] = nvvm.convert.float.to.tf32 %[[A0]] {rnd = #nvvm.fp_rnd_mode<rna>}
// CHECK: arith.bitcast %[[R0]] : i32 to f32
// CHECK: %[[B0:[a-z0-9_]+]] = memref.load %[[SB]][{{.*}}] : memref<2x16x32xf32, #gpu.address_space<workgroup>>
// CHECK: nvvm.convert.float.to.tf32 %[[B0]] {rnd = #nvvm.fp_rnd_mode<rna>}
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// Two 8-deep steps per K tile of 2 x 2 16 x 8 tiles per warp: 8 mma.sync.
// CHECK-COUNT-7: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled}
// CHECK-NOT: nvgpu.mma.sync
// CHECK: scf.yield
// CHECK: memref.store %{{.*}}, %arg2[%{{.*}}, %{{.*}}] : memref<128x96xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
// CHECK: return
func.func @tf32(%a: memref<128x64xf32>, %b: memref<64x96xf32>, %c: memref<128x96xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<128x96xf32>)
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[64, 32, 0], [32, 16, 16], [16, 8, 8], [0, 4, 4], [0, 0, 2]]>} ins(%a, %b : memref<128x64xf32>, memref<64x96xf32>) outs(%c : memref<128x96xf32>)
  return
}

// -----

// f32 with an m16n8k16 schedule: TF32 takes m16n8k8, so the schedule does
// not fit and the matmul stays on the generic path.
// CHECK-LABEL: func.func @f32_k16
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul
func.func @f32_k16(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  // expected-remark @below {{kiln-gpu-tensor-core-matmul: not taken (needs static identity-layout f16 / bf16 operands, or f32 ones with an m16n8k8 (tf32) schedule, and an f32 accumulator); the generic path runs it}}
  linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[64, 64, 0], [32, 32, 32], [16, 8, 16], [0, 4, 4], [0, 0, 2]]>} ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}
