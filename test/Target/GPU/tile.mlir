// kiln-gpu-tile: level 0 of a two-level kiln.schedule becomes an scf.forall
// over thread blocks, level 1 an scf.forall of ceil(block / thread) threads
// per loop; the matmul's zero fill is fused into both.
// RUN: kiln-opt %s --kiln-gpu-tile --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (128, 256) step (64, 32)
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (16, 8)
// CHECK: linalg.fill {{.*}} -> tensor<4x4xf32>
// CHECK: linalg.matmul {{.*}} ins({{.*}} : tensor<4x96xf32>, tensor<96x4xf32>) outs({{.*}} : tensor<4x4xf32>)
// CHECK: } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
// CHECK: } {mapping = [#gpu.block<y>, #gpu.block<x>]}
func.func @matmul(%a: tensor<128x96xf32>, %b: tensor<96x256xf32>) -> tensor<128x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
  %r = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[64, 32, 0], [4, 4, 0]]>}
       ins(%a, %b : tensor<128x96xf32>, tensor<96x256xf32>) outs(%c : tensor<128x256xf32>) -> tensor<128x256xf32>
  return %r : tensor<128x256xf32>
}

// Four block loops: linear mapping ids (kiln-gpu-map-parallel-loops
// collapses the leading ones); a reduction stays whole in each thread.
// CHECK-LABEL: func.func @rows
// CHECK: scf.forall ({{.*}}) = (0, 0, 0, 0) to (2, 3, 4, 8) step (1, 1, 1, 8)
// CHECK: scf.forall (%{{.*}}) in (4)
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<1x1x1x2x16xf32>) outs({{.*}} : tensor<1x1x1x2xf32>)
// CHECK: } {mapping = [#gpu.thread<x>]}
// CHECK: } {mapping = [#gpu.block<linear_dim_3>, #gpu.block<linear_dim_2>, #gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
func.func @rows(%x: tensor<2x3x4x8x16xf32>, %init: tensor<2x3x4x8xf32>) -> tensor<2x3x4x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
       ins(%x : tensor<2x3x4x8x16xf32>) outs(%init : tensor<2x3x4x8xf32>)
       attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 1, 1, 8, 0], [0, 0, 0, 2, 0]]>} {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4x8xf32>
  return %r : tensor<2x3x4x8xf32>
}

// A three-level (CPU) schedule is not a GPU schedule: left alone.
// CHECK-LABEL: func.func @cpu_schedule
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul
func.func @cpu_schedule(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %r = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = [[8, 0, 0], [0, 0, 8], [2, 8, 1]]>}
       ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// Members of one fusion group: the producer (bias add) is not tiled on its
// own but fused into the consumer's (tanh) thread tiles; one block loop.
// CHECK-LABEL: func.func @chain
// CHECK: scf.forall ({{.*}}) = (0, 0) to (64, 128) step (2, 128)
// CHECK: scf.forall (%{{.*}}) in (32)
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<2x4xf32>, tensor<4xf32>) outs({{.*}} : tensor<2x4xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<2x4xf32>) outs({{.*}} : tensor<2x4xf32>)
// CHECK: math.tanh
// CHECK: {mapping = [#gpu.thread<x>]}
// CHECK: {mapping = [#gpu.block<y>, #gpu.block<x>]}
// CHECK-NOT: scf.forall
func.func @chain(%x: tensor<64x128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
       ins(%x, %b : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>)
       attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 64], [0, 1]], group = 1>} {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<64x128xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
       ins(%a : tensor<64x128xf32>) outs(%e : tensor<64x128xf32>)
       attrs = {kiln.schedule = #kiln.schedule<tiles = [[2, 128], [0, 4]], group = 1>} {
  ^bb0(%in: f32, %out: f32):
    %r = math.tanh %in : f32
    linalg.yield %r : f32
  } -> tensor<64x128xf32>
  return %t : tensor<64x128xf32>
}

// A batch matmul's schedule on its epilogue ([b, m, n] of [b, m, n, k]):
// the trailing k entry is dropped, not the leading batch one.
// CHECK-LABEL: func.func @batch_epilogue
// CHECK: scf.forall ({{.*}}) = (0, 0, 0) to (4, 64, 64) step (1, 32, 32)
// CHECK: scf.forall ({{.*}}) in (8, 16)
// CHECK: linalg.fill
// CHECK: linalg.batch_matmul {{.*}} outs({{.*}} : tensor<1x4x2xf32>)
// CHECK: arith.truncf
// CHECK: {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
// CHECK: {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
func.func @batch_epilogue(%a: tensor<4x64x32xf16>, %b: tensor<4x32x64xf16>) -> tensor<4x64x64xf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x64x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x64x64xf32>) -> tensor<4x64x64xf32>
  %r = linalg.batch_matmul {kiln.schedule = #kiln.schedule<tiles = [[1, 32, 32, 0], [0, 4, 2, 0]]>}
       ins(%a, %b : tensor<4x64x32xf16>, tensor<4x32x64xf16>) outs(%c : tensor<4x64x64xf32>) -> tensor<4x64x64xf32>
  %h = tensor.empty() : tensor<4x64x64xf16>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%r : tensor<4x64x64xf32>) outs(%h : tensor<4x64x64xf16>) {
  ^bb0(%in: f32, %out: f16):
    %f = arith.truncf %in : f32 to f16
    linalg.yield %f : f16
  } -> tensor<4x64x64xf16>
  return %t : tensor<4x64x64xf16>
}
