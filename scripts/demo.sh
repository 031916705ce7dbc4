#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Kiln, and runs its main job on the
# bundled examples, a GPT-2 block and a BERT encoder layer: each is compiled
# for this machine's CPU and run (JIT), checked against PyTorch's outputs and
# against the reference interpreter; then kilnc writes a native object.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KILN_BUILD_DIR:-build}
bash scripts/setup.sh kiln-run kiln-opt kilnc
run() { echo "\$ $*"; "$@"; echo; }
run "$BUILD_DIR/bin/kiln-run" examples/gpt2_block.mlir --target=cpu --compare-to=ref \
  --input=examples/data/gpt2_block/input_0.npy \
  --expect=examples/data/gpt2_block/expected_0.npy
run "$BUILD_DIR/bin/kiln-run" examples/bert_layer.mlir --target=cpu --compare-to=ref \
  --input=examples/data/bert_layer/input_0.npy,examples/data/bert_layer/input_1.npy \
  --expect=examples/data/bert_layer/expected_0.npy
out=$(mktemp -d)
run "$BUILD_DIR/bin/kilnc" examples/gpt2_block.mlir --target=cpu -o "$out/gpt2_block.o"
run "$BUILD_DIR/bin/kilnc" examples/gpt2_block.mlir --target=cpu:aarch64-neon -o "$out/gpt2_block.aarch64.o"
ls -l "$out"
