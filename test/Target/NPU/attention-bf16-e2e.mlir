// kiln.attention in bf16 on the NPU: Q, K, V and P in bf16 on the array,
// the scores, their exp and row sums and the output accumulation in f32,
// the output rounded to bf16 once. Against the reference interpreter with
// atol 1e-2 (outputs are within [-1, 1]; one bf16 ulp there is <= 2^-8) and
// rtol 2e-2: the largest error seen is 0.0039.
// RUN: kiln-run %s --target=npu:edge --function=causal --random-inputs --seed=2 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=causal --random-inputs --seed=2 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=causal --random-inputs --seed=2 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=gqa_mask --random-inputs --seed=3 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=gqa_mask --random-inputs --seed=3 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=bool_mask --random-inputs --seed=4 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=long --random-inputs --seed=6 --compare-to=ref --rtol=2e-2 --atol=1e-2 2>&1 | FileCheck %s
// CHECK: matrix unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

func.func @causal(%q: tensor<1x2x100x32xbf16>, %k: tensor<1x2x100x32xbf16>, %v: tensor<1x2x100x48xbf16>) -> tensor<1x2x100x48xbf16> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x2x100x32xbf16>, tensor<1x2x100x32xbf16>, tensor<1x2x100x48xbf16>) -> tensor<1x2x100x48xbf16>
  return %o : tensor<1x2x100x48xbf16>
}

func.func @gqa_mask(%q: tensor<2x4x40x16xbf16>, %k: tensor<2x2x72x16xbf16>, %v: tensor<2x2x72x24xbf16>, %m: tensor<2x1x1x72xbf16>) -> tensor<2x4x40x24xbf16> {
  %o = kiln.attention %q, %k, %v mask %m scale = 0.3 : (tensor<2x4x40x16xbf16>, tensor<2x2x72x16xbf16>, tensor<2x2x72x24xbf16>, tensor<2x1x1x72xbf16>) -> tensor<2x4x40x24xbf16>
  return %o : tensor<2x4x40x24xbf16>
}

func.func @bool_mask(%q: tensor<1x2x48x32xbf16>, %k: tensor<1x2x48x32xbf16>, %v: tensor<1x2x48x32xbf16>, %m: tensor<48x48xi1>) -> tensor<1x2x48x32xbf16> {
  %o = kiln.attention %q, %k, %v mask %m : (tensor<1x2x48x32xbf16>, tensor<1x2x48x32xbf16>, tensor<1x2x48x32xbf16>, tensor<48x48xi1>) -> tensor<1x2x48x32xbf16>
  return %o : tensor<1x2x48x32xbf16>
}

func.func @kv_cache(%q: tensor<1x2x24x32xbf16>, %k: tensor<1x2x90x32xbf16>, %v: tensor<1x2x90x32xbf16>) -> tensor<1x2x24x32xbf16> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x2x24x32xbf16>, tensor<1x2x90x32xbf16>, tensor<1x2x90x32xbf16>) -> tensor<1x2x24x32xbf16>
  return %o : tensor<1x2x24x32xbf16>
}

func.func @long(%q: tensor<1x1x300x64xbf16>, %k: tensor<1x1x300x64xbf16>, %v: tensor<1x1x300x64xbf16>) -> tensor<1x1x300x64xbf16> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x1x300x64xbf16>, tensor<1x1x300x64xbf16>, tensor<1x1x300x64xbf16>) -> tensor<1x1x300x64xbf16>
  return %o : tensor<1x1x300x64xbf16>
}
