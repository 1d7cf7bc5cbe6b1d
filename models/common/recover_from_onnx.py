"""Recover a PyTorch state_dict from a shipped denoiser.onnx (the EMA weights), so that training can
continue from the shipped model when its git-ignored checkpoint is gone.

The TorchScript exporter keeps parameter names for Conv/Gemm initialisers; the Linear layers of the
attention blocks (applied to 3-D tensors) become MatMul with a transposed, renamed weight
(`onnx::MatMul_NNN`). Those are matched to the attention blocks by following the graph: each MatMul's
output feeds an Add with the named bias (qkv) or, for the bias-free `out` projection, sits in the
block whose qkv came just before (the graph order is the forward order).

The recovered weights are checked against the model's reference.json (torch output on the synthetic
reference input), so a wrong mapping cannot pass silently.

  /usr/bin/python3 models/common/recover_from_onnx.py models/cifar10-unet   # writes checkpoints/last.pt
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_inputs import ref_x  # noqa: E402
from trainlib import EMA, build  # noqa: E402


def load_cfg(model_dir):
    spec = importlib.util.spec_from_file_location("cfg_" + os.path.basename(model_dir),
                                                  os.path.join(model_dir, "config.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CFG


def state_dict_from_onnx(onnx_path, model):
    m = onnx.load(onnx_path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    sd = model.state_dict()
    out = {}
    for k in sd:
        if k in inits:
            out[k] = torch.from_numpy(inits[k].copy())
    # MatMul weights in graph order; attention Linear layers in module order (qkv, out per block)
    mm = [n.input[1] for n in m.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    lin = [k for k in sd if (k.endswith(".qkv.weight") or k.endswith(".out.weight")) and k not in out]
    if len(mm) != len(lin):
        raise SystemExit(f"{len(mm)} MatMul initialisers vs {len(lin)} attention Linear weights")
    for k, name in zip(lin, mm):
        w = inits[name].T.copy()
        if tuple(w.shape) != tuple(sd[k].shape):
            raise SystemExit(f"shape mismatch {k} {tuple(sd[k].shape)} vs {name} {w.shape}")
        out[k] = torch.from_numpy(w)
    missing = [k for k in sd if k not in out]
    if missing:
        raise SystemExit(f"not found in the ONNX file: {missing}")
    return out


def check_reference(model, ref):
    x = torch.from_numpy(ref_x(tuple(ref["shape"])))
    with torch.no_grad():
        y = model(x, torch.tensor(ref["sigma"], dtype=torch.float32)).numpy().reshape(-1)
    d = np.abs(y[:: ref["stride"]] - np.array(ref["output_strided"], dtype=np.float32)).max()
    return float(d)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model_dir")
    p.add_argument("--out", default=None, help="default <model_dir>/checkpoints/last.pt")
    args = p.parse_args()
    cfg = load_cfg(args.model_dir)
    card = json.load(open(os.path.join(args.model_dir, "card.json")))
    ref = json.load(open(os.path.join(args.model_dir, "reference.json")))
    model = build(cfg)
    sd = state_dict_from_onnx(os.path.join(args.model_dir, "denoiser.onnx"), model)
    model.load_state_dict(sd)
    model.eval()
    d = check_reference(model, ref)
    print(f"recovered {len(sd)} tensors; max |torch - reference.json| = {d:.3g}", flush=True)
    if d > 1e-4:
        raise SystemExit("recovered weights do not reproduce reference.json")
    out = args.out or os.path.join(args.model_dir, "checkpoints", "last.pt")
    if os.path.exists(out):
        raise SystemExit(f"{out} exists; not overwriting")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tr = card["training"]
    ema = EMA(model, cfg["train"]["ema"])
    state = {"step": tr["steps"], "images_seen": tr["images_seen"], "train_seconds": 3600.0 * tr["hours"],
             "segments": tr["segments"] + [{"note": "weights recovered from the shipped denoiser.onnx (EMA); "
                                                    "raw weights and Adam state were lost, training restarts "
                                                    "Adam from the EMA weights"}]}
    # only the EMA survives in the ONNX file: raw weights start equal to it, Adam state fresh
    torch.save({"cfg": cfg, "model": sd, "opt": None, "ema": ema.shadow, "state": state}, out)
    print(f"wrote {out} at step {state['step']}, images {state['images_seen']}", flush=True)


if __name__ == "__main__":
    main()
