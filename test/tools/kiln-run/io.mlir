// Inputs and outputs through .npy files, expectations and tolerances,
// reproducible random inputs and the benchmark line.
// RUN: rm -rf %t && mkdir -p %t
// Random inputs are reproducible: the same seed writes the same bytes.
// RUN: kiln-run %s --function=identity --random-inputs --seed=7 --output-dir=%t/a | FileCheck %s --check-prefix=RANDOM
// RUN: kiln-run %s --function=identity --random-inputs --seed=7 --output-dir=%t/b
// RUN: cmp %t/a/output_0.npy %t/b/output_0.npy
// RUN: kiln-run %s --function=identity --random-inputs --seed=8 --output-dir=%t/c
// RUN: not cmp -s %t/a/output_0.npy %t/c/output_0.npy
// RANDOM: @identity on ref: 1 input, 1 output
// RANDOM-NEXT: output 0: tensor<4x8xf32>  min {{-?0\.[0-9]+}} max {{-?0\.[0-9]+}}

// An output written by kiln-run reads back as an input and as an expectation.
// RUN: kiln-run %s --function=double --input=%t/a/output_0.npy --output-dir=%t/d
// RUN: kiln-run %s --function=double --input=%t/a/output_0.npy --expect=%t/d/output_0.npy | FileCheck %s --check-prefix=EXPECT
// EXPECT: output 0: tensor<4x8xf32>
// EXPECT-NEXT: vs {{.*}}output_0.npy: max abs error 0, max rel error 0 (rtol 0.0001, atol 1e-05): OK

// A wrong expectation fails with the first mismatching element.
// RUN: not kiln-run %s --function=double --input=%t/a/output_0.npy --expect=%t/a/output_0.npy | FileCheck %s --check-prefix=WRONG
// WRONG: MISMATCH: {{[0-9]+}} of 32 elements outside rtol 0.0001, atol 1e-05; first at [{{[0-9]+}}, {{[0-9]+}}]: got

// A loose enough tolerance accepts it: |2x - x| <= 1 for x in [-1, 1).
// RUN: kiln-run %s --function=double --input=%t/a/output_0.npy --expect=%t/a/output_0.npy --rtol=0 --atol=1

// --compare-to runs a second target on the same inputs.
// RUN: kiln-run %s --function=double --random-inputs --compare-to=ref | FileCheck %s --check-prefix=COMPARE
// COMPARE: output 0  vs target ref: max abs error 0, max rel error 0 (rtol 0.0001, atol 1e-05): OK

// RUN: kiln-run %s --function=double --random-inputs --benchmark=3 | FileCheck %s --check-prefix=BENCH
// BENCH: median {{[0-9.]+}} ms (min {{[0-9.]+}} ms, max {{[0-9.]+}} ms) over 3 runs

// Integer inputs that index a gather are drawn inside the gathered axis.
// RUN: kiln-run %s --function=embed --random-inputs --seed=3 | FileCheck %s --check-prefix=EMBED
// EMBED: output 0: tensor<16x4xf32>

// Dynamic dims take whatever size the input has.
// RUN: kiln-run %s --function=dynamic --input=%t/a/output_0.npy | FileCheck %s --check-prefix=DYN
// DYN: output 0: tensor<8x4xf32>

func.func @identity(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

func.func @double(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kiln.add %x, %x : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @embed(%ids: tensor<16xi64>) -> tensor<16x4xf32> {
  %table = kiln.constant dense<1.0> : tensor<5x4xf32>
  %e = kiln.gather %table[%ids] : tensor<5x4xf32>, tensor<16xi64> -> tensor<16x4xf32>
  return %e : tensor<16x4xf32>
}

func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<8x?xf32> {
  %t = kiln.transpose %x perm = [1, 0] : tensor<?x8xf32> -> tensor<8x?xf32>
  return %t : tensor<8x?xf32>
}
