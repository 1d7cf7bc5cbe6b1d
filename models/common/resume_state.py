"""Compact, committed training state of a models/*-unet denoiser, so the next session continues training
(checkpoints/ is git-ignored and stays on the machine that trained).

  pack:   checkpoints/last.pt → resume/state.pt   (weights and EMA in fp16, Adam moments in bfloat16, step
          counters and the training segments as they are; ≈ 8 bytes a parameter, 11.4 MB for 1.43 M)
  unpack: resume/state.pt → checkpoints/last.pt   (fp32 again), then `train.py --resume`

  /usr/bin/python3 models/common/resume_state.py pack models/cifar10-unet
  /usr/bin/python3 models/common/resume_state.py unpack models/cifar10-unet
"""
import argparse
import os
import sys

import torch

MAX_BYTES = 15 * 1024 * 1024


def _half(sd, dtype):
    return {k: (v.to(dtype) if v.dtype.is_floating_point else v) for k, v in sd.items()}


def _full(sd):
    return {k: (v.float() if v.dtype.is_floating_point else v) for k, v in sd.items()}


def pack(model_dir):
    src = os.path.join(model_dir, "checkpoints", "last.pt")
    dst = os.path.join(model_dir, "resume", "state.pt")
    ck = torch.load(src, map_location="cpu")
    opt = None
    if ck.get("opt") is not None:
        opt = {"param_groups": ck["opt"]["param_groups"],
               "state": {i: {k: (v.to(torch.bfloat16) if torch.is_tensor(v) and v.dim() > 0 else v)
                             for k, v in st.items()} for i, st in ck["opt"]["state"].items()}}
    out = {"format": "tweedie-playground resume state v1 (fp16 weights/EMA, bf16 Adam moments)",
           "cfg": ck["cfg"], "model": _half(ck["model"], torch.float16), "ema": _half(ck["ema"], torch.float16),
           "opt": opt, "state": ck["state"]}
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    torch.save(out, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    size = os.path.getsize(dst)
    # how much the fp16 rounding moves the EMA weights
    rel = max(float((ck["ema"][k] - out["ema"][k].float()).abs().max() / ck["ema"][k].abs().max().clamp_min(1e-12))
              for k in ck["ema"] if ck["ema"][k].dtype.is_floating_point and ck["ema"][k].numel() > 1)
    print(f"wrote {dst}: {size} bytes, step {ck['state']['step']}, images {ck['state']['images_seen']}, "
          f"max relative fp16 rounding of the EMA {rel:.2g}")
    if size > MAX_BYTES:
        raise SystemExit(f"{dst} is {size} bytes > 15 MB")


def unpack(model_dir, force=False):
    src = os.path.join(model_dir, "resume", "state.pt")
    dst = os.path.join(model_dir, "checkpoints", "last.pt")
    if os.path.exists(dst) and not force:
        raise SystemExit(f"{dst} exists (pass --force to overwrite)")
    ck = torch.load(src, map_location="cpu")
    opt = None
    if ck.get("opt") is not None:
        opt = {"param_groups": ck["opt"]["param_groups"],
               "state": {i: {k: (v.float() if torch.is_tensor(v) and v.dim() > 0 else v) for k, v in st.items()}
                         for i, st in ck["opt"]["state"].items()}}
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    torch.save({"cfg": ck["cfg"], "model": _full(ck["model"]), "ema": _full(ck["ema"]), "opt": opt,
                "state": ck["state"]}, dst)
    print(f"wrote {dst} at step {ck['state']['step']}, images {ck['state']['images_seen']}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["pack", "unpack"])
    p.add_argument("model_dir")
    p.add_argument("--force", action="store_true")
    a = p.parse_args()
    (pack if a.action == "pack" else lambda d: unpack(d, a.force))(a.model_dir)


if __name__ == "__main__":
    sys.exit(main())
