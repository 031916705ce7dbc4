// Bad targets and bad input: one clear error, non-zero exit.
// RUN: not kilnc %s --target=tpu --emit=kiln 2>&1 | FileCheck %s --check-prefix=KIND
// KIND: kilnc: error: unknown target kind 'tpu' in --target=tpu; kilnc supports cpu[:DESC]
// RUN: not kilnc %s --target=cpu:no-such-cpu --emit=kiln 2>&1 | FileCheck %s --check-prefix=DESC
// DESC: kilnc: error: no CPU description named 'no-such-cpu' (looked for {{.*}}no-such-cpu.json
// RUN: not kilnc %s --target=cpu:%S/Inputs/bad-cores.json --emit=kiln 2>&1 | FileCheck %s --check-prefix=JSON
// JSON: kilnc: error: {{.*}}bad-cores.json: cores must be a positive integer, got 0
// RUN: not kilnc %t.missing.mlir --emit=kiln 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: kilnc: error: {{.*}}missing.mlir
// RUN: not kilnc %S/../kiln-run/Inputs/invalid-op.mlir --emit=kiln 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: invalid-op.mlir:2:8: error: 'kiln.softmax' op axis 5 is out of range for rank 2
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
