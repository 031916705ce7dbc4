#!/usr/bin/python3
"""Exports the 2-layer, d=256 GPT-2-style and BERT-style models of
test/python/models.py (the ones the torch.fx tests import) with
torch.onnx.export, as users export them, plus inputs and PyTorch's outputs:

    export_e2e_models.py OUTDIR gpt2|bert

writes MODEL_OPSET_AXES.onnx for OPSET in 14, 17 and AXES in static (batch
2, seq 32) and dynamic (batch and seq symbolic), MODEL.in<K>.npy /
MODEL.out<K>.npy for the export shapes, and MODEL.small.in<K>.npy /
MODEL.small.out<K>.npy for batch 1, seq 16 (what the dynamic exports are
also run with, through --onnx-dim=batch=1,seq=16).
"""

import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from models import GPT2, Bert, bert_inputs, gpt2_inputs  # noqa: E402

SPECS = {
    # model factory, inputs(batch, seq), input names, output names
    "gpt2": (GPT2, lambda b, t: gpt2_inputs(batch=b, seq=t), ["idx"],
             ["logits"]),
    "bert": (Bert, lambda b, t: bert_inputs(batch=b, seq=t),
             ["input_ids", "attention_mask", "token_type_ids"],
             ["hidden", "pooled"]),
}


def save(outdir, prefix, inputs, outputs):
    for k, a in enumerate(inputs):
        np.save(os.path.join(outdir, "%s.in%d.npy" % (prefix, k)), a.numpy())
    for k, a in enumerate(outputs):
        np.save(os.path.join(outdir, "%s.out%d.npy" % (prefix, k)), a.numpy())


def main(outdir, name):
    os.makedirs(outdir, exist_ok=True)
    factory, make_inputs, input_names, output_names = SPECS[name]
    torch.manual_seed(0)
    model = factory(d_model=256, n_head=4, n_layer=2).eval()
    inputs, small = make_inputs(2, 32), make_inputs(1, 16)
    with torch.no_grad():
        for prefix, args in ((name, inputs), (name + ".small", small)):
            out = model(*args)
            save(outdir, prefix, args, out if isinstance(out, tuple) else (out,))
    dynamic = {n: {0: "batch", 1: "seq"} for n in input_names + output_names}
    dynamic["pooled"] = {0: "batch"}
    for opset in (14, 17):
        for axes in ("static", "dynamic"):
            path = os.path.join(outdir, "%s_%d_%s.onnx" % (name, opset, axes))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    model, inputs, path, opset_version=opset,
                    input_names=input_names, output_names=output_names,
                    dynamic_axes=dynamic if axes == "dynamic" else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
