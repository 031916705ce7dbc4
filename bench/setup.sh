#!/usr/bin/env bash
# What bench/cpu_bench.py needs beyond the build: OpenBLAS and PyTorch from
# Debian, ONNX Runtime from npm, and a Kiln build (scripts/setup.sh); and for
# bench/kernels (Google Benchmark on kilnc --emit=lib kernels) libbenchmark-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  libopenblas0 python3-numpy python3-torch nodejs npm libbenchmark-dev >/dev/null
# ONNX Runtime (CPU) from npm. The install script would try to download GPU
# libraries; ONNXRUNTIME_NODE_INSTALL=skip keeps the CPU build only.
(cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install --silent --no-audit --no-fund)
bash scripts/setup.sh kiln-run
