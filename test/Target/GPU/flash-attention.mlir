// kiln-gpu-flash-attention alone: a kiln.attention with a four-level
// flash-attention schedule (BM = 32 query rows of two 16-row warps, BN = 32
// keys per tile, m16n8k16, 3 stages, 8-element copies) becomes one
// gpu.launch on buffers of its operands. GQA (4 query heads on 2 key/value
// heads), causal with Sq != Sk, ragged lengths (100 = 3 x 32 + 4 query rows,
// 300 = 9 x 32 + 12 keys).
// RUN: kiln-opt %s --kiln-gpu-flash-attention --split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @causal
// CHECK: %[[Q:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK: %[[K:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK: %[[V:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK: %[[O:.*]] = memref.alloc() : memref<1x4x100x64xf16>
// Grid: ceil(100 / 32) query tiles x (batch * query heads); 64 threads;
// shared memory Q (32 x 64) + 3 stages of K and V (32 x 64) in f16.
// CHECK: %[[SMEM:.*]] = arith.constant 28672 : i32
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c4{{(_[0-9]+)?}}, %{{.*}} = %c4{{(_[0-9]+)?}}, %{{.*}} = %c1{{(_[0-9]+)?}}) threads({{.*}}) in (%{{.*}} = %c64{{(_[0-9]+)?}}, {{.*}}) dynamic_shared_memory_size %[[SMEM]]
// CHECK: gpu.dynamic_shared_memory
// CHECK: memref.view {{.*}} to memref<32x64xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}}[%c4096{{.*}} to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}}[%c16384{{.*}} to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// The key/value head of query head h is h / 2 (GQA).
// CHECK: %[[HEAD:.*]] = arith.remui %{{.*}}, %c4
// CHECK: arith.divui %[[HEAD]], %c2
// Causal: key tiles up to the one holding key q0 + 31 + (300 - 100), at
// most ceil(300 / 32) = 10.
// CHECK: %[[LAST:.*]] = arith.addi %{{.*}}, %c231
// CHECK: %[[T:.*]] = arith.floordivsi %[[LAST]], %c32
// CHECK: %[[T1:.*]] = arith.addi %[[T]], %c1
// CHECK: %[[MIN:.*]] = arith.minsi %c10, %[[T1]]
// CHECK: %[[N:.*]] = arith.maxsi %[[MIN]], %c0
// Prologue: Q with tile 0 (16-byte cp.async, L1 bypassed, swizzled
// columns, masked rows), then tile 1.
// CHECK: arith.xori
// CHECK: nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_create_group
// Q fragments once, after the first group.
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// The key-tile loop: O (64 / 8 tiles), running max and sum of two rows.
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[N]] step %{{.*}} iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, f32, f32, f32, f32)
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.device_async_create_group
// S = Q K^T: K fragments without .trans.
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.mma.sync
// Scale (1 / sqrt(64) times log2 e), ragged keys and causal limit hidden.
// CHECK: arith.mulf %{{.*}}, %cst{{.*}} : f32
// CHECK: arith.cmpi uge, %{{.*}}, %c300
// CHECK: arith.cmpi sgt
// CHECK: arith.select
// Row max over the quad, exp2 (scores in log2 units), rescale.
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK: math.exp2
// P from registers: two S tiles narrowed into one A fragment.
// CHECK: arith.truncf %{{.*}} : vector<2xf32> to vector<2xf16>
// CHECK: vector.insert %{{.*}}, %{{.*}} [3] : vector<2xf16> into vector<4x2xf16>
// O += P V: V fragments with .trans.
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvgpu.mma.sync
// CHECK: scf.yield
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// l summed over the quad; O / l stored for rows below 100 only.
// CHECK: gpu.shuffle  xor
// CHECK: arith.divf
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[O]]
// CHECK: gpu.terminator
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[O]] restrict writable
// CHECK: return %[[R]]
// CHECK-NOT: kiln.attention
func.func @causal(%q: tensor<1x4x100x64xf16>, %k: tensor<1x2x300x64xf16>, %v: tensor<1x2x300x64xf16>) -> tensor<1x4x100x64xf16> {
  %0 = kiln.attention %q, %k, %v causal {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 3, 8]]>} : (tensor<1x4x100x64xf16>, tensor<1x2x300x64xf16>, tensor<1x2x300x64xf16>) -> tensor<1x4x100x64xf16>
  return %0 : tensor<1x4x100x64xf16>
}

// -----

// bf16 with a broadcast float mask: nvvm.mma.sync on i32 pairs, the mask
// read per score (size-1 dimensions at index 0) and added.
// CHECK-LABEL: func.func @masked_bf16
// CHECK: bufferization.to_buffer %arg3 read_only
// CHECK: gpu.launch
// CHECK: nvvm.mma.sync {{.*}} {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// CHECK: %[[M:.*]] = memref.load %{{.*}}[%c0{{.*}}, %c0{{.*}}, %c0{{.*}}, %{{.*}}] : memref<1x1x1x64xbf16>
// CHECK: %[[MF:.*]] = arith.extf %[[M]] : bf16 to f32
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %[[MF]] : f32
// CHECK: arith.mulf %[[S]], %cst{{.*}} : f32
func.func @masked_bf16(%q: tensor<2x2x64x128xbf16>, %k: tensor<2x2x64x128xbf16>, %v: tensor<2x2x64x128xbf16>, %m: tensor<1x1x1x64xbf16>) -> tensor<2x2x64x128xbf16> {
  %0 = kiln.attention %q, %k, %v mask %m {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 64, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 2, 8]]>} : (tensor<2x2x64x128xbf16>, tensor<2x2x64x128xbf16>, tensor<2x2x64x128xbf16>, tensor<1x1x1x64xbf16>) -> tensor<2x2x64x128xbf16>
  return %0 : tensor<2x2x64x128xbf16>
}

// -----

// f32 attention keeps the decomposed path.
func.func @f32(%q: tensor<1x1x64x64xf32>, %k: tensor<1x1x64x64xf32>, %v: tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32> {
  // expected-remark @below {{kiln-gpu-flash-attention: not taken}}
  %0 = kiln.attention %q, %k, %v {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 32, 0, 0], [1, 1, 16, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 2, 8]]>} : (tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  return %0 : tensor<1x1x64x64xf32>
}

// -----

// 32-row warps: not what the kernel does.
func.func @bad(%q: tensor<1x1x64x64xf16>, %k: tensor<1x1x64x64xf16>, %v: tensor<1x1x64x64xf16>) -> tensor<1x1x64x64xf16> {
  // expected-error @below {{the flash-attention schedule does not fit this attention}}
  %0 = kiln.attention %q, %k, %v {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 64, 0, 0], [1, 1, 32, 32, 0], [1, 1, 16, 8, 16], [0, 0, 0, 2, 8]]>} : (tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16>) -> tensor<1x1x64x64xf16>
  return %0 : tensor<1x1x64x64xf16>
}
