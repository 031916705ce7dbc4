// A public function of dynamic shape: not exportable by --emit=lib.
func.func @dyn(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = kiln.add %x, %x : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
