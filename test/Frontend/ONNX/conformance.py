#!/usr/bin/python3
"""ONNX's own operator tests as Kiln's conformance suite (docs/onnx.md).

Runs every test of Debian's libonnx-testdata
(/usr/share/libonnx-testdata/data/node/<test>/: model.onnx, and
test_data_set_0/input_K.pb, output_K.pb) whose operators are all in the
set the importer supports, on each target with kiln-run, and compares the
outputs with ONNX's expected outputs. Prints one line per test and a
summary; exits 1 when an in-scope test fails, or when a test listed as out
of scope passes (so the list stays true).

    /usr/bin/python3 test/Frontend/ONNX/conformance.py --kiln-run=build/bin/kiln-run

Tolerances (rtol, atol), by the outputs' element type: float32 1e-4/1e-5,
float16 1e-3/1e-3, bfloat16 1e-2/1e-2; integers and booleans exactly.

Kiln compiles static shapes: inputs that the importer needs at import time
(Reshape's shape, Slice's bounds, Unsqueeze's axes, ...; IMPORT_TIME_INPUTS)
are turned into initializers holding the test's values before the model is
run; the other inputs are passed to kiln-run as .npy files.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data/node"

# The operators the importer supports (lib/kiln/Frontend/ONNX/Coverage.cpp).
SUPPORTED = {
    "Abs", "Add", "Cast", "Concat", "Constant", "ConstantOfShape", "CumSum",
    "Div", "Equal", "Erf", "Exp", "Expand", "Flatten", "Gather", "Gemm",
    "Identity", "LayerNormalization", "Log", "MatMul", "Max", "Min", "Mul",
    "Neg", "Not", "Pow", "Reciprocal", "ReduceMax", "ReduceMean", "ReduceSum",
    "Relu", "Reshape", "Shape", "Sigmoid", "Size", "Slice", "Softmax", "Split",
    "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Trilu", "Unsqueeze",
    "Where",
}

# Inputs (by position) that the importer reads at import time.
IMPORT_TIME_INPUTS = {
    "ConstantOfShape": [0],
    "CumSum": [1],
    "Expand": [1],
    "ReduceSum": [1],
    "Reshape": [1],
    "Slice": [1, 2, 3, 4],
    "Split": [1],
    "Squeeze": [1],
    "Trilu": [1],
    "Unsqueeze": [1],
}

# Tests of supported operators that are out of scope on every target, and
# why. They are not run unless --run-out-of-scope is given (then they must
# still fail).
OUT_OF_SCOPE = {
    "test_add_uint8": "element type UINT8: not a kiln type",
    "test_cast_DOUBLE_to_FLOAT": "element type DOUBLE: not a kiln type",
    "test_cast_DOUBLE_to_FLOAT16": "element type DOUBLE: not a kiln type",
    "test_cast_FLOAT16_to_DOUBLE": "element type DOUBLE: not a kiln type",
    "test_cast_FLOAT_to_DOUBLE": "element type DOUBLE: not a kiln type",
    "test_cast_FLOAT_to_STRING": "element type STRING: not a kiln type",
    "test_cast_STRING_to_FLOAT": "element type STRING: not a kiln type",
    "test_castlike_DOUBLE_to_FLOAT16_expanded": "element type DOUBLE: not a kiln type",
    "test_castlike_DOUBLE_to_FLOAT_expanded": "element type DOUBLE: not a kiln type",
    "test_castlike_FLOAT16_to_DOUBLE_expanded": "element type DOUBLE: not a kiln type",
    "test_castlike_FLOAT_to_DOUBLE_expanded": "element type DOUBLE: not a kiln type",
    "test_castlike_FLOAT_to_STRING_expanded": "element type STRING: not a kiln type",
    "test_castlike_STRING_to_FLOAT_expanded": "element type STRING: not a kiln type",
    "test_cumsum_1d": "element type DOUBLE: not a kiln type",
    "test_cumsum_1d_exclusive": "element type DOUBLE: not a kiln type",
    "test_cumsum_1d_reverse": "element type DOUBLE: not a kiln type",
    "test_cumsum_1d_reverse_exclusive": "element type DOUBLE: not a kiln type",
    "test_cumsum_2d_axis_0": "element type DOUBLE: not a kiln type",
    "test_cumsum_2d_axis_1": "element type DOUBLE: not a kiln type",
    "test_cumsum_2d_negative_axis": "element type DOUBLE: not a kiln type",
    "test_div_uint8": "element type UINT8: not a kiln type",
    "test_max_float64": "element type DOUBLE: not a kiln type",
    "test_max_int16": "element type INT16: not a kiln type",
    "test_max_uint16": "element type UINT16: not a kiln type",
    "test_max_uint32": "element type UINT32: not a kiln type",
    "test_max_uint64": "element type UINT64: not a kiln type",
    "test_max_uint8": "element type UINT8: not a kiln type",
    "test_min_float64": "element type DOUBLE: not a kiln type",
    "test_min_int16": "element type INT16: not a kiln type",
    "test_min_uint16": "element type UINT16: not a kiln type",
    "test_min_uint32": "element type UINT32: not a kiln type",
    "test_min_uint64": "element type UINT64: not a kiln type",
    "test_min_uint8": "element type UINT8: not a kiln type",
    "test_mul_uint8": "element type UINT8: not a kiln type",
    "test_pow_types_float32_uint32": "element type UINT32: not a kiln type",
    "test_pow_types_float32_uint64": "element type UINT64: not a kiln type",
    "test_sub_uint8": "element type UINT8: not a kiln type",
    "test_castlike_BFLOAT16_to_FLOAT_expanded":
        "bad test data: input 'like' holds 1 element, the model declares [3, 4]",
    "test_castlike_FLOAT_to_BFLOAT16_expanded":
        "bad test data: input 'like' holds 1 element, the model declares [3, 4]",
    "test_identity_opt": "optional types: Kiln imports tensors only",
    "test_identity_sequence": "sequence types: Kiln imports tensors only",
    "test_pow_types_float": "integer base (INT64): kiln.pow takes floats",
    "test_pow_types_int32_float32": "integer base (INT32): kiln.pow takes floats",
    "test_pow_types_int32_int32": "integer base (INT32): kiln.pow takes floats",
    "test_pow_types_int64_float32": "integer base (INT64): kiln.pow takes floats",
    "test_pow_types_int64_int64": "integer base (INT64): kiln.pow takes floats",
}

# Tests that fail on one target for a known reason outside the importer
# (a backend bug, reported with a reproducer). They run; passing one is
# reported (XPASS) so the entry gets removed.
KNOWN_FAILURES = {
    # "test_name": {"cpu": "cpu backend: what goes wrong (reproducer)"},
    # None today: every in-scope test passes on ref, cpu and npu:edge.
}

TOLERANCES = {
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float16): (1e-3, 1e-3),
}
BF16_TOLERANCE = (1e-2, 1e-2)


def read_tensor(path, declared):
    """The tensor in `path` as a numpy array, and whether it is bfloat16.
    `declared` is the graph's element type for it (the test data stores
    bfloat16 tensors as UINT16)."""
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    array = numpy_helper.to_array(tensor)
    if declared == onnx.TensorProto.BFLOAT16 and array.dtype == np.uint16:
        # numpy has no bfloat16: kiln-run takes float32 for bf16 (exact).
        return (array.astype(np.uint32) << 16).view(np.float32), True
    return array, False


def discover(data_dir):
    """(test name, directory, op types) of every test."""
    tests = []
    for name in sorted(os.listdir(data_dir)):
        path = os.path.join(data_dir, name)
        model_path = os.path.join(path, "model.onnx")
        if not os.path.isfile(model_path):
            continue
        model = onnx.load(model_path)
        ops = {n.op_type for n in model.graph.node}
        tests.append((name, path, ops))
    return tests


def prepare(name, path, work):
    """Writes the model (with import-time inputs frozen) and .npy files;
    returns (model path, input paths, expected paths, rtol, atol)."""
    model = onnx.load(os.path.join(path, "model.onnx"))
    data_dir = os.path.join(path, "test_data_set_0")
    initializers = {t.name for t in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in initializers]
    frozen = set()
    for node in model.graph.node:
        for pos in IMPORT_TIME_INPUTS.get(node.op_type, []):
            if pos < len(node.input) and node.input[pos]:
                frozen.add(node.input[pos])
    out_dir = os.path.join(work, name)
    os.makedirs(out_dir, exist_ok=True)
    inputs, kept = [], []
    for k, info in enumerate(graph_inputs):
        array, _ = read_tensor(os.path.join(data_dir, "input_%d.pb" % k),
                               info.type.tensor_type.elem_type)
        if info.name in frozen:
            model.graph.initializer.append(
                numpy_helper.from_array(array, info.name))
            continue
        kept.append(info)
        npy = os.path.join(out_dir, "input_%d.npy" % k)
        np.save(npy, array)
        inputs.append(npy)
    model_path = os.path.join(path, "model.onnx")
    if len(kept) != len(graph_inputs):
        del model.graph.input[:]
        model.graph.input.extend(kept)
        model_path = os.path.join(out_dir, "model.onnx")
        onnx.save(model, model_path)
    expected = []
    rtol, atol = 0.0, 0.0
    for k, info in enumerate(model.graph.output):
        array, bf16 = read_tensor(os.path.join(data_dir, "output_%d.pb" % k),
                                  info.type.tensor_type.elem_type)
        npy = os.path.join(out_dir, "expected_%d.npy" % k)
        np.save(npy, array)
        expected.append(npy)
        tol = BF16_TOLERANCE if bf16 else TOLERANCES.get(array.dtype, (0, 0))
        rtol, atol = max(rtol, tol[0]), max(atol, tol[1])
    return model_path, inputs, expected, rtol, atol


def reason_of(output):
    """The line of kiln-run's output that says why it failed."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        if "error:" in l or "MISMATCH" in l:
            l = re.sub(r"^\S*model\.onnx:0:0: ", "", l)
            if "cannot import the model" in l and i + 1 < len(lines):
                l = "error: unsupported: " + lines[i + 1]  # The first entry.
            return l
    return lines[-1] if lines else "no output"


def run_test(kiln_run, test, targets, work):
    name, path, _ = test
    try:
        model, inputs, expected, rtol, atol = prepare(name, path, work)
    except Exception as e:  # noqa: BLE001 - reported as the test's reason
        return {t: ("FAIL", "cannot read the test data: %s" % e) for t in targets}
    results = {}
    for target in targets:
        cmd = [kiln_run, model, "--target=" + target,
               "--rtol=%g" % rtol, "--atol=%g" % atol]
        if inputs:
            cmd.append("--input=" + ",".join(inputs))
        cmd.append("--expect=" + ",".join(expected))
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode == 0:
            results[target] = ("pass", "")
        else:
            results[target] = ("FAIL", reason_of(proc.stdout))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiln-run", default="kiln-run",
                        help="the kiln-run binary")
    parser.add_argument("--data", default=DATA,
                        help="libonnx-testdata's node test directory")
    parser.add_argument("--targets", default="ref,cpu")
    parser.add_argument("--filter", default="",
                        help="only tests whose name matches this regex")
    parser.add_argument("--run-out-of-scope", action="store_true",
                        help="run the out-of-scope tests too (they must "
                             "still fail)")
    parser.add_argument("--jobs", type=int,
                        default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", help="where to write models and .npy "
                        "files (default: a temporary directory)")
    args = parser.parse_args()
    targets = args.targets.split(",")

    if not os.path.isdir(args.data):
        print("error: no ONNX operator tests at %s; install them with "
              "'apt-get install libonnx-testdata' (scripts/setup.sh does)" %
              args.data)
        return 1
    tests = [t for t in discover(args.data) if t[2] and t[2] <= SUPPORTED]
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t[0])]
    for name in list(OUT_OF_SCOPE) + list(KNOWN_FAILURES):
        if not os.path.isdir(os.path.join(args.data, name)):
            print("error: listed test %s does not exist" % name)
            return 1

    start = time.time()
    work = args.work or tempfile.mkdtemp(prefix="kiln-conformance-")
    to_run = [t for t in tests
              if args.run_out_of_scope or t[0] not in OUT_OF_SCOPE]
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = {t[0]: pool.submit(run_test, args.kiln_run, t, targets, work)
                   for t in to_run}
        results = {name: f.result() for name, f in futures.items()}

    width = max([len(t[0]) for t in tests] + [4])
    header = "%-*s  " % (width, "test") + "  ".join(
        "%-5s" % t for t in targets) + "  reason"
    print(header)
    print("-" * len(header))
    statuses = ["pass", "FAIL", "xfail", "XPASS"]
    counts = {t: dict.fromkeys(statuses, 0) for t in targets}
    failures = 0
    skipped = 0
    for name, _, _ in tests:
        scope = OUT_OF_SCOPE.get(name)
        if name not in results:
            skipped += 1
            print("%-*s  " % (width, name) +
                  "  ".join("%-5s" % "-" for _ in targets) +
                  "  out of scope: " + scope)
            continue
        known = KNOWN_FAILURES.get(name, {})
        cells, reasons = [], []
        all_pass = True
        for t in targets:
            status, reason = results[name][t]
            if t in known:
                status = "xfail" if status == "FAIL" else "XPASS"
                reason = (known[t] if status == "xfail" else
                          "XPASS on %s: listed in KNOWN_FAILURES but passes" % t)
            all_pass &= status == "pass"
            if scope:
                cells.append("%-5s" % status.lower())
                continue  # Judged below, as a whole.
            if status in ("FAIL", "XPASS"):
                failures += 1
            counts[t][status] += 1
            cells.append("%-5s" % status)
            if reason and reason not in reasons:
                reasons.append(reason)
        if scope:
            skipped += 1
            if all_pass:
                failures += 1
                reasons = ["XPASS: listed as out of scope (%s) but passes" %
                           scope]
            else:
                reasons = ["out of scope: " + scope]
        print("%-*s  " % (width, name) + "  ".join(cells) + "  " +
              "; ".join(reasons))
    print("-" * len(header))
    summary = "%d tests, %d out of scope" % (len(tests), skipped)
    for t in targets:
        c = counts[t]
        summary += "; %s: %d passed, %d failed, %d known failures" % (
            t, c["pass"], c["FAIL"] + c["XPASS"], c["xfail"])
    print(summary + " (%.0f s)" % (time.time() - start))
    print("conformance: %s" % ("FAILED" if failures else "OK"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
