// kiln-gpu-block-reduce: row reductions with a block-reduction schedule
// (kiln/Target/GPU/BlockReductionSchedule.h) become one gpu.launch each:
// grid = rows / R, block = T x R, a strided per-thread loop over chunks of
// V elements, butterfly shuffles within a warp, a workgroup buffer across
// the warps of a row, thread 0 of the row stores.
// RUN: kiln-opt %s --split-input-file --kiln-gpu-block-reduce --verify-diagnostics | FileCheck %s

#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// Softmax's max: 4 rows of one warp per block, 16-byte loads; the fill is
// the initial value and is erased.
// CHECK-LABEL: func.func @max_rows
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c32{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %{{.*}}) in (%{{.*}} = %c32{{.*}}, %{{.*}} = %c4{{.*}}, %{{.*}} = %c1{{.*}})
// CHECK-NOT: workgroup
// CHECK: scf.for %{{.*}} = %[[TX]] to %{{.*}} step %c32{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32)
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<128x1000xf32>, vector<4xf32>
// CHECK-COUNT-4: arith.maxnumf
// CHECK: gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32{{.*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c8_i32, %c32_i32{{.*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32, %c32_i32{{.*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32, %c32_i32{{.*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32, %c32_i32{{.*}} : f32
// CHECK-NOT: gpu.barrier
// CHECK: arith.maxnumf %cst
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<128xf32>
// CHECK-NOT: linalg.generic
func.func @max_rows(%x: memref<128x1000xf32>, %out: memref<128xf32>) {
  %nan = arith.constant 0xFFC00000 : f32
  linalg.fill ins(%nan : f32) outs(%out : memref<128xf32>)
  linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]} ins(%x : memref<128x1000xf32>) outs(%out : memref<128xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [0, 32], [0, 4]]>} {
  ^bb0(%in: f32, %o: f32):
    %m = arith.maxnumf %in, %o : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// Layer norm's variance over f16 rows of 50257 (odd: scalar loads), 1024
// threads per row: 32 warps meet in a 1 x 32 workgroup buffer; the mean is
// read per row; no fill before it: the output's contents are the initial
// value. Accumulation in f32.
// CHECK-LABEL: func.func @variance_f16
// CHECK: gpu.launch {{.*}} in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c1024{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[SM:.*]] : memref<1x32xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[INIT:.*]] = memref.load %{{.*}} : memref<128xf32>
// CHECK: scf.for
// CHECK-NOT: vector.load
// CHECK: memref.load %{{.*}} : memref<128x50257xf16>
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[SM]]
// CHECK: gpu.barrier
// Every lane reads partial lane % 32: all threads end with the row's value.
// CHECK: %[[L:.*]] = arith.remui %{{.*}}, %c32
// CHECK: memref.load %[[SM]][%{{.*}}, %[[L]]]
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: arith.addf %[[INIT]]
// CHECK: memref.store %{{.*}} : memref<128xf32>
func.func @variance_f16(%x: memref<128x50257xf16>, %mean: memref<128xf32>, %out: memref<128xf32>) {
  %n = arith.constant 50257.0 : f32
  linalg.generic {indexing_maps = [#row, #out, #out], iterator_types = ["parallel", "reduction"]} ins(%x, %mean : memref<128x50257xf16>, memref<128xf32>) outs(%out : memref<128xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 1024], [0, 1]]>} {
  ^bb0(%in: f16, %s: f32, %o: f32):
    %e = arith.extf %in : f16 to f32
    %m = arith.divf %s, %n : f32
    %d = arith.subf %e, %m : f32
    %sq = arith.mulf %d, %d : f32
    %a = arith.addf %o, %sq : f32
    linalg.yield %a : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
// An f16 sum over rows of 100 (not a multiple of the warp size), two
// parallel loops: the row index is split back into (d0, d1); the sum is
// accumulated in f32 and truncated once.
// CHECK-LABEL: func.func @sum_f16_3d
// CHECK: gpu.launch
// CHECK: arith.remui %{{.*}}, %c5
// CHECK: arith.divui %{{.*}}, %c5
// CHECK: vector.load %{{.*}} {alignment = 8 : i64} : memref<6x5x100xf16>, vector<4xf16>
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: memref.store %{{.*}} : memref<6x5xf16>
func.func @sum_f16_3d(%x: memref<6x5x100xf16>, %out: memref<6x5xf16>) {
  %z = arith.constant 0.0 : f16
  linalg.fill ins(%z : f16) outs(%out : memref<6x5xf16>)
  linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : memref<6x5x100xf16>) outs(%out : memref<6x5xf16>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 4, 0], [0, 0, 32], [0, 0, 4]]>} {
  ^bb0(%in: f16, %o: f16):
    %a = arith.addf %in, %o : f16
    linalg.yield %a : f16
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// Not taken: the body is not `combine(out, f(in))`; it stays a generic.
func.func @not_a_combiner(%x: memref<8x64xf32>, %out: memref<8xf32>) {
  // expected-remark @below {{kiln-gpu-block-reduce: not a block reduction (the body is not `yield combine(out, f(inputs))`}}
  linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x64xf32>) outs(%out : memref<8xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [0, 32], [0, 4]]>} {
  ^bb0(%in: f32, %o: f32):
    %a = arith.addf %in, %o : f32
    %b = arith.mulf %a, %a : f32
    linalg.yield %b : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
// A softmax's four generics (one kiln op: the same schedule) become one
// kernel: the max, exp(x - max) with the max from registers, the sum, and
// x / sum, barriers between the steps; the temporaries' allocations move
// before the launch, the deallocation between the steps after it.
// CHECK-LABEL: func.func @softmax_chain
// CHECK: %[[MAX:.*]] = memref.alloc() : memref<64xf32>
// CHECK: %[[E:.*]] = memref.alloc() : memref<64x256xf32>
// CHECK: %[[SUM:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NOT: linalg.
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c64{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[SM:.*]] : memref<1x2xf32, #gpu.address_space<workgroup>>)
// CHECK: vector.load %arg0
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: gpu.barrier
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: %[[M:.*]] = arith.maxnumf %cst{{.*}}, %{{.*}} : f32
// CHECK: memref.store %[[M]], %[[MAX]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK-NOT: memref.load
// CHECK: arith.subf %{{.*}}, %[[M]]
// CHECK: math.exp
// CHECK: vector.from_elements
// CHECK: vector.store %{{.*}}, %[[E]]{{.*}} {alignment = 16 : i64}
// CHECK: gpu.barrier
// CHECK: vector.load %[[E]]
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: gpu.barrier
// CHECK: gpu.shuffle  xor
// CHECK: %[[S:.*]] = arith.addf %cst{{.*}}, %{{.*}} : f32
// CHECK: memref.store %[[S]], %[[SUM]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[E]]
// CHECK: arith.divf %{{.*}}, %[[S]]
// CHECK: vector.store %{{.*}}, %arg1
// CHECK: gpu.terminator
// CHECK: memref.dealloc %[[MAX]]
// CHECK: memref.dealloc %[[E]]
// CHECK: memref.dealloc %[[SUM]]
func.func @softmax_chain(%x: memref<64x256xf32>, %y: memref<64x256xf32>) {
  %nan = arith.constant 0xFFC00000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<64xf32>
  linalg.fill ins(%nan : f32) outs(%max : memref<64xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x256xf32>) outs(%max : memref<64xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 64], [0, 4]]>} {
  ^bb0(%in: f32, %o: f32):
    %m = arith.maxnumf %in, %o : f32
    linalg.yield %m : f32
  }
  %e = memref.alloc() : memref<64x256xf32>
  linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]} ins(%x, %max : memref<64x256xf32>, memref<64xf32>) outs(%e : memref<64x256xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 64], [0, 4]]>} {
  ^bb0(%in: f32, %m: f32, %o: f32):
    %d = arith.subf %in, %m : f32
    %v = math.exp %d : f32
    linalg.yield %v : f32
  }
  memref.dealloc %max : memref<64xf32>
  %sum = memref.alloc() : memref<64xf32>
  linalg.fill ins(%zero : f32) outs(%sum : memref<64xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]} ins(%e : memref<64x256xf32>) outs(%sum : memref<64xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 64], [0, 4]]>} {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]} ins(%e, %sum : memref<64x256xf32>, memref<64xf32>) outs(%y : memref<64x256xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [0, 64], [0, 4]]>} {
  ^bb0(%in: f32, %s: f32, %o: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  }
  memref.dealloc %e : memref<64x256xf32>
  memref.dealloc %sum : memref<64xf32>
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// The generics without a schedule just before a scheduled one over the
// same loops (an f16 softmax's parts: decompose-aggregates leaves the
// schedule on the truncation) get its schedule and join its kernel. A step
// reading another row's statistic (d1 of a 64 x 64 domain) is not fused:
// blocks do not wait for each other; it stays a generic after the launch.
// CHECK-LABEL: func.func @shared_schedule
// CHECK: gpu.launch
// CHECK: gpu.shuffle
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: vector.store %{{.*}} : memref<64x64xf16>, vector<2xf16>
// CHECK: gpu.terminator
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %{{.*}} : memref<64x64xf32>, memref<64xf32>) outs(%arg2
func.func @shared_schedule(%x: memref<64x64xf32>, %y: memref<64x64xf16>, %z: memref<64x64xf32>) {
  %nan = arith.constant 0xFFC00000 : f32
  %m = memref.alloc() : memref<64xf32>
  linalg.fill ins(%nan : f32) outs(%m : memref<64xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x64xf32>) outs(%m : memref<64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %v = arith.maxnumf %in, %o : f32
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<64x64xf32>, memref<64xf32>) outs(%y : memref<64x64xf16>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [0, 32], [0, 2]]>} {
  ^bb0(%in: f32, %mm: f32, %o: f16):
    %d = arith.subf %in, %mm : f32
    %t = arith.truncf %d : f32 to f16
    linalg.yield %t : f16
  }
  linalg.generic {indexing_maps = [#row, #col, #row], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<64x64xf32>, memref<64xf32>) outs(%z : memref<64x64xf32>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [0, 32], [0, 2]]>} {
  ^bb0(%in: f32, %mm: f32, %o: f32):
    %d = arith.subf %in, %mm : f32
    linalg.yield %d : f32
  }
  memref.dealloc %m : memref<64xf32>
  return
}
