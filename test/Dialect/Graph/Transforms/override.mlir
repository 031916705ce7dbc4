// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s

// A kiln.schedule written in the input IR is kept as it is (even where the
// model would pick another); its time is still estimated.

// CHECK-LABEL: func.func @override
// CHECK: kiln.matmul {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 0, 0], [64, 64, 64], [1, 8, 1]], group = 2>}
// CHECK: kiln.add {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[0, 0], [0, 0], [1, 8]], group = 2>}
// The op without one gets the model's.
// CHECK: kiln.relu {{.*}}{kiln.predicted_time_us = {{[0-9.e+-]+}} : f64, kiln.schedule = #kiln.schedule<tiles = {{\[}}[8, 0], [0, 0], [1, 8]]>}
func.func @override(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [64, 64, 64], [1, 8, 1]], group = 2>} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %1 = kiln.add %0, %a {kiln.schedule = #kiln.schedule<tiles = [[0, 0], [0, 0], [1, 8]], group = 2>} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %2 = kiln.relu %1 : tensor<64x64xf32>
  return %2 : tensor<64x64xf32>
}

// -----

// A hand-written register tile that spills is rejected by the model.
func.func @spills(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{kiln.schedule on the op does not fit cpu:x86-64-avx2: register tile 8x32 needs 37 vector registers > 16 (spills)}}
  %0 = kiln.matmul %a, %b {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [8, 32, 1]]>} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// The CPU model reads three levels.
func.func @two_levels(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{kiln.schedule on the op does not fit cpu:x86-64-avx2: the CPU model needs 3 tiling levels (threads, cache, registers), got 2}}
  %0 = kiln.relu %a {kiln.schedule = #kiln.schedule<tiles = [[8, 0], [1, 8]]>} : tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
