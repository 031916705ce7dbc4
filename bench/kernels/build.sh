#!/usr/bin/env bash
# Builds the Google Benchmark binary for Kiln-compiled kernels:
#
#   bash bench/kernels/build.sh [--build DIR] [--out DIR] [--target DESC] [KERNEL...]
#   bench/kernels/out/kernel_bench [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
#
# 1. writes one kiln module per kernel (OUT/NAME.mlir) and checks it with kiln-opt;
# 2. compiles each with `kilnc NAME.mlir --target=cpu[:DESC] --emit=lib -o libNAME.so
#    --header=NAME.h` (the header documents the entry's C signature);
# 3. compiles kernel_bench.cpp with clang++-22 against libbenchmark (Debian's
#    libbenchmark-dev) and Kiln's runtime (build/lib/libkiln_runtime.so).
#
# KERNEL names pick a subset (default: all); `--list` prints the names.
# kernel_bench loads every OUT/lib*.so it finds next to itself through the runtime
# C API. Needs a Kiln build (scripts/setup.sh) and bench/setup.sh (libbenchmark-dev).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="$REPO/build"
OUT="$HERE/out"
TARGET="cpu"
LIST=0
WANT=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --build=*) BUILD="$(cd "${1#--build=}" && pwd)"; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --out=*) OUT="${1#--out=}"; shift ;;
    --target) TARGET="cpu:$2"; shift 2 ;;
    --target=*) TARGET="cpu:${1#--target=}"; shift ;;
    --list) LIST=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    *) WANT+=("$1"); shift ;;
  esac
done
CXX="${CXX:-clang++-22}"

# ---- kernels: NAME and the kiln module that defines @NAME ---- #
KERNELS=()
declare -A IR

t() { local IFS=x; echo "tensor<$*xf32>"; }

sgemm() {  # M N K
  local m=$1 n=$2 k=$3 name="sgemm_$1x$2x$3"
  KERNELS+=("$name")
  IR[$name]="func.func @$name(%a: $(t $m $k), %b: $(t $k $n)) -> $(t $m $n) {
  %c = kiln.matmul %a, %b : $(t $m $k), $(t $k $n) -> $(t $m $n)
  return %c : $(t $m $n)
}"
}
for s in 256 512 1024 2048; do sgemm $s $s $s; done
sgemm 128 3072 768    # QKV-sized / MLP up-projection (M, N, K)
sgemm 128 768 3072    # MLP down-projection

KERNELS+=(layer_norm_128x768)
IR[layer_norm_128x768]="func.func @layer_norm_128x768(%x: $(t 128 768), %g: $(t 768), %b: $(t 768)) -> $(t 128 768) {
  %y = kiln.layer_norm %x scale %g bias %b : ($(t 128 768), $(t 768), $(t 768)) -> $(t 128 768)
  return %y : $(t 128 768)
}"
KERNELS+=(softmax_12x128x128)
IR[softmax_12x128x128]="func.func @softmax_12x128x128(%x: $(t 12 128 128)) -> $(t 12 128 128) {
  %y = kiln.softmax %x : $(t 12 128 128)
  return %y : $(t 12 128 128)
}"
KERNELS+=(gelu_128x3072)
IR[gelu_128x3072]="func.func @gelu_128x3072(%x: $(t 128 3072)) -> $(t 128 3072) {
  %y = kiln.gelu %x approximate = tanh : $(t 128 3072)
  return %y : $(t 128 3072)
}"
A=$(t 1 12 128 64)
KERNELS+=(attention_1x12x128x64)
IR[attention_1x12x128x64]="func.func @attention_1x12x128x64(%q: $A, %k: $A, %v: $A) -> $A {
  %o = kiln.attention %q, %k, %v : ($A, $A, $A) -> $A
  return %o : $A
}"

if [ "$LIST" = 1 ]; then printf '%s\n' "${KERNELS[@]}"; exit 0; fi
if [ ${#WANT[@]} -eq 0 ]; then WANT=("${KERNELS[@]}"); fi
for w in "${WANT[@]}"; do
  [ -n "${IR[$w]+x}" ] || { echo "build.sh: unknown kernel $w (see --list)" >&2; exit 2; }
done

for tool in kiln-opt kilnc; do
  [ -x "$BUILD/bin/$tool" ] || { echo "build.sh: $BUILD/bin/$tool missing: build Kiln first (scripts/setup.sh)" >&2; exit 1; }
done
RUNTIME_LIB="$BUILD/lib/libkiln_runtime.so"
[ -f "$RUNTIME_LIB" ] || { echo "build.sh: $RUNTIME_LIB missing: build Kiln first" >&2; exit 1; }
[ -f /usr/include/benchmark/benchmark.h ] || { echo "build.sh: libbenchmark-dev missing: run bench/setup.sh" >&2; exit 1; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# Libraries from an earlier run with another kernel selection would be benchmarked
# too; remove them so the binary runs exactly what was asked for.
rm -f "$OUT"/lib*.so "$OUT"/*.h "$OUT"/*.mlir
for name in "${WANT[@]}"; do
  printf '%s\n' "${IR[$name]}" > "$OUT/$name.mlir"
  "$BUILD/bin/kiln-opt" "$OUT/$name.mlir" > /dev/null
  echo "kilnc $name"
  "$BUILD/bin/kilnc" "$OUT/$name.mlir" --target="$TARGET" --emit=lib \
    -o "$OUT/lib$name.so" --header="$OUT/$name.h"
done

echo "$CXX kernel_bench.cpp"
"$CXX" -std=c++17 -O2 -Wall -Wextra -I "$REPO/include" "$HERE/kernel_bench.cpp" \
  -o "$OUT/kernel_bench" -L "$BUILD/lib" -lkiln_runtime -Wl,-rpath,"$BUILD/lib" \
  -lbenchmark -lpthread
echo "built $OUT/kernel_bench (${#WANT[@]} kernels); run it from anywhere:"
echo "  $OUT/kernel_bench --benchmark_min_time=0.1"
