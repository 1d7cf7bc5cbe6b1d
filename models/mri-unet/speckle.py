"""Where does the speckle in the MRI samples come from? Measurements (no images of the data are written).

Statistics, all in [0,1] units ((x+2)/4, clipped), inside the head (3×3-blurred image > 0.15):
  hf      mean (x − box3(x))²: high-frequency energy (speckle raises it)
  phase   mean (x[2k+1]−x[2k+2])² / mean (x[2k]−x[2k+1])², horizontal and vertical pairs averaged: pairs ACROSS
          the 2×2 pixel-unshuffle cells over pairs WITHIN them. Real slices (and any shift-invariant model) give ≈ 1;
          artefacts of the unshuffle give ≠ 1.
For the denoiser on held-out slices at each σ: hf of D(x+σz) against hf of x (a denoiser that leaves noise behind has
more HF energy than the clean slice), and the phase ratio of the error D − x.
For samples: hf and phase of DDPM/DDIM chains and of chains stopped early at σ_stop with the Tweedie mean D(x, σ_stop)
as the result.

  nice -n 15 /usr/bin/python3 models/mri-unet/speckle.py --ckpt models/mri-unet/checkpoints/old.pt --n 16
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import data  # noqa: E402
from trainlib import load_ema_model  # noqa: E402
from unet import SIGMA_MAX, SIGMA_MIN, sigma_of_t  # noqa: E402


def to01(x):
    return ((x + 2) / 4).clamp(0, 1)


def head_mask(x01):
    return F.avg_pool2d(x01, 3, 1, 1, count_include_pad=False) > 0.15


def hf(x01, m):
    r = x01 - F.avg_pool2d(x01, 3, 1, 1, count_include_pad=False)
    return float((r[m] ** 2).mean())


def bands(x01, m):
    """Share of the (mean-removed, head-masked) power spectrum in radial bands of cycles/pixel."""
    y = torch.where(m, x01, torch.zeros_like(x01))
    y = y - y.mean(dim=(2, 3), keepdim=True) * m
    P = (torch.fft.fft2(y[:, 0]).abs() ** 2).mean(0)
    f = torch.fft.fftfreq(64)
    r = torch.sqrt(f.view(-1, 1) ** 2 + f.view(1, -1) ** 2)
    tot = float(P[r > 0].sum())
    out = {}
    for lo, hi in ((0, 0.0625), (0.0625, 0.125), (0.125, 0.25), (0.25, 0.75)):
        out[f"{lo}-{hi}"] = round(float(P[(r > lo) & (r <= hi)].sum()) / tot, 4)
    return out


def lap_kurtosis(x01, m):
    """Kurtosis of the 4-neighbour Laplacian inside the head: sparse edges (anatomy) give a heavy tail (large),
    speckle (noise-like texture) gives ≈ 3."""
    k = torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=torch.float32).view(1, 1, 3, 3)
    L = F.conv2d(x01, k, padding=1)[m]
    L = L - L.mean()
    return float((L ** 4).mean() / (L ** 2).mean() ** 2)


def stats(x01):
    m = head_mask(x01)
    return {"hf": round(hf(x01, m), 6), "lap_kurtosis": round(lap_kurtosis(x01, m), 2), "phase": round(phase(x01, m), 3),
            "bands": bands(x01, m), "head_fraction": round(float(m.float().mean()), 3)}


def phase(x01, m):
    """across-cell / within-cell squared differences (horizontal and vertical pairs)."""
    def pairs(dim):
        a = x01.narrow(dim, 0, 63)
        b = x01.narrow(dim, 1, 63)
        mm = m.narrow(dim, 0, 63) & m.narrow(dim, 1, 63)
        d = (b - a) ** 2
        idx = torch.arange(63)
        within = (idx % 2 == 0)
        sh = [1, 1, 1, 1]
        sh[dim] = 63
        w = within.view(sh).expand_as(d)
        return float(d[mm & ~w].mean() / d[mm & w].mean())
    return 0.5 * (pairs(2) + pairs(3))


@torch.no_grad()
def chain(model, n, steps, eta, seed, sigma_stop=SIGMA_MIN):
    """The sampler of trainlib.sample, optionally stopped at σ_stop (grid over [σ_stop, σ_max] in log σ)."""
    g = torch.Generator().manual_seed(seed)
    x = SIGMA_MAX * torch.randn((n, 1, 64, 64), generator=g)
    a, b = math.log(sigma_stop), math.log(SIGMA_MAX)
    times = torch.linspace(1, 1 / steps, steps)
    for t in times:
        s_ = (t - 1 / steps).clamp_min(0)
        st, ss = torch.exp(a + (b - a) * t), torch.exp(a + (b - a) * s_)
        d = model(x, st.expand(n))
        c = eta * ss * torch.sqrt((1 - ss ** 2 / st ** 2).clamp_min(0))
        x = d + torch.sqrt((ss ** 2 - c ** 2).clamp_min(0)) * (x - d) / st + c * torch.randn(x.shape, generator=g)
    return model(x, torch.full((n,), float(sigma_stop)))


TRACE_SIGMAS = (10.0, 3.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.02)


@torch.no_grad()
def trace(model, x_test, n, steps, seed):
    """Statistics of the Tweedie mean D(x_t, σ_t) along a DDPM chain, next to those of D(x + σ z, σ) for held-out
    slices x at the same σ: where do the chain's estimates stop looking like the real ones?"""
    g = torch.Generator().manual_seed(seed)
    x = SIGMA_MAX * torch.randn((n, 1, 64, 64), generator=g)
    times = torch.linspace(1, 1 / steps, steps)
    want = list(TRACE_SIGMAS)
    out = {}
    for t in times:
        s_ = (t - 1 / steps).clamp_min(0)
        st, ss = sigma_of_t(t), sigma_of_t(s_)
        d = model(x, st.expand(n))
        if want and float(st) <= want[0]:
            sg = want.pop(0)
            xr = x_test + float(st) * torch.randn(x_test.shape, generator=g)
            dr = model(xr, st.expand(len(x_test)))
            out[f"{float(st):.3g} (≈{sg:g})"] = {"chain": stats(to01(d)), "real": stats(to01(dr))}
            print(list(out)[-1], json.dumps(out[list(out)[-1]]), flush=True)
        c = ss * torch.sqrt((1 - ss ** 2 / st ** 2).clamp_min(0))
        x = d + torch.sqrt((ss ** 2 - c ** 2).clamp_min(0)) * (x - d) / st + c * torch.randn(x.shape, generator=g)
    return out


def light(model, args, res):
    t0 = time.time()
    xs = to01(chain(model, args.n, args.steps, 1.0, 0, SIGMA_MIN))
    res["samples"] = {"ddpm": stats(xs)}
    res["samples"]["ddpm"]["seconds"] = round(time.time() - t0, 1)
    res["samples_n"], res["samples_steps"] = args.n, args.steps
    print(json.dumps(res), flush=True)
    if args.out:
        json.dump(res, open(args.out, "w"), indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "last.pt"))
    p.add_argument("--n", type=int, default=16)
    p.add_argument("--steps", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--skip-samples", action="store_true")
    p.add_argument("--light", action="store_true", help="samples only (no train/test gains, no per-σ denoiser table)")
    p.add_argument("--variants", default="ddpm,ddim,ddpm_stop0.05")
    p.add_argument("--out", default=None)
    p.add_argument("--trace", action="store_true", help="only the along-the-chain statistics (see trace())")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, ck = load_ema_model(args.ckpt)
    test, _ = data.load("test")
    x = data.to_model(test)
    if args.trace:
        res = {"checkpoint": os.path.basename(args.ckpt), "images_seen": ck["state"]["images_seen"],
               "n": args.n, "steps": args.steps,
               "trace": trace(model, x[torch.from_numpy(np.random.default_rng(3).choice(len(x), 64, replace=False))],
                              args.n, args.steps, 0)}
        if args.out:
            json.dump(res, open(args.out, "w"), indent=1)
        return
    x01 = to01(x)
    m = head_mask(x01)
    res = {"checkpoint": os.path.basename(args.ckpt), "images_seen": ck["state"]["images_seen"],
           "test_slices": stats(x01)}
    if args.light:
        return light(model, args, res)
    # over-fitting: the same denoising gain on (un-augmented) training slices as on the test subjects
    from trainlib import denoise_eval
    tr, _ = data.load("train")
    tr = data.to_model(tr[np.random.default_rng(5).choice(len(tr), len(test), replace=False)])
    res["gain_db_train_vs_test"] = {k: [v["gain_db"], w["gain_db"]] for (k, v), w in
                                    zip(denoise_eval(model, tr).items(), denoise_eval(model, x).values())}
    g = torch.Generator().manual_seed(1234)
    den = {}
    for s in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0):
        xt = x + s * torch.randn(x.shape, generator=g)
        d = to01(model(xt, torch.full((len(x),), s)))
        e = d - x01
        den[str(s)] = {"hf_denoised_over_clean": round(hf(d, m) / res["test_slices"]["hf"], 3),
                       "err_phase": round(phase(e + 0.5, m), 3),
                       "mse_in_head": float((e[m] ** 2).mean()),
                       "lap_kurtosis": round(lap_kurtosis(d, m), 2)}
    res["denoiser"] = den
    print(json.dumps(res), flush=True)
    if not args.skip_samples:
        smp = {}
        variants = [v for v in (("ddpm", 1.0, SIGMA_MIN), ("ddim", 0.0, SIGMA_MIN), ("ddpm_stop0.05", 1.0, 0.05))
                    if v[0] in args.variants.split(",")]
        for name, eta, stop in variants:
            t0 = time.time()
            xs = to01(chain(model, args.n, args.steps, eta, 0, stop))
            torch.save(xs, os.path.join(os.path.dirname(args.out or "."), f"speckle-{res['images_seen']}-{name}.pt"))
            smp[name] = stats(xs)
            smp[name]["hf_over_test"] = round(smp[name]["hf"] / res["test_slices"]["hf"], 3)
            smp[name]["seconds"] = round(time.time() - t0, 1)
            print(name, json.dumps(smp[name]), flush=True)
        res["samples"] = smp
        res["samples_n"], res["samples_steps"] = args.n, args.steps
    if args.out:
        json.dump(res, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
