#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Kiln, and runs its main job on the
# bundled examples: a GPT-2 block and a BERT encoder layer, executed by
# kiln-run and checked against PyTorch's outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KILN_BUILD_DIR:-build}
bash scripts/setup.sh kiln-run kiln-opt
run() { echo "\$ $*"; "$@"; echo; }
run "$BUILD_DIR/bin/kiln-run" examples/gpt2_block.mlir --target=ref \
  --input=examples/data/gpt2_block/input_0.npy \
  --expect=examples/data/gpt2_block/expected_0.npy
run "$BUILD_DIR/bin/kiln-run" examples/bert_layer.mlir --target=ref \
  --input=examples/data/bert_layer/input_0.npy,examples/data/bert_layer/input_1.npy \
  --expect=examples/data/bert_layer/expected_0.npy
