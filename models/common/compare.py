"""Paired comparison of two checkpoints of one model on the held-out set the cards use (same images, same
fixed-seed noise as trainlib.denoise_eval): per σ the gain of each and the per-image difference new − old ± s.e.

  nice -n 15 /usr/bin/python3 models/common/compare.py models/mri-unet OLD.pt NEW.pt [--out x.json]
"""
import argparse
import importlib.util
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from trainlib import EVAL_SIGMAS, load_ema_model, psnr01  # noqa: E402


def held_out(model_dir):
    """The held-out tensor of models/<m>/evaluate.py (CIFAR: 1000 test images, seed 2026; MRI: all test slices)."""
    spec = importlib.util.spec_from_file_location("data_" + os.path.basename(model_dir),
                                                  os.path.join(model_dir, "data.py"))
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    if "cifar" in os.path.basename(os.path.normpath(model_dir)):
        test = data.load("test", "jpg", None)
        idx = np.sort(np.random.default_rng(2026).choice(len(test), 1000, replace=False))
        return data.to_model(test[idx])
    test, _ = data.load("test")
    return data.to_model(test)


@torch.no_grad()
def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model_dir")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    x = held_out(a.model_dir)
    mo, cko = load_ema_model(a.old)
    mn, ckn = load_ema_model(a.new)
    g = torch.Generator().manual_seed(1234)
    res = {"old_images_seen": cko["state"]["images_seen"], "new_images_seen": ckn["state"]["images_seen"],
           "n_images": len(x), "noise_seed": 1234, "per_sigma": {}}
    for s in EVAL_SIGMAS:
        go, gn = [], []
        for i in range(0, len(x), 128):
            xb = x[i:i + 128]
            xt = xb + s * torch.randn(xb.shape, generator=g)
            sg = torch.full((len(xb),), float(s))
            pn = psnr01(xt, xb)
            go.append(psnr01(mo(xt, sg), xb) - pn)
            gn.append(psnr01(mn(xt, sg), xb) - pn)
        go, gn = torch.cat(go), torch.cat(gn)
        d = gn - go
        res["per_sigma"][str(s)] = {"gain_old_db": round(go.mean().item(), 3), "gain_new_db": round(gn.mean().item(), 3),
                                    "diff_db": round(d.mean().item(), 3),
                                    "diff_stderr_db": round((d.std() / math.sqrt(len(d))).item(), 4)}
        print(s, json.dumps(res["per_sigma"][str(s)]), flush=True)
    res["new_at_least_old_everywhere"] = all(v["diff_db"] >= 0 for v in res["per_sigma"].values())
    print(json.dumps({"new_at_least_old_everywhere": res["new_at_least_old_everywhere"]}), flush=True)
    if a.out:
        json.dump(res, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
