"""kiln.torch_fx: importing torch.nn.Modules through torch.fx.

Every imported function is checked against torch on the example inputs
(f32: rtol 1e-4, atol 1e-5; integers exactly), on the `cpu` target (the
JIT) and, for the small modules, on `ref` (the reference interpreter).
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # Debian: python3-torch

import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import kiln  # noqa: E402
import kiln.torch_fx  # noqa: E402
from conftest import ATOL, RTOL  # noqa: E402
from models import GPT2, Bert, bert_inputs, gpt2_inputs  # noqa: E402


def check(module, inputs, targets=("ref", "cpu"), rtol=RTOL, atol=ATOL):
    """Imports `module`, runs it on each target, compares with torch."""
    module = module.eval()
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    m = kiln.torch_fx.import_module(module, inputs)
    with torch.no_grad():
        expected = module(*inputs)
    if not isinstance(expected, (tuple, list)):
        expected = (expected,)
    arrays = [x.numpy() for x in inputs]
    for target in targets:
        got = kiln.compile(m, target)(*arrays)
        if not isinstance(got, tuple):
            got = (got,)
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            e = e.numpy()
            assert g.shape == e.shape and g.dtype == e.dtype, (target, g.dtype, e.dtype)
            if np.issubdtype(e.dtype, np.floating):
                np.testing.assert_allclose(g, e, rtol=rtol, atol=atol,
                                           err_msg="target " + target)
            else:
                np.testing.assert_array_equal(g, e, err_msg="target " + target)
    return m


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


class Linears(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 8, bias=False)
        self.norm = nn.LayerNorm(32)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        h = self.drop(F.relu(self.norm(self.fc1(x))))
        return torch.sigmoid(self.fc2(h)) * 2.0 - 1.0


def test_linear_layernorm_dropout_relu():
    m = check(Linears(), torch.randn(2, 5, 16))
    text = str(m)
    assert "dense_resource<fc1.weight> : tensor<16x32xf32>" in text
    assert "kiln.layer_norm" in text


class Arithmetic(nn.Module):
    def forward(self, x, y):
        a = (x + y) * (x - 0.5) / (y.abs() + 1.0)
        b = torch.add(a, y, alpha=2.0) - torch.sub(x, 3)
        c = torch.exp(-b.tanh()) + torch.sqrt(x * x + 1).rsqrt()
        d = torch.maximum(c, x) ** 2 + torch.pow(y.abs() + 1e-3, 0.5)
        return torch.log(d + 1.0).neg(), 1.0 - x


def test_arithmetic():
    check(Arithmetic(), (torch.randn(3, 4), torch.randn(4)))


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.gelu = nn.GELU()
        self.gelu_tanh = nn.GELU(approximate="tanh")
        self.silu = nn.SiLU()
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return (self.gelu(x), self.gelu_tanh(x), F.gelu(x, approximate="tanh"),
                self.silu(x) + F.silu(x), self.softmax(x),
                torch.softmax(x, -1), x.softmax(dim=0), nn.functional.relu(x),
                torch.erf(x))


def test_activations():
    check(Activations(), torch.randn(4, 6, 8))


class Shapes(nn.Module):
    def forward(self, x):
        n = x.size(0)
        y = x.view(n, 3, 4, 6).transpose(1, 2).contiguous().reshape(n, -1)
        z = x.permute(2, 0, 1).flatten(1)
        u = x.unsqueeze(1).squeeze(1)[:, 1:3, ::2]
        parts = x.split(8, dim=2)
        sizes = torch.split(x, [4, 20], dim=-1)
        chunks = x.chunk(3, dim=2)
        cat = torch.cat([parts[2], chunks[0], sizes[0]], dim=2)
        return y, z, u, cat, parts[1], x[:, -1], x[0, None, ..., 5], x.mean(-1), \
            x.sum(dim=(0, 2), keepdim=True), torch.amax(x, 1)


def test_shapes_and_data_movement():
    check(Shapes(), torch.randn(2, 3, 24))


class Masks(nn.Module):
    def forward(self, scores, keep, ids, attention_mask):
        a = scores.masked_fill(~keep, float("-inf")).softmax(-1)
        causal = torch.ones_like(scores, dtype=torch.bool).tril()
        b = scores.masked_fill(causal.logical_not(), -1e9)
        c = torch.tril(scores, diagonal=-1) + scores.triu(1)
        # flip has no mapping, but only touches a constant here: folded.
        d = torch.where(keep, scores, torch.ones_like(scores).flip(0) * 0.5)
        positions = attention_mask.cumsum(-1) - 1
        e = scores.cumsum(dim=1)
        f = keep.expand(2, 5, 5).int() + attention_mask[:, :1, None].expand_as(scores)
        return a, b, c, d, positions, e, ids.to(torch.float32) / 2, f


def test_masks_tril_cumsum_cast():
    keep = torch.rand(5, 5) > 0.3
    keep[:, 0] = True
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
    check(Masks(), (torch.randn(2, 5, 5), keep, torch.arange(10).view(2, 5), mask))


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.pos = nn.Embedding(20, 16)

    def forward(self, ids):
        T = ids.size(1)
        x = self.emb(ids) + self.pos.weight[:T]
        return F.embedding(ids, self.emb.weight) * x[:, :, 0:1]


def test_embeddings():
    check(Embeddings(), torch.randint(0, 50, (3, 7)))


class MatmulForms(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(12, 5))
        self.b = nn.Parameter(torch.randn(5))

    def forward(self, x, v):
        return (x @ self.w, torch.matmul(x, v), torch.matmul(v, self.w),
                torch.bmm(x.unsqueeze(0), self.w.unsqueeze(0)),
                F.linear(x, self.w.t(), self.b), torch.addmm(self.b, x, self.w))


def test_matmul_forms():
    check(MatmulForms(), (torch.randn(3, 12), torch.randn(12)))


@pytest.mark.parametrize("model,inputs", [
    (GPT2, gpt2_inputs(batch=2, seq=32)),
    (Bert, bert_inputs(batch=2, seq=32)),
], ids=["gpt2", "bert"])
def test_two_layer_models_d256_on_cpu(model, inputs):
    """Part 5 of issue 5: 2-layer GPT-2- and BERT-style models (d=256, random
    weights) through torch.fx on the cpu target, within f32 tolerance."""
    m = check(model(d_model=256, n_layer=2), inputs, targets=("cpu",))
    assert m.signature().inputs[0].dtype == "i64"


@pytest.mark.parametrize("model,inputs", [
    (GPT2, gpt2_inputs(batch=2, seq=32)),
    (Bert, bert_inputs(batch=2, seq=32)),
], ids=["gpt2", "bert"])
def test_two_layer_models_d256_on_npu(model, inputs):
    """The same models through torch.fx on the simulated reference NPU
    (npu:edge): compiled from the description, run in kiln-npu-sim's
    simulator, within f32 tolerance of torch."""
    check(model(d_model=256, n_layer=2), inputs, targets=("npu:edge",))


def test_gpt2_on_the_reference_interpreter():
    check(GPT2(d_model=256, n_layer=2), gpt2_inputs(batch=1, seq=16),
          targets=("ref",))


def test_bf16_model():
    model = nn.Sequential(nn.Linear(8, 8), nn.GELU()).to(torch.bfloat16)
    x = torch.randn(2, 8, dtype=torch.bfloat16)
    m = kiln.torch_fx.import_module(model.eval(), (x,))
    assert "bf16" in str(m.signature())
    got = kiln.compile(m, "ref")(x.float().numpy())
    with torch.no_grad():
        expected = model(x).float().numpy()
    np.testing.assert_allclose(got, expected, rtol=2e-2, atol=2e-2)


class Unpacking(nn.Module):
    def forward(self, x):
        B, T, C = x.shape
        return x.view(B * T, C)


def test_untraceable_module_names_torch_fx_error():
    with pytest.raises(kiln.TraceError) as info:
        kiln.torch_fx.import_module(Unpacking().eval(), torch.randn(2, 3, 4))
    message = str(info.value)
    assert message.startswith("torch.fx cannot trace Unpacking: TraceError: ")
    assert "Proxy object cannot be iterated" in message
    assert "x.size(i)" in message
    assert isinstance(info.value, ValueError)


def test_stock_transformer_encoder_layer_is_untraceable():
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2).eval()
    with pytest.raises(kiln.TraceError, match="torch.fx cannot trace TransformerEncoderLayer"):
        kiln.torch_fx.import_module(layer, torch.randn(4, 1, 16))


class ManyUnsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 4, 3)
        self.conv2 = nn.Conv1d(4, 4, 1)

    def forward(self, x):
        y = self.conv2(self.conv(x))
        z = torch.sort(x, dim=-1)[0] + torch.sort(x, dim=1)[0]
        w = torch.flip(x, [0]).sin()
        return y.sum() + z.sum() + w.sum() + (x > 0).float().sum()


def test_unsupported_ops_are_listed_together():
    with pytest.raises(kiln.UnsupportedError) as info:
        kiln.torch_fx.import_module(ManyUnsupported().eval(), torch.randn(2, 4, 8))
    message = str(info.value)
    assert message.startswith("the model uses 7 operations the kiln torch.fx "
                              "importer does not support (5 kinds):")
    assert "call_module torch.nn.Conv1d: 2 nodes (conv, conv2)" in message
    assert "call_function torch.sort: 2 nodes (sort, sort_1)" in message
    assert "call_function torch.flip: 1 node (flip)" in message
    assert "call_method Tensor.sin: 1 node (sin)" in message
    assert "call_function operator.gt: 1 node (gt)" in message
    assert info.value.unsupported["call_module torch.nn.Conv1d"] == ["conv", "conv2"]
    assert isinstance(info.value, NotImplementedError)


def test_training_mode_and_bad_inputs():
    with pytest.raises(ValueError, match=r"training mode: call \.eval\(\)"):
        kiln.torch_fx.import_module(Linears(), torch.randn(2, 16))
    with pytest.raises(TypeError, match="takes 1 input"):
        kiln.torch_fx.import_module(Linears().eval(), (torch.randn(2, 16),) * 2)
    with pytest.raises(TypeError, match="float64"):
        kiln.torch_fx.import_module(Linears().eval(), torch.randn(2, 16).double())
    with pytest.raises(ValueError, match="running Linears on the example inputs "
                       "failed at node 'fc1'.*mat1 and mat2 shapes cannot be multiplied"):
        kiln.torch_fx.import_module(Linears().eval(), torch.randn(2, 15))


def test_constant_parts_are_folded():
    """What depends only on parameters and shapes is computed at import."""
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("table", torch.arange(12.0).view(3, 4))

        def forward(self, x):
            scale = x.size(-1) ** -0.5
            bias = torch.tril(self.table.t() @ self.table)[:4, :4].sum(0)
            return x * scale + bias

    m = check(Model(), torch.randn(2, 4))
    assert "kiln.matmul" not in str(m)  # folded by torch


def test_compile_module_and_numpy_example_inputs():
    f = kiln.torch_fx.compile_module(Linears().eval(), np.ones((2, 16), np.float32),
                                     target="ref")
    assert f(np.ones((2, 16), np.float32)).shape == (2, 8)
    modules, functions, methods = kiln.torch_fx.supported_targets()
    assert "torch.nn.Linear" in modules and "Tensor.masked_fill" in methods
    assert "torch.cumsum" in functions and "operator.getitem" in functions


def test_hand_written_gelu_and_layer_norm_become_kiln_ops():
    """GELU and LayerNorm written out (HuggingFace's NewGELUActivation, a
    hand-written LayerNorm) become kiln.gelu / kiln.layer_norm, as in ONNX
    imports (kiln-recognize-gelu, kiln-recognize-layer-norm)."""
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(16))
            self.bias = nn.Parameter(torch.randn(16))

        def forward(self, x):
            d = x - x.mean(-1, keepdim=True)
            s = d.pow(2).mean(-1, keepdim=True)
            x = d / torch.sqrt(s + 1e-5) * self.weight + self.bias
            return 0.5 * x * (1.0 + torch.tanh(
                (2.0 / 3.141592653589793) ** 0.5 * (x + 0.044715 * torch.pow(x, 3.0))))

    m = check(Model(), torch.randn(2, 8, 16))
    text = str(m)
    assert "approximate = tanh" in text and "kiln.layer_norm" in text, text
    assert "kiln.tanh" not in text and "kiln.pow" not in text, text
