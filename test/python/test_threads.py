"""Compiled functions and compiles release the GIL (docs/python.md,
"Threads"): calls from several Python threads run at once and give the
results they give alone, and other Python threads keep running while one
thread is inside a call or a compile."""

import threading
import time

import numpy as np
import pytest

import kiln
from conftest import ATOL, RTOL

MLP = """
func.func @mlp(%x: tensor<N x64xf32>, %w: tensor<64x64xf32>) -> tensor<N x64xf32> {
  %h = kiln.matmul %x, %w : tensor<N x64xf32>, tensor<64x64xf32> -> tensor<N x64xf32>
  %y = kiln.tanh %h : tensor<N x64xf32>
  return %y : tensor<N x64xf32>
}"""


def mlp(rows):
    return kiln.Module.parse(MLP.replace("N x", "%dx" % rows))


def run_threads(work, n):
    """Runs work(i) on n threads started together; re-raises a failure."""
    barrier = threading.Barrier(n)
    errors = []

    def body(i):
        try:
            barrier.wait()
            work(i)
        except BaseException as e:  # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@pytest.mark.parametrize("target", ["ref", "cpu"])
def test_two_threads_call_one_function_concurrently(target, rng):
    f = kiln.compile(mlp(32), target=target)
    w = rng.standard_normal((64, 64), dtype=np.float32) * 0.1
    xs = [rng.standard_normal((32, 64), dtype=np.float32) for _ in range(2)]
    results = [[], []]

    def work(i):
        for _ in range(20):
            results[i].append(f(xs[i], w))

    run_threads(work, 2)
    for i in range(2):
        expected = np.tanh(xs[i] @ w)
        assert len(results[i]) == 20
        for got in results[i]:
            np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_two_threads_compile_and_call_concurrently(rng):
    w = rng.standard_normal((64, 64), dtype=np.float32) * 0.1
    modules = [mlp(8), mlp(16)]
    shared = mlp(4)  # both threads compile this one too (one MLIRContext)
    got = [None, None]

    def work(i):
        f = kiln.compile(modules[i], target="cpu")
        g = kiln.compile(shared, target="cpu")
        x = np.ones((8 * (i + 1), 64), np.float32)
        got[i] = (f(x, w), g(np.ones((4, 64), np.float32), w))

    run_threads(work, 2)
    for i in range(2):
        np.testing.assert_allclose(
            got[i][0], np.tanh(np.ones((8 * (i + 1), 64), np.float32) @ w),
            rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(
            got[i][1], np.tanh(np.ones((4, 64), np.float32) @ w),
            rtol=RTOL, atol=ATOL)


def longest_pause_while(action):
    """Runs action() on a thread; meanwhile this thread loops, noting the
    longest time from the start of action (or from one of its own
    iterations) to its next iteration. Returns (that pause, the time action
    took). With the GIL held through action, this thread is stopped for
    about all of it."""
    started, done = threading.Event(), threading.Event()
    times = []

    def body():
        t0 = time.perf_counter()
        times.append(t0)
        started.set()
        action()
        times.append(time.perf_counter() - t0)
        done.set()

    t = threading.Thread(target=body)
    t.start()
    started.wait()
    longest, last = 0.0, times[0]
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    # Stopped until after action ended, the loop saw `done` at once.
    longest = max(longest, min(time.perf_counter(), times[0] + times[1]) - last)
    t.join()
    return longest, times[1]


def test_other_threads_run_during_a_call(rng):
    # One thread of compiled code for about a quarter of a second.
    n = 640
    m = kiln.Module.parse("""
func.func @mm(%a: tensor<NxNxf32>, %b: tensor<NxNxf32>) -> tensor<NxNxf32> {
  %c = kiln.matmul %a, %b : tensor<NxNxf32>, tensor<NxNxf32> -> tensor<NxNxf32>
  return %c : tensor<NxNxf32>
}""".replace("N", str(n)))
    f = kiln.compile(m, target="ref")
    a = rng.standard_normal((n, n), dtype=np.float32)
    out = []
    pause, took = longest_pause_while(lambda: out.append(f(a, a)))
    np.testing.assert_allclose(out[0], a @ a, rtol=1e-3, atol=1e-3)
    assert took > 0.05, "the call was too short to tell (%.3f s)" % took
    # Held, the loop would stop for the whole call; released, only for
    # Python's thread switches (5 ms) and the OS's scheduling.
    assert pause < took / 2, "pause %.3f s during a %.3f s call" % (pause, took)


def test_other_threads_run_during_a_compile():
    layers = "\n".join(
        "  %%h%d = kiln.matmul %%h%d, %%w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>"
        % (i + 1, i) for i in range(24))
    m = kiln.Module.parse(
        "func.func @deep(%h0: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {\n"
        + layers + "\n  return %h24 : tensor<64x64xf32>\n}")
    compiled = []
    pause, took = longest_pause_while(
        lambda: compiled.append(kiln.compile(m, target="cpu")))
    assert compiled[0].name == "deep"
    assert took > 0.05, "the compile was too short to tell (%.3f s)" % took
    assert pause < took / 2, "pause %.3f s during a %.3f s compile" % (pause, took)
