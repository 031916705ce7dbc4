// Bad input never crashes kiln-run: one diagnostic, a non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln-run %s --function=make_inputs --output-dir=%t

// A missing file.
// RUN: not kiln-run %t/nope.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: kiln-run: error: {{.*}}nope.mlir{{.*}}

// Malformed IR: the parser's diagnostic with a location.
// RUN: not kiln-run %S/Inputs/syntax-error.mlir 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: syntax-error.mlir:2:{{[0-9]+}}: error:

// IR that parses but does not verify.
// RUN: not kiln-run %S/Inputs/invalid-op.mlir --random-inputs 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: invalid-op.mlir:2:8: error: 'kiln.softmax' op axis 5 is out of range for rank 2

// No inputs given for a function that takes some.
// RUN: not kiln-run %s --function=takes_4x8 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: error: @takes_4x8 takes 1 input: give one --input=FILE.npy per argument, in order, or --random-inputs

// Too many inputs.
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_0.npy,%t/output_0.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: errors.mlir:[[@LINE+10]]:1: error: @takes_4x8 takes 1 input but 2 were given

// An input whose shape disagrees with the signature.
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_1.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: errors.mlir:[[@LINE+6]]:1: error: input 0 ('{{.*}}output_1.npy') is 8x4xf32 but argument 0 of @takes_4x8 is 'tensor<4x8xf32>'

// An input of the wrong dtype, with a hint.
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_2.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: input 0 ('{{.*}}output_2.npy') is 4x8xi32 but argument 0 of @takes_4x8 is 'tensor<4x8xf32>'
// DTYPE: note: convert the data to f32
func.func @takes_4x8(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

// A truncated .npy file.
// RUN: head -c 100 %t/output_0.npy > %t/truncated.npy
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/truncated.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: kiln-run: error: input 0: {{.*}}truncated

// A file that is not .npy at all.
// RUN: not kiln-run %s --function=takes_4x8 --input=%s 2>&1 | FileCheck %s --check-prefix=MAGIC
// MAGIC: kiln-run: error: input 0: {{.*}}bad magic

// A missing input file.
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: kiln-run: error: input 0: cannot open '{{.*}}missing.npy'

// Expectations: wrong count, wrong shape, wrong dtype.
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_0.npy --expect=%t/output_0.npy,%t/output_0.npy 2>&1 | FileCheck %s --check-prefix=EXPCOUNT
// EXPCOUNT: error: @takes_4x8 has 1 output but 2 --expect files were given
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_0.npy --expect=%t/output_1.npy | FileCheck %s --check-prefix=EXPSHAPE
// EXPSHAPE: MISMATCH: shape 8x4xf32 differs from the output's 4x8xf32
// RUN: not kiln-run %s --function=takes_4x8 --input=%t/output_0.npy --expect=%t/output_2.npy | FileCheck %s --check-prefix=EXPDTYPE
// EXPDTYPE: MISMATCH: dtype i32 differs from the output's f32

// Unknown target, function, or flag values.
// RUN: not kiln-run %s --function=takes_4x8 --random-inputs --target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: kiln-run: error: unknown target 'tpu'; available targets: ref
// RUN: not kiln-run %s --function=nothere 2>&1 | FileCheck %s --check-prefix=FUNC
// FUNC: error: no function @nothere to run
// FUNC: note: candidate: @takes_4x8
// RUN: not kiln-run %s --random-inputs 2>&1 | FileCheck %s --check-prefix=CHOOSE
// CHOOSE: error: the module has {{[0-9]+}} public functions; choose one with --function=NAME
// RUN: not kiln-run %s --function=takes_4x8 --random-inputs --input=%t/output_0.npy 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: kiln-run: error: give either --input files or --random-inputs, not both
// RUN: not kiln-run %s --function=takes_4x8 --random-inputs --benchmark=zero 2>&1 | FileCheck %s --check-prefix=BENCH
// BENCH: kiln-run: error: --benchmark expects a positive number of runs, got 'zero'

// Random inputs cannot invent a dynamic dimension.
// RUN: not kiln-run %s --function=dynamic --random-inputs 2>&1 | FileCheck %s --check-prefix=DYNRAND
// DYNRAND: error: cannot generate random data for argument 0 of type 'tensor<?x8xf32>': its shape is dynamic; give the inputs with --input=FILE.npy
func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = kiln.exp %x : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// Run-time errors: an index outside the table.
// RUN: not kiln-run %s --function=bad_index 2>&1 | FileCheck %s --check-prefix=INDEX
// INDEX: errors.mlir:[[@LINE+4]]:8: error: 'kiln.gather' op
func.func @bad_index() -> tensor<1x2xf32> {
  %table = kiln.constant dense<1.0> : tensor<3x2xf32>
  %ids = kiln.constant dense<[7]> : tensor<1xi64>
  %e = kiln.gather %table[%ids] : tensor<3x2xf32>, tensor<1xi64> -> tensor<1x2xf32>
  return %e : tensor<1x2xf32>
}

// Run-time shape errors behind dynamic dims: [?] + [?] with 4 vs 8.
// RUN: not kiln-run %s --function=dyn_add --input=%t/output_3.npy,%t/output_4.npy 2>&1 | FileCheck %s --check-prefix=DYNADD
// DYNADD: error: 'kiln.add' op operands are not broadcast-compatible
func.func @dyn_add(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %s = kiln.add %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// Fixtures: output_0 is 4x8xf32, output_1 8x4xf32, output_2 4x8xi32,
// output_3 4xf32, output_4 8xf32.
func.func @make_inputs() -> (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x8xi32>, tensor<4xf32>, tensor<8xf32>) {
  %a = kiln.constant dense<0.5> : tensor<4x8xf32>
  %b = kiln.constant dense<0.5> : tensor<8x4xf32>
  %c = kiln.constant dense<1> : tensor<4x8xi32>
  %d = kiln.constant dense<1.0> : tensor<4xf32>
  %e = kiln.constant dense<1.0> : tensor<8xf32>
  return %a, %b, %c, %d, %e : tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x8xi32>, tensor<4xf32>, tensor<8xf32>
}
