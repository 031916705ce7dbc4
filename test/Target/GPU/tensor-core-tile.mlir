// kiln-gpu-tile and tensor-core matmuls: the matmul is not tiled here
// (kiln-gpu-tensor-core-matmul makes its kernel after bufferization); its
// chain of elementwise consumers without a schedule or in its fusion group
// is marked kiln.gpu.tensor_core_epilogue and left whole; each such matmul
// gets its own accumulator fill just before it; a batch-folded matmul's
// schedule, which the conversion puts on the truncation after it, goes back
// to the matmul.
// RUN: kiln-opt %s --kiln-gpu-tile | FileCheck %s

#tc = #kiln.schedule<tiles = [[64, 64, 0], [32, 32, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3]], group = 0>
#tc4 = #kiln.schedule<tiles = [[1, 64, 64, 0], [1, 32, 32, 32], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 3]]>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// Two matmuls share one fill (as CSE leaves them): each gets its own. The
// first one's truncation (no schedule) and bias add (same group) are its
// epilogue; the ReLU after them has a schedule of another group: tiled on
// its own.
// CHECK-LABEL: func.func @shared_fill
// CHECK: %[[A1:.*]] = bufferization.alloc_tensor() : tensor<128x128xf32>
// CHECK: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[A1]] : tensor<128x128xf32>)
// CHECK-NEXT: %[[M1:.*]] = linalg.matmul {kiln.schedule = #kiln.schedule<tiles = {{\[\[}}64, 64, 0], [32, 32, 32], [16, 8, 16], [0, 8, 8], [0, 0, 3]], group = 0>} ins(%{{.*}}) outs(%[[F1]] : tensor<128x128xf32>)
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[M1]] : tensor<128x128xf32>) {{.*}} attrs = {kiln.gpu.tensor_core_epilogue}
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[T]], %{{.*}} : tensor<128x128xf16>, tensor<128xf16>) {{.*}} attrs = {kiln.gpu.tensor_core_epilogue}
// CHECK: scf.forall
// CHECK: } {mapping = [#gpu.block<y>, #gpu.block<x>]}
// CHECK: %[[A2:.*]] = bufferization.alloc_tensor() : tensor<128x128xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[A2]] : tensor<128x128xf32>)
// CHECK-NEXT: linalg.matmul {kiln.schedule = {{.*}}} ins(%{{.*}}) outs(%[[F2]] : tensor<128x128xf32>)
func.func @shared_fill(%a: tensor<128x128xf16>, %b: tensor<128x128xf16>, %bias: tensor<128xf16>) -> (tensor<128x128xf16>, tensor<128x128xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %e = tensor.empty() : tensor<128x128xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<128x128xf32>) -> tensor<128x128xf32>
  %m1 = linalg.matmul {kiln.schedule = #tc} ins(%a, %b : tensor<128x128xf16>, tensor<128x128xf16>) outs(%fill : tensor<128x128xf32>) -> tensor<128x128xf32>
  %h = tensor.empty() : tensor<128x128xf16>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m1 : tensor<128x128xf32>) outs(%h : tensor<128x128xf16>) {
  ^bb0(%in: f32, %o: f16):
    %0 = arith.truncf %in : f32 to f16
    linalg.yield %0 : f16
  } -> tensor<128x128xf16>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%t, %bias : tensor<128x128xf16>, tensor<128xf16>) outs(%h : tensor<128x128xf16>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[1, 128], [0, 1]], group = 0>} {
  ^bb0(%x: f16, %y: f16, %o: f16):
    %1 = arith.addf %x, %y : f16
    linalg.yield %1 : f16
  } -> tensor<128x128xf16>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%biased : tensor<128x128xf16>) outs(%h : tensor<128x128xf16>) attrs = {kiln.schedule = #kiln.schedule<tiles = [[32, 64], [1, 2]], group = 7>} {
  ^bb0(%x: f16, %o: f16):
    %c0 = arith.constant 0.000000e+00 : f16
    %2 = arith.maximumf %x, %c0 : f16
    linalg.yield %2 : f16
  } -> tensor<128x128xf16>
  %m2 = linalg.matmul {kiln.schedule = #tc} ins(%b, %a : tensor<128x128xf16>, tensor<128x128xf16>) outs(%fill : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %relu, %m2 : tensor<128x128xf16>, tensor<128x128xf32>
}

// [B, M, K] x [K, N] as the conversion lowers it: the schedule is on the
// truncation after the expand_shape; it goes back to the matmul and the
// truncation becomes the epilogue.
// CHECK-LABEL: func.func @folded
// CHECK: linalg.matmul {kiln.schedule = #kiln.schedule<tiles = {{\[\[}}1, 64, 64, 0], [1, 32, 32, 32], [1, 16, 8, 16], [0, 0, 8, 8], [0, 0, 0, 3]]>}
// CHECK: tensor.expand_shape
// CHECK: linalg.generic
// CHECK-SAME: attrs = {kiln.gpu.tensor_core_epilogue}
// CHECK-NOT: scf.forall
func.func @folded(%a: tensor<2x64x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<2x64x64xbf16> {
  %zero = arith.constant 0.000000e+00 : f32
  %c = tensor.collapse_shape %a [[0, 1], [2]] : tensor<2x64x32xbf16> into tensor<128x32xbf16>
  %e = tensor.empty() : tensor<128x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %m = linalg.matmul ins(%c, %b : tensor<128x32xbf16>, tensor<32x64xbf16>) outs(%fill : tensor<128x64xf32>) -> tensor<128x64xf32>
  %x = tensor.expand_shape %m [[0, 1], [2]] output_shape [2, 64, 64] : tensor<128x64xf32> into tensor<2x64x64xf32>
  %h = tensor.empty() : tensor<2x64x64xbf16>
  %t = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<2x64x64xf32>) outs(%h : tensor<2x64x64xbf16>) attrs = {kiln.schedule = #tc4} {
  ^bb0(%in: f32, %o: bf16):
    %0 = arith.truncf %in : f32 to bf16
    linalg.yield %0 : bf16
  } -> tensor<2x64x64xbf16>
  return %t : tensor<2x64x64xbf16>
}
