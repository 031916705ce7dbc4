#!/usr/bin/env python3
"""NPU cost model vs the NPU simulator (issue 4, point 7).

For a sweep of cases on each NPU description -- matmuls (including
non-multiples of the array), vector-unit ops (softmax, layer_norm, rms_norm,
reduce, elementwise), data movement (transpose, slice, concat, gather,
broadcasts, casts, rope), flash attention (sequence lengths with Sq != Sk and
non-multiples, head dims 64 and 128, causal, masked, GQA, f32 and bf16) and
the example blocks (GPT-2 and BERT: the files in examples/, d=256 seq 64,
and with --big-blocks d=768 seq 128 as bench/npu_blocks.py generates them) --
compares the cycles the cost model predicts for the whole function (`kilnc
--target=npu:NAME --print-schedule`: the sum over the nests the lowering
emits, which run one after another) with the cycles kiln-npu-sim's timing
model measures for the compiled program. Prints one row per case, then the
median and worst absolute % error, the Spearman rank correlation and the
median per category.

  /usr/bin/python3 bench/npu_cost_model.py [--build=build | --bin=DIR]
      [--targets=edge,cloud,odd] [--quick] [--big-blocks]
      [--max-median=PCT] [--min-spearman=R] [--max-category-median=PCT]
      (exit 1 when outside: the lit test)

--quick keeps a subset (every category, a few cases each) for the lit test;
a target is a name in targets/ (npu-NAME.json), "odd" (the test suite's
24x40 part, test/Target/NPU/ISA/Inputs/npu-odd.json) or a path to a .json.
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODD = os.path.join(ROOT, "test/Target/NPU/ISA/Inputs/npu-odd.json")

# Matmuls: (m, k, n).
SHAPES = [(64, 64, 64), (37, 50, 23), (128, 128, 128), (100, 300, 70),
          (256, 256, 256), (128, 768, 768), (128, 768, 3072), (128, 3072, 768),
          (200, 130, 90), (512, 512, 512), (1024, 1024, 1024)]
QUICK_SHAPES = [(37, 50, 23), (128, 128, 128), (100, 300, 70), (256, 256, 256),
                (128, 768, 768)]
# Vector-unit ops: (op, rows, cols).
VECTOR = [("softmax", 128, 128), ("softmax", 512, 768), ("softmax", 37, 50),
          ("softmax", 1024, 1024),
          ("gelu", 128, 768), ("gelu", 512, 3072), ("exp", 100, 70),
          ("add", 128, 768), ("mul", 300, 200), ("silu", 64, 1024),
          ("layer_norm", 128, 768), ("layer_norm", 45, 768), ("layer_norm", 512, 1024),
          ("rms_norm", 128, 768), ("rms_norm", 300, 200),
          ("reduce", 128, 768), ("reduce", 1000, 50)]
QUICK_VECTOR = [("softmax", 128, 128), ("softmax", 37, 50), ("gelu", 128, 768),
                ("mul", 300, 200), ("layer_norm", 45, 768), ("rms_norm", 300, 200),
                ("reduce", 1000, 50)]
# Attention: (batch, q heads, kv heads, Sq, Sk, D, Dv, dtype, causal, mask).
# mask "row": an additive [B, 1, 1, Sk] mask (BERT's padding); "bool": an
# i1 [Sq, Sk] mask.
ATTENTION = [(1, 12, 12, 128, 128, 64, 64, "f32", True, None),
             (1, 4, 4, 256, 256, 64, 64, "f32", False, None),
             (1, 2, 2, 200, 200, 128, 128, "f32", False, None),
             (1, 2, 2, 100, 300, 64, 64, "f32", True, None),
             (1, 2, 2, 77, 45, 128, 128, "f32", False, None),
             (1, 4, 4, 128, 128, 64, 64, "f32", False, "row"),
             (1, 2, 2, 96, 96, 64, 64, "f32", False, "bool"),
             (1, 8, 2, 128, 128, 64, 64, "f32", True, None),
             (1, 4, 4, 128, 128, 64, 64, "bf16", True, None),
             (1, 2, 2, 200, 200, 128, 128, "bf16", False, None),
             (2, 4, 2, 40, 72, 64, 64, "bf16", False, "row"),
             (1, 1, 1, 512, 512, 64, 64, "f32", True, None),
             (1, 4, 4, 77, 77, 64, 64, "f32", True, None)]
QUICK_ATTENTION = [ATTENTION[i] for i in (0, 3, 4, 6, 7, 9)]
# Data movement and the other nests of the blocks: (label, function text).
MOVES = [
    ("transpose 256x256",
     "func.func @f(%x: tensor<256x256xf32>) -> tensor<256x256xf32> {\n"
     "  %y = kiln.transpose %x perm = [1, 0] : tensor<256x256xf32> -> tensor<256x256xf32>\n"
     "  return %y : tensor<256x256xf32>\n}\n"),
    ("transpose 64x768",
     "func.func @f(%x: tensor<64x768xf32>) -> tensor<768x64xf32> {\n"
     "  %y = kiln.transpose %x perm = [1, 0] : tensor<64x768xf32> -> tensor<768x64xf32>\n"
     "  return %y : tensor<768x64xf32>\n}\n"),
    ("heads 128x12x64",
     "func.func @f(%x: tensor<1x128x12x64xf32>) -> tensor<1x12x128x64xf32> {\n"
     "  %y = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<1x128x12x64xf32> -> tensor<1x12x128x64xf32>\n"
     "  return %y : tensor<1x12x128x64xf32>\n}\n"),
    ("slice qkv 128x2304",
     "func.func @f(%x: tensor<1x128x2304xf32>) -> tensor<1x128x768xf32> {\n"
     "  %y = kiln.slice %x starts = [0, 0, 768] limits = [1, 128, 1536] : tensor<1x128x2304xf32> -> tensor<1x128x768xf32>\n"
     "  return %y : tensor<1x128x768xf32>\n}\n"),
    ("slice rows 300x200",
     "func.func @f(%x: tensor<300x200xf32>) -> tensor<150x200xf32> {\n"
     "  %y = kiln.slice %x starts = [0, 0] limits = [300, 200] steps = [2, 1] : tensor<300x200xf32> -> tensor<150x200xf32>\n"
     "  return %y : tensor<150x200xf32>\n}\n"),
    ("concat -1 128x(384+384)",
     "func.func @f(%a: tensor<128x384xf32>, %b: tensor<128x384xf32>) -> tensor<128x768xf32> {\n"
     "  %y = kiln.concat %a, %b axis = -1 : tensor<128x384xf32>, tensor<128x384xf32> -> tensor<128x768xf32>\n"
     "  return %y : tensor<128x768xf32>\n}\n"),
    ("concat 0 (100+200)x256",
     "func.func @f(%a: tensor<100x256xbf16>, %b: tensor<200x256xbf16>) -> tensor<300x256xbf16> {\n"
     "  %y = kiln.concat %a, %b axis = 0 : tensor<100x256xbf16>, tensor<200x256xbf16> -> tensor<300x256xbf16>\n"
     "  return %y : tensor<300x256xbf16>\n}\n"),
    ("gather 1000x256[64]",
     "func.func @f(%t: tensor<1000x256xf32>) -> tensor<1x64x256xf32> {\n"
     "  %i = kiln.constant dense<[[" + ", ".join(str((i * 37) % 1000) for i in range(64)) +
     "]]> : tensor<1x64xi32>\n"
     "  %y = kiln.gather %t[%i] : tensor<1000x256xf32>, tensor<1x64xi32> -> tensor<1x64x256xf32>\n"
     "  return %y : tensor<1x64x256xf32>\n}\n"),
    ("gather 97x768[200]",
     "func.func @f(%t: tensor<97x768xf32>) -> tensor<1x200x768xf32> {\n"
     "  %i = kiln.constant dense<[[" + ", ".join(str((i * 13) % 97) for i in range(200)) +
     "]]> : tensor<1x200xi64>\n"
     "  %y = kiln.gather %t[%i] : tensor<97x768xf32>, tensor<1x200xi64> -> tensor<1x200x768xf32>\n"
     "  return %y : tensor<1x200x768xf32>\n}\n"),
    ("rope 4x128x64",
     "func.func @f(%x: tensor<1x4x128x64xf32>, %c: tensor<128x32xf32>, %s: tensor<128x32xf32>) -> tensor<1x4x128x64xf32> {\n"
     "  %y = kiln.rope %x, %c, %s : (tensor<1x4x128x64xf32>, tensor<128x32xf32>, tensor<128x32xf32>) -> tensor<1x4x128x64xf32>\n"
     "  return %y : tensor<1x4x128x64xf32>\n}\n"),
    ("rope 300x128",
     "func.func @f(%x: tensor<2x300x128xf32>, %c: tensor<300x64xf32>, %s: tensor<300x64xf32>) -> tensor<2x300x128xf32> {\n"
     "  %y = kiln.rope %x, %c, %s : (tensor<2x300x128xf32>, tensor<300x64xf32>, tensor<300x64xf32>) -> tensor<2x300x128xf32>\n"
     "  return %y : tensor<2x300x128xf32>\n}\n"),
    ("cast i64 3x200",
     "func.func @f(%m: tensor<3x200xi64>) -> tensor<3x200xf32> {\n"
     "  %y = kiln.cast %m : tensor<3x200xi64> -> tensor<3x200xf32>\n"
     "  return %y : tensor<3x200xf32>\n}\n"),
    ("cast bf16 300x200",
     "func.func @f(%x: tensor<300x200xf32>) -> tensor<300x200xbf16> {\n"
     "  %y = kiln.cast %x : tensor<300x200xf32> -> tensor<300x200xbf16>\n"
     "  return %y : tensor<300x200xbf16>\n}\n"),
    ("where 128x768",
     "func.func @f(%c: tensor<128x768xi1>, %a: tensor<128x768xf32>, %b: tensor<128x768xf32>) -> tensor<128x768xf32> {\n"
     "  %y = kiln.where %c, %a, %b : tensor<128x768xi1>, tensor<128x768xf32>, tensor<128x768xf32> -> tensor<128x768xf32>\n"
     "  return %y : tensor<128x768xf32>\n}\n"),
    ("broadcast add 4x64x64",
     "func.func @f(%x: tensor<4x64x64xf32>, %b: tensor<64x1xf32>) -> tensor<4x64x64xf32> {\n"
     "  %y = kiln.add %x, %b : tensor<4x64x64xf32>, tensor<64x1xf32> -> tensor<4x64x64xf32>\n"
     "  return %y : tensor<4x64x64xf32>\n}\n"),
    ("result copy 256x256",
     "func.func @f(%x: tensor<256x256xf32>) -> (tensor<256x256xf32>, tensor<256x256xf32>) {\n"
     "  %y = kiln.exp %x : tensor<256x256xf32>\n"
     "  return %y, %x : tensor<256x256xf32>, tensor<256x256xf32>\n}\n"),
]
QUICK_MOVES = ["heads 128x12x64", "slice qkv 128x2304", "concat -1 128x(384+384)",
               "gather 97x768[200]", "rope 300x128", "cast i64 3x200",
               "broadcast add 4x64x64"]
BLOCKS = ["gpt2_block", "bert_layer"]


def matmul_module(m, k, n):
    return (f"func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{\n"
            f"  %c = kiln.matmul %a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32> -> tensor<{m}x{n}xf32>\n"
            f"  return %c : tensor<{m}x{n}xf32>\n}}\n")


def vector_module(op, rows, cols):
    t = f"tensor<{rows}x{cols}xf32>"
    row = f"tensor<{cols}xf32>"
    if op in ("add", "mul"):
        return (f"func.func @mm(%x: {t}, %z: {t}) -> {t} {{\n"
                f"  %y = kiln.{op} %x, %z : {t}, {t} -> {t}\n"
                f"  return %y : {t}\n}}\n")
    if op == "layer_norm":
        return (f"func.func @mm(%x: {t}, %g: {row}, %b: {row}) -> {t} {{\n"
                f"  %y = kiln.layer_norm %x scale %g bias %b : ({t}, {row}, {row}) -> {t}\n"
                f"  return %y : {t}\n}}\n")
    if op == "rms_norm":
        return (f"func.func @mm(%x: {t}, %g: {row}) -> {t} {{\n"
                f"  %y = kiln.rms_norm %x scale %g : ({t}, {row}) -> {t}\n"
                f"  return %y : {t}\n}}\n")
    if op == "reduce":
        r = f"tensor<{rows}xf32>"
        return (f"func.func @mm(%x: {t}) -> {r} {{\n"
                f"  %y = kiln.reduce sum %x axes = [1] : {t} -> {r}\n"
                f"  return %y : {r}\n}}\n")
    return (f"func.func @mm(%x: {t}) -> {t} {{\n"
            f"  %y = kiln.{op} %x : {t}\n"
            f"  return %y : {t}\n}}\n")


def attention_module(b, hq, hkv, sq, sk, d, dv, dt, causal, mask):
    q = f"tensor<{b}x{hq}x{sq}x{d}x{dt}>"
    k = f"tensor<{b}x{hkv}x{sk}x{d}x{dt}>"
    v = f"tensor<{b}x{hkv}x{sk}x{dv}x{dt}>"
    o = f"tensor<{b}x{hq}x{sq}x{dv}x{dt}>"
    args, operands, types = f"%q: {q}, %k: {k}, %v: {v}", "%q, %k, %v", f"{q}, {k}, {v}"
    m = {"row": f"tensor<{b}x1x1x{sk}x{dt}>", "bool": f"tensor<{sq}x{sk}xi1>"}.get(mask)
    if m:
        args, operands, types = args + f", %m: {m}", operands + " mask %m", types + f", {m}"
    return (f"func.func @att({args}) -> {o} {{\n"
            f"  %o = kiln.attention {operands}{' causal' if causal else ''} : ({types}) -> {o}\n"
            f"  return %o : {o}\n}}\n")


def attention_label(b, hq, hkv, sq, sk, d, dv, dt, causal, mask):
    s = f"{hq}" + (f"/{hkv}" if hkv != hq else "") + f"h {sq}x{sk} d{d}"
    if dv != d:
        s += f"/{dv}"
    if b != 1:
        s = f"{b}x" + s
    return s + (" causal" if causal else "") + (f" {mask}" if mask else "") + \
        (f" {dt}" if dt != "f32" else "")


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    for pos, i in enumerate(order):
        r[i] = pos
    return r


def spearman(x, y):
    rx, ry = ranks(x), ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 1.0


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr[-3000:]))
    return p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--targets", default="edge,cloud,odd")
    ap.add_argument("--bin", help="directory of kilnc and kiln-npu-sim (default: BUILD/bin)")
    ap.add_argument("--max-macs", type=float, default=2e9)
    ap.add_argument("--quick", action="store_true", help="a subset of every category")
    ap.add_argument("--big-blocks", action="store_true",
                    help="also the blocks at d=768, 12 heads, seq 128 (generated)")
    ap.add_argument("--max-median", type=float, help="fail (exit 1) above this median %% error")
    ap.add_argument("--min-spearman", type=float, help="fail (exit 1) below this rank correlation")
    ap.add_argument("--max-category-median", type=float,
                    help="fail (exit 1) when a category's median %% error is above this")
    args = ap.parse_args()
    bindir = args.bin or os.path.join(args.build, "bin")
    kilnc = os.path.join(bindir, "kilnc")
    sim = os.path.join(bindir, "kiln-npu-sim")
    rows = []  # (category, target, label, predicted, simulated)
    t0 = time.time()
    print(f"{'target':6} {'category':10} {'case':>30} {'predicted':>10} {'simulated':>10} {'error %':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        blocks = [(f"{b} d256", os.path.join(ROOT, "examples", b + ".mlir")) for b in BLOCKS]
        if args.big_blocks:
            run([sys.executable, os.path.join(ROOT, "test/examples/gen_examples.py"),
                 "--root", tmp, "--d-model", "768", "--heads", "12", "--seq", "128"])
            blocks += [(f"{b} d768", os.path.join(tmp, "examples", b + ".mlir")) for b in BLOCKS]
        cases = []
        for (m, k, n) in (QUICK_SHAPES if args.quick else SHAPES):
            if m * k * n <= args.max_macs:
                cases.append(("matmul", f"{m}x{k}x{n}", matmul_module(m, k, n)))
        for (op, r, c) in (QUICK_VECTOR if args.quick else VECTOR):
            cases.append(("vector", f"{op} {r}x{c}", vector_module(op, r, c)))
        for (label, text) in MOVES:
            if not args.quick or label in QUICK_MOVES:
                cases.append(("movement", label, text))
        for a in (QUICK_ATTENTION if args.quick else ATTENTION):
            cases.append(("attention", attention_label(*a), attention_module(*a)))
        for (label, path) in blocks:
            if not args.quick or label.endswith("d256"):
                cases.append(("block", label, path))
        for target in args.targets.split(","):
            spec = ODD if target == "odd" else target
            desc_path = spec if spec.endswith(".json") else \
                os.path.join(ROOT, "targets", f"npu-{spec}.json")
            name = target if not target.endswith(".json") else os.path.basename(target)
            for (category, label, text) in cases:
                if category == "block":
                    path = text
                else:
                    path = os.path.join(tmp, "case.mlir")
                    open(path, "w").write(text)
                out = run([kilnc, path, f"--target=npu:{spec}", "--print-schedule"])
                predicted = float(re.search(r"^total @\S+: ([0-9.]+) cycles", out, re.M).group(1))
                binary = os.path.join(tmp, "case.npubin")
                run([kilnc, path, f"--target=npu:{spec}", "--emit=npubin", "-o", binary])
                out = run([sim, binary, "--random-inputs"])
                simulated = float(re.search(r"cycles:\s*([0-9]+)", out).group(1))
                err = abs(predicted - simulated) / simulated * 100
                rows.append((category, name, label, predicted, simulated, err))
                print(f"{name:6} {category:10} {label:>30} {predicted:10.0f} {simulated:10.0f} {err:8.1f}",
                      flush=True)
    errors = [r[5] for r in rows]
    worst = max(rows, key=lambda r: r[5])
    med = median(errors)
    rho = spearman([r[3] for r in rows], [r[4] for r in rows])
    print(f"cases: {len(rows)} ({time.time() - t0:.0f} s)")
    worst_category = None
    for category in ("matmul", "vector", "movement", "attention", "block"):
        e = [r[5] for r in rows if r[0] == category]
        if e:
            print(f"  {category:10} {len(e):3} cases: median {median(e):5.1f}%, worst {max(e):5.1f}%")
            if worst_category is None or median(e) > worst_category[1]:
                worst_category = (category, median(e))
    print(f"median absolute error: {med:.1f}%")
    print(f"worst absolute error: {worst[5]:.1f}% ({worst[1]} {worst[0]} {worst[2]})")
    print(f"Spearman rank correlation: {rho:.3f}")
    if args.max_median is not None and med > args.max_median:
        print(f"FAIL: median error {med:.1f}% > {args.max_median}%")
        return 1
    if args.min_spearman is not None and rho < args.min_spearman:
        print(f"FAIL: rank correlation {rho:.3f} < {args.min_spearman}")
        return 1
    if args.max_category_median is not None and worst_category[1] > args.max_category_median:
        print(f"FAIL: {worst_category[0]} median error {worst_category[1]:.1f}% > "
              f"{args.max_category_median}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
