// kiln-run --output-dir writes these as .npy inputs for the library tests.
func.func @make() -> (tensor<2x3xf32>, tensor<3x2xf32>, tensor<4xi32>, tensor<4xi64>) {
  %a = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<1.5> : tensor<3x2xf32>
  %c = kiln.constant dense<[1, -2, 3, 40]> : tensor<4xi32>
  %d = kiln.constant dense<[1, -2, 3, 40]> : tensor<4xi64>
  return %a, %b, %c, %d : tensor<2x3xf32>, tensor<3x2xf32>, tensor<4xi32>, tensor<4xi64>
}
