// On a GPU machine only (a real libcuda.so.1 loads): softmax, norms and
// reduce as block reductions (kiln-gpu-block-reduce) match the reference
// interpreter. NOT RUN YET: no GPU machine was available when it was
// written, so the tolerances are reasoned, not observed: the GPU sums in
// another order (strided per thread, then butterflies), both sides
// accumulate in f32; exp is Kiln's polynomial on the GPU; f16 / bf16
// outputs may differ by one rounding step (2^-10 / 2^-7 relative).
// REQUIRES: cuda-driver
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=softmax_vocab --random-inputs --target=gpu --compare-to=ref --rtol=1e-4 --atol=1e-6 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=softmax_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=1e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=softmax_short --random-inputs --target=gpu --compare-to=ref --rtol=1e-5 --atol=1e-6 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=layer_norm_bf16 --random-inputs --target=gpu --compare-to=ref --rtol=1.6e-2 --atol=1e-2 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=layer_norm_long --random-inputs --target=gpu --compare-to=ref --rtol=1e-4 --atol=1e-4 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=rms_norm_odd --random-inputs --target=gpu --compare-to=ref --rtol=1e-4 --atol=1e-5 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=rms_norm_f16 --random-inputs --target=gpu --compare-to=ref --rtol=2e-3 --atol=1e-3 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=reduce_sum_long --random-inputs --target=gpu --compare-to=ref --rtol=1e-4 --atol=1e-4 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=reduce_max_keepdims --random-inputs --target=gpu --compare-to=ref --rtol=0 --atol=0 | FileCheck %s --implicit-check-not=MISMATCH
// RUN: kiln-run %S/../Inputs/block-reductions.mlir --function=reduce_mean --random-inputs --target=gpu --compare-to=ref --rtol=1e-4 --atol=1e-5 | FileCheck %s --implicit-check-not=MISMATCH
// CHECK: on gpu:
// CHECK: vs target ref: {{.*}}: OK
