// kiln.attention on the NPU, flash style (f32, rtol 1e-4 against the
// reference interpreter): per query tile, key/value tiles stream through
// SPAD while S = Q K^T and P V run on the array into ACC and the online
// softmax (running row max and sum) runs on the vector unit; the scores
// never reach DRAM. On npu-edge, npu-cloud and the 24x40 part.
// RUN: kiln-run %s --target=npu:edge --function=plain --random-inputs --seed=1 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=plain --random-inputs --seed=1 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=plain --random-inputs --seed=1 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=causal --random-inputs --seed=2 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=causal --random-inputs --seed=2 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=causal --random-inputs --seed=2 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=gqa_mask --random-inputs --seed=3 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=gqa_mask --random-inputs --seed=3 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=gqa_mask --random-inputs --seed=3 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=bool_mask --random-inputs --seed=4 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=bool_mask --random-inputs --seed=4 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=bool_mask --random-inputs --seed=4 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=kv_cache --random-inputs --seed=5 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=kv_cache --random-inputs --seed=5 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=kv_cache --random-inputs --seed=5 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:edge --function=long --random-inputs --seed=6 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:cloud --function=long --random-inputs --seed=6 --compare-to=ref 2>&1 | FileCheck %s
// RUN: kiln-run %s --target=npu:%S/ISA/Inputs/npu-odd.json --function=long --random-inputs --seed=6 --compare-to=ref 2>&1 | FileCheck %s
// CHECK: matrix unit utilization
// CHECK: vector unit utilization
// CHECK-NOT: MISMATCH
// CHECK: vs target ref: {{.*}}: OK

// The nest's shape on npu-edge: one parameter DMA (scale, constants and
// the causal band), then per query tile Q in and scaled, a key loop with
// K/V in, S on the array, the band only on tiles that straddle the
// diagonal, the online softmax, P V on the array and the rescaled
// accumulation; one DMA out per query tile and none of the scores.
// RUN: kiln-opt %s --kiln-npu-attach-target=target=edge --kiln-select-schedules=target=npu:edge --kiln-npu-lower-to-npu | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @long
// IR: scf.execute_region
// IR: npu.dma
// IR: scf.for
// IR: npu.dma
// IR: npu.vec_binary "mul"
// IR: scf.for
// IR: npu.dma
// IR: npu.dma
// IR: npu.matmul
// IR: scf.if
// IR: npu.vec_binary "add"
// IR: npu.vec_reduce "max"
// IR: npu.vec_unary "exp"
// IR: npu.vec_reduce "sum"
// IR: npu.matmul
// IR: npu.vec_binary "add"
// IR-NOT: npu.dma
// IR: npu.vec_unary "recip"
// IR: npu.vec_binary "mul"
// IR: npu.dma
// IR-NOT: npu.dma
// IR: return

func.func @plain(%q: tensor<1x2x64x64xf32>, %k: tensor<1x2x64x64xf32>, %v: tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32> {
  %o = kiln.attention %q, %k, %v : (tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32>
  return %o : tensor<1x2x64x64xf32>
}

// Not multiples of anything; the value dim differs from the key dim.
func.func @causal(%q: tensor<1x2x100x32xf32>, %k: tensor<1x2x100x32xf32>, %v: tensor<1x2x100x48xf32>) -> tensor<1x2x100x48xf32> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x2x100x32xf32>, tensor<1x2x100x32xf32>, tensor<1x2x100x48xf32>) -> tensor<1x2x100x48xf32>
  return %o : tensor<1x2x100x48xf32>
}

// Grouped-query heads (4 query heads on 2 key/value heads), batch 2, an
// additive mask broadcast over heads and queries (BERT's padding mask),
// an explicit scale.
func.func @gqa_mask(%q: tensor<2x4x40x16xf32>, %k: tensor<2x2x72x16xf32>, %v: tensor<2x2x72x24xf32>, %m: tensor<2x1x1x72xf32>) -> tensor<2x4x40x24xf32> {
  %o = kiln.attention %q, %k, %v mask %m scale = 0.3 : (tensor<2x4x40x16xf32>, tensor<2x2x72x16xf32>, tensor<2x2x72x24xf32>, tensor<2x1x1x72xf32>) -> tensor<2x4x40x24xf32>
  return %o : tensor<2x4x40x24xf32>
}

// A boolean mask per (query, key): masked scores become -inf (vec_select).
func.func @bool_mask(%q: tensor<1x2x48x32xf32>, %k: tensor<1x2x48x32xf32>, %v: tensor<1x2x48x32xf32>, %m: tensor<48x48xi1>) -> tensor<1x2x48x32xf32> {
  %o = kiln.attention %q, %k, %v mask %m : (tensor<1x2x48x32xf32>, tensor<1x2x48x32xf32>, tensor<1x2x48x32xf32>, tensor<48x48xi1>) -> tensor<1x2x48x32xf32>
  return %o : tensor<1x2x48x32xf32>
}

// Causal with more keys than queries (a block at the end of a key cache):
// the diagonal is offset by Sk - Sq.
func.func @kv_cache(%q: tensor<1x2x24x32xf32>, %k: tensor<1x2x90x32xf32>, %v: tensor<1x2x90x32xf32>) -> tensor<1x2x24x32xf32> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x2x24x32xf32>, tensor<1x2x90x32xf32>, tensor<1x2x90x32xf32>) -> tensor<1x2x24x32xf32>
  return %o : tensor<1x2x24x32xf32>
}

// Several query and key tiles, the last ones partial; tiles above the
// diagonal are never visited.
func.func @long(%q: tensor<1x1x300x64xf32>, %k: tensor<1x1x300x64xf32>, %v: tensor<1x1x300x64xf32>) -> tensor<1x1x300x64xf32> {
  %o = kiln.attention %q, %k, %v causal : (tensor<1x1x300x64xf32>, tensor<1x1x300x64xf32>, tensor<1x1x300x64xf32>) -> tensor<1x1x300x64xf32>
  return %o : tensor<1x1x300x64xf32>
}
