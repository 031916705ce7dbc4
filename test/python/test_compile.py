"""kiln.compile and calling compiled functions with NumPy arrays."""

import os

import numpy as np
import pytest

import kiln
from conftest import ATOL, RTOL

TARGETS = ["ref", "cpu"]


def unary(op, dtype="f32", shape="8x16"):
    t = "tensor<%sx%s>" % (shape, dtype)
    return kiln.Module.parse(
        "func.func @f(%%x: %s) -> %s {\n  %%y = kiln.%s %%x : %s\n"
        "  return %%y : %s\n}" % (t, t, op, t, t))


@pytest.mark.parametrize("target", TARGETS)
def test_matmul_add_relu_against_numpy(target, rng):
    m = kiln.Module.parse("""
func.func @mlp(%x: tensor<16x32xf32>, %w: tensor<32x24xf32>, %b: tensor<24xf32>) -> tensor<16x24xf32> {
  %h = kiln.matmul %x, %w : tensor<16x32xf32>, tensor<32x24xf32> -> tensor<16x24xf32>
  %y = kiln.add %h, %b : tensor<16x24xf32>, tensor<24xf32> -> tensor<16x24xf32>
  %r = kiln.relu %y : tensor<16x24xf32>
  return %r : tensor<16x24xf32>
}""")
    f = kiln.compile(m, target=target)
    x = rng.standard_normal((16, 32), dtype=np.float32)
    w = rng.standard_normal((32, 24), dtype=np.float32)
    b = rng.standard_normal(24, dtype=np.float32)
    y = f(x, w, b)
    assert y.dtype == np.float32 and y.shape == (16, 24)
    np.testing.assert_allclose(y, np.maximum(x @ w + b, 0), rtol=RTOL, atol=ATOL)
    assert f.signature.name == "mlp"
    assert f.target == target
    assert repr(f).startswith("<kiln.CompiledFunction @mlp(")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("op,reference", [
    ("exp", np.exp),
    ("tanh", np.tanh),
    ("sqrt", lambda x: np.sqrt(np.abs(x))),
    ("neg", np.negative),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
])
def test_unary_ops(target, op, reference, rng):
    x = rng.standard_normal((8, 16), dtype=np.float32)
    if op == "sqrt":
        x = np.abs(x)
    y = kiln.compile(unary(op), target)(x)
    np.testing.assert_allclose(y, reference(x), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("target", TARGETS)
def test_softmax_layer_norm_reduce(target, rng):
    m = kiln.Module.parse("""
func.func @f(%x: tensor<4x32xf32>, %g: tensor<32xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4xf32>) {
  %s = kiln.softmax %x : tensor<4x32xf32>
  %n = kiln.layer_norm %x scale %g : (tensor<4x32xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  %r = kiln.reduce max %x axes = [1] : tensor<4x32xf32> -> tensor<4xf32>
  return %s, %n, %r : tensor<4x32xf32>, tensor<4x32xf32>, tensor<4xf32>
}""")
    x = rng.standard_normal((4, 32), dtype=np.float32)
    g = rng.standard_normal(32, dtype=np.float32)
    s, n, r = kiln.compile(m, target)(x, g)
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(s, e / e.sum(1, keepdims=True), rtol=RTOL, atol=ATOL)
    mu = x.mean(1, keepdims=True)
    var = ((x - mu) ** 2).mean(1, keepdims=True)
    np.testing.assert_allclose(n, (x - mu) / np.sqrt(var + 1e-5) * g,
                               rtol=RTOL, atol=1e-4)
    np.testing.assert_array_equal(r, x.max(1))


@pytest.mark.parametrize("target", TARGETS)
def test_integer_bool_and_gather(target):
    m = kiln.Module.parse("""
func.func @f(%table: tensor<5x3xf32>, %ids: tensor<2x4xi64>, %a: tensor<4xi32>, %b: tensor<4xi32>, %c: tensor<4xi1>) -> (tensor<2x4x3xf32>, tensor<4xi32>, tensor<4xi32>) {
  %e = kiln.gather %table[%ids] : tensor<5x3xf32>, tensor<2x4xi64> -> tensor<2x4x3xf32>
  %s = kiln.mul %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %w = kiln.where %c, %a, %b : tensor<4xi1>, tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %e, %s, %w : tensor<2x4x3xf32>, tensor<4xi32>, tensor<4xi32>
}""")
    table = np.arange(15, dtype=np.float32).reshape(5, 3)
    ids = np.array([[0, 4, 2, 2], [1, 3, 0, 4]], dtype=np.int64)
    a = np.array([1, -2, 3, 100000], dtype=np.int32)
    b = np.array([5, 6, -7, 100000], dtype=np.int32)
    c = np.array([True, False, True, False])
    e, s, w = kiln.compile(m, target)(table, ids, a, b, c)
    np.testing.assert_array_equal(e, table[ids])
    assert s.dtype == np.int32 and w.dtype == np.int32
    np.testing.assert_array_equal(s, a * b)  # wraps like NumPy's int32
    np.testing.assert_array_equal(w, np.where(c, a, b))


@pytest.mark.parametrize("target", TARGETS)
def test_f16_and_i8(target, rng):
    m = kiln.Module.parse("""
func.func @f(%x: tensor<8xf16>, %y: tensor<8xi8>) -> (tensor<8xf16>, tensor<8xi8>, tensor<8xf32>) {
  %s = kiln.add %x, %x : tensor<8xf16>, tensor<8xf16> -> tensor<8xf16>
  %t = kiln.add %y, %y : tensor<8xi8>, tensor<8xi8> -> tensor<8xi8>
  %c = kiln.cast %x : tensor<8xf16> -> tensor<8xf32>
  return %s, %t, %c : tensor<8xf16>, tensor<8xi8>, tensor<8xf32>
}""")
    x = rng.standard_normal(8).astype(np.float16)
    y = np.array([1, 2, 3, 100, -100, 0, 127, -128], dtype=np.int8)
    s, t, c = kiln.compile(m, target)(x, y)
    assert s.dtype == np.float16 and t.dtype == np.int8
    np.testing.assert_array_equal(s, x + x)
    np.testing.assert_array_equal(t, (y.astype(np.int64) * 2).astype(np.int8))
    np.testing.assert_array_equal(c, x.astype(np.float32))


@pytest.mark.parametrize("target", TARGETS)
def test_bf16_takes_float32_or_bits_and_returns_float32(target):
    m = kiln.Module.parse("""
func.func @f(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %y = kiln.add %x, %x : tensor<4xbf16>, tensor<4xbf16> -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}""")
    f = kiln.compile(m, target)
    x = np.array([1.0, 1.0078125, -3.5, 1.001], dtype=np.float32)
    y = f(x)
    assert y.dtype == np.float32
    # 1.001 rounds to the bf16 1.0 on the way in.
    np.testing.assert_array_equal(y, [2.0, 2.015625, -7.0, 2.0])
    # Ties round to even: 1 + 2^-8 is halfway between 1 and 1 + 2^-7.
    np.testing.assert_array_equal(f(np.float32([1.00390625, 1.01171875, 0, 0])),
                                  [2.0, 2.03125, 0, 0])
    bits = np.array([0x3F80, 0x4000, 0xC060, 0x0000], dtype=np.uint16)  # 1, 2, -3.5, 0
    np.testing.assert_array_equal(f(bits), [2.0, 4.0, -7.0, 0.0])


def test_rank0_and_scalar_arguments():
    m = kiln.Module.parse("""
func.func @f(%x: tensor<f32>, %y: tensor<3xf32>) -> tensor<3xf32> {
  %z = kiln.mul %y, %x : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  return %z : tensor<3xf32>
}""")
    for target in TARGETS:
        f = kiln.compile(m, target)
        np.testing.assert_array_equal(
            f(np.float32(2.0), np.arange(3, dtype=np.float32)), [0, 2, 4])
        # Python numbers and lists are converted to the argument's dtype.
        np.testing.assert_array_equal(f(3.0, [1.0, 2.0, 3.0]), [3, 6, 9])


def test_wrong_arguments_raise():
    f = kiln.compile(unary("exp"), "cpu")
    x = np.zeros((8, 16), np.float32)
    with pytest.raises(TypeError, match=r"@f takes 1 argument \(tensor<8x16xf32>\), got 2"):
        f(x, x)
    with pytest.raises(TypeError) as info:
        f(x.astype(np.float64))
    assert str(info.value) == ("argument 0 of @f (tensor<8x16xf32>): expected a "
                               "float32 array, got float64")
    with pytest.raises(ValueError) as info:
        f(np.zeros((8, 15), np.float32))
    assert str(info.value) == ("argument 0 of @f (tensor<8x16xf32>): expected "
                               "shape (8, 16), got (8, 15)")
    with pytest.raises(ValueError, match=r"expected shape \(8, 16\), got \(128,\)"):
        f(np.zeros(128, np.float32))
    with pytest.raises(TypeError, match="expected a float32 array, got str"):
        f("hello")
    # Non-contiguous and byte-swapped arrays are fine.
    y = np.arange(8 * 32, dtype=np.float32).reshape(8, 32)[:, ::2] / 100
    np.testing.assert_allclose(f(y), np.exp(y), rtol=RTOL)
    np.testing.assert_allclose(f(y.astype(">f4")), np.exp(y), rtol=RTOL)


def test_dynamic_shapes_on_ref_and_cpu_error():
    m = kiln.Module.parse("""
func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = kiln.exp %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}""")
    f = kiln.compile(m, "ref")
    for n in (1, 3):
        x = np.ones((n, 4), np.float32)
        np.testing.assert_allclose(f(x), np.exp(x), rtol=RTOL)
    with pytest.raises(ValueError, match=r"expected shape \(\?, 4\), got \(3, 5\)"):
        f(np.ones((3, 5), np.float32))
    with pytest.raises(kiln.CompileError, match="static shapes"):
        kiln.compile(m, "cpu")


def test_unknown_target():
    with pytest.raises(ValueError, match="unknown target 'tpu'; available targets: ref, cpu"):
        kiln.compile(unary("exp"), "tpu")
    # The first two; the gpu and npu backends add theirs after.
    assert kiln.targets()[:2] == ["ref", "cpu"]


def test_compile_accepts_text_and_rejects_other_types():
    f = kiln.compile(str(unary("neg")), "ref")
    np.testing.assert_array_equal(f(np.ones((8, 16), np.float32)), -1)
    with pytest.raises(TypeError, match="kiln.Module or kiln IR text"):
        kiln.compile(42)


def test_runtime_error_is_an_exception():
    m = kiln.Module.parse("""
func.func @f(%t: tensor<4x2xf32>, %i: tensor<3xi64>) -> tensor<3x2xf32> {
  %g = kiln.gather %t[%i] : tensor<4x2xf32>, tensor<3xi64> -> tensor<3x2xf32>
  return %g : tensor<3x2xf32>
}""")
    f = kiln.compile(m, "ref")
    with pytest.raises(kiln.ExecutionError, match="out of range"):
        f(np.zeros((4, 2), np.float32), np.array([0, 7, 1]))


def test_examples_against_pytorch_outputs(examples_dir):
    """The bundled GPT-2 block on the JIT, against PyTorch's saved output."""
    m = kiln.Module.load(os.path.join(examples_dir, "gpt2_block.mlir"))
    data = os.path.join(examples_dir, "data", "gpt2_block")
    x = np.load(os.path.join(data, "input_0.npy"))
    expected = np.load(os.path.join(data, "expected_0.npy"))
    np.testing.assert_allclose(kiln.compile(m, "cpu")(x), expected,
                               rtol=RTOL, atol=ATOL)


def test_set_num_threads():
    kiln.set_num_threads(1)
    f = kiln.compile(unary("exp"), "cpu")
    x = np.ones((8, 16), np.float32)
    np.testing.assert_allclose(f(x), np.exp(x), rtol=RTOL)
    kiln.set_num_threads(0)
    with pytest.raises(ValueError):
        kiln.set_num_threads(-1)


def test_emit_library(tmp_path, rng):
    lib = tmp_path / "libmlp.so"
    m = kiln.Module.parse("""
func.func @mlp(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>) -> tensor<4x2xf32> {
  %h = kiln.matmul %x, %w : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
  return %h : tensor<4x2xf32>
}""")
    f = kiln.compile(m, emit_library=str(lib))
    assert lib.exists() and (tmp_path / "libmlp.h").exists()
    assert "mlp" in (tmp_path / "libmlp.h").read_text()
    x = rng.standard_normal((4, 8), dtype=np.float32)
    w = rng.standard_normal((8, 2), dtype=np.float32)
    np.testing.assert_allclose(f(x, w), x @ w, rtol=RTOL, atol=ATOL)
    g = kiln.load_library(str(lib))
    assert str(g.signature) == "@mlp(tensor<4x8xf32>, tensor<8x2xf32>) -> (tensor<4x2xf32>)"
    with pytest.raises(ValueError, match="expected shape"):
        g(x[:2], w)
    with pytest.raises(kiln.ExecutionError):
        kiln.load_library(str(tmp_path / "missing.so"))
