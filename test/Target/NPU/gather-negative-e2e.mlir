// kiln.gather with negative indices on the NPU (exact: bytes are copied).
// An index in [-dim, 0) counts from the back once (GraphOps.td, the ref
// interpreter); the DMA engine's gather adds the table's row count to it
// (docs/npu.md, `gather`). An index outside [-dim, dim) is a run-time
// fault of the simulator: an error naming the index, never a crash.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/table.npy', np.arange(8 * 16, dtype=np.float32).reshape(8, 16) / 7); np.save('%t/ids.npy', np.array([[-1, 0, -8], [7, -3, 2]], np.int64)); np.save('%t/x.npy', np.random.RandomState(1).rand(2, 8, 16).astype(np.float32)); np.save('%t/i32.npy', np.array([-1, 3, -8], np.int32)); np.save('%t/x2.npy', np.random.RandomState(2).rand(4, 10).astype(np.float32)); np.save('%t/i2.npy', np.array([[-10, 9], [-1, 0]], np.int64)); np.save('%t/high.npy', np.array([[1, 2, 3], [4, 8, 0]], np.int64)); np.save('%t/low.npy', np.array([[1, 2, 3], [4, -9, 0]], np.int64))"
// RUN: kiln-run %s --target=npu:edge --function=embed --input=%t/table.npy,%t/ids.npy --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=embed --input=%t/table.npy,%t/ids.npy --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=embed --input=%t/table.npy,%t/ids.npy --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=middle_axis --input=%t/x.npy,%t/i32.npy --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=middle_axis --input=%t/x.npy,%t/i32.npy --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=last_axis --input=%t/x2.npy,%t/i2.npy --compare-to=ref 2>&1 | FileCheck %s
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK
//
// Out of range (8 and -9 for 8 rows): an error, not a crash.
// RUN: not kiln-run %s --target=npu:edge --function=embed --input=%t/table.npy,%t/high.npy 2>&1 | FileCheck %s --check-prefix=HIGH
// RUN: not kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=embed --input=%t/table.npy,%t/low.npy 2>&1 | FileCheck %s --check-prefix=LOW
// HIGH: NPU simulator: {{.*}}(gather): operand 2 (index): index 8 at row 4 is outside [-8, 8)
// LOW: NPU simulator: {{.*}}(gather): operand 2 (index): index -9 at row 4 is outside [-8, 8)

func.func @embed(%t: tensor<8x16xf32>, %ids: tensor<2x3xi64>) -> tensor<2x3x16xf32> {
  %y = kiln.gather %t[%ids] : tensor<8x16xf32>, tensor<2x3xi64> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

func.func @middle_axis(%x: tensor<2x8x16xf32>, %i: tensor<3xi32>) -> tensor<2x3x16xf32> {
  %y = kiln.gather %x[%i] axis = 1 : tensor<2x8x16xf32>, tensor<3xi32> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

func.func @last_axis(%x: tensor<4x10xf32>, %i: tensor<2x2xi64>) -> tensor<4x2x2xf32> {
  %y = kiln.gather %x[%i] axis = -1 : tensor<4x10xf32>, tensor<2x2xi64> -> tensor<4x2x2xf32>
  return %y : tensor<4x2x2xf32>
}
