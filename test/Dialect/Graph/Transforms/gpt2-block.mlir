// RUN: kiln-opt %examples/gpt2_block.mlir -kiln-select-schedules=target=cpu:x86-64-avx2 | FileCheck %s

// Every compute op of the GPT-2 block gets a schedule and a time; constants,
// slices, reshapes stay untouched.

// CHECK-LABEL: func.func @gpt2_block
// CHECK-NOT: kiln.constant {{.*}}kiln.schedule
// CHECK: kiln.layer_norm {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.add {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.slice
// CHECK-NOT: kiln.schedule
// CHECK: kiln.transpose {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.attention {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.layer_norm {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.matmul {{.*}}kiln.predicted_time_us = {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.gelu {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.matmul {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.add {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: kiln.add {{.*}}kiln.schedule = #kiln.schedule<
// CHECK: return
