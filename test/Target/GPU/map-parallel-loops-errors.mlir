// kiln-gpu-map-parallel-loops refuses a block loop that writes memory
// outside its thread loop: every thread of the block would do the write.
// RUN: kiln-opt %s --kiln-gpu-map-parallel-loops --verify-diagnostics

func.func @racy(%x: memref<8x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c32) step (%c8) {
    // expected-error @+1 {{kiln-gpu-map-parallel-loops: this write would be done by every thread of the block (it is outside the block's thread loop)}}
    memref.store %zero, %x[%c0, %i] : memref<8x32xf32>
    scf.parallel (%t) = (%c0) to (%c4) step (%c1) {
      memref.store %zero, %x[%t, %i] : memref<8x32xf32>
      scf.reduce
    } {mapping = [#gpu.thread<x>]}
    scf.reduce
  } {mapping = [#gpu.block<x>]}
  return
}
