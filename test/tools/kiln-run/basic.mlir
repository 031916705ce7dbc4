// Hand-computed results through the whole tool: parse, run on ref, print.
// RUN: kiln-run %s --function=affine --print-output | FileCheck %s --check-prefix=AFFINE
// RUN: kiln-run %s --function=probs --print-output | FileCheck %s --check-prefix=PROBS
// RUN: kiln-run %s --function=ints --print-output | FileCheck %s --check-prefix=INTS

// AFFINE: @affine on ref: 0 inputs, 1 output
// AFFINE-NEXT: output 0: tensor<2x2xf32>  min 4 max 13 mean 7.5
// AFFINE-NEXT: {{^}}  {{\[\[}}4, 7], [6, 13]]
func.func @affine() -> tensor<2x2xf32> {
  %a = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = kiln.constant dense<[[1.0, 1.0], [0.0, 2.0]]> : tensor<2x2xf32>
  %bias = kiln.constant dense<[3.0, 2.0]> : tensor<2xf32>
  %m = kiln.matmul %a, %b : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  %r = kiln.add %m, %bias : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// softmax([1, 2, 3]) = [0.09003057, 0.24472847, 0.66524096], printed as the
// nearest f32 values with 7 significant digits.
// PROBS: output 0: tensor<3xf32>
// PROBS-NEXT: [0.09003057, 0.2447285, 0.6652409]
func.func @probs() -> tensor<3xf32> {
  %x = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %p = kiln.softmax %x : tensor<3xf32>
  return %p : tensor<3xf32>
}

// i8 arithmetic wraps: 100 + 100 = -56.
// INTS: output 0: tensor<2xi8>
// INTS-NEXT: [-56, 3]
func.func @ints() -> tensor<2xi8> {
  %a = kiln.constant dense<[100, 1]> : tensor<2xi8>
  %b = kiln.constant dense<[100, 2]> : tensor<2xi8>
  %s = kiln.add %a, %b : tensor<2xi8>, tensor<2xi8> -> tensor<2xi8>
  return %s : tensor<2xi8>
}
