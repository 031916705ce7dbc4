// Every npu verifier: one diagnostic each.
// RUN: kiln-opt %s -split-input-file -verify-diagnostics

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @k_too_large(%a: memref<8x32xf32, 1>, %b: memref<32x16xf32, 1>, %c: memref<8x16xf32, 2>) {
    // expected-error @+1 {{K = 32 exceeds the array's 16 rows on t}}
    npu.matmul %a, %b, %c : memref<8x32xf32, 1>, memref<32x16xf32, 1>, memref<8x16xf32, 2>
    return
  }
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @n_too_large(%a: memref<8x16xf32, 1>, %b: memref<16x32xf32, 1>, %c: memref<8x32xf32, 2>) {
    // expected-error @+1 {{N = 32 exceeds the array's 16 columns on t}}
    npu.matmul %a, %b, %c : memref<8x16xf32, 1>, memref<16x32xf32, 1>, memref<8x32xf32, 2>
    return
  }
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @dtype(%a: memref<8x16xbf16, 1>, %b: memref<16x16xbf16, 1>, %c: memref<8x16xf32, 2>) {
    // expected-error @+1 {{the matrix unit of t does not accept 'bf16'}}
    npu.matmul %a, %b, %c : memref<8x16xbf16, 1>, memref<16x16xbf16, 1>, memref<8x16xf32, 2>
    return
  }
}

// -----

func.func @acc_type(%a: memref<8x16xf32, 1>, %b: memref<16x16xf32, 1>, %c: memref<8x16xf16, 2>) {
  // expected-error @+1 {{C must be 'f32' for 'f32' inputs}}
  npu.matmul %a, %b, %c : memref<8x16xf32, 1>, memref<16x16xf32, 1>, memref<8x16xf16, 2>
  return
}

// -----

func.func @a_in_dram(%a: memref<8x16xf32>, %b: memref<16x16xf32, 1>, %c: memref<8x16xf32, 2>) {
  // expected-error @+1 {{A is in DRAM; expected SPAD}}
  npu.matmul %a, %b, %c : memref<8x16xf32>, memref<16x16xf32, 1>, memref<8x16xf32, 2>
  return
}

// -----

func.func @chain(%a: memref<8x16xf32, 1>, %b: memref<8x16xf32, 1>, %c: memref<8x16xf32, 2>) {
  // expected-error @+1 {{shapes do not chain}}
  npu.matmul %a, %b, %c : memref<8x16xf32, 1>, memref<8x16xf32, 1>, memref<8x16xf32, 2>
  return
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @spad_overflow() {
    // expected-error @+1 {{buffer of 8192 bytes (all copies) does not fit SPAD of t (4096 bytes)}}
    %s = memref.alloc() {npu.buffers = 2 : i64} : memref<32x32xf32, 1>
    return
  }
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @unsignalled() {
    // expected-error @+1 {{awaits token 2 that no earlier npu.signal produces (deadlock)}}
    npu.wait "load", 2
    npu.signal "compute", 2
    return
  }
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @token_range() {
    // expected-error @+1 {{token 9 out of range: t has 8 tokens}}
    npu.signal "load", 9
    return
  }
}

// -----

func.func @queue() {
  // expected-error @+1 {{unknown queue 'dma'}}
  npu.signal "dma", 0
  return
}

// -----

func.func @dma_both_onchip(%a: memref<8x16xf32, 1>, %b: memref<8x16xf32, 2>) {
  // expected-error @+1 {{moves SPAD to ACC; exactly one side must be DRAM}}
  npu.dma %a, %b : memref<8x16xf32, 1>, memref<8x16xf32, 2>
  return
}

// -----

func.func @dma_convert(%a: memref<8x16xf32>, %b: memref<8x16xbf16, 1>) {
  // expected-error @+1 {{DMA never converts}}
  npu.dma %a, %b : memref<8x16xf32>, memref<8x16xbf16, 1>
  return
}

// -----

func.func @gather(%t: memref<10x16xf32>, %i: memref<8xf32, 1>, %d: memref<8x16xf32, 1>) {
  // expected-error @+1 {{indices must be i32 or i64}}
  npu.dma_gather %t[%i], %d : memref<10x16xf32>, memref<8xf32, 1>, memref<8x16xf32, 1>
  return
}

// -----

func.func @unary(%a: memref<8xf32, 1>) {
  // expected-error @+1 {{unknown unary function 'cube'}}
  npu.vec_unary "cube" %a, %a : memref<8xf32, 1>, memref<8xf32, 1>
  return
}

// -----

module attributes {npu.target = #npu.target<name = "t", rows = 16, cols = 16, lanes = 16, spad_bytes = 4096, acc_bytes = 4096, tokens = 8, matrix_types = [f32], vector_types = [f32]>} {
  func.func @vector_dtype(%a: memref<8xf16, 1>, %b: memref<8xf32, 1>) {
    // expected-error @+1 {{the vector unit of t does not compute on 'f16'}}
    npu.vec_unary "copy" %a, %b : memref<8xf16, 1>, memref<8xf32, 1>
    return
  }
}

// -----

func.func @binary(%a: memref<8xf32, 1>, %b: memref<4xf32, 1>) {
  // expected-error @+1 {{operand shapes differ}}
  npu.vec_binary "add" %a, %b, %a : memref<8xf32, 1>, memref<4xf32, 1>, memref<8xf32, 1>
  return
}

// -----

func.func @select_cond(%c: memref<8xf32, 1>, %a: memref<8xf32, 1>) {
  // expected-error @+1 {{condition must hold i1}}
  npu.vec_select %c, %a, %a, %a : memref<8xf32, 1>, memref<8xf32, 1>, memref<8xf32, 1>, memref<8xf32, 1>
  return
}

// -----

func.func @select_types(%c: memref<8xi1, 1>, %a: memref<8xf32, 1>, %b: memref<8xbf16, 1>) {
  // expected-error @+1 {{lhs, rhs and dst must have one element type}}
  npu.vec_select %c, %a, %b, %a : memref<8xi1, 1>, memref<8xf32, 1>, memref<8xbf16, 1>, memref<8xf32, 1>
  return
}

// -----

func.func @select_shape(%c: memref<4xi1, 1>, %a: memref<8xf32, 1>) {
  // expected-error @+1 {{operand shapes differ}}
  npu.vec_select %c, %a, %a, %a : memref<4xi1, 1>, memref<8xf32, 1>, memref<8xf32, 1>, memref<8xf32, 1>
  return
}

// -----

func.func @reduce(%a: memref<8x4xf32, 1>, %b: memref<4xf32, 1>) {
  // expected-error @+1 {{reduces rows: source R x C, destination R}}
  npu.vec_reduce "sum" %a, %b : memref<8x4xf32, 1>, memref<4xf32, 1>
  return
}

// -----

func.func @reduce_fn(%a: memref<8x4xf32, 1>, %b: memref<8xf32, 1>) {
  // expected-error @+1 {{unknown reduction 'prod'}}
  npu.vec_reduce "prod" %a, %b : memref<8x4xf32, 1>, memref<8xf32, 1>
  return
}

// -----

func.func @vector_in_dram(%a: memref<8xf32>, %b: memref<8xf32, 1>) {
  // expected-error @+1 {{operand #0 is in DRAM; expected SPAD or ACC}}
  npu.vec_unary "exp" %a, %b : memref<8xf32>, memref<8xf32, 1>
  return
}
