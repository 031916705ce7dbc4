// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Every field of #kiln.schedule is checked, on its own and against the op
// that carries it; each message names the field.

func.func @levels_differ(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: tiles[1] has 1 entries but tiles[0] has 2 (one per loop at every level)}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [1]]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @negative(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: tiles[2][1] must be >= 0 (0 = not tiled), got -8}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tiles = [[1, 0], [1, 0], [1, -8]]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @not_permutation(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: order must be a permutation of [0, 2), got [1, 1]}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tiles = [[1, 0]], order = [1, 1]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @pack_entries(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: pack must have 3 entries [m0, n0, k0], got [4, 8]}}
  %0 = kiln.matmul %a, %a {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0]], pack = [4, 8]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @no_tiles(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: missing 'tiles'}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<order = [0, 1]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @unknown_field(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: unknown field 'tile' (expected tiles, order, pack, group or prefetch)}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tile = [[1, 0]]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @loop_count(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'kiln.matmul' op kiln.schedule tiles have 2 entries per level but 'kiln.matmul' has 3 loops [m, n, k (reduction)]}}
  %0 = kiln.matmul %a, %a {kiln.schedule = #kiln.schedule<tiles = [[1, 0]]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @softmax_axis_split(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{'kiln.softmax' op kiln.schedule tiles[0][1] must be 0: loop 'd1' is a reduction and level 0 splits loops across threads}}
  %0 = kiln.softmax %x {kiln.schedule = #kiln.schedule<tiles = [[1, 16], [1, 0], [1, 8]]>} : tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

func.func @norm_axes_split(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @+1 {{'kiln.rms_norm' op kiln.schedule tiles[0][1] must be 0: loop 'd1' is a reduction and level 0 splits loops across threads}}
  %0 = kiln.rms_norm %x axis = 1 {kiln.schedule = #kiln.schedule<tiles = [[1, 4, 0], [1, 0, 0], [1, 1, 8]]>} : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// -----

func.func @pack_not_matmul(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'kiln.add' op kiln.schedule pack is only allowed on kiln.matmul}}
  %0 = kiln.add %a, %a {kiln.schedule = #kiln.schedule<tiles = [[1, 0]], pack = [1, 8, 1]>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @data_movement(%a: tensor<8x8xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{'kiln.reshape' op 'kiln.reshape' takes no kiln.schedule (no iteration domain: data movement, constant or rank 0)}}
  %0 = kiln.reshape %a {kiln.schedule = #kiln.schedule<tiles = [[1]]>} : tensor<8x8xf32> -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

func.func @not_a_schedule(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'kiln.add' op attribute 'kiln.schedule' must be a #kiln.schedule, got 3 : i64}}
  %0 = kiln.add %a, %a {kiln.schedule = 3} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @bad_time(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'kiln.add' op attribute 'kiln.predicted_time_us' must be a non-negative float, got "fast"}}
  %0 = kiln.add %a, %a {kiln.predicted_time_us = "fast"} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @prefetch_locality(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{#kiln.schedule: prefetch is a locality in [0, 3], got 4}}
  %0 = kiln.matmul %a, %a {kiln.schedule = #kiln.schedule<tiles = [[0, 0, 0], [0, 0, 0], [4, 8, 1]], pack = [4, 8, 1], prefetch = 4>} : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
