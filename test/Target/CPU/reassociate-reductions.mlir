// kiln-cpu-reassociate-reductions: the float combiner of a reduction gets
// `reassoc` (LLVM may then vectorize it); elementwise ops and the other
// arithmetic in the body are left alone.
// RUN: kiln-opt %s --kiln-cpu-reassociate-reductions | FileCheck %s
// CHECK-LABEL: func.func @row_sum
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// CHECK-LABEL: func.func @row_max
// CHECK: arith.maxnumf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// CHECK-LABEL: func.func @elementwise
// CHECK-NOT: fastmath
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @row_sum(%a: tensor<8x64xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x64xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %sq = arith.mulf %x, %x : f32
    %r = arith.addf %sq, %acc : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
func.func @row_max(%a: tensor<8x64xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x64xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.maxnumf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
func.func @elementwise(%a: tensor<8x64xf32>, %init: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = linalg.generic {indexing_maps = [#in, #in], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<8x64xf32>) outs(%init : tensor<8x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %o : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}
