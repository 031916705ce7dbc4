// kiln.rope on the vector unit against the reference interpreter (f32
// rtol 1e-4; f16 rtol 2e-3 and bf16 rtol 1e-2: the products and the sum are
// f32, converted once, so at most one rounding of the result type from the
// reference's). Pairs (i, i + D/2) are the two halves of a SPAD row tile,
// (2i, 2i + 1) with `interleaved` its even and odd lanes (column stride 2);
// cos/sin [S, D/2] broadcast over batch and heads (each table tile loaded
// once, the input's [S]-row blocks inside), or of the full shape.
// RUN: kiln-run %s --target=npu:edge --function=halves --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=halves --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=interleaved --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=interleaved --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=full --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=full_interleaved --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=f16 --random-inputs --compare-to=ref --rtol=2e-3 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=bf16 --random-inputs --compare-to=ref --rtol=1e-2 2>&1 | FileCheck %s
// The 24x40 part (one rope nest uses 6 tokens), non-power-of-two rows.
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=halves --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=interleaved --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=tiled --random-inputs --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// The halves: x1 = columns [0, 32), x2 = [32, 64) of the row tile.
// IR-LABEL: func.func @halves
// IR: npu.dma
// IR: npu.vec_binary "mul" {{.*}} : memref<{{.*}}x32xf32, strided<[64, 1]>, 1>, memref<{{.*}}x32xf32, strided<[64, 1]>, 1>, memref<{{.*}}x32xf32, {{.*}}1>
// IR: npu.vec_binary "sub"
// IR: npu.vec_binary "add"
// Even and odd lanes: column stride 2.
// IR-LABEL: func.func @interleaved
// IR: npu.vec_binary "mul" {{.*}} : memref<{{.*}}x32xf32, strided<[64, 2]>, 1>
// IR-LABEL: func.func @f16
// IR: npu.vec_binary "sub" {{.*}} : memref<{{.*}}xf32, {{.*}}1>, memref<{{.*}}xf32, {{.*}}1>, memref<{{.*}}xf16, strided<[64, 1]{{.*}}1>

func.func @halves(%x: tensor<2x3x37x64xf32>, %c: tensor<37x32xf32>, %s: tensor<37x32xf32>) -> tensor<2x3x37x64xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x3x37x64xf32>, tensor<37x32xf32>, tensor<37x32xf32>) -> tensor<2x3x37x64xf32>
  return %y : tensor<2x3x37x64xf32>
}

func.func @interleaved(%x: tensor<2x3x37x64xf32>, %c: tensor<37x32xf32>, %s: tensor<37x32xf32>) -> tensor<2x3x37x64xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<2x3x37x64xf32>, tensor<37x32xf32>, tensor<37x32xf32>) -> tensor<2x3x37x64xf32>
  return %y : tensor<2x3x37x64xf32>
}

// Tables of the full shape (one per row), and with leading unit dims.
func.func @full(%x: tensor<2x21x48xf32>, %c: tensor<2x21x24xf32>, %s: tensor<2x21x24xf32>) -> tensor<2x21x48xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x21x48xf32>, tensor<2x21x24xf32>, tensor<2x21x24xf32>) -> tensor<2x21x48xf32>
  return %y : tensor<2x21x48xf32>
}

func.func @full_interleaved(%x: tensor<1x4x16x128xf32>, %c: tensor<1x1x16x64xf32>, %s: tensor<1x1x16x64xf32>) -> tensor<1x4x16x128xf32> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<1x4x16x128xf32>, tensor<1x1x16x64xf32>, tensor<1x1x16x64xf32>) -> tensor<1x4x16x128xf32>
  return %y : tensor<1x4x16x128xf32>
}

// Several table tiles, the last one partial.
func.func @tiled(%x: tensor<2x300x128xf32>, %c: tensor<300x64xf32>, %s: tensor<300x64xf32>) -> tensor<2x300x128xf32> {
  %y = kiln.rope %x, %c, %s : (tensor<2x300x128xf32>, tensor<300x64xf32>, tensor<300x64xf32>) -> tensor<2x300x128xf32>
  return %y : tensor<2x300x128xf32>
}

func.func @f16(%x: tensor<4x9x64xf16>, %c: tensor<9x32xf16>, %s: tensor<9x32xf16>) -> tensor<4x9x64xf16> {
  %y = kiln.rope %x, %c, %s : (tensor<4x9x64xf16>, tensor<9x32xf16>, tensor<9x32xf16>) -> tensor<4x9x64xf16>
  return %y : tensor<4x9x64xf16>
}

func.func @bf16(%x: tensor<4x9x64xbf16>, %c: tensor<9x32xbf16>, %s: tensor<9x32xbf16>) -> tensor<4x9x64xbf16> {
  %y = kiln.rope %x, %c, %s interleaved : (tensor<4x9x64xbf16>, tensor<9x32xbf16>, tensor<9x32xbf16>) -> tensor<4x9x64xbf16>
  return %y : tensor<4x9x64xbf16>
}
