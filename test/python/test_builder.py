"""kiln.Builder: emitting kiln IR from Python."""

import numpy as np
import pytest

import kiln
from conftest import ATOL, RTOL


def build_mlp(rng):
    b = kiln.Builder()
    x, = b.function("mlp", ((2, 8, 32), "f32"))
    w1 = b.constant(rng.standard_normal((32, 64), dtype=np.float32), name="fc1.weight")
    g = b.constant(np.ones(64, np.float32))
    h = b.layer_norm(x @ w1, scale=g, epsilon=1e-5)
    h = b.gelu(h, approximate="tanh")
    w2 = b.constant(rng.standard_normal((64, 32), dtype=np.float32), name="fc2.weight")
    y = x + h @ w2 * 0.5
    b.ret(y)
    return b.module()


def test_builder_module_round_trips(rng):
    m = build_mlp(rng)
    text = str(m)
    assert "dense_resource<fc1.weight> : tensor<32x64xf32>" in text
    assert "kiln.gelu" in text and "approximate = tanh" in text
    # The splat of ones is written inline, the scalar too.
    assert "dense<1.000000e+00> : tensor<64xf32>" in text
    assert "dense<5.000000e-01> : tensor<f32>" in text
    again = kiln.Module.parse(text)
    assert str(again) == text
    assert str(again.signature()) == "@mlp(tensor<2x8x32xf32>) -> (tensor<2x8x32xf32>)"


def test_builder_module_runs_like_numpy(rng):
    m = build_mlp(np.random.default_rng(1))
    x = rng.standard_normal((2, 8, 32), dtype=np.float32)
    ref = kiln.compile(m, "ref")(x)
    cpu = kiln.compile(m, "cpu")(x)
    np.testing.assert_allclose(cpu, ref, rtol=RTOL, atol=1e-4)
    # And against NumPy.
    r = np.random.default_rng(1)
    w1 = r.standard_normal((32, 64), dtype=np.float32)
    w2 = r.standard_normal((64, 32), dtype=np.float32)
    h = x @ w1
    h = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + 1e-5)
    h = 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h ** 3)))
    np.testing.assert_allclose(ref, x + h @ w2 * 0.5, rtol=1e-3, atol=1e-3)


def test_types_come_from_the_ops_inference():
    b = kiln.Builder()
    q, k, v = b.function("attn", ((1, 8, 16, 32), "f32"), ((1, 2, 16, 32), "f32"),
                         ((1, 2, 16, 32), "f32"))
    o = b.attention(q, k, v, causal=True)
    assert o.shape == (1, 8, 16, 32) and o.dtype == "f32"
    s = b.matmul(q, q, transpose_b=True)
    assert s.shape == (1, 8, 16, 16)
    r = b.reduce(s, "mean", [-1], keepdims=True)
    assert r.shape == (1, 8, 16, 1)
    t = b.transpose(o, [0, 2, 1, 3])
    assert t.shape == (1, 16, 8, 32)
    flat = b.reshape(t, (1, 16, -1))
    assert flat.shape == (1, 16, 256)
    c = b.cast(flat, "bf16")
    assert c.dtype == "bf16"
    b.ret(c)
    m = b.module()
    assert "kiln.attention" in str(m) and "causal" in str(m)


def test_indexing():
    b = kiln.Builder()
    x, ids = b.function("f", ((4, 6, 8), "f32"), ((3,), "i64"))
    outs = [x[1], x[:, 2:5], x[..., ::2], x[None, :, -1], x[:, :, ids],
            b.split(x, [2, 4], axis=1)[1]]
    assert [o.shape for o in outs] == [(6, 8), (4, 3, 8), (4, 6, 4),
                                      (1, 4, 8), (4, 6, 3), (4, 4, 8)]
    b.ret(*outs)
    f = kiln.compile(b.module(), "ref")
    xs = np.arange(4 * 6 * 8, dtype=np.float32).reshape(4, 6, 8)
    i = np.array([7, 0, 3])
    got = f(xs, i)
    want = [xs[1], xs[:, 2:5], xs[..., ::2], xs[None, :, -1], xs[:, :, i],
            xs[:, 2:6]]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_dtypes_and_constants():
    b = kiln.Builder()
    x, = b.function("f", ((3,), "i32"))
    y = x * 3 + b.constant(np.array([1, 2, 3], np.int32))
    m = b.where(b.constant(np.array([True, False, True])), y, 0)
    h = b.constant(np.array([1.5, 2.5, 3.5]), "bf16")
    b.ret(m, h)
    mod = b.module()
    assert "tensor<3xbf16>" in str(mod)
    got, half = kiln.compile(mod, "cpu")(np.array([1, 2, 3], np.int32))
    np.testing.assert_array_equal(got, [4, 0, 12])
    np.testing.assert_array_equal(half, [1.5, 2.5, 3.5])
    with pytest.raises(TypeError, match="no f64"):
        kiln.Builder().constant(0.5)
    with pytest.raises(TypeError, match="float64 has no kiln element type"):
        kiln.Builder().constant(np.zeros(3))


def test_errors_point_at_the_python_line():
    b = kiln.Builder()
    x, w = b.function("f", ((4, 8), "f32"), ((7, 2), "f32"))
    with pytest.raises(kiln.VerifyError) as info:
        b.matmul(x, w)  # the line in the message
    message = str(info.value)
    assert "test_builder.py:" in message
    assert "'kiln.matmul' op contracting dimensions differ" in message
    assert "b.matmul(x, w)  # the line in the message" in message
    # The failed op is gone; the builder goes on.
    b.ret(b.exp(x))
    assert "kiln.matmul" not in str(b.module())


def test_builder_misuse():
    b = kiln.Builder()
    with pytest.raises(ValueError, match="no function is open"):
        b.op("kiln.exp", [])
    x, = b.function("f", ((4,), "f32"))
    with pytest.raises(ValueError, match="unknown operation 'kiln.nope'"):
        b.op("kiln.nope", [x])
    with pytest.raises(kiln.VerifyError, match="must be ranked tensor of 32-bit float"):
        b.exp(b.constant(np.arange(4, dtype=np.int32)))
    # What type inference relies on is checked first: no crash on a wrong
    # operand count, a missing attribute or a bad enum value.
    with pytest.raises(kiln.VerifyError, match="'kiln.softmax' op requires a single operand"):
        b.op("kiln.softmax", [])
    with pytest.raises(kiln.VerifyError, match="'kiln.reduce' op requires attribute 'axes'"):
        b.op("kiln.reduce", [x], {"kind": "0 : i32"})
    with pytest.raises(kiln.VerifyError, match="Invalid attribute `approximate`"):
        b.op("kiln.gelu", [x], {"approximate": "5 : i32"})
    with pytest.raises(kiln.ParseError, match="cannot parse the attribute axis = "
                       "'array<i64: ': column 11: expected integer literal"):
        b.op("kiln.softmax", [x], {"axis": "array<i64: "})
    with pytest.raises(ValueError, match="the builder creates kiln ops, not 'func.return'"):
        b.op("func.return", [x])
    with pytest.raises(ValueError, match="still open"):
        b.module()
    with pytest.raises(ValueError, match="at most one -1"):
        b.reshape(x, (-1, -1))
    with pytest.raises(kiln.VerifyError):
        b.reshape(x, (3,))
    with pytest.raises(ValueError, match="gelu"):
        b.gelu(x, "fast")
    other = kiln.Builder()
    y, = other.function("g", ((4,), "f32"))
    with pytest.raises(ValueError, match="another Builder"):
        b.add(x, y)
    b.ret(x)
    b.module()
    with pytest.raises(ValueError, match="finished"):
        b.function("h", ((4,), "f32"))


def test_generic_op_and_location():
    b = kiln.Builder()
    x, = b.function("f", "tensor<2x3xf32>")
    with b.location(name="my.layer"):
        y = b.op("kiln.softmax", [x], {"axis": "0 : i64"})
    b.ret(y)
    m = b.module()
    assert "axis = 0" in str(m)
    assert 'loc("my.layer"' in m.to_string(locations=True)
    r = kiln.compile(m, "ref")(np.zeros((2, 3), np.float32))
    np.testing.assert_allclose(r, 0.5)


def test_dynamic_function_arguments():
    b = kiln.Builder()
    x, w = b.function("f", ((None, 4), "f32"), ((4, 3), "f32"))
    y = b.reshape(x @ w, (-1,))
    assert y.shape == (None,)
    b.ret(y)
    f = kiln.compile(b.module(), "ref")
    xs = np.ones((5, 4), np.float32)
    assert f(xs, np.ones((4, 3), np.float32)).shape == (15,)
