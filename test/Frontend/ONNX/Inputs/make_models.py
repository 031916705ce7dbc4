#!/usr/bin/python3
"""Writes the ONNX models of test/Frontend/ONNX into a directory, with inputs
and expected outputs (computed with numpy) as .npy files:

    make_models.py OUTDIR [NAME ...]     (default: every model)

For a model NAME: NAME.onnx, NAME.in<K>.npy, NAME.out<K>.npy. Models whose
name starts with "bad_" are malformed or unsupported on purpose and have no
data. Everything is deterministic (fixed seeds), so the tests can FileCheck
the imported IR.
"""

import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
I64 = TensorProto.INT64
I32 = TensorProto.INT32
BOOL = TensorProto.BOOL

MODELS = {}


def model(fn):
    MODELS[fn.__name__] = fn
    return fn


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    """A Constant node producing `array`."""
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.asarray(array),
                                                          name))


def build(name, nodes, inputs, outputs, opset=17, initializers=(),
          graph_name=None):
    graph = helper.make_graph(nodes, graph_name or name, inputs, outputs,
                              initializer=list(initializers))
    return helper.make_model(graph, producer_name="kiln-tests",
                             opset_imports=[helper.make_opsetid("", opset)])


erf = np.vectorize(math.erf, otypes=[np.float32])


def f32(a):
    return np.asarray(a, dtype=np.float32)


#===----------------------------------------------------------------------===#
# Models that import and run
#===----------------------------------------------------------------------===#

@model
def elementwise():
    rng = np.random.default_rng(1)
    x = f32(rng.standard_normal((2, 3, 4)))
    p = f32(rng.uniform(0.5, 2.0, (3, 4)))
    nodes = [
        helper.make_node("Add", ["x", "p"], ["add"], name="add"),
        helper.make_node("Sub", ["p", "x"], ["sub"], name="sub"),
        helper.make_node("Mul", ["x", "p"], ["mul"], name="mul"),
        helper.make_node("Div", ["x", "p"], ["div"], name="div"),
        const("three", np.array(3, dtype=np.int64)),
        helper.make_node("Pow", ["p", "three"], ["pow_int"], name="pow_int"),
        helper.make_node("Pow", ["p", "x"], ["pow"], name="pow"),
        helper.make_node("Sqrt", ["p"], ["sqrt"], name="sqrt"),
        helper.make_node("Erf", ["x"], ["erf"], name="erf"),
        helper.make_node("Tanh", ["x"], ["tanh"], name="tanh"),
        helper.make_node("Relu", ["x"], ["relu"], name="relu"),
        helper.make_node("Sigmoid", ["x"], ["sigmoid"], name="sigmoid"),
        helper.make_node("Exp", ["x"], ["exp"], name="exp"),
        helper.make_node("Log", ["p"], ["log"], name="log"),
        helper.make_node("Neg", ["x"], ["neg"], name="neg"),
        helper.make_node("Abs", ["x"], ["abs"], name="abs"),
        helper.make_node("Reciprocal", ["p"], ["recip"], name="recip"),
        const("quarter", f32(0.25)),
        helper.make_node("Max", ["x", "p", "quarter"], ["max"], name="max"),
        helper.make_node("Min", ["x", "p"], ["min"], name="min"),
    ]
    expected = {
        "add": x + p, "sub": p - x, "mul": x * p, "div": x / p,
        "pow_int": p ** 3, "pow": p ** x, "sqrt": np.sqrt(p), "erf": erf(x),
        "tanh": np.tanh(x), "relu": np.maximum(x, 0),
        "sigmoid": 1 / (1 + np.exp(-x)), "exp": np.exp(x), "log": np.log(p),
        "neg": -x, "abs": np.abs(x), "recip": 1 / p,
        "max": np.maximum(np.maximum(x, p), f32(0.25)), "min": np.minimum(x, p),
    }
    outputs = [vi(k, F32, list(v.shape)) for k, v in expected.items()]
    m = build("elementwise", nodes, [vi("x", F32, [2, 3, 4]),
                                     vi("p", F32, [3, 4])], outputs)
    return m, [x, p], [f32(v) for v in expected.values()]


@model
def matmul():
    rng = np.random.default_rng(2)
    a = f32(rng.standard_normal((2, 3, 4)))
    v = f32(rng.standard_normal(4))
    g = f32(rng.standard_normal((3, 4)))
    gt = f32(rng.standard_normal((4, 3)))
    w = f32(rng.standard_normal((4, 5)))
    bt = f32(rng.standard_normal((5, 4)))
    c = f32(rng.standard_normal(5))
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bt, "bt"),
             numpy_helper.from_array(c, "c")]
    nodes = [
        helper.make_node("MatMul", ["a", "w"], ["mm"], name="mm"),
        helper.make_node("MatMul", ["a", "v"], ["mv"], name="mv"),
        helper.make_node("MatMul", ["v", "w"], ["vm"], name="vm"),
        helper.make_node("Gemm", ["g", "bt", "c"], ["gemm"], name="gemm",
                         transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Gemm", ["gt", "w"], ["gemm_t"], name="gemm_t",
                         transA=1),
    ]
    expected = [a @ w, a @ v, v @ w, 0.5 * (g @ bt.T) + 2.0 * c, gt.T @ w]
    names = ["mm", "mv", "vm", "gemm", "gemm_t"]
    m = build("matmul", nodes,
              [vi("a", F32, [2, 3, 4]), vi("v", F32, [4]), vi("g", F32, [3, 4]),
               vi("gt", F32, [4, 3])],
              [vi(n, F32, list(e.shape)) for n, e in zip(names, expected)],
              opset=13, initializers=inits)
    return m, [a, v, g, gt], [f32(e) for e in expected]


def layer_norm(x, axis, eps, scale=None, bias=None):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    inv = 1 / np.sqrt(var + eps)
    y = (x - mean) * inv
    if scale is not None:
        y = y * scale
    if bias is not None:
        y = y + bias
    return y, mean, inv


@model
def norms():
    rng = np.random.default_rng(3)
    x = f32(rng.standard_normal((2, 3, 8)))
    scale = f32(rng.standard_normal(8))
    bias = f32(rng.standard_normal(8))
    scale2 = f32(rng.standard_normal((3, 8)))
    inits = [numpy_helper.from_array(scale, "scale"),
             numpy_helper.from_array(bias, "bias"),
             numpy_helper.from_array(scale2, "scale2"),
             numpy_helper.from_array(np.array([0, 2], dtype=np.int64), "axes02")]
    nodes = [
        helper.make_node("Softmax", ["x"], ["sm"], name="sm", axis=1),
        helper.make_node("LayerNormalization", ["x", "scale", "bias"],
                         ["ln", "ln_mean", "ln_inv"], name="ln", epsilon=1e-3),
        helper.make_node("LayerNormalization", ["x", "scale2"], ["ln2"],
                         name="ln2", axis=1),
        helper.make_node("ReduceMean", ["x"], ["rmean"], name="rmean",
                         axes=[-1]),
        helper.make_node("ReduceSum", ["x", "axes02"], ["rsum"], name="rsum",
                         keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["rmax"], name="rmax", keepdims=0),
        helper.make_node("ReduceSum", ["x"], ["rnoop"], name="rnoop",
                         noop_with_empty_axes=1),
    ]
    e = np.exp(x - x.max(axis=1, keepdims=True))
    ln, mean, inv = layer_norm(x, -1, 1e-3, scale, bias)
    ln2, _, _ = layer_norm(x, 1, 1e-5, scale2)
    expected = {
        "sm": e / e.sum(axis=1, keepdims=True), "ln": ln, "ln_mean": mean,
        "ln_inv": inv, "ln2": ln2, "rmean": x.mean(axis=-1, keepdims=True),
        "rsum": x.sum(axis=(0, 2)), "rmax": x.max(), "rnoop": x,
    }
    m = build("norms", nodes, [vi("x", F32, [2, 3, 8])],
              [vi(k, F32, list(np.shape(v))) for k, v in expected.items()],
              initializers=inits)
    return m, [x], [f32(v) for v in expected.values()]


@model
def movement():
    rng = np.random.default_rng(4)
    x = f32(rng.standard_normal((2, 3, 4)))
    idx = np.array([2, -1], dtype=np.int64)
    cond = rng.standard_normal((3, 4)) > 0
    col = f32(rng.standard_normal((3, 1)))
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], name="t", perm=[2, 0, 1]),
        helper.make_node("Transpose", ["x"], ["t_rev"], name="t_rev"),
        helper.make_node("Concat", ["x", "x"], ["cat"], name="cat", axis=-1),
        const("sizes", np.array([1, 3], dtype=np.int64)),
        helper.make_node("Split", ["x", "sizes"], ["s0", "s1"], name="split",
                         axis=2),
        helper.make_node("Split", ["x"], ["e0", "e1", "e2"], name="split3",
                         axis=1),
        const("st", np.array([-1], dtype=np.int64)),
        const("en", np.array([-1000], dtype=np.int64)),
        const("ax", np.array([2], dtype=np.int64)),
        const("sp", np.array([-2], dtype=np.int64)),
        helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["sl_back"],
                         name="sl_back"),
        const("st2", np.array([1, 0], dtype=np.int64)),
        const("en2", np.array([1000, 1], dtype=np.int64)),
        const("ax2", np.array([1, 0], dtype=np.int64)),
        helper.make_node("Slice", ["x", "st2", "en2", "ax2"], ["sl"], name="sl"),
        helper.make_node("Gather", ["x", "idx"], ["g"], name="g", axis=2),
        const("one", np.array(1, dtype=np.int64)),
        helper.make_node("Gather", ["x", "one"], ["g0"], name="g0"),
        const("uax", np.array([0, -1], dtype=np.int64)),
        helper.make_node("Unsqueeze", ["x", "uax"], ["uq"], name="uq"),
        const("sax", np.array([0], dtype=np.int64)),
        helper.make_node("Squeeze", ["uq", "sax"], ["sq"], name="sq"),
        helper.make_node("Squeeze", ["uq"], ["sq_all"], name="sq_all"),
        helper.make_node("Flatten", ["x"], ["fl"], name="fl", axis=2),
        const("eshape", np.array([2, 3, 4], dtype=np.int64)),
        helper.make_node("Expand", ["col", "eshape"], ["ex"], name="ex"),
        const("minus", f32(-1.0)),
        helper.make_node("Where", ["cond", "x", "minus"], ["wh"], name="wh"),
        helper.make_node("Cast", ["x"], ["ci"], name="ci", to=I32),
        helper.make_node("Cast", ["x"], ["ch"], name="ch", to=TensorProto.FLOAT16),
        helper.make_node("Identity", ["x"], ["id"], name="id"),
        const("cshape", np.array([2, 2], dtype=np.int64)),
        helper.make_node("ConstantOfShape", ["cshape"], ["cos"], name="cos",
                         value=numpy_helper.from_array(
                             np.array([7], dtype=np.int64))),
    ]
    uq = x[None, ..., None]
    expected = {
        "t": x.transpose(2, 0, 1), "t_rev": x.transpose(2, 1, 0),
        "cat": np.concatenate([x, x], axis=-1), "s0": x[:, :, :1],
        "s1": x[:, :, 1:], "e0": x[:, 0:1], "e1": x[:, 1:2], "e2": x[:, 2:3],
        "sl_back": x[:, :, ::-2], "sl": x[0:1, 1:], "g": x[:, :, idx],
        "g0": x[1], "uq": uq, "sq": uq[0], "sq_all": x, "fl": x.reshape(6, 4),
        "ex": np.broadcast_to(col, (2, 3, 4)), "wh": np.where(cond, x, -1.0),
        "ci": x.astype(np.int32), "ch": x.astype(np.float16), "id": x,
        "cos": np.full((2, 2), 7, dtype=np.int64),
    }
    types = {"ci": I32, "ch": TensorProto.FLOAT16, "cos": I64}
    m = build("movement", nodes,
              [vi("x", F32, [2, 3, 4]), vi("idx", I64, [2]),
               vi("cond", BOOL, [3, 4]), vi("col", F32, [3, 1])],
              [vi(k, types.get(k, F32), list(v.shape))
               for k, v in expected.items()], opset=13)
    outs = [v if k in types else f32(v) for k, v in expected.items()]
    return m, [x, idx, cond, col], outs


@model
def masks():
    rng = np.random.default_rng(5)
    x = f32(rng.standard_normal((2, 3, 5)))
    xi = rng.integers(-5, 5, (2, 6)).astype(np.int32)
    m = rng.standard_normal((3, 4)) > 0
    m2 = rng.standard_normal((3, 4)) > 0
    ia = np.array([1, 2, 3, -4], dtype=np.int64)
    ib = np.array([1, 0, 3, 4], dtype=np.int64)
    inf, nan = np.inf, np.nan
    fa = f32([1.5, -0.0, inf, inf, -inf, nan, 2.0, 1e-40])
    fb = f32([1.5, 0.0, inf, -inf, -inf, nan, 3.0, 0.0])
    nodes = [
        const("k1", np.array(1, dtype=np.int64)),
        helper.make_node("Trilu", ["x", "k1"], ["tril"], name="tril", upper=0),
        helper.make_node("Trilu", ["x"], ["triu"], name="triu"),
        const("axis1", np.array(1, dtype=np.int32)),
        helper.make_node("CumSum", ["xi", "axis1"], ["csum"], name="csum"),
        const("axism1", np.array(-1, dtype=np.int64)),
        helper.make_node("CumSum", ["x", "axism1"], ["csum_rev"],
                         name="csum_rev", exclusive=1, reverse=1),
        helper.make_node("Not", ["m"], ["not"], name="not"),
        helper.make_node("Equal", ["ia", "ib"], ["eq_i"], name="eq_i"),
        helper.make_node("Equal", ["fa", "fb"], ["eq_f"], name="eq_f"),
        helper.make_node("Equal", ["m", "m2"], ["eq_b"], name="eq_b"),
    ]
    rev_excl = np.flip(np.cumsum(np.flip(x, -1), -1), -1) - x
    expected = {
        "tril": np.tril(x, 1), "triu": np.triu(x),
        "csum": np.cumsum(xi, axis=1).astype(np.int32), "csum_rev": f32(rev_excl),
        "not": ~m, "eq_i": ia == ib, "eq_f": fa == fb, "eq_b": m == m2,
    }
    types = {"csum": I32, "not": BOOL, "eq_i": BOOL, "eq_f": BOOL, "eq_b": BOOL}
    mdl = build("masks", nodes,
                [vi("x", F32, [2, 3, 5]), vi("xi", I32, [2, 6]),
                 vi("m", BOOL, [3, 4]), vi("m2", BOOL, [3, 4]),
                 vi("ia", I64, [4]), vi("ib", I64, [4]), vi("fa", F32, [8]),
                 vi("fb", F32, [8])],
                [vi(k, types.get(k, F32), list(v.shape))
                 for k, v in expected.items()], opset=14)
    return mdl, [x, xi, m, m2, ia, ib, fa, fb], list(expected.values())


def shape_chain_nodes():
    """Reshape(x, [batch, 8, 4, 4]) with the sizes read by Shape/Gather, as
    dynamic-axes exports write it."""
    return [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        const("i0", np.array(0, dtype=np.int64)),
        const("i1", np.array(1, dtype=np.int64)),
        const("i2", np.array(2, dtype=np.int64)),
        helper.make_node("Gather", ["s", "i0"], ["b"], name="gather_b"),
        helper.make_node("Gather", ["s", "i1"], ["t"], name="gather_t"),
        helper.make_node("Gather", ["s", "i2"], ["c"], name="gather_c"),
        const("four", np.array(4, dtype=np.int64)),
        helper.make_node("Div", ["c", "four"], ["hd"], name="head_dim"),
        const("zero_axis", np.array([0], dtype=np.int64)),
        helper.make_node("Unsqueeze", ["b", "zero_axis"], ["ub"], name="ub"),
        helper.make_node("Unsqueeze", ["t", "zero_axis"], ["ut"], name="ut"),
        helper.make_node("Unsqueeze", ["hd", "zero_axis"], ["uh"], name="uh"),
        const("heads", np.array([4], dtype=np.int64)),
        helper.make_node("Concat", ["ub", "ut", "heads", "uh"], ["shp"],
                         name="concat", axis=0),
        helper.make_node("Reshape", ["x", "shp"], ["r"], name="reshape"),
        # Ones of x's trailing shape (Shape with start), added to x.
        helper.make_node("Shape", ["x"], ["tail"], name="shape_tail", start=1),
        helper.make_node("ConstantOfShape", ["tail"], ["ones"], name="ones",
                         value=numpy_helper.from_array(f32([1.0]))),
        helper.make_node("Add", ["x", "ones"], ["y"], name="add_ones"),
    ]


@model
def shape_chain():
    rng = np.random.default_rng(6)
    x = f32(rng.standard_normal((2, 8, 16)))
    m = build("shape_chain", shape_chain_nodes(),
              [vi("x", F32, ["batch", 8, 16])],
              [vi("r", F32, ["batch", 8, 4, 4]), vi("y", F32, ["batch", 8, 16])],
              opset=15)
    return m, [x], [x.reshape(2, 8, 4, 4), x + 1]


@model
def shape_chain_2dyn():
    rng = np.random.default_rng(6)
    x = f32(rng.standard_normal((2, 8, 16)))
    m = build("shape_chain_2dyn", shape_chain_nodes(),
              [vi("x", F32, ["batch", "seq", 16])],
              [vi("r", F32, ["batch", "seq", 4, 4]),
               vi("y", F32, ["batch", "seq", 16])], opset=15)
    return m, [x], [x.reshape(2, 8, 4, 4), x + 1]


@model
def folded():
    """Computations on shapes and constants only: all evaluated at import."""
    rng = np.random.default_rng(11)
    x = f32(rng.standard_normal((2, 8, 16)))
    i64 = lambda v: np.array(v, dtype=np.int64)
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        const("i1", i64(1)), const("i2", i64(2)),
        helper.make_node("Gather", ["s", "i1"], ["t"], name="t"),
        helper.make_node("Gather", ["s", "i2"], ["c"], name="c"),
        helper.make_node("Mul", ["t", "c"], ["tc"], name="tc"),          # 128
        const("three", i64(3)),
        helper.make_node("Sub", ["tc", "three"], ["sub"], name="sub"),   # 125
        const("minus7", i64(-7)), const("two", i64(2)),
        helper.make_node("Div", ["minus7", "two"], ["div"], name="div"),  # -3
        const("probe", i64([2, 0, 16])),
        helper.make_node("Equal", ["s", "probe"], ["eq"], name="eq"),
        helper.make_node("Not", ["eq"], ["ne"], name="ne"),
        const("zero", i64(0)),
        helper.make_node("Where", ["ne", "s", "zero"], ["wh"], name="wh"),  # [0, 8, 0]
        helper.make_node("Cast", ["wh"], ["whf"], name="whf", to=F32),
        helper.make_node("Sqrt", ["whf"], ["sq"], name="sq"),
        const("st", i64([-2])), const("en", i64([1000])),
        helper.make_node("Slice", ["s", "st", "en"], ["tail"], name="tail"),  # [8, 16]
        const("ax0", i64(0)),
        helper.make_node("CumSum", ["s", "ax0"], ["cs"], name="cs"),     # [2, 10, 26]
        const("five", f32(5.0)), const("shape22", i64([2, 2])),
        helper.make_node("Expand", ["five", "shape22"], ["ex"], name="ex"),
        const("first", i64([0])), const("one", i64([1])),
        helper.make_node("Slice", ["s", "first", "one"], ["b"], name="b"),
        const("minus1", i64([-1])),
        helper.make_node("Concat", ["b", "minus1"], ["shp"], name="shp", axis=0),
        helper.make_node("Reshape", ["x", "shp"], ["r"], name="reshape"),  # [2, 128]
    ]
    expected = {
        "sub": np.array(125), "div": np.array(-3), "wh": i64([0, 8, 0]),
        "sq": f32([0, np.sqrt(8), 0]), "tail": i64([8, 16]),
        "cs": i64([2, 10, 26]), "ex": f32(np.full((2, 2), 5.0)),
        "r": x.reshape(2, 128),
    }
    types = {"sq": F32, "ex": F32, "r": F32}
    m = build("folded", nodes, [vi("x", F32, [2, 8, 16])],
              [vi(k, types.get(k, I64), list(v.shape))
               for k, v in expected.items()], opset=14)
    outs = [v if k in types else v.astype(np.int64)
            for k, v in expected.items()]
    return m, [x], outs


def decomposed_layer_norm(prefix, x, gamma, beta, eps, axes):
    """The opset-14 export of nn.LayerNorm."""
    p = prefix
    return [
        helper.make_node("ReduceMean", [x], [p + "mean"], name=p + "mean",
                         axes=axes),
        helper.make_node("Sub", [x, p + "mean"], [p + "d"], name=p + "sub"),
        const(p + "two", f32(2.0)),
        helper.make_node("Pow", [p + "d", p + "two"], [p + "sq"], name=p + "pow"),
        helper.make_node("ReduceMean", [p + "sq"], [p + "var"], name=p + "var",
                         axes=axes),
        const(p + "eps", f32(eps)),
        helper.make_node("Add", [p + "var", p + "eps"], [p + "ve"],
                         name=p + "add_eps"),
        helper.make_node("Sqrt", [p + "ve"], [p + "std"], name=p + "sqrt"),
        helper.make_node("Div", [p + "d", p + "std"], [p + "n"], name=p + "div"),
        helper.make_node("Mul", [p + "n", gamma], [p + "scaled"],
                         name=p + "mul_gamma"),
        helper.make_node("Add", [p + "scaled", beta], [p + "out"],
                         name=p + "add_beta"),
    ]


def decomposed_gelu(prefix, x, half=0.5):
    """torch.onnx's erf GELU: x * (erf(x / sqrt(2)) + 1) * 0.5."""
    p = prefix
    return [
        const(p + "sqrt2", f32(1.4142135381698608)),
        helper.make_node("Div", [x, p + "sqrt2"], [p + "u"], name=p + "div"),
        helper.make_node("Erf", [p + "u"], [p + "e"], name=p + "erf"),
        const(p + "one", f32(1.0)),
        helper.make_node("Add", [p + "e", p + "one"], [p + "s"], name=p + "add"),
        helper.make_node("Mul", [x, p + "s"], [p + "xs"], name=p + "mul"),
        const(p + "half", f32(half)),
        helper.make_node("Mul", [p + "xs", p + "half"], [p + "out"],
                         name=p + "mul_half"),
    ]


def decomposed_tanh_gelu(prefix, x):
    """GPT-2's gelu_new as exported: 0.5 * x * (1 + tanh(sqrt(2 / pi) *
    (x + 0.044715 * Pow(x, 3))))."""
    p = prefix
    return [
        const(p + "three", f32(3.0)),
        helper.make_node("Pow", [x, p + "three"], [p + "cube"], name=p + "pow"),
        const(p + "kappa", f32(0.044715)),
        helper.make_node("Mul", [p + "kappa", p + "cube"], [p + "k"],
                         name=p + "mul_kappa"),
        helper.make_node("Add", [x, p + "k"], [p + "i"], name=p + "add_x"),
        const(p + "beta", f32(np.sqrt(2 / np.pi))),
        helper.make_node("Mul", [p + "i", p + "beta"], [p + "v"],
                         name=p + "mul_beta"),
        helper.make_node("Tanh", [p + "v"], [p + "t"], name=p + "tanh"),
        const(p + "one", f32(1.0)),
        helper.make_node("Add", [p + "one", p + "t"], [p + "s"], name=p + "add"),
        const(p + "half", f32(0.5)),
        helper.make_node("Mul", [p + "half", x], [p + "hx"], name=p + "mul_half"),
        helper.make_node("Mul", [p + "hx", p + "s"], [p + "out"], name=p + "mul"),
    ]


@model
def patterns():
    rng = np.random.default_rng(7)
    x = f32(rng.standard_normal((2, 4, 8)))
    gamma = f32(rng.standard_normal(8))
    beta = f32(rng.standard_normal((1, 8)))
    inits = [numpy_helper.from_array(gamma, "gamma"),
             numpy_helper.from_array(beta, "beta")]
    nodes = (decomposed_layer_norm("ln_", "x", "gamma", "beta", 1e-5, [-1]) +
             decomposed_gelu("gelu_", "ln_out") +
             # Not GELU: 0.6 instead of 0.5 stays decomposed.
             decomposed_gelu("near_", "x", half=0.6) +
             decomposed_tanh_gelu("tgelu_", "x"))
    ln, _, _ = layer_norm(x, -1, f32(1e-5), gamma, beta)
    gelu = 0.5 * ln * (1 + erf(ln / np.sqrt(2)))
    near = 0.6 * x * (1 + erf(x / np.sqrt(2)))
    x64 = x.astype(np.float64)
    tgelu = 0.5 * x64 * (1 + np.tanh(np.sqrt(2 / np.pi) *
                                     (x64 + 0.044715 * x64 ** 3)))
    m = build("patterns", nodes, [vi("x", F32, [2, 4, 8])],
              [vi("gelu_out", F32, [2, 4, 8]), vi("near_out", F32, [2, 4, 8]),
               vi("tgelu_out", F32, [2, 4, 8])],
              opset=14, initializers=inits)
    return m, [x], [f32(gelu), f32(near), f32(tgelu)]


def weights_model(name):
    rng = np.random.default_rng(8)
    x = f32(rng.standard_normal((3, 32)))
    w = f32(rng.standard_normal((32, 16)))
    b = f32(rng.standard_normal(16))
    # b in the typed float_data field rather than raw_data.
    b_typed = helper.make_tensor("b", F32, [16], b.tolist())
    cols = np.array([0, 15, -1], dtype=np.int64)
    cols_typed = helper.make_tensor("cols", I64, [3], cols.tolist())
    inits = [numpy_helper.from_array(w, "fc.weight"), b_typed, cols_typed]
    nodes = [
        helper.make_node("MatMul", ["x", "fc.weight"], ["h"], name="fc"),
        helper.make_node("Add", ["h", "b"], ["y"], name="bias"),
        helper.make_node("Gather", ["y", "cols"], ["z"], name="pick", axis=1),
    ]
    m = build(name, nodes, [vi("x", F32, [3, 32])],
              [vi("y", F32, [3, 16]), vi("z", F32, [3, 3])], opset=13,
              initializers=inits)
    y = x @ w + b
    return m, [x], [f32(y), f32(y[:, cols])]


@model
def bool_mask():
    """A causal mask initializer, as GPT-2 exports have it."""
    rng = np.random.default_rng(10)
    x = f32(rng.standard_normal((2, 16, 16)))
    mask = np.tril(np.ones((16, 16), dtype=bool))
    nodes = [const("neg_inf", f32(-np.inf)),
             helper.make_node("Where", ["mask", "x", "neg_inf"], ["y"],
                              name="causal")]
    m = build("bool_mask", nodes, [vi("x", F32, [2, 16, 16])],
              [vi("y", F32, [2, 16, 16])],
              initializers=[numpy_helper.from_array(mask, "mask")])
    return m, [x], [f32(np.where(mask, x, -np.inf))]


@model
def weights():
    return weights_model("weights")


@model
def external():
    return weights_model("external")


#===----------------------------------------------------------------------===#
# Models the importer rejects
#===----------------------------------------------------------------------===#

@model
def bad_unsupported():
    nodes = [helper.make_node("Conv", ["x", "w"], ["c%d" % i], name="conv%d" % i)
             for i in range(6)]
    nodes += [
        helper.make_node("LSTM", ["x", "w", "w"], ["l"], name="lstm"),
        helper.make_node("FusedMatMul", ["x", "w"], ["fm"], name="fused",
                         domain="com.microsoft"),
        helper.make_node("Cast", ["x"], ["d"], name="to_double",
                         to=TensorProto.DOUBLE),
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
    ]
    m = build("bad_unsupported", nodes,
              [vi("x", F32, [1, 3, 8, 8]), vi("w", F32, [4, 3, 3, 3]),
               vi("u", TensorProto.UINT8, [4])],
              [vi("r", F32, [1, 3, 8, 8])])
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return m, None, None


@model
def bad_softmax_opset11():
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="sm"),
             helper.make_node("Relu", ["y"], ["z"], name="relu")]
    return build("bad_softmax_opset11", nodes, [vi("x", F32, [2, 3])],
                 [vi("z", F32, [2, 3])], opset=11), None, None


@model
def bad_opset18():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return build("bad_opset18", nodes, [vi("x", F32, [2])],
                 [vi("y", F32, [2])], opset=18), None, None


@model
def bad_no_default_opset():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    graph = helper.make_graph(nodes, "g", [vi("x", F32, [2])],
                              [vi("y", F32, [2])])
    m = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("com.microsoft", 1)])
    return m, None, None


@model
def bad_missing_initializer():
    # The weight 'w' was stripped from the initializers.
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    return build("bad_missing_initializer", nodes, [vi("x", F32, [2, 4])],
                 [vi("y", F32, [2, 3])]), None, None


@model
def bad_initializer_size():
    w = numpy_helper.from_array(f32(np.ones((4, 3))), "w")
    w.raw_data = w.raw_data[:20]  # 5 floats instead of 12.
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    return build("bad_initializer_size", nodes, [vi("x", F32, [2, 4])],
                 [vi("y", F32, [2, 3])], initializers=[w]), None, None


def external_weight(name, location, offset, length):
    w = TensorProto()
    w.name, w.data_type = name, F32
    w.dims.extend([4, 3])
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)),
                       ("length", str(length))):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    return w


@model
def bad_external_missing():
    w = external_weight("w", "no_such_file.bin", 0, 48)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    return build("bad_external_missing", nodes, [vi("x", F32, [2, 4])],
                 [vi("y", F32, [2, 3])], initializers=[w]), None, None


@model
def bad_external_short():
    w = external_weight("w", "bad_external_short.bin", 16, 48)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    return build("bad_external_short", nodes, [vi("x", F32, [2, 4])],
                 [vi("y", F32, [2, 3])], initializers=[w]), None, None


@model
def bad_runtime_shape():
    # The target shape is a graph input: only known at run time.
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    return build("bad_runtime_shape", nodes,
                 [vi("x", F32, [2, 6]), vi("shape", I64, [2])],
                 [vi("y", F32, [3, 4])]), None, None


@model
def bad_dynamic_slice():
    nodes = [const("st", np.array([1], dtype=np.int64)),
             const("en", np.array([3], dtype=np.int64)),
             helper.make_node("Slice", ["x", "st", "en"], ["y"], name="slice")]
    return build("bad_dynamic_slice", nodes, [vi("x", F32, ["n", 4])],
                 [vi("y", F32, [2, 4])]), None, None


@model
def bad_shapes():
    # MatMul of [2, 4] by [5, 3]: the contracting dimensions differ.
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    return build("bad_shapes", nodes,
                 [vi("x", F32, [2, 4]), vi("w", F32, [5, 3])],
                 [vi("y", F32, [2, 3])]), None, None


@model
def bad_missing_input():
    node = helper.make_node("Add", ["x"], ["y"], name="add_one_input")
    return one_node_model("bad_missing_input", node, [vi("x", F32, [2])],
                          [vi("y", F32, [2])])


def one_node_model(name, node, inputs, outputs):
    return build(name, [node], inputs, outputs), None, None


@model
def bad_wrong_attribute_type():
    node = helper.make_node("Softmax", ["x"], ["y"], name="float_axis",
                            axis=1.5)
    return one_node_model("bad_wrong_attribute_type", node,
                          [vi("x", F32, [2, 3])], [vi("y", F32, [2, 3])])


@model
def bad_no_output():
    node = helper.make_node("Relu", ["x"], [], name="no_output")
    return one_node_model("bad_no_output", node, [vi("x", F32, [2])], [])


@model
def bad_undefined_output():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return build("bad_undefined_output", nodes, [vi("x", F32, [2])],
                 [vi("z", F32, [2])]), None, None


#===----------------------------------------------------------------------===#
# A BERT-base encoder layer (d = 768, ~28 MB of weights), opset 14
#===----------------------------------------------------------------------===#

def bert_base():
    d, heads, ff, seq = 768, 12, 3072, 128
    rng = np.random.default_rng(9)
    inits, nodes = [], []

    def weight(name, shape):
        inits.append(numpy_helper.from_array(
            f32(rng.standard_normal(shape) * 0.02), name))
        return name

    def linear(name, x, n_in, n_out):
        nodes.append(helper.make_node("MatMul", [x, weight(name + ".w", (n_in, n_out))],
                                      [name + ".mm"], name=name + ".mm"))
        nodes.append(helper.make_node("Add", [name + ".mm", weight(name + ".b", (n_out,))],
                                      [name], name=name + ".add"))
        return name

    q, k, v = (linear(n, "x", d, d) for n in ("q", "k", "v"))
    hd = d // heads
    nodes.append(const("split_heads", np.array([1, seq, heads, hd], dtype=np.int64)))
    for n in (q, k, v):
        nodes.append(helper.make_node("Reshape", [n, "split_heads"], [n + ".h"],
                                      name=n + ".reshape"))
        nodes.append(helper.make_node("Transpose", [n + ".h"], [n + ".t"],
                                      name=n + ".transpose", perm=[0, 2, 1, 3]))
    nodes.append(helper.make_node("Transpose", ["k.t"], ["kT"], name="kT",
                                  perm=[0, 1, 3, 2]))
    nodes.append(helper.make_node("MatMul", ["q.t", "kT"], ["scores"], name="qk"))
    nodes.append(const("scale", f32(math.sqrt(hd))))
    nodes.append(helper.make_node("Div", ["scores", "scale"], ["scaled"], name="scale"))
    nodes.append(helper.make_node("Softmax", ["scaled"], ["probs"], name="softmax", axis=-1))
    nodes.append(helper.make_node("MatMul", ["probs", "v.t"], ["ctx"], name="pv"))
    nodes.append(helper.make_node("Transpose", ["ctx"], ["ctx.t"], name="ctx.t",
                                  perm=[0, 2, 1, 3]))
    nodes.append(const("merge_heads", np.array([1, seq, d], dtype=np.int64)))
    nodes.append(helper.make_node("Reshape", ["ctx.t", "merge_heads"], ["ctx.m"],
                                  name="ctx.reshape"))
    o = linear("o", "ctx.m", d, d)
    nodes.append(helper.make_node("Add", ["x", o], ["res1"], name="res1"))
    nodes += decomposed_layer_norm("ln1_", "res1", weight("ln1.g", (d,)),
                                   weight("ln1.b", (d,)), 1e-12, [-1])
    f1 = linear("f1", "ln1_out", d, ff)
    nodes += decomposed_gelu("gelu_", f1)
    f2 = linear("f2", "gelu_out", ff, d)
    nodes.append(helper.make_node("Add", ["ln1_out", f2], ["res2"], name="res2"))
    nodes += decomposed_layer_norm("ln2_", "res2", weight("ln2.g", (d,)),
                                   weight("ln2.b", (d,)), 1e-12, [-1])
    m = build("bert_base_layer", nodes, [vi("x", F32, [1, seq, d])],
              [vi("ln2_out", F32, [1, seq, d])], opset=14, initializers=inits)
    return m, None, None


def write(outdir, name, made):
    m, inputs, outputs = made
    path = os.path.join(outdir, name + ".onnx")
    if name == "external":
        onnx.save_model(m, path, save_as_external_data=True,
                        all_tensors_to_one_file=True,
                        location="external.onnx.data", size_threshold=0)
    else:
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
    if name == "bad_external_short":
        with open(os.path.join(outdir, "bad_external_short.bin"), "wb") as f:
            f.write(b"\0" * 40)  # The tensor wants bytes [16, 64).
    for kind, arrays in (("in", inputs), ("out", outputs)):
        for k, a in enumerate(arrays or []):
            np.save(os.path.join(outdir, "%s.%s%d.npy" % (name, kind, k)),
                    np.asarray(a).copy(order="C"))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    names = argv[2:] or list(MODELS)
    for name in names:
        if name == "bert_base":
            write(outdir, name, bert_base())
        elif name in MODELS:
            write(outdir, name, MODELS[name]())
        else:
            print("unknown model '%s'; known: %s, bert_base" %
                  (name, ", ".join(MODELS)))
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
