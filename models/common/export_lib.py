"""Export a trained denoiser (EMA weights) to ONNX opset 17 with the preconditioning inside the graph,
check the ops, write reference.json, verify against torch in Node (onnxruntime-node), write card.json
and README.md."""
import hashlib
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import onnx
import torch

from reference_inputs import REF_SIGMAS, REF_STRIDE, ref_x
from trainlib import load_ema_model
from unet import SIGMA_MAX, SIGMA_MIN, n_params

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# The list plus the structural ops the differentiable engine (src/engines/onnx/diff) also runs.
ALLOWED_OPS = {"Conv", "Gemm", "MatMul", "Add", "Mul", "Sub", "Div", "Sigmoid", "Softmax", "Concat", "Reshape",
               "Transpose", "Resize", "ReduceMean", "ReduceSum", "Sin", "Cos", "Exp", "Log", "Sqrt", "Pow",
               "Slice", "Constant", "Split"}
MAX_BYTES = 12 * 1024 * 1024


def export(ckpt_path, out_dir):
    model, ck = load_ema_model(ckpt_path)
    mc = ck["cfg"]["model"]
    C, S = mc["in_ch"], mc["size"]
    path = os.path.join(out_dir, "denoiser.onnx")
    x = torch.from_numpy(ref_x((len(REF_SIGMAS), C, S, S)))
    sigma = torch.tensor(REF_SIGMAS, dtype=torch.float32)
    with torch.no_grad():
        y = model(x, sigma)
    torch.onnx.export(model, (x, sigma), path, opset_version=17, input_names=["x", "sigma"],
                      output_names=["denoised"], do_constant_folding=True,
                      dynamic_axes={"x": {0: "N"}, "sigma": {0: "N"}, "denoised": {0: "N"}})
    m = onnx.load(path)
    # name the output dims [N, C, H, W] (the exporter leaves generated symbolic names)
    for o in m.graph.output:
        dims = o.type.tensor_type.shape.dim
        dims[0].dim_param = "N"
        for d, v in zip(dims[1:], (C, S, S)):
            d.Clear()
            d.dim_value = v
    m.producer_name = "tweedie-playground models/common/export_lib.py"
    onnx.save(m, path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    bad = [o for o in ops if o not in ALLOWED_OPS]
    if bad:
        raise SystemExit(f"ONNX graph uses ops outside the allowed list: {bad}")
    for n in m.graph.node:
        if n.op_type == "Resize":
            mode = [a.s.decode() for a in n.attribute if a.name == "mode"]
            assert mode == ["nearest"], mode
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise SystemExit(f"{path} is {size} bytes > 12 MB")
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    io = {
        "inputs": [{"name": i.name, "shape": [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]}
                   for i in m.graph.input],
        "outputs": [{"name": o.name, "shape": [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]}
                    for o in m.graph.output],
    }
    yf = y.numpy().reshape(-1)
    ref = {
        "description": "x[i] = float32(1.8*sin(0.1*i + 0.5)*cos(0.0037*i)) over the flat NCHW index i (synthetic, "
                       "no dataset images); sigma as given; output = torch EMA model D(x, sigma); "
                       f"output_strided = output.flat[::{REF_STRIDE}]",
        "shape": [len(REF_SIGMAS), C, S, S],
        "sigma": REF_SIGMAS,
        "stride": REF_STRIDE,
        "output_strided": [float(f"{v:.7g}") for v in yf[::REF_STRIDE]],
        "output_sum": float(yf.astype(np.float64).sum()),
        "output_abs_sum": float(np.abs(yf.astype(np.float64)).sum()),
        "tolerance": 1e-4,
        "sha256": sha,
    }
    json.dump(ref, open(os.path.join(out_dir, "reference.json"), "w"), indent=1)
    # parity check in Node with onnxruntime-node against the full torch output
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"shape": ref["shape"], "sigma": REF_SIGMAS, "output": yf.tolist()}, f)
        full = f.name
    res = subprocess.run(["node", os.path.join(REPO, "models", "common", "check_onnx.mjs"), path, full],
                         cwd=REPO, capture_output=True, text=True)
    os.unlink(full)
    if res.returncode != 0:
        raise SystemExit("node parity check failed:\n" + res.stdout + res.stderr)
    parity = json.loads(res.stdout.strip().splitlines()[-1])
    print("ops", ops, "size", size, "parity", parity, flush=True)
    if parity["maxAbsDiff"] > 1e-4 or parity["maxAbsDiffBatch1"] > 1e-4:
        raise SystemExit(f"ONNX vs torch differ: {parity}")
    return {"model": model, "ck": ck, "ops": ops, "bytes": size, "sha256": sha, "io": io, "parity": parity,
            "n_params": n_params(model)}
