#!/usr/bin/python3
"""Exports small transformer blocks from PyTorch with torch.onnx.export, as
users do, with inputs and PyTorch's outputs as .npy files:

    torch_models.py OUTDIR

writes, for MODEL in gpt2 (pre-norm, causal mask from a registered tril
buffer sliced by the sequence length, tanh GELU, fused qkv split) and bert
(post-norm, additive padding mask, erf GELU), each at opset 14 and 17 with
static or dynamic (batch, seq) axes: MODEL_OPSET_static.onnx and
MODEL_OPSET_dynamic.onnx, plus MODEL.in<K>.npy and MODEL.out0.npy.
"""

import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn

D, HEADS, T = 64, 4, 16


class GPT2Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
        self.register_buffer("bias", torch.tril(torch.ones(32, 32)).view(1, 1, 32, 32))

    def forward(self, x):
        b, t = x.size(0), x.size(1)
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q = q.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        k = k.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        v = v.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        y = (torch.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous()
        x = x + self.proj(y.view(b, t, D))
        h = nn.functional.gelu(self.fc(self.ln2(x)), approximate="tanh")
        return x + self.out(h)


class BertLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k = nn.Linear(D, D), nn.Linear(D, D)
        self.v, self.o = nn.Linear(D, D), nn.Linear(D, D)
        self.ln1, self.ln2 = nn.LayerNorm(D, eps=1e-12), nn.LayerNorm(D, eps=1e-12)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x, mask):
        b, t = x.size(0), x.size(1)

        def heads(y):
            return y.view(b, t, HEADS, D // HEADS).permute(0, 2, 1, 3)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // HEADS) + mask
        ctx = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3)
        h = self.ln1(x + self.o(ctx.reshape(b, t, D)))
        return self.ln2(h + self.out(nn.functional.gelu(self.fc(h))))


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(0)
    x = torch.randn(1, T, D)
    mask = torch.zeros(1, 1, 1, T)
    mask[..., T - 3:] = -10000.0
    models = {"gpt2": (GPT2Block().eval(), (x,), ["x"]),
              "bert": (BertLayer().eval(), (x, mask), ["x", "mask"])}
    for name, (model, inputs, input_names) in models.items():
        with torch.no_grad():
            expected = model(*inputs)
        for k, a in enumerate(inputs):
            np.save(os.path.join(outdir, "%s.in%d.npy" % (name, k)), a.numpy())
        np.save(os.path.join(outdir, "%s.out0.npy" % name), expected.numpy())
        for opset in (14, 17):
            for axes in ("static", "dynamic"):
                dynamic = None
                if axes == "dynamic":
                    dynamic = {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}
                    if "mask" in input_names:
                        dynamic["mask"] = {0: "batch", 3: "seq"}
                path = os.path.join(outdir, "%s_%d_%s.onnx" % (name, opset, axes))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    torch.onnx.export(model, inputs, path, opset_version=opset,
                                      input_names=input_names,
                                      output_names=["y"], dynamic_axes=dynamic)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
