func.func @f() {
  %0 = kiln.exp : tensor<2xf32>
}
