// Compiled integer division never traps (x86's idiv faults on x / 0 and on
// INT_MIN / -1): x / 0 gives 0 on the cpu target, and INT_MIN / -1 wraps to
// INT_MIN as in the reference. The reference interpreter reports x / 0 as an
// error instead, which the second RUN line pins.
// RUN: kiln-run %s --target=cpu --function=divide --print-output | FileCheck %s
// RUN: not kiln-run %s --target=ref --function=divide 2>&1 | FileCheck %s --check-prefix=REF
// RUN: kiln-run %s --target=cpu --function=wrap --compare-to=ref --print-output | FileCheck %s --check-prefix=WRAP

// CHECK: output 0: tensor<4xi32>
// CHECK-NEXT: [3, 0, -7, -2147483648]
// REF: error: 'kiln.div' op integer division by zero
func.func @divide() -> tensor<4xi32> {
  %a = kiln.constant dense<[7, 5, 7, -2147483648]> : tensor<4xi32>
  %b = kiln.constant dense<[2, 0, -1, -1]> : tensor<4xi32>
  %q = kiln.div %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %q : tensor<4xi32>
}

// WRAP: [-128, 3, -3]
// WRAP: vs target ref: max abs error 0, max rel error 0 (rtol 0.0001, atol 1e-05): OK
func.func @wrap() -> tensor<3xi8> {
  %a = kiln.constant dense<[-128, -7, 7]> : tensor<3xi8>
  %b = kiln.constant dense<[-1, -2, -2]> : tensor<3xi8>
  %q = kiln.div %a, %b : tensor<3xi8>, tensor<3xi8> -> tensor<3xi8>
  return %q : tensor<3xi8>
}
