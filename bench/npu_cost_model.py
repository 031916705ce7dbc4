#!/usr/bin/env python3
"""NPU cost model vs the NPU simulator (issue 4, point 7).

For a sweep of matmul shapes (including non-multiples of the array), of
vector-unit ops (softmax, layer_norm, rms_norm, reduce, elementwise) and of
transposes (DMA through SPAD) on each NPU description: the cycles kiln-select-schedules predicts for the schedule
it picks (kiln.predicted_time_us x clock) and the cycles kiln-npu-sim's
timing model measures for the compiled program (kiln-run --target=npu:NAME).
Prints one row per case, then the median and worst absolute % error and the
Spearman rank correlation.

  /usr/bin/python3 bench/npu_cost_model.py [--build=build] [--targets=edge,cloud]
      [--max-median=PCT] [--min-spearman=R]   (exit 1 when outside: the lit test)
"""
import argparse, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = [(64, 64, 64), (37, 50, 23), (128, 128, 128), (100, 300, 70),
          (256, 256, 256), (128, 768, 768), (128, 768, 3072), (128, 3072, 768),
          (200, 130, 90), (512, 512, 512), (1024, 1024, 1024)]
# Vector-unit ops: (op, rows, cols).
VECTOR = [("softmax", 128, 128), ("softmax", 512, 768), ("softmax", 37, 50),
          ("softmax", 1024, 1024),
          ("gelu", 128, 768), ("gelu", 512, 3072), ("exp", 100, 70),
          ("add", 128, 768), ("mul", 300, 200), ("silu", 64, 1024),
          ("layer_norm", 128, 768), ("layer_norm", 45, 768), ("layer_norm", 512, 1024),
          ("rms_norm", 128, 768), ("rms_norm", 300, 200),
          ("reduce", 128, 768), ("reduce", 1000, 50),
          ("transpose", 256, 256), ("transpose", 64, 768)]


def module(m, k, n):
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
    if op == "transpose":
        tt = f"tensor<{cols}x{rows}xf32>"
        return (f"func.func @mm(%x: {t}) -> {tt} {{\n"
                f"  %y = kiln.transpose %x perm = [1, 0] : {t} -> {tt}\n"
                f"  return %y : {tt}\n}}\n")
    return (f"func.func @mm(%x: {t}) -> {t} {{\n"
            f"  %y = kiln.{op} %x : {t}\n"
            f"  return %y : {t}\n}}\n")


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--targets", default="edge,cloud")
    ap.add_argument("--bin", help="directory of kiln-opt and kiln-run (default: BUILD/bin)")
    ap.add_argument("--max-macs", type=float, default=2e9)
    ap.add_argument("--max-median", type=float, help="fail (exit 1) above this median %% error")
    ap.add_argument("--min-spearman", type=float, help="fail (exit 1) below this rank correlation")
    args = ap.parse_args()
    bindir = args.bin or os.path.join(args.build, "bin")
    opt = os.path.join(bindir, "kiln-opt")
    run = os.path.join(bindir, "kiln-run")
    errors, pred_all, sim_all = [], [], []
    print(f"{'target':8} {'case':>18} {'predicted':>12} {'simulated':>12} {'error %':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.targets.split(","):
            desc = json.load(open(os.path.join(ROOT, "targets", f"npu-{target}.json")))
            ghz = desc["frequency_ghz"]
            cases = [(f"{m}x{k}x{n}", module(m, k, n)) for (m, k, n) in SHAPES
                     if m * k * n <= args.max_macs]
            cases += [(f"{op} {r}x{c}", vector_module(op, r, c)) for (op, r, c) in VECTOR]
            for (label, text) in cases:
                path = os.path.join(tmp, "case.mlir")
                open(path, "w").write(text)
                ir = subprocess.run([opt, path, f"--kiln-npu-attach-target=target={target}",
                                     f"--kiln-select-schedules=target=npu:{target}"],
                                    capture_output=True, text=True, check=True).stdout
                us = float(re.search(r"kiln.predicted_time_us = ([0-9.e+-]+)", ir).group(1))
                predicted = us * 1e3 * ghz
                out = subprocess.run([run, path, f"--target=npu:{target}", "--random-inputs"],
                                     capture_output=True, text=True, check=True)
                simulated = float(re.search(r"cycles:\s*([0-9]+)", out.stderr + out.stdout).group(1))
                err = abs(predicted - simulated) / simulated * 100
                errors.append(err)
                pred_all.append(predicted)
                sim_all.append(simulated)
                print(f"{target:8} {label:>18} {predicted:12.0f} {simulated:12.0f} {err:8.1f}")
    errors.sort()
    median = errors[len(errors) // 2] if len(errors) % 2 else \
        (errors[len(errors) // 2 - 1] + errors[len(errors) // 2]) / 2
    print(f"median absolute error: {median:.1f}%")
    print(f"worst absolute error: {errors[-1]:.1f}%")
    rho = spearman(pred_all, sim_all)
    print(f"Spearman rank correlation: {rho:.3f}")
    if args.max_median is not None and median > args.max_median:
        print(f"FAIL: median error {median:.1f}% > {args.max_median}%")
        return 1
    if args.min_spearman is not None and rho < args.min_spearman:
        print(f"FAIL: rank correlation {rho:.3f} < {args.min_spearman}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
