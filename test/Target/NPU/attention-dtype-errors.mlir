// f16 attention runs on npu-edge (attention-bf16-e2e.mlir has bf16); on a
// part whose matrix and vector units lack f16 it is one error naming the
// op and the type.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo '{"kind": "npu", "name": "npu-nof16", "description": "test part", "frequency_ghz": 1.0, "cores": 1, "tokens": 16, "matrix_unit": {"rows": 16, "cols": 16, "weight_load_cycles": 16, "dtypes": [{"type": "f32", "cycles_per_row": 1}, {"type": "bf16", "cycles_per_row": 1}]}, "vector_unit": {"lanes": 16, "latency_cycles": 4, "special_cycles": 4, "dtypes": ["f32", "bf16", "bool"]}, "memories": [{"name": "dram", "kind": "dram", "size_bytes": 1073741824, "bandwidth_gbps": 25.6, "latency_cycles": 100}, {"name": "spad", "kind": "scratchpad", "size_bytes": 262144, "banks": 16, "bank_bytes_per_cycle": 16}, {"name": "acc", "kind": "accumulator", "size_bytes": 65536, "banks": 8, "bank_bytes_per_cycle": 32}], "dma": {"setup_cycles": 16, "burst_bytes": 64}}' > %t/nof16.json
// RUN: kiln-run %s --target=npu:edge --random-inputs --compare-to=ref --rtol=2e-3 --atol=2e-3 2>&1 | FileCheck %s --check-prefix=EDGE
// RUN: not kilnc %s --target=npu:%t/nof16.json --emit=npu-asm -o %t/x.s 2>&1 | FileCheck %s --check-prefix=NOF16
// EDGE: vs target ref: {{.*}}: OK
// NOF16: error: 'kiln.attention' op
// NOF16-SAME: f16
func.func @f16(%q: tensor<1x1x8x16xf16>, %k: tensor<1x1x8x16xf16>, %v: tensor<1x1x8x16xf16>) -> tensor<1x1x8x16xf16> {
  %o = kiln.attention %q, %k, %v : (tensor<1x1x8x16xf16>, tensor<1x1x8x16xf16>, tensor<1x1x8x16xf16>) -> tensor<1x1x8x16xf16>
  return %o : tensor<1x1x8x16xf16>
}
