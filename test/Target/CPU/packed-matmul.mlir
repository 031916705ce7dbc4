// Packed matmuls run on the cpu target and match the reference: edges that
// are not multiples of the inner tiles (6 rows for m0 = 4, 40 columns for
// n0 = 32) are zero-padded by the packs; a constant B is packed at compile
// time; a batch-flattened [B, M, K] x [K, N] matmul packs too.
// RUN: kiln-run %s --target=cpu --function=padded --random-inputs --compare-to=ref | FileCheck %s
// RUN: kiln-run %s --target=cpu --function=weights --random-inputs --compare-to=ref | FileCheck %s
// RUN: kiln-run %s --target=cpu --function=batched --random-inputs --compare-to=ref | FileCheck %s
// RUN: kilnc %s --emit=tiled | FileCheck %s --check-prefix=TILED
// CHECK: vs target ref: {{.*}}: OK
// TILED-LABEL: func.func @padded
// TILED: vector.fma {{.*}} : vector<32xf32>
// The unpack's copy into the matmul's destination is forwarded (its value
// is its input): no serial pass over the result.
// TILED-NOT: linalg.copy
// TILED-LABEL: func.func @weights
// TILED: dense_resource<kiln_packed> : tensor<192xf32>
func.func @padded(%a: tensor<6x24xf32>, %b: tensor<24x40xf32>) -> tensor<6x40xf32> {
  %y = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 16], [4, 32, 1]], order = [1, 2, 0], pack = [4, 32, 1]>} : tensor<6x24xf32>, tensor<24x40xf32> -> tensor<6x40xf32>
  return %y : tensor<6x40xf32>
}
func.func @weights(%a: tensor<8x3xf32>) -> tensor<8x40xf32> {
  %w = kiln.constant dense<[[1.0, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0], [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5, 35.5, 36.5, 37.5, 38.5, 39.5], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0, -10.0, -11.0, -12.0, -13.0, -14.0, -15.0, -16.0, -17.0, -18.0, -19.0, -20.0, -21.0, -22.0, -23.0, -24.0, -25.0, -26.0, -27.0, -28.0, -29.0, -30.0, -31.0, -32.0, -33.0, -34.0, -35.0, -36.0, -37.0, -38.0, -39.0, -40.0]]> : tensor<3x40xf32>
  %y = kiln.matmul %a, %w {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [4, 32, 1]], pack = [4, 32, 1]>} : tensor<8x3xf32>, tensor<3x40xf32> -> tensor<8x40xf32>
  return %y : tensor<8x40xf32>
}
func.func @batched(%a: tensor<2x8x16xf32>, %b: tensor<16x64xf32>) -> tensor<2x8x64xf32> {
  %y = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[1, 0, 32, 0], [1, 0, 0, 8], [1, 4, 16, 1]], order = [0, 2, 3, 1], pack = [4, 16, 1]>} : tensor<2x8x16xf32>, tensor<16x64xf32> -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}
