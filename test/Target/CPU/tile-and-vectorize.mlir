// kiln-cpu-tile-and-vectorize reads each op's #kiln.schedule: an scf.forall
// at level 0 (per-thread chunks), scf.for loops at level 1 (cache block,
// nested in `order`) and level 2 (register tile), the register tile
// vectorized (matmul: outer products as vector.fma on the n vector, the
// accumulator kept in registers across the k loop, one 1-D vector per row).
// RUN: kiln-opt %s --split-input-file --kiln-cpu-tile-and-vectorize | FileCheck %s

// The n, k, m (Goto) order: n chunk 64 at level 0, k block 16 at level 1,
// then register tiles n outer, m inner (the B panel stays in L1), each
// 4x32 tile stepping k by 1.
// CHECK-LABEL: func.func @matmul_4x32
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.forall (%{{.*}}) = (0) to (128) step (64)
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C4]]
// CHECK: vector.transfer_read {{.*}} vector<4x32xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C16]] step %[[C1]] iter_args({{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK-COUNT-4: vector.fma {{.*}} : vector<32xf32>
// CHECK: scf.yield {{.*}} : vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>
// CHECK: vector.transfer_write {{.*}} vector<4x32xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: linalg.matmul
func.func @matmul_4x32(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 64, 0], [0, 0, 16], [4, 32, 1]], order = [1, 2, 0]>}
    ins(%a, %b : tensor<64x32xf32>, tensor<32x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A zero-filled accumulator is filled by each thread in its own chunk (the
// fill is fused into the scf.forall), and then not filled at all: the
// register tiles cover the chunk, so each tile starts from the fill value
// in the first k block (k loop at its lower bound) and from memory after.
// CHECK-LABEL: func.func @matmul_filled
// CHECK-DAG: %[[SPLAT0:.*]] = arith.constant dense<0.000000e+00> : vector<4x32xf32>
// CHECK-NOT: linalg.fill
// CHECK: scf.forall (%{{.*}}) = (0) to (128) step (64) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[OUT]]
// CHECK: scf.for %[[K:.*]] = %[[K0:.*]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[SLICE]])
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %[[K0]]
// CHECK: scf.if %[[FIRST]] -> (vector<4x32xf32>)
// CHECK-NEXT: scf.yield %[[SPLAT0]] : vector<4x32xf32>
// CHECK: } else {
// CHECK: vector.transfer_read
// CHECK: vector.fma
// CHECK-NOT: linalg.fill
func.func @matmul_filled(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 64, 0], [0, 0, 16], [4, 32, 1]], order = [1, 2, 0]>}
    ins(%a, %b : tensor<64x32xf32>, tensor<32x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// The register tiles do not cover the chunk (6 rows do not divide 64: the
// edge tile is a scalar loop reading the accumulator): the fill stays.
// CHECK-LABEL: func.func @matmul_filled_edge
// CHECK: linalg.fill
func.func @matmul_filled_edge(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 64, 0], [0, 0, 16], [6, 32, 1]], order = [1, 2, 0]>}
    ins(%a, %b : tensor<64x32xf32>, tensor<32x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// The same matmul with a different (overriding) schedule: no level-0 chunk,
// m, k, n at the cache level (m block 32, k block 8), a 2x16 register tile.
// CHECK-LABEL: func.func @matmul_2x16
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C8]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C2]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK: vector.transfer_read {{.*}} vector<2x16xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C8]] step %[[C1]] iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-2: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield {{.*}} : vector<16xf32>, vector<16xf32>
// CHECK: vector.transfer_write {{.*}} vector<2x16xf32>
// CHECK-NOT: linalg.matmul
func.func @matmul_2x16(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %0 = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [32, 0, 8], [2, 16, 1]], order = [0, 2, 1]>}
    ins(%a, %b : tensor<64x32xf32>, tensor<32x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// An elementwise generic: rows by 2, then 2x16 register tiles, each one
// vector addition.
// CHECK-LABEL: func.func @add
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.for %{{.*}} step %[[C2]]
// CHECK: scf.for %{{.*}} step %[[C16]]
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} vector<2x16xf32>
// CHECK: %[[Y:.*]] = vector.transfer_read {{.*}} vector<2x16xf32>
// CHECK: arith.addf %[[X]], %[[Y]] : vector<2x16xf32>
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @add(%a: tensor<8x64xf32>, %b: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[0, 0], [2, 0], [0, 16]]>} {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// Without a schedule the op is left for the naive path.
// CHECK-LABEL: func.func @unscheduled
// CHECK-NOT: scf.for
// CHECK: linalg.matmul
func.func @unscheduled(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A row reduction (reductions innermost; not elementwise, not a matmul):
// the threads' level (rows in chunks of 2 over scf.forall), then one row at
// a time as one vector reduction.
// CHECK-LABEL: func.func @row_max
// CHECK: scf.forall (%{{.*}}) = (0) to (8) step (2)
// CHECK: scf.for
// CHECK: %[[ROW:.*]] = vector.transfer_read {{.*}} : tensor<8x64xf32>, vector<64xf32>
// CHECK: vector.reduction <maxnumf>, %[[ROW]], %{{.*}} : vector<64xf32> into f32
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @row_max(%a: tensor<8x64xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x64xf32>) outs(%init : tensor<8xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[2, 0], [0, 0], [1, 16]]>} {
  ^bb0(%x: f32, %m: f32):
    %r = arith.maxnumf %x, %m : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// A row sum: the vector reduction may reassociate (a tree, not a chain of
// scalar adds). A reduction over an outer loop is not a row reduction: it
// keeps the scalar generic in each thread's chunk.
// CHECK-LABEL: func.func @row_sum
// CHECK: vector.reduction <add>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<32xf32> into f32
// CHECK-LABEL: func.func @column_sum
// CHECK: scf.forall (%{{.*}}) = (0) to (32) step (16)
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}}ins(%{{.*}} : tensor<8x16xf32>)
// CHECK-NOT: vector.
func.func @row_sum(%a: tensor<8x32xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x32xf32>) outs(%init : tensor<8xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [0, 0], [1, 16]]>} {
  ^bb0(%x: f32, %s: f32):
    %r = arith.addf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
func.func @column_sum(%a: tensor<8x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]}
      ins(%a : tensor<8x32xf32>) outs(%init : tensor<32xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[0, 16], [0, 0], [1, 16]]>} {
  ^bb0(%x: f32, %s: f32):
    %r = arith.addf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  return %0 : tensor<32xf32>
}

// -----

// A fusion group (schedule `group = 0`) of two elementwise ops: the consumer's
// schedule tiles both in one loop nest (tile-and-fuse), each register tile
// vectorized; the intermediate never becomes a whole tensor.
// CHECK-LABEL: func.func @fused_chain
// CHECK: scf.forall (%{{.*}}) = (0) to (8) step (4)
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.*}} -> (tensor<4x64xf32>)
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: math.tanh %[[S]] : vector<16xf32>
// CHECK-NOT: linalg.generic
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @fused_chain(%a: tensor<8x64xf32>, %bias: tensor<64xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %0 = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a, %bias : tensor<8x64xf32>, tensor<64xf32>) outs(%e : tensor<8x64xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [1, 0], [1, 16]], group = 0>} {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %1 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>)
      attrs = {kiln.schedule = #kiln.schedule<tiles = [[4, 0], [1, 0], [1, 16]], group = 0>} {
  ^bb0(%x: f32, %o: f32):
    %t = math.tanh %x : f32
    linalg.yield %t : f32
  } -> tensor<8x64xf32>
  return %1 : tensor<8x64xf32>
}
