// What the cpu target refuses, as one diagnostic on the function and a
// non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln-run %s --function=make_input --output-dir=%t

// Dynamic shapes are not supported yet: the error names the argument, a
// note the op that would have to handle them, and why.
// RUN: not kiln-run %s --target=cpu --function=dynamic --input=%t/output_0.npy 2>&1 | FileCheck %s --check-prefix=DYN --implicit-check-not=error:
// DYN: errors.mlir:[[@LINE+2]]:1: error: the cpu target needs static shapes for now: argument 0 is 'tensor<?x8xf32>'
// DYN: errors.mlir:[[@LINE+2]]:8: note: 'kiln.exp' would run on the dynamic dims here (tiling, vectorization and buffer allocation need static extents; give the function static shapes or run it with --target=ref)
func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = kiln.exp %x : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// A later argument.
// RUN: not kiln-run %s --target=cpu --function=dynamic_second --input=%t/output_0.npy,%t/output_0.npy 2>&1 | FileCheck %s --check-prefix=DYN2 --implicit-check-not=error:
// DYN2: errors.mlir:[[@LINE+1]]:1: error: the cpu target needs static shapes for now: argument 1 is 'tensor<4x?xf32>'
func.func @dynamic_second(%x: tensor<4x8xf32>, %y: tensor<4x?xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

// Only the function that runs (and what it calls) is compiled, so the
// functions above do not stop this one.
// RUN: kiln-run %s --target=cpu --function=make_input | FileCheck %s --check-prefix=OTHER
// OTHER: @make_input on cpu: 0 inputs, 1 output
// OTHER-NEXT: output 0: tensor<4x8xf32>  min 1.5 max 1.5 mean 1.5
func.func @make_input() -> tensor<4x8xf32> {
  %c = kiln.constant dense<1.5> : tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
