#!/usr/bin/env python3
"""Kiln's GPU kernels against cuBLAS and PyTorch SDPA (issue 6, point 6).

    /usr/bin/python3 bench/gpu_bench.py [--build=build] [--desc=sm90]
        [--quick] [--only=gemm|batched|linear|attention] [--runs=N]
        [--keep=DIR]

Needs an NVIDIA GPU, its driver, and PyTorch with CUDA (torch.cuda): it
stops at once, saying which is missing, elsewhere. Not run yet: no GPU
machine was available when it was written (bench/README.md).

Each case is written as a one-op `kiln` module, compiled with
`kilnc --target=gpu:DESC --emit=lib` into a shared library (linked with
libkiln_gpu_runtime.so), loaded with ctypes, and called through its C interface
`_mlir_ciface_<fn>(inputs..., outputs...)`, whose memref descriptors point
at device memory (docs/gpu.md, host ABI): the buffers are torch CUDA
tensors, so Kiln and its peer read the same inputs and the outputs are
compared. Both sides are timed the same way: CUDA events (Kiln's through
kiln_gpu_event_*, torch's through torch.cuda.Event) around a loop of calls,
after warm-up, median of --runs rounds. A Kiln call includes what its host
code does per call (stream creation and a synchronization), which a
torch.matmul does not: the ratio is conservative for small shapes.

Peers: torch.matmul (cuBLAS) for GEMM (f32 GEMM with TF32 allowed on
both sides: kilnc --f32-matmul=tf32 and torch.backends.cuda.matmul.
allow_tf32); torch.bmm for batched GEMM
(attention scores); torch.addmm + gelu for a linear layer with its bias and
GELU (Kiln fuses both into the matmul kernel's epilogue);
torch.nn.functional.scaled_dot_product_attention (flash / memory-efficient
kernels) for attention. The `path` column says how Kiln ran each matmul,
from `kilnc --print-schedule`: `tc BMxBN/WMxWN/K.. sS` (tensor cores:
block tile, warp tile, K tile, pipeline stages; docs/gpu.md) or `simt`;
and each attention: `flash BMxBN sS` (the fused flash-attention kernel:
query rows per block, keys per tile, stages) or `decomposed`. Ratio = peer time / Kiln time (1.0: as fast as the peer; the
issue asks f16 GEMM 4096^3 >= 0.5, fused attention >= 0.4).
"""

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"gpu_bench.py: {message}", file=sys.stderr)
    sys.exit(2)


def require_gpu():
    """Fails fast with the reason where no GPU run is possible."""
    try:
        import torch
    except ImportError as e:
        fail(f"PyTorch is not installed ({e}); the peers are torch.matmul "
             "and scaled_dot_product_attention on CUDA")
    if not torch.cuda.is_available():
        fail("torch.cuda is not available (no NVIDIA GPU or driver, or a "
             f"CPU-only PyTorch {torch.__version__}); this benchmark needs "
             "a GPU machine")
    return torch


class Runtime:
    """libkiln_gpu_runtime.so through ctypes (kiln_gpu_runtime.h)."""

    def __init__(self, libdir):
        path = os.path.join(libdir, "libkiln_gpu_runtime.so")
        if not os.path.exists(path):
            fail(f"{path} not found: build Kiln first (ninja -C BUILD "
                 "kiln_gpu_runtime kilnc)")
        # RTLD_GLOBAL: the compiled libraries resolve mgpu* against it.
        self.lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        lib = self.lib
        lib.kiln_gpu_available.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.kiln_gpu_error.restype = ctypes.c_char_p
        lib.kiln_gpu_event_create.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        lib.kiln_gpu_event_record.argtypes = [ctypes.c_void_p]
        lib.kiln_gpu_event_elapsed_ms.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
        lib.kiln_gpu_event_destroy.argtypes = [ctypes.c_void_p]
        why = ctypes.create_string_buffer(1024)
        if not lib.kiln_gpu_available(why, len(why)):
            fail(f"Kiln's GPU runtime cannot use the GPU: {why.value.decode()}")
        name = ctypes.create_string_buffer(256)
        lib.kiln_gpu_device_name(name, len(name))
        self.device = name.value.decode()

    def check(self):
        error = self.lib.kiln_gpu_error()
        if error:
            fail(f"GPU runtime error: {error.decode()}")

    def time_ms(self, fn, iters):
        """Milliseconds per call of fn, by CUDA events around `iters` calls."""
        start, stop = ctypes.c_void_p(), ctypes.c_void_p()
        self.lib.kiln_gpu_event_create(ctypes.byref(start))
        self.lib.kiln_gpu_event_create(ctypes.byref(stop))
        self.lib.kiln_gpu_event_record(start)
        for _ in range(iters):
            fn()
        self.lib.kiln_gpu_event_record(stop)
        ms = ctypes.c_float()
        self.lib.kiln_gpu_event_elapsed_ms(start, stop, ctypes.byref(ms))
        self.lib.kiln_gpu_event_destroy(start)
        self.lib.kiln_gpu_event_destroy(stop)
        self.check()
        return ms.value / iters


def descriptor(tensor):
    """A strided memref descriptor {allocated, aligned, offset, sizes,
    strides} of a contiguous torch CUDA tensor."""
    rank = tensor.dim()
    words = (ctypes.c_int64 * (3 + 2 * rank))()
    words[0] = words[1] = tensor.data_ptr()
    words[2] = 0
    for i, (size, stride) in enumerate(zip(tensor.shape, tensor.stride())):
        words[3 + i] = size
        words[3 + rank + i] = stride
    return words


class KilnKernel:
    """One kiln function compiled with kilnc --target=gpu:DESC --emit=lib."""

    def __init__(self, args, workdir, name, mlir, options=()):
        src = os.path.join(workdir, f"{name}.mlir")
        lib = os.path.join(workdir, f"lib{name}.so")
        with open(src, "w") as f:
            f.write(mlir)
        kilnc = os.path.join(args.build, "bin", "kilnc")
        cmd = [kilnc, src, f"--target=gpu:{args.desc}", *options,
               "--emit=lib", "-o", lib]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            fail(f"{' '.join(cmd)} failed:\n{done.stderr}")
        self.lib = ctypes.CDLL(lib)
        self.mapping = self.path(args, src, options)
        self.fn = getattr(self.lib, f"_mlir_ciface_{name}")
        self.fn.restype = None

    @staticmethod
    def path(args, src, options=()):
        """How kilnc maps the module's matmuls: tensor-core schedules (five
        levels: block, warp + K tile, instruction, copy vector, stages) or
        SIMT (two levels)."""
        kilnc = os.path.join(args.build, "bin", "kilnc")
        done = subprocess.run([kilnc, src, f"--target=gpu:{args.desc}",
                               *options, "--print-schedule"],
                              capture_output=True, text=True)
        paths = []
        for line in done.stdout.splitlines():
            if (" kiln.matmul " not in line and " kiln.attention " not in line
                    or "tiles = [[" not in line):
                continue
            tiles = line.split("tiles = [[", 1)[1].split("]]", 1)[0]
            levels = [[int(x) for x in level.split(",")]
                      for level in tiles.split("], [")]
            if " kiln.attention " in line:
                # Four levels: the fused flash-attention kernel (BM query
                # rows, BN keys per tile, stages); else the decomposed path.
                if len(levels) == 4:
                    paths.append(f"flash {levels[0][2]}x{levels[1][3]} "
                                 f"s{levels[3][3]}")
                else:
                    paths.append("decomposed")
            elif len(levels) == 5:
                block, warp, _, _, stages = levels
                paths.append(f"tc {block[-3]}x{block[-2]}/{warp[-3]}x"
                             f"{warp[-2]}/K{warp[-1]} s{stages[-1]}")
            else:
                paths.append("simt")
        return ",".join(paths) or "-"

    def bind(self, inputs, outputs):
        """A no-argument callable running the kernel on these tensors."""
        self.descriptors = [descriptor(t) for t in inputs + outputs]
        pointers = [ctypes.cast(d, ctypes.c_void_p) for d in self.descriptors]
        return lambda: self.fn(*pointers)


def torch_time_ms(torch, fn, iters):
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) / iters


def measure(args, torch, runtime, kiln_fn, peer_fn):
    """Median ms per call of Kiln and of the peer, measured in turn."""
    for _ in range(3):  # warm-up: module load, cuBLAS heuristics, clocks
        kiln_fn()
        peer_fn()
    torch.cuda.synchronize()
    # About 50 ms of work per round, from one timed call of each.
    once = max(runtime.time_ms(kiln_fn, 1), torch_time_ms(torch, peer_fn, 1))
    iters = max(3, min(1000, int(50 / max(once, 1e-3))))
    kiln, peer = [], []
    for _ in range(args.runs):
        kiln.append(runtime.time_ms(kiln_fn, iters))
        peer.append(torch_time_ms(torch, peer_fn, iters))
    return statistics.median(kiln), statistics.median(peer)


DTYPES = {"f16": "float16", "bf16": "bfloat16", "tf32": "float32"}


def for_each_dtype(shapes):
    """The cases: every shape in f16, then in bf16."""
    for dtype in ("f16", "bf16"):
        for shape in shapes:
            yield (dtype, *shape)


def run_case(args, torch, runtime, rows, kernel, inputs, output, peer,
             case, peer_name, flops):
    """Runs `kernel` on `inputs` into `output` once, compares it with
    `peer()`, times both and appends the table row."""
    kiln_fn = kernel.bind(inputs, [output])
    kiln_fn()
    runtime.check()
    ref = peer()
    err = (output.float() - ref.float()).abs().max().item()
    scale = ref.float().abs().max().item()
    kiln_ms, peer_ms = measure(args, torch, runtime, kiln_fn, peer)
    rows.append((case, peer_name, kernel.mapping, kiln_ms, peer_ms,
                 flops / kiln_ms / 1e9, err / max(scale, 1e-30)))


def gemm_cases(quick):
    shapes = [(4096, 4096, 4096), (128, 768, 3072), (128, 3072, 768),
              (2048, 768, 3072), (2048, 3072, 768)]
    if not quick:
        shapes += [(8192, 768, 3072), (8192, 3072, 768)]
    yield from for_each_dtype(shapes)
    # f32 on TF32 tensor cores: kilnc --f32-matmul=tf32 against cuBLAS with
    # torch.backends.cuda.matmul.allow_tf32.
    for shape in [(4096, 4096, 4096), (2048, 3072, 768)]:
        yield ("tf32", *shape)


def attention_cases(quick):
    seqs = [1024, 4096] if quick else [1024, 2048, 4096]
    for dtype in ("f16", "bf16"):
        for d in (64, 128):
            for s in seqs:
                # batch x heads keeps the GPU busy: 16 heads at d=64, 8 at 128
                yield dtype, 4, 1024 // d, s, d


def run_gemm(args, torch, runtime, workdir, rows):
    for dtype, m, n, k in gemm_cases(args.quick):
        tdtype = getattr(torch, DTYPES[dtype])
        tf32 = dtype == "tf32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        t = "f32" if tf32 else dtype
        name = f"gemm_{dtype}_{m}x{n}x{k}"
        mlir = (f"func.func @{name}(%a: tensor<{m}x{k}x{t}>, "
                f"%b: tensor<{k}x{n}x{t}>) -> tensor<{m}x{n}x{t}> {{\n"
                f"  %c = kiln.matmul %a, %b : tensor<{m}x{k}x{t}>, "
                f"tensor<{k}x{n}x{t}> -> tensor<{m}x{n}x{t}>\n"
                f"  return %c : tensor<{m}x{n}x{t}>\n}}\n")
        kernel = KilnKernel(args, workdir, name, mlir,
                            ["--f32-matmul=tf32"] if tf32 else [])
        a = torch.randn(m, k, device="cuda", dtype=tdtype)
        b = torch.randn(k, n, device="cuda", dtype=tdtype)
        c = torch.empty(m, n, device="cuda", dtype=tdtype)
        run_case(args, torch, runtime, rows, kernel, [a, b], c,
                 lambda: torch.matmul(a, b), f"GEMM {dtype} {m}x{n}x{k}",
                 "cuBLAS", 2.0 * m * n * k)


def batched_cases(quick):
    # Attention scores and context per head: [B*H, S, D] x [B*H, D, S] and
    # [B*H, S, S] x [B*H, S, D] (BERT-base: 12 heads of 64).
    shapes = [(48, 512, 512, 64), (48, 512, 64, 512)]
    if not quick:
        shapes += [(96, 1024, 1024, 64), (96, 1024, 64, 1024)]
    return for_each_dtype(shapes)


def run_batched(args, torch, runtime, workdir, rows):
    for dtype, bt, m, n, k in batched_cases(args.quick):
        tdtype = getattr(torch, DTYPES[dtype])
        name = f"bmm_{dtype}_{bt}x{m}x{n}x{k}"
        ta = f"tensor<{bt}x{m}x{k}x{dtype}>"
        tb = f"tensor<{bt}x{k}x{n}x{dtype}>"
        tc = f"tensor<{bt}x{m}x{n}x{dtype}>"
        mlir = (f"func.func @{name}(%a: {ta}, %b: {tb}) -> {tc} {{\n"
                f"  %c = kiln.matmul %a, %b : {ta}, {tb} -> {tc}\n"
                f"  return %c : {tc}\n}}\n")
        kernel = KilnKernel(args, workdir, name, mlir)
        a = torch.randn(bt, m, k, device="cuda", dtype=tdtype)
        b = torch.randn(bt, k, n, device="cuda", dtype=tdtype)
        c = torch.empty(bt, m, n, device="cuda", dtype=tdtype)
        run_case(args, torch, runtime, rows, kernel, [a, b], c,
                 lambda: torch.bmm(a, b),
                 f"batched GEMM {dtype} {bt}x{m}x{n}x{k}", "bmm",
                 2.0 * bt * m * n * k)


def linear_cases(quick):
    # Transformer FFN up-projection with bias and GELU: [B*S, d] x [d, 4d].
    shapes = [(2048, 3072, 768), (2048, 768, 3072)]
    if not quick:
        shapes += [(8192, 3072, 768)]
    return for_each_dtype(shapes)


def run_linear(args, torch, runtime, workdir, rows):
    gelu = torch.nn.functional.gelu
    for dtype, m, n, k in linear_cases(args.quick):
        tdtype = getattr(torch, DTYPES[dtype])
        name = f"linear_gelu_{dtype}_{m}x{n}x{k}"
        ta, tw = f"tensor<{m}x{k}x{dtype}>", f"tensor<{k}x{n}x{dtype}>"
        tb, tc = f"tensor<{n}x{dtype}>", f"tensor<{m}x{n}x{dtype}>"
        mlir = (f"func.func @{name}(%a: {ta}, %w: {tw}, %bias: {tb}) -> {tc} {{\n"
                f"  %c = kiln.matmul %a, %w : {ta}, {tw} -> {tc}\n"
                f"  %d = kiln.add %c, %bias : {tc}, {tb} -> {tc}\n"
                f"  %e = kiln.gelu %d : {tc}\n"
                f"  return %e : {tc}\n}}\n")
        kernel = KilnKernel(args, workdir, name, mlir)
        a = torch.randn(m, k, device="cuda", dtype=tdtype)
        w = torch.randn(k, n, device="cuda", dtype=tdtype) / k ** 0.5
        bias = torch.randn(n, device="cuda", dtype=tdtype)
        c = torch.empty(m, n, device="cuda", dtype=tdtype)
        run_case(args, torch, runtime, rows, kernel, [a, w, bias], c,
                 lambda: gelu(torch.addmm(bias, a, w)),
                 f"linear+gelu {dtype} {m}x{n}x{k}", "addmm",
                 2.0 * m * n * k)


def run_attention(args, torch, runtime, workdir, rows):
    sdpa = torch.nn.functional.scaled_dot_product_attention
    for dtype, b, h, s, d in attention_cases(args.quick):
        tdtype = getattr(torch, DTYPES[dtype])
        name = f"attention_{dtype}_{b}x{h}x{s}x{d}"
        t = f"tensor<{b}x{h}x{s}x{d}x{dtype}>"
        mlir = (f"func.func @{name}(%q: {t}, %k: {t}, %v: {t}) -> {t} {{\n"
                f"  %o = kiln.attention %q, %k, %v : ({t}, {t}, {t}) -> {t}\n"
                f"  return %o : {t}\n}}\n")
        kernel = KilnKernel(args, workdir, name, mlir)
        q, k, v = (torch.randn(b, h, s, d, device="cuda", dtype=tdtype)
                   for _ in range(3))
        o = torch.empty(b, h, s, d, device="cuda", dtype=tdtype)
        run_case(args, torch, runtime, rows, kernel, [q, k, v], o,
                 lambda: sdpa(q, k, v),
                 f"attention {dtype} b{b} h{h} s{s} d{d}", "SDPA",
                 4.0 * b * h * s * s * d)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="Kiln build directory (bin/kilnc, lib/)")
    parser.add_argument("--desc", default="sm90",
                        help="GPU description for kilnc --target=gpu:DESC")
    parser.add_argument("--quick", action="store_true",
                        help="fewer shapes")
    parser.add_argument("--only",
                        choices=["gemm", "batched", "linear", "attention"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="keep the compiled kernels here")
    args = parser.parse_args()

    torch = require_gpu()
    runtime = Runtime(os.path.join(args.build, "lib"))
    print(f"GPU: {runtime.device} (torch sees "
          f"{torch.cuda.get_device_name(0)}), torch {torch.__version__}, "
          f"kilnc --target=gpu:{args.desc}")

    workdir = args.keep or tempfile.mkdtemp(prefix="kiln-gpu-bench-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    if args.only in (None, "gemm"):
        run_gemm(args, torch, runtime, workdir, rows)
    if args.only in (None, "batched"):
        run_batched(args, torch, runtime, workdir, rows)
    if args.only in (None, "linear"):
        run_linear(args, torch, runtime, workdir, rows)
    if args.only in (None, "attention"):
        run_attention(args, torch, runtime, workdir, rows)

    print()
    print(f"{'case':<38} {'peer':<7} {'path':<24} {'kiln ms':>9} "
          f"{'peer ms':>9} {'ratio':>6} {'kiln TFLOP/s':>13} "
          f"{'max rel err':>12}")
    for case, peer, path, kiln_ms, peer_ms, gflops, err in rows:
        print(f"{case:<38} {peer:<7} {path:<24} {kiln_ms:>9.4f} "
              f"{peer_ms:>9.4f} {peer_ms / kiln_ms:>6.2f} "
              f"{gflops / 1e3:>13.1f} {err:>12.2e}")
    print("\nratio = peer time / Kiln time (higher is better for Kiln); "
          "max rel err = max |kiln - peer| / max |peer|")


if __name__ == "__main__":
    main()
