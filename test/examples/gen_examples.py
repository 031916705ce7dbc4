#!/usr/bin/env python3
"""Generates Kiln's example transformer blocks and their reference data.

Run from anywhere (paths are relative to the repository root):

    /usr/bin/python3 test/examples/gen_examples.py

Writes
    examples/gpt2_block.mlir          pre-norm GPT-2 block (causal attention)
    examples/bert_layer.mlir          post-norm BERT encoder layer (padding mask)
    examples/data/gpt2_block/input_0.npy, expected_0.npy
    examples/data/bert_layer/input_0.npy, input_1.npy, expected_0.npy

Each block is built in PyTorch (float32, CPU, one thread, fixed seeds, so the
output is byte-for-byte reproducible), written as `kiln` IR with the weights
embedded as `dense_resource` blobs, and run in PyTorch to produce the expected
output.  The PyTorch reference spells out the attention by hand
(softmax(q @ k^T * scale + mask) @ v) because torch 1.13 has no
scaled_dot_product_attention.

After writing, the script checks itself:
  1. it reads the blobs back out of the .mlir text, rebuilds the PyTorch
     parameters from them (undoing the [out, in] -> [in, out] transposition
     of the linear weights) and reruns the reference: the output must be
     bit-identical, so the embedded weights are exactly the ones used;
  2. it interprets the .mlir text with a small float64 NumPy interpreter (only
     the ops these files use) and compares with the expected output under
     kiln-run's default tolerance (rtol 1e-4, atol 1e-5), so the op sequence,
     slice bounds, permutations and attributes in the IR match the reference;
  3. it reloads the .npy files and compares them bit for bit;
  4. it reports how far some plausible implementation mistakes (no causal
     mask, wrong scale, wrong GELU form, ignored padding mask) move the output,
     in units of that tolerance, to show the examples can catch them.
"""

import argparse
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# kiln-run's default comparison tolerance: |actual - expected| <= ATOL + RTOL * |expected|.
RTOL = 1e-4
ATOL = 1e-5

D_MODEL = 256
N_HEADS = 4
HEAD_DIM = D_MODEL // N_HEADS  # 64
SEQ = 64
BATCH = 1
D_FF = 4 * D_MODEL  # 1024
N_PADDED = 16  # BERT input: the last 16 positions are padding

GPT2_SEED = 0
BERT_SEED = 1

GPT2_CHECK = ("build/bin/kiln-run examples/gpt2_block.mlir --target=ref "
              "--input=examples/data/gpt2_block/input_0.npy "
              "--expect=examples/data/gpt2_block/expected_0.npy")
BERT_CHECK = ("build/bin/kiln-run examples/bert_layer.mlir --target=ref "
              "--input=examples/data/bert_layer/input_0.npy "
              "--input=examples/data/bert_layer/input_1.npy "
              "--expect=examples/data/bert_layer/expected_0.npy")


# ===----------------------------------------------------------------------=== #
# Parameters
# ===----------------------------------------------------------------------=== #
#
# Every parameter is a PyTorch tensor in PyTorch's own layout (nn.Linear
# weights are [out, in]) together with the resource name it gets in the IR and
# whether it is a linear weight, which the IR stores transposed as [in, out]
# because `kiln.matmul %x, %w` computes x @ w.


class Param:
    def __init__(self, name, tensor, linear_weight=False):
        self.name = name
        self.tensor = tensor.to(torch.float32).contiguous()
        self.linear_weight = linear_weight

    def kiln_array(self):
        """The value as the IR stores it (linear weights as [in, out])."""
        t = self.tensor.t() if self.linear_weight else self.tensor
        return np.ascontiguousarray(t.numpy(), dtype="<f4")

    @staticmethod
    def torch_from_kiln(array, linear_weight):
        t = torch.from_numpy(np.array(array, dtype=np.float32))
        return (t.t() if linear_weight else t).contiguous()


def _normal(gen, shape, std, mean=0.0):
    return torch.randn(*shape, generator=gen, dtype=torch.float32) * std + mean


def _layer_norm_params(gen, prefix):
    # Around 1 / around 0 with noise, so both scale and bias matter.
    return [Param(prefix + "_weight", _normal(gen, (D_MODEL,), 0.05, 1.0)),
            Param(prefix + "_bias", _normal(gen, (D_MODEL,), 0.05))]


def _linear_params(gen, prefix, n_in, n_out, std=0.02, bias_std=0.02):
    # std 0.02 is GPT-2's and BERT's (initializer_range) init for linears;
    # biases are small but nonzero (real inits zero them) so they matter.
    return [Param(prefix + "_weight", _normal(gen, (n_out, n_in), std), linear_weight=True),
            Param(prefix + "_bias", _normal(gen, (n_out,), bias_std))]


def make_gpt2_params(gen):
    params = []
    params += _layer_norm_params(gen, "gpt2_ln1")
    params += _linear_params(gen, "gpt2_attn_qkv", D_MODEL, 3 * D_MODEL)
    params += _linear_params(gen, "gpt2_attn_proj", D_MODEL, D_MODEL)
    params += _layer_norm_params(gen, "gpt2_ln2")
    params += _linear_params(gen, "gpt2_mlp_fc", D_MODEL, D_FF)
    params += _linear_params(gen, "gpt2_mlp_proj", D_FF, D_MODEL)
    return params


def make_bert_params(gen):
    params = []
    params += _linear_params(gen, "bert_attn_q", D_MODEL, D_MODEL)
    params += _linear_params(gen, "bert_attn_k", D_MODEL, D_MODEL)
    params += _linear_params(gen, "bert_attn_v", D_MODEL, D_MODEL)
    params += _linear_params(gen, "bert_attn_out", D_MODEL, D_MODEL)
    params += _layer_norm_params(gen, "bert_attn_ln")
    params += _linear_params(gen, "bert_ffn_in", D_MODEL, D_FF)
    params += _linear_params(gen, "bert_ffn_out", D_FF, D_MODEL)
    params += _layer_norm_params(gen, "bert_ffn_ln")
    return params


# ===----------------------------------------------------------------------=== #
# PyTorch reference
# ===----------------------------------------------------------------------=== #


def attention(q, k, v, scale, mask=None):
    """softmax(q @ k^T * scale + mask) @ v for [B, H, S, D] tensors."""
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    if mask is not None:
        scores = scores + mask
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def split_heads(t):  # [B, S, D] -> [B, H, S, Dh]
    return t.reshape(t.shape[0], t.shape[1], N_HEADS, HEAD_DIM).permute(0, 2, 1, 3)


def merge_heads(t):  # [B, H, S, Dh] -> [B, S, D]
    return t.permute(0, 2, 1, 3).reshape(t.shape[0], t.shape[2], D_MODEL)


def gpt2_block(x, p, causal=True, scale=None, gelu="tanh", eps=1e-5):
    """Pre-norm GPT-2 block: h = x + attn(ln_1(x)); y = h + mlp(ln_2(h))."""
    scale = 1.0 / math.sqrt(HEAD_DIM) if scale is None else scale
    a = F.layer_norm(x, (D_MODEL,), p["gpt2_ln1_weight"], p["gpt2_ln1_bias"], eps)
    qkv = F.linear(a, p["gpt2_attn_qkv_weight"], p["gpt2_attn_qkv_bias"])
    q, k, v = (split_heads(t) for t in qkv.split(D_MODEL, dim=-1))
    mask = None
    if causal:  # lower-triangular: key j is hidden from query i when j > i
        mask = torch.full((SEQ, SEQ), float("-inf")).triu(1)
    o = merge_heads(attention(q, k, v, scale, mask))
    h = x + F.linear(o, p["gpt2_attn_proj_weight"], p["gpt2_attn_proj_bias"])
    m = F.layer_norm(h, (D_MODEL,), p["gpt2_ln2_weight"], p["gpt2_ln2_bias"], eps)
    m = F.linear(m, p["gpt2_mlp_fc_weight"], p["gpt2_mlp_fc_bias"])
    m = F.gelu(m, approximate=gelu)  # GPT-2's gelu_new is the tanh form
    m = F.linear(m, p["gpt2_mlp_proj_weight"], p["gpt2_mlp_proj_bias"])
    return h + m


def bert_layer(x, mask, p, use_mask=True, scale=None, gelu="none", eps=1e-12):
    """Post-norm BERT encoder layer (HF BertLayer, eval mode)."""
    scale = 1.0 / math.sqrt(HEAD_DIM) if scale is None else scale
    # HF BERT's extended attention mask: 0 for tokens, -10000 for padding.
    ext = (1.0 - mask.to(torch.float32)) * -10000.0
    ext = ext.reshape(mask.shape[0], 1, 1, mask.shape[1])
    q = split_heads(F.linear(x, p["bert_attn_q_weight"], p["bert_attn_q_bias"]))
    k = split_heads(F.linear(x, p["bert_attn_k_weight"], p["bert_attn_k_bias"]))
    v = split_heads(F.linear(x, p["bert_attn_v_weight"], p["bert_attn_v_bias"]))
    o = merge_heads(attention(q, k, v, scale, ext if use_mask else None))
    o = F.linear(o, p["bert_attn_out_weight"], p["bert_attn_out_bias"])
    h = F.layer_norm(o + x, (D_MODEL,), p["bert_attn_ln_weight"], p["bert_attn_ln_bias"], eps)
    f = F.linear(h, p["bert_ffn_in_weight"], p["bert_ffn_in_bias"])
    f = F.gelu(f, approximate=gelu)  # BERT's gelu is the exact (erf) form
    f = F.linear(f, p["bert_ffn_out_weight"], p["bert_ffn_out_bias"])
    return F.layer_norm(f + h, (D_MODEL,), p["bert_ffn_ln_weight"], p["bert_ffn_ln_bias"], eps)


# ===----------------------------------------------------------------------=== #
# IR emission
# ===----------------------------------------------------------------------=== #


def ttype(shape, dtype="f32"):
    return "tensor<" + "".join("%dx" % d for d in shape) + dtype + ">"


def fattr(v):
    return "%.6e" % v


def ints(values):
    return "[" + ", ".join(str(v) for v in values) + "]"


class IRWriter:
    """Collects the text of one func.func and its resource blobs."""

    def __init__(self, params):
        self.params = {p.name: p for p in params}
        self.lines = []
        self.resources = []  # (name, little-endian float32 array), in use order

    def blank(self):
        self.lines.append("")

    def comment(self, text):
        self.lines.append("  // " + text)

    def op(self, result, text):
        self.lines.append("  %%%s = %s" % (result, text))

    def weight(self, result, name):
        arr = self.params[name].kiln_array()
        self.resources.append((name, arr))
        self.op(result, "kiln.constant dense_resource<%s> : %s" % (name, ttype(arr.shape)))
        return arr.shape

    def scalar(self, result, value):
        self.op(result, "kiln.constant dense<%s> : tensor<f32>" % fattr(value))

    # Composite helpers -----------------------------------------------------

    def linear(self, result, x, x_shape, prefix):
        """%result = x @ W + b with W = <prefix>_weight ([in, out])."""
        w_shape = self.weight(result + "_w", prefix + "_weight")
        b_shape = self.weight(result + "_b", prefix + "_bias")
        y_shape = tuple(x_shape[:-1]) + (w_shape[1],)
        self.op(result + "_mm", "kiln.matmul %%%s, %%%s_w : %s, %s -> %s"
                % (x, result, ttype(x_shape), ttype(w_shape), ttype(y_shape)))
        self.op(result, "kiln.add %%%s_mm, %%%s_b : %s, %s -> %s"
                % (result, result, ttype(y_shape), ttype(b_shape), ttype(y_shape)))
        return y_shape

    def layer_norm(self, result, x, shape, prefix, eps):
        w_shape = self.weight(result + "_w", prefix + "_weight")
        b_shape = self.weight(result + "_b", prefix + "_bias")
        self.op(result, "kiln.layer_norm %%%s scale %%%s_w bias %%%s_b epsilon = %s : (%s, %s, %s) -> %s"
                % (x, result, result, fattr(eps), ttype(shape), ttype(w_shape),
                   ttype(b_shape), ttype(shape)))

    def binary(self, result, kind, lhs, lhs_shape, rhs, rhs_shape, out_shape):
        self.op(result, "kiln.%s %%%s, %%%s : %s, %s -> %s"
                % (kind, lhs, rhs, ttype(lhs_shape), ttype(rhs_shape), ttype(out_shape)))

    def to_heads(self, result, x):
        """[1, S, D] -> [1, S, H, Dh] -> [1, H, S, Dh]."""
        self.op(result + "_r", "kiln.reshape %%%s : %s -> %s"
                % (x, ttype((BATCH, SEQ, D_MODEL)), ttype((BATCH, SEQ, N_HEADS, HEAD_DIM))))
        self.op(result, "kiln.transpose %%%s_r perm = [0, 2, 1, 3] : %s -> %s"
                % (result, ttype((BATCH, SEQ, N_HEADS, HEAD_DIM)),
                   ttype((BATCH, N_HEADS, SEQ, HEAD_DIM))))

    def from_heads(self, result, x):
        """[1, H, S, Dh] -> [1, S, H, Dh] -> [1, S, D]."""
        self.op(result + "_t", "kiln.transpose %%%s perm = [0, 2, 1, 3] : %s -> %s"
                % (x, ttype((BATCH, N_HEADS, SEQ, HEAD_DIM)),
                   ttype((BATCH, SEQ, N_HEADS, HEAD_DIM))))
        self.op(result, "kiln.reshape %%%s_t : %s -> %s"
                % (result, ttype((BATCH, SEQ, N_HEADS, HEAD_DIM)), ttype((BATCH, SEQ, D_MODEL))))

    # Output ----------------------------------------------------------------

    def render(self, header, signature, ret, ret_shape):
        out = ["// " + line if line else "//" for line in header]
        out.append("")
        out.append(signature + " {")
        out.extend(self.lines)
        out.append("  return %%%s : %s" % (ret, ttype(ret_shape)))
        out.append("}")
        out.append("")
        out.append("{-#")
        out.append("  dialect_resources: {")
        out.append("    builtin: {")
        for i, (name, arr) in enumerate(self.resources):
            # 0x04000000: the blob's alignment (4, as a little-endian uint32),
            # then the raw little-endian float32 data in row-major order.
            hexdata = "04000000" + arr.astype("<f4").tobytes().hex().upper()
            sep = "," if i + 1 < len(self.resources) else ""
            out.append('      %s: "0x%s"%s' % (name, hexdata, sep))
        out.append("    }")
        out.append("  }")
        out.append("#-}")
        return "\n".join(out) + "\n"


def heads_comment(what, split):
    """'split heads: [1,64,256] -> [1,64,4,64] -> [1,4,64,64]' for the sizes."""
    flat = "[1,%d,%d]" % (SEQ, D_MODEL)
    mid = "[1,%d,%d,%d]" % (SEQ, N_HEADS, HEAD_DIM)
    heads = "[1,%d,%d,%d]" % (N_HEADS, SEQ, HEAD_DIM)
    path = [flat, mid, heads] if split else [heads, mid, flat]
    return "%s: %s" % (what, " -> ".join(path))


def emit_gpt2(params):
    w = IRWriter(params)
    X = (BATCH, SEQ, D_MODEL)
    H = (BATCH, N_HEADS, SEQ, HEAD_DIM)
    w.comment("---- attention sub-block: h = x + attn(ln_1(x)) ----")
    w.comment("ln_1")
    w.layer_norm("ln1", "x", X, "gpt2_ln1", 1e-5)
    w.comment("combined q/k/v projection: [1,%d,%d] @ [%d,%d] + bias" % (SEQ, D_MODEL, D_MODEL, 3 * D_MODEL))
    qkv = w.linear("qkv", "ln1", X, "gpt2_attn_qkv")
    w.comment("split into q, k, v (columns 0:%d, %d:%d, %d:%d)" % (D_MODEL, D_MODEL, 2 * D_MODEL, 2 * D_MODEL, 3 * D_MODEL))
    for i, n in enumerate("qkv"):
        w.op(n, "kiln.slice %%qkv starts = [0, 0, %d] limits = [1, %d, %d] : %s -> %s"
             % (i * D_MODEL, SEQ, (i + 1) * D_MODEL, ttype(qkv), ttype(X)))
    w.comment(heads_comment("split heads", True))
    for n in "qkv":
        w.to_heads(n + "h", n)
    w.comment("causal self-attention, scale = 1/sqrt(%d) (the default)" % HEAD_DIM)
    w.op("attn", "kiln.attention %%qh, %%kh, %%vh causal : (%s, %s, %s) -> %s"
         % (ttype(H), ttype(H), ttype(H), ttype(H)))
    w.comment(heads_comment("merge heads", False))
    w.from_heads("attn_merged", "attn")
    w.comment("output projection and residual")
    w.linear("attn_proj", "attn_merged", X, "gpt2_attn_proj")
    w.binary("h", "add", "x", X, "attn_proj", X, X)
    w.blank()
    w.comment("---- MLP sub-block: y = h + mlp(ln_2(h)) ----")
    w.comment("ln_2")
    w.layer_norm("ln2", "h", X, "gpt2_ln2", 1e-5)
    w.comment("fc [%d -> %d], GELU (tanh form: GPT-2's gelu_new), proj [%d -> %d]" % (D_MODEL, D_FF, D_FF, D_MODEL))
    fc = w.linear("fc", "ln2", X, "gpt2_mlp_fc")
    w.op("gelu", "kiln.gelu %%fc approximate = tanh : %s" % ttype(fc))
    w.linear("mlp_proj", "gelu", fc, "gpt2_mlp_proj")
    w.binary("y", "add", "h", X, "mlp_proj", X, X)
    header = [
        "GPT-2 transformer block (pre-norm), float32.",
        "Generated by test/examples/gen_examples.py -- do not edit by hand;",
        "regenerate with: /usr/bin/python3 test/examples/gen_examples.py",
        "",
        "d_model %d, %d heads of %d, sequence %d, batch 1, MLP %d:" % (D_MODEL, N_HEADS, HEAD_DIM, SEQ, D_FF),
        "  h = x + proj(causal_attention(qkv(ln_1(x))))",
        "  y = h + mlp_proj(gelu_tanh(fc(ln_2(h))))",
        "layer_norm epsilon 1e-5 with scale and bias. Linear weights are",
        "stored [in, out] (kiln.matmul %x, %w computes x @ w); all weights are",
        "random (seed %d) and embedded as dense_resource blobs at the end." % GPT2_SEED,
        "",
        "Check against PyTorch's output:",
        "  " + GPT2_CHECK,
    ]
    sig = "func.func @gpt2_block(%%x: %s) -> %s" % (ttype(X), ttype(X))
    return w.render(header, sig, "y", X)


def emit_bert(params):
    w = IRWriter(params)
    X = (BATCH, SEQ, D_MODEL)
    H = (BATCH, N_HEADS, SEQ, HEAD_DIM)
    M = (BATCH, SEQ)
    M4 = (BATCH, 1, 1, SEQ)
    w.comment("---- additive attention mask, as in HF BERT: (1 - mask) * -10000 ----")
    w.op("mask_f", "kiln.cast %%mask : %s -> %s" % (ttype(M, "i64"), ttype(M)))
    w.scalar("one", 1.0)
    w.scalar("neg_big", -10000.0)
    w.binary("mask_inv", "sub", "one", (), "mask_f", M, M)
    w.binary("mask_add", "mul", "mask_inv", M, "neg_big", (), M)
    w.comment("[1,%d] -> [1,1,1,%d]: broadcasts over heads and queries" % (SEQ, SEQ))
    w.op("mask_4d", "kiln.reshape %%mask_add : %s -> %s" % (ttype(M), ttype(M4)))
    w.blank()
    w.comment("---- self-attention: separate q/k/v projections ----")
    for n in "qkv":
        w.linear(n, "x", X, "bert_attn_" + n)
    w.comment(heads_comment("split heads", True))
    for n in "qkv":
        w.to_heads(n + "h", n)
    w.comment("padding-masked attention, scale = 1/sqrt(%d)" % HEAD_DIM)
    w.op("attn", "kiln.attention %%qh, %%kh, %%vh mask %%mask_4d scale = %s : (%s, %s, %s, %s) -> %s"
         % (fattr(1.0 / math.sqrt(HEAD_DIM)), ttype(H), ttype(H), ttype(H), ttype(M4), ttype(H)))
    w.comment(heads_comment("merge heads", False))
    w.from_heads("attn_merged", "attn")
    w.comment("attention output dense, residual, layer_norm (post-norm)")
    w.linear("attn_out", "attn_merged", X, "bert_attn_out")
    w.binary("attn_res", "add", "attn_out", X, "x", X, X)
    w.layer_norm("h", "attn_res", X, "bert_attn_ln", 1e-12)
    w.blank()
    w.comment("---- feed-forward: dense [%d -> %d], GELU (erf form), dense [%d -> %d] ----" % (D_MODEL, D_FF, D_FF, D_MODEL))
    ff = w.linear("ffn_in", "h", X, "bert_ffn_in")
    w.op("gelu", "kiln.gelu %%ffn_in : %s" % ttype(ff))
    w.linear("ffn_out", "gelu", ff, "bert_ffn_out")
    w.comment("residual, layer_norm")
    w.binary("ffn_res", "add", "ffn_out", X, "h", X, X)
    w.layer_norm("y", "ffn_res", X, "bert_ffn_ln", 1e-12)
    header = [
        "BERT encoder layer (post-norm, as HF BertLayer), float32.",
        "Generated by test/examples/gen_examples.py -- do not edit by hand;",
        "regenerate with: /usr/bin/python3 test/examples/gen_examples.py",
        "",
        "d_model %d, %d heads of %d, sequence %d, batch 1, FFN %d:" % (D_MODEL, N_HEADS, HEAD_DIM, SEQ, D_FF),
        "  h = layer_norm(x + dense(attention(q(x), k(x), v(x), additive_mask)))",
        "  y = layer_norm(h + dense(gelu_erf(dense(h))))",
        "%mask is 1 for real tokens and 0 for padding; the additive mask is",
        "(1 - mask) * -10000. layer_norm epsilon 1e-12. Linear weights are stored",
        "[in, out] (kiln.matmul %x, %w computes x @ w); all weights are random",
        "(seed %d) and embedded as dense_resource blobs at the end." % BERT_SEED,
        "",
        "Check against PyTorch's output:",
        "  " + BERT_CHECK,
    ]
    sig = "func.func @bert_layer(%%x: %s, %%mask: %s) -> %s" % (
        ttype(X), ttype(M, "i64"), ttype(X))
    return w.render(header, sig, "y", X)


# ===----------------------------------------------------------------------=== #
# Self-checks: reading the IR text back
# ===----------------------------------------------------------------------=== #

_TYPE_RE = re.compile(r"tensor<((?:\d+x)*)(f32|i64|i1)>")


def parse_type(text):
    m = _TYPE_RE.fullmatch(text.strip())
    if not m:
        raise ValueError("unexpected type: " + text)
    dims = tuple(int(d) for d in m.group(1).split("x") if d)
    return dims, m.group(2)


def parse_resources(text):
    """name -> raw bytes of every blob in the dialect_resources section."""
    section = text[text.index("{-#"):]
    blobs = {}
    for name, hexdata in re.findall(r'(\w+):\s*"0x([0-9A-Fa-f]+)"', section):
        raw = bytes.fromhex(hexdata)
        align = int.from_bytes(raw[:4], "little")
        if align != 4:
            raise ValueError("blob %s: alignment %d, expected 4" % (name, align))
        blobs[name] = raw[4:]
    return blobs


def parse_weights(text):
    """name -> float32 array (shaped by its kiln.constant) for every blob."""
    blobs = parse_resources(text)
    weights = {}
    for name, ty in re.findall(r"kiln\.constant dense_resource<(\w+)> : (tensor<[^>]*>)", text):
        shape, dtype = parse_type(ty)
        assert dtype == "f32"
        arr = np.frombuffer(blobs[name], dtype="<f4")
        assert arr.size == int(np.prod(shape)), name
        weights[name] = arr.reshape(shape)
    assert set(weights) == set(blobs), "blobs and constants disagree"
    return weights


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def interpret(text, func, args):
    """Runs func.func @func of the IR text in float64 NumPy.

    Understands exactly the forms this script emits; every op's printed
    result type is checked against the computed shape.
    """
    weights = parse_weights(text)
    sig = re.search(r"func\.func @%s\(([^)]*)\) -> (tensor<[^>]*>) \{" % func, text)
    env = {}
    for (name, ty), value in zip(re.findall(r"%(\w+): (tensor<[^>]*>)", sig.group(1)), args):
        shape, _ = parse_type(ty)
        assert value.shape == shape, (name, value.shape, shape)
        env[name] = value.astype(np.float64) if value.dtype == np.float32 else value
    body = text[sig.end():text.index("\n}\n", sig.end())]
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        m = re.fullmatch(r"return %(\w+) : (.*)", line)
        if m:
            result = env[m.group(1)]
            assert result.shape == parse_type(m.group(2))[0]
            assert tuple(result.shape) == parse_type(sig.group(2))[0]
            return result
        m = re.fullmatch(r"%(\w+) = kiln\.(\w+) (.*)", line)
        assert m, "cannot parse: " + line
        res, opname, rest = m.groups()
        operands_text, _, types_text = rest.partition(" : ")
        res_type = types_text.rsplit("->", 1)[-1].strip()
        opnd = [env[n] for n in re.findall(r"%(\w+)", operands_text)]
        if opname == "constant":
            c = re.fullmatch(r"dense_resource<(\w+)>", operands_text)
            if c:
                val = weights[c.group(1)].astype(np.float64)
            else:
                val = np.array(float(re.fullmatch(r"dense<(.*)>", operands_text).group(1)))
        elif opname == "matmul":
            a, b = opnd
            assert "transpose" not in operands_text
            val = np.matmul(a, b)
        elif opname in ("add", "sub", "mul"):
            a, b = opnd
            val = {"add": np.add, "sub": np.subtract, "mul": np.multiply}[opname](a, b)
        elif opname == "cast":
            _, dtype = parse_type(res_type)
            assert dtype == "f32"
            val = opnd[0].astype(np.float64)
        elif opname == "reshape":
            val = opnd[0].reshape(parse_type(res_type)[0])
        elif opname == "transpose":
            perm = [int(v) for v in re.search(r"perm = \[([^\]]*)\]", operands_text).group(1).split(",")]
            val = np.transpose(opnd[0], perm)
        elif opname == "slice":
            starts = [int(v) for v in re.search(r"starts = \[([^\]]*)\]", operands_text).group(1).split(",")]
            limits = [int(v) for v in re.search(r"limits = \[([^\]]*)\]", operands_text).group(1).split(",")]
            assert "steps" not in operands_text
            val = opnd[0][tuple(slice(s, l) for s, l in zip(starts, limits))]
        elif opname == "layer_norm":
            x, g, b = opnd
            eps = float(re.search(r"epsilon = (\S+)", operands_text).group(1))
            mean = x.mean(-1, keepdims=True)
            var = ((x - mean) ** 2).mean(-1, keepdims=True)
            val = (x - mean) / np.sqrt(var + eps) * g + b
        elif opname == "gelu":
            x = opnd[0]
            if "approximate = tanh" in operands_text:
                val = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
            else:
                assert "approximate" not in operands_text
                val = 0.5 * x * (1 + _erf(x / math.sqrt(2)))
        elif opname == "attention":
            q, k, v = opnd[:3]
            sm = re.search(r"scale = (\S+)", operands_text)
            scale = float(sm.group(1)) if sm else 1.0 / math.sqrt(q.shape[-1])
            s = np.matmul(q, np.swapaxes(k, -1, -2)) * scale
            if " mask " in operands_text:
                s = s + opnd[3]
            if operands_text.endswith(" causal"):
                sq, sk = s.shape[-2:]
                i = np.arange(sq)[:, None]
                j = np.arange(sk)[None, :]
                s = np.where(j > i + (sk - sq), -np.inf, s)
            s = np.exp(s - s.max(-1, keepdims=True))
            val = np.matmul(s / s.sum(-1, keepdims=True), v)
        else:
            raise ValueError("op not handled by the checker: " + opname)
        assert tuple(val.shape) == parse_type(res_type)[0], (line, val.shape)
        env[res] = val
    raise ValueError("no return in @" + func)


def tolerance_ratio(actual, expected):
    """max |a - e| / (ATOL + RTOL |e|): <= 1 passes kiln-run's default check."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return float(np.max(np.abs(actual - expected) / (ATOL + RTOL * np.abs(expected))))


def check_blobs(text, params, reference, inputs, expected):
    """Rebuilds the torch parameters from the blobs; the output must be identical."""
    weights = parse_weights(text)
    assert set(weights) == {p.name for p in params}, "blob set differs from parameters"
    rebuilt = {}
    for p in params:
        t = Param.torch_from_kiln(weights[p.name], p.linear_weight)
        assert t.shape == p.tensor.shape and torch.equal(t, p.tensor), p.name
        rebuilt[p.name] = t
    out = reference(*inputs, rebuilt).numpy()
    assert np.array_equal(out, expected), "output from the blobs differs"


# ===----------------------------------------------------------------------=== #
# Main
# ===----------------------------------------------------------------------=== #


def write_npy(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(array))


def set_sizes(d_model, heads, seq, padded):
    """Rebinds the block sizes every function here reads."""
    global D_MODEL, N_HEADS, HEAD_DIM, SEQ, D_FF, N_PADDED
    if d_model % heads:
        sys.exit("--d-model must be a multiple of --heads")
    D_MODEL, N_HEADS, SEQ, N_PADDED = d_model, heads, seq, padded
    HEAD_DIM = d_model // heads
    D_FF = 4 * d_model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=REPO_ROOT,
                        help="repository root to write examples/ under (default: this checkout)")
    # The committed examples use the defaults; bench/ generates larger
    # blocks (e.g. --d-model 768 --heads 12 --seq 128) into its own --root.
    parser.add_argument("--d-model", type=int, default=D_MODEL)
    parser.add_argument("--heads", type=int, default=N_HEADS)
    parser.add_argument("--seq", type=int, default=SEQ)
    parser.add_argument("--padded", type=int, default=N_PADDED,
                        help="BERT input: how many trailing positions are padding")
    args = parser.parse_args()
    set_sizes(args.d_model, args.heads, args.seq, args.padded)
    examples = os.path.join(args.root, "examples")

    torch.set_num_threads(1)  # fixed reduction order: reproducible bits
    torch.use_deterministic_algorithms(True)

    # ---- GPT-2 ------------------------------------------------------------
    gen = torch.Generator().manual_seed(GPT2_SEED)
    gpt2_params = make_gpt2_params(gen)
    gpt2_x = torch.randn(BATCH, SEQ, D_MODEL, generator=gen, dtype=torch.float32)
    gp = {p.name: p.tensor for p in gpt2_params}
    with torch.no_grad():
        gpt2_y = gpt2_block(gpt2_x, gp).numpy()
    gpt2_text = emit_gpt2(gpt2_params)

    # ---- BERT -------------------------------------------------------------
    gen = torch.Generator().manual_seed(BERT_SEED)
    bert_params = make_bert_params(gen)
    bert_x = torch.randn(BATCH, SEQ, D_MODEL, generator=gen, dtype=torch.float32)
    bert_mask = torch.ones(BATCH, SEQ, dtype=torch.int64)
    bert_mask[:, SEQ - N_PADDED:] = 0
    bp = {p.name: p.tensor for p in bert_params}
    with torch.no_grad():
        bert_y = bert_layer(bert_x, bert_mask, bp).numpy()
    bert_text = emit_bert(bert_params)

    # ---- Write ------------------------------------------------------------
    os.makedirs(examples, exist_ok=True)
    files = {
        "gpt2_block.mlir": gpt2_text,
        "bert_layer.mlir": bert_text,
    }
    for name, text in files.items():
        with open(os.path.join(examples, name), "w", newline="\n") as f:
            f.write(text)
    npys = {
        "gpt2_block/input_0.npy": gpt2_x.numpy().astype("<f4"),
        "gpt2_block/expected_0.npy": gpt2_y.astype("<f4"),
        "bert_layer/input_0.npy": bert_x.numpy().astype("<f4"),
        "bert_layer/input_1.npy": bert_mask.numpy().astype("<i8"),
        "bert_layer/expected_0.npy": bert_y.astype("<f4"),
    }
    for name, arr in npys.items():
        write_npy(os.path.join(examples, "data", name), arr)

    # ---- Self-checks ------------------------------------------------------
    with torch.no_grad():
        with open(os.path.join(examples, "gpt2_block.mlir")) as f:
            gpt2_read = f.read()
        with open(os.path.join(examples, "bert_layer.mlir")) as f:
            bert_read = f.read()

        # 1. blobs -> torch parameters -> identical output.
        check_blobs(gpt2_read, gpt2_params, gpt2_block, (gpt2_x,), gpt2_y)
        check_blobs(bert_read, bert_params, bert_layer, (bert_x, bert_mask), bert_y)

        # 2. the IR itself, interpreted in float64.
        gpt2_ir = interpret(gpt2_read, "gpt2_block", [gpt2_x.numpy()])
        bert_ir = interpret(bert_read, "bert_layer", [bert_x.numpy(), bert_mask.numpy()])
        gpt2_ir_ratio = tolerance_ratio(gpt2_ir, gpt2_y)
        bert_ir_ratio = tolerance_ratio(bert_ir, bert_y)

        # 3. the .npy files.
        for name, arr in npys.items():
            back = np.load(os.path.join(examples, "data", name))
            assert back.dtype == arr.dtype and back.dtype.byteorder in "<=|", name
            assert back.flags.c_contiguous and np.array_equal(back, arr), name

        # 4. sensitivity: how far plausible mistakes move the output.
        gpt2_sens = {
            "no causal mask": gpt2_block(gpt2_x, gp, causal=False),
            "scale 1/16 instead of 1/8": gpt2_block(gpt2_x, gp, scale=1.0 / 16),
            "GELU erf instead of tanh": gpt2_block(gpt2_x, gp, gelu="none"),
        }
        bert_sens = {
            "padding mask ignored": bert_layer(bert_x, bert_mask, bp, use_mask=False),
            "scale 1/16 instead of 1/8": bert_layer(bert_x, bert_mask, bp, scale=1.0 / 16),
            "GELU tanh instead of erf": bert_layer(bert_x, bert_mask, bp, gelu="tanh"),
        }

    ok = gpt2_ir_ratio <= 1.0 and bert_ir_ratio <= 1.0
    for label, rel, y, ratio, sens in (
            ("gpt2_block", "examples/gpt2_block.mlir", gpt2_y, gpt2_ir_ratio, gpt2_sens),
            ("bert_layer", "examples/bert_layer.mlir", bert_y, bert_ir_ratio, bert_sens)):
        path = os.path.join(args.root, rel)
        print("%s: %s (%.2f MB)" % (label, rel, os.path.getsize(path) / 1e6))
        print("  output shape %s, max |y| = %.6f, mean |y| = %.6f"
              % (tuple(y.shape), np.abs(y).max(), np.abs(y).mean()))
        print("  blobs -> torch: bit-identical output")
        print("  IR interpreted in float64 vs expected: %.4f of tolerance (rtol %g, atol %g)%s"
              % (ratio, RTOL, ATOL, "" if ratio <= 1.0 else "  <-- FAIL"))
        for what, out in sens.items():
            print("  sensitivity, %s: %.1fx tolerance" % (what, tolerance_ratio(out.numpy(), y)))
    if not ok:
        print("self-check FAILED", file=sys.stderr)
        return 1
    print("self-check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
