// What --emit=lib cannot export: one error per function, nothing written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kilnc %s --emit=lib -o %t/lib.so 2>&1 | FileCheck %s
// RUN: not ls %t/lib.so
// CHECK: error: kilnc --emit=lib needs statically shaped tensors of f32 f16 bf16 i64 i32 i8 or i1: argument 0 is 'tensor<?xf32>'
// CHECK: error: kilnc --emit=lib needs statically shaped tensors of f32 f16 bf16 i64 i32 i8 or i1: argument 0 is 'tensor<*xf32>'
// CHECK: error: kilnc --emit=lib exports functions whose names are C identifiers ([A-Za-z_][A-Za-z0-9_]*), not @a.b; rename it or make it private
// RUN: echo 'func.func private @f(%x: tensor<4xf32>) -> tensor<4xf32> { return %x : tensor<4xf32> }' > %t/none.mlir
// RUN: not kilnc %t/none.mlir --emit=lib -o %t/none.so 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: kilnc --emit=lib: the module has no public function with a body to export

func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

func.func @"a.b"(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
