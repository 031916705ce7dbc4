// The bundled examples compiled for the cpu target match PyTorch (outputs
// written by test/examples/gen_examples.py) within rtol 1e-4, atol 1e-5, and
// match the reference interpreter on the same inputs.
// RUN: kiln-run %examples/gpt2_block.mlir --target=cpu --compare-to=ref --input=%examples/data/gpt2_block/input_0.npy --expect=%examples/data/gpt2_block/expected_0.npy --rtol=1e-4 --atol=1e-5 | FileCheck %s --check-prefix=GPT2 --implicit-check-not=MISMATCH
// GPT2: @gpt2_block on cpu: 1 input, 1 output
// GPT2-NEXT: output 0: tensor<1x64x256xf32>
// GPT2-NEXT: expected_0.npy: {{.*}} (rtol 0.0001, atol 1e-05): OK
// GPT2-NEXT: output 0 vs target ref: {{.*}}: OK

// RUN: kiln-run %examples/bert_layer.mlir --target=cpu --compare-to=ref --input=%examples/data/bert_layer/input_0.npy,%examples/data/bert_layer/input_1.npy --expect=%examples/data/bert_layer/expected_0.npy --rtol=1e-4 --atol=1e-5 | FileCheck %s --check-prefix=BERT --implicit-check-not=MISMATCH
// BERT: @bert_layer on cpu: 2 inputs, 1 output
// BERT-NEXT: output 0: tensor<1x64x256xf32>
// BERT-NEXT: expected_0.npy: {{.*}} (rtol 0.0001, atol 1e-05): OK
// BERT-NEXT: output 0 vs target ref: {{.*}}: OK
