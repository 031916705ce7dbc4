#!/usr/bin/env python3
"""The example blocks at GPT-2 size on the NPU simulator (issue 4).

Generates the GPT-2 block and the BERT layer at d=768, 12 heads, seq 128
(test/examples/gen_examples.py into a temporary root), compiles each for
every NPU description with `kilnc --emit=npubin`, runs the binary in
`kiln-npu-sim`, checks the output against PyTorch's, and prints one row per
(block, target): simulated cycles and time, matrix and vector unit
utilization, DRAM traffic, and the wall-clock seconds kilnc and the
simulator took.

  /usr/bin/python3 bench/npu_blocks.py [--build=build] [--targets=edge,cloud]
"""
import argparse, os, re, subprocess, sys, tempfile, time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCKS = [("gpt2_block", 1), ("bert_layer", 2)]  # name, inputs


def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p.stdout + p.stderr, wall


def field(text, pattern):
    m = re.search(pattern, text)
    return m.group(1) if m else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--targets", default="edge,cloud")
    ap.add_argument("--d-model", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--seq", type=int, default=128)
    args = ap.parse_args()
    bindir = os.path.join(args.build, "bin")
    with tempfile.TemporaryDirectory() as tmp:
        run([sys.executable, os.path.join(ROOT, "test/examples/gen_examples.py"),
             "--root", tmp, "--d-model", str(args.d_model), "--heads",
             str(args.heads), "--seq", str(args.seq)])
        ex = os.path.join(tmp, "examples")
        print("d=%d heads=%d seq=%d, f32" % (args.d_model, args.heads, args.seq))
        print("%-11s %-6s %11s %10s %8s %8s %9s %8s %7s %6s" %
              ("block", "target", "cycles", "time us", "matrix", "vector",
               "DRAM MB", "kilnc s", "sim s", "match"))
        for name, n_in in BLOCKS:
            data = os.path.join(ex, "data", name)
            inputs = ["--input=%s" % os.path.join(data, "input_%d.npy" % i)
                      for i in range(n_in)]
            expected = np.load(os.path.join(data, "expected_0.npy"))
            for target in args.targets.split(","):
                binary = os.path.join(tmp, "%s-%s.npubin" % (name, target))
                _, compile_s = run([os.path.join(bindir, "kilnc"),
                                    os.path.join(ex, name + ".mlir"),
                                    "--target=npu:" + target, "--emit=npubin",
                                    "-o", binary])
                out = os.path.join(tmp, "out-%s-%s" % (name, target))
                text, sim_s = run([os.path.join(bindir, "kiln-npu-sim"), binary,
                                   "--output-dir=" + out] + inputs)
                got = np.load(os.path.join(out, "output_0.npy"))
                ok = np.allclose(got, expected, rtol=1e-4, atol=1e-5)
                dram = (float(field(text, r"DRAM bytes read: (\d+)")) +
                        float(field(text, r"DRAM bytes written: (\d+)"))) / 1e6
                print("%-11s %-6s %11s %10s %8s %8s %9.1f %8.2f %7.2f %6s" % (
                    name, target, field(text, r"cycles: (\d+)"),
                    field(text, r"time: ([\d.]+) us"),
                    field(text, r"matrix unit utilization: ([\d.]+%)"),
                    field(text, r"vector unit utilization: ([\d.]+%)"),
                    dram, compile_s, sim_s, "OK" if ok else "NO"))
                if not ok:
                    sys.exit("%s on %s does not match PyTorch" % (name, target))


if __name__ == "__main__":
    main()
