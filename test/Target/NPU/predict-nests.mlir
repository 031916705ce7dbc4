// kilnc --target=npu:NAME --print-schedule: the schedules the NPU cost
// model chose, then one line per nest the lowering will emit with its
// predicted cycles, in program order, and the function's total (the nests
// run one after another). The bias add fused into the matmul's drain is
// part of the matmul's nest; the broadcast of %m is a copy nest of its
// own before the multiply; the returned argument is a result copy.
// Slices, concats, gathers, rope, casts and the copies have no schedule:
// their nests are predicted with the row tile the lowering takes itself.
// bench/npu_cost_model.py compares the totals with kiln-npu-sim.
// RUN: kilnc %s --target=npu:edge --print-schedule | FileCheck %s --check-prefixes=CHECK,EDGE
// RUN: kilnc %s --target=npu:cloud --print-schedule | FileCheck %s --check-prefixes=CHECK,CLOUD

// CHECK-NOT: kiln.add {{[0-9]+}} cycles
// CHECK:      nests:0 kiln.matmul {{[0-9]+}} cycles
// CHECK-NEXT: nests:2 kiln.slice {{[0-9]+}} cycles
// CHECK-NEXT: nests:3 kiln.slice {{[0-9]+}} cycles
// CHECK-NEXT: nests:4 kiln.concat {{[0-9]+}} cycles
// CHECK-NEXT: nests:6 kiln.gather {{[0-9]+}} cycles
// CHECK-NEXT: nests:7 kiln.rope {{[0-9]+}} cycles
// CHECK-NEXT: nests:8 broadcast {{[0-9]+}} cycles
// CHECK-NEXT: nests:8 kiln.mul {{[0-9]+}} cycles
// CHECK-NEXT: nests:- result copy {{[0-9]+}} cycles
// EDGE-NEXT:  total @nests: 48186 cycles, 48.187 us
// CLOUD-NEXT: total @nests: 13358 cycles, 12.722 us
func.func @nests(%x: tensor<64x128xf32>, %w: tensor<128x256xf32>, %b: tensor<256xf32>, %t: tensor<100x64xf32>, %c: tensor<64x32xf32>, %s: tensor<64x32xf32>, %m: tensor<64x1xf32>) -> (tensor<64x256xf32>, tensor<64x64xf32>, tensor<64x128xf32>, tensor<64x128xf32>) {
  %mm = kiln.matmul %x, %w : tensor<64x128xf32>, tensor<128x256xf32> -> tensor<64x256xf32>
  %y = kiln.add %mm, %b : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
  %l = kiln.slice %y starts = [0, 0] limits = [64, 64] : tensor<64x256xf32> -> tensor<64x64xf32>
  %r = kiln.slice %y starts = [0, 64] limits = [64, 128] : tensor<64x256xf32> -> tensor<64x64xf32>
  %cat = kiln.concat %r, %l axis = 1 : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x128xf32>
  %i = kiln.constant dense<[3, 1, 4, 1, 5, 9, 2, 6]> : tensor<8xi32>
  %g = kiln.gather %t[%i] : tensor<100x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
  %rope = kiln.rope %l, %c, %s : (tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x64xf32>
  %bc = kiln.mul %cat, %m : tensor<64x128xf32>, tensor<64x1xf32> -> tensor<64x128xf32>
  return %y, %rope, %bc, %x : tensor<64x256xf32>, tensor<64x64xf32>, tensor<64x128xf32>, tensor<64x128xf32>
}
