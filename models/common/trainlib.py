"""Shared training / evaluation / sampling code for the models/*-unet denoisers.

Training follows docs/algorithms.md §1: VE schedule σ_t = a^(1-t) b^t (a=1e-3, b=1e2), t ~ Beta(3,3),
loss λ_t · mean (D(x + σ z, σ) - x)² with λ_t = 1/σ² + 1, EMA of the weights.
"""
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet import Denoiser, SIGMA_MAX, SIGMA_MIN, n_params, sigma_of_t  # noqa: E402

EVAL_SIGMAS = (0.1, 0.2, 0.5, 1.0, 2.0)


def build(cfg):
    return Denoiser(**cfg["model"])


def psnr01(a, b):
    """PSNR on [0,1] with clipping; a, b in [-2,2]; per image, returns tensor [N]."""
    a = ((a + 2) / 4).clamp(0, 1)
    b = ((b + 2) / 4).clamp(0, 1)
    mse = ((a - b) ** 2).flatten(1).mean(1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-12))


@torch.no_grad()
def denoise_eval(model, x, sigmas=EVAL_SIGMAS, seed=1234, batch=128):
    """Denoising PSNR (noisy and denoised) on x [N,C,H,W] in [-2,2], fixed-seed noise."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    model.eval()
    for s in sigmas:
        pn, pd = [], []
        for i in range(0, len(x), batch):
            xb = x[i : i + batch]
            z = torch.randn(xb.shape, generator=g)
            xt = xb + s * z
            d = model(xt, torch.full((len(xb),), float(s)))
            pn.append(psnr01(xt, xb))
            pd.append(psnr01(d, xb))
        pn, pd = torch.cat(pn), torch.cat(pd)
        out[str(s)] = {
            "psnr_noisy": round(pn.mean().item(), 3),
            "psnr_denoised": round(pd.mean().item(), 3),
            "gain_db": round((pd - pn).mean().item(), 3),
            "gain_stderr_db": round(((pd - pn).std() / math.sqrt(len(pd))).item(), 3),
        }
    return out


@torch.no_grad()
def sample(model, shape, steps=128, eta=1.0, seed=0, batch=64):
    """VE DDPM (eta=1) / DDIM (eta=0) sampler of docs/algorithms.md §2.1–2.2, with the final
    D(x_0, σ(0)) call. Returns samples in [-2,2] (not clipped)."""
    g = torch.Generator().manual_seed(seed)
    model.eval()
    outs = []
    N = shape[0]
    for i0 in range(0, N, batch):
        n = min(batch, N - i0)
        x = SIGMA_MAX * torch.randn((n,) + tuple(shape[1:]), generator=g)
        times = torch.linspace(1, 1 / steps, steps)
        for t in times:
            s_ = t - 1 / steps
            st, ss = sigma_of_t(t), sigma_of_t(s_.clamp_min(0))
            d = model(x, st.expand(n))
            c = eta * ss * torch.sqrt((1 - ss ** 2 / st ** 2).clamp_min(0))
            x = d + torch.sqrt((ss ** 2 - c ** 2).clamp_min(0)) * (x - d) / st + c * torch.randn(x.shape, generator=g)
        x = model(x, torch.full((n,), SIGMA_MIN))
        outs.append(x)
    return torch.cat(outs)


def save_grid(x, path, nrow=8, scale=2):
    """x [N,C,H,W] in [-2,2] → PNG grid."""
    from PIL import Image

    x = ((x + 2) / 4).clamp(0, 1)
    N, C, H, W = x.shape
    ncol = math.ceil(N / nrow)
    pad = 2
    grid = np.ones((ncol * (H + pad) + pad, nrow * (W + pad) + pad, 3), dtype=np.float32)
    for i in range(N):
        r, c = divmod(i, nrow)
        im = x[i].permute(1, 2, 0).numpy()
        if C == 1:
            im = np.repeat(im, 3, axis=2)
        grid[pad + r * (H + pad) : pad + r * (H + pad) + H, pad + c * (W + pad) : pad + c * (W + pad) + W] = im
    img = Image.fromarray((grid * 255 + 0.5).astype(np.uint8))
    if scale != 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    img.save(path)


class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, step):
        d = min(self.decay, (1 + step) / (10 + step))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)


def load_ema_model(ckpt_path):
    ck = torch.load(ckpt_path, map_location="cpu")
    model = build(ck["cfg"])
    model.load_state_dict(ck["ema"])
    model.eval()
    return model, ck


def train(cfg, sample_batch, eval_x, args):
    """cfg: dict with 'model' (Denoiser kwargs) and 'train' (lr, batch, ema, ...).
    sample_batch(rng: np.random.Generator, B) -> float32 tensor [B,C,H,W] in [-2,2] (augmented).
    eval_x: small held-out tensor for progress monitoring."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.ckpt_dir, exist_ok=True)
    ckpt_path = os.path.join(args.ckpt_dir, "last.pt")
    tc = cfg["train"]
    model = build(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=tc["lr"])
    ema = EMA(model, tc["ema"])
    state = {"step": 0, "images_seen": 0, "train_seconds": 0.0, "segments": []}
    rng = np.random.default_rng(args.seed)
    rewarm = getattr(args, "rewarm", 0) or 0
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        if ck["cfg"]["model"] != cfg["model"]:
            raise SystemExit(f"checkpoint model config differs: {ck['cfg']['model']} vs {cfg['model']}")
        model.load_state_dict(ck["model"])
        if ck.get("opt") is not None:
            opt.load_state_dict(ck["opt"])
        else:  # e.g. weights recovered from the shipped ONNX (recover_from_onnx.py): fresh Adam, re-warm the lr
            rewarm = max(rewarm, 200)
            print("no optimizer state in the checkpoint: fresh Adam, lr warm-up over 200 steps", flush=True)
        ema.shadow = ck["ema"]
        state = ck["state"]
        rng = np.random.default_rng([args.seed, state["step"]])
        torch.manual_seed(args.seed + state["step"])
        print(f"resumed from {ckpt_path} at step {state['step']}", flush=True)
    elif os.path.exists(ckpt_path) and not args.resume:
        raise SystemExit(f"{ckpt_path} exists: pass --resume or remove it")
    print(f"params {n_params(model)} threads {args.threads} cfg {json.dumps(cfg)}", flush=True)

    stop = {"flag": False}

    def on_signal(signum, frame):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def save():
        state_copy = dict(state)
        tmp = ckpt_path + ".tmp"
        torch.save({"cfg": cfg, "model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.shadow,
                    "state": state_copy}, tmp)
        os.replace(tmp, ckpt_path)

    deadline = None
    if args.until:  # "HH:MM" UTC today (or tomorrow if already past)
        now = time.time()
        hh, mm = map(int, args.until.split(":"))
        t = time.gmtime(now)
        dl = now - (t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec) + hh * 3600 + mm * 60
        if dl < now - 60:
            dl += 86400
        deadline = dl
    if args.minutes:
        dl = time.time() + 60 * args.minutes
        deadline = dl if deadline is None else min(deadline, dl)

    seg = {"start_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "start_step": state["step"],
           "start_images": state["images_seen"], "threads": args.threads, "host_cpus": os.cpu_count(),
           "lr": args.lr if args.lr is not None else tc["lr"], "lr_final": args.lr_final, "rewarm": rewarm}
    state["segments"].append(seg)
    B = tc["batch"]
    a, b = math.log(SIGMA_MIN), math.log(SIGMA_MAX)
    t_seg0 = time.time()
    t_last_ck = time.time()
    t_log = time.time()
    losses = []
    n_log = 0
    model.train()
    while True:
        if stop["flag"] or (deadline is not None and time.time() > deadline) or \
                (args.max_images and state["images_seen"] >= args.max_images):
            break
        x = sample_batch(rng, B)
        t = torch.from_numpy(rng.beta(3.0, 3.0, size=B).astype(np.float32))
        sig = torch.exp(a + (b - a) * t)
        z = torch.from_numpy(rng.standard_normal(x.shape, dtype=np.float32))
        xt = x + sig.view(-1, 1, 1, 1) * z
        d = model(xt, sig)
        lam = 1 / sig ** 2 + 1
        loss = (lam * ((d - x) ** 2).flatten(1).mean(1)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tc["clip"])
        warm = tc.get("warmup", 0)
        lr = tc["lr"] * min(1.0, (state["step"] + 1) / warm) if warm else tc["lr"]
        if args.lr is not None:  # this segment's peak lr (overrides the config's), optionally decayed
            lr = args.lr
        if args.lr_final is not None and deadline is not None:  # cosine from lr to lr_final by the deadline
            frac = min(1.0, (time.time() - t_seg0) / max(1.0, deadline - t_seg0))
            lr = args.lr_final + (lr - args.lr_final) * 0.5 * (1 + math.cos(math.pi * frac))
        if rewarm:
            lr *= min(1.0, (state["step"] - seg["start_step"] + 1) / rewarm)
        for gparam in opt.param_groups:
            gparam["lr"] = lr
        opt.step()
        ema.update(model, state["step"])
        state["step"] += 1
        state["images_seen"] += B
        losses.append(loss.item())
        n_log += B
        now = time.time()
        if now - t_log > args.log_every:
            state["train_seconds"] += now - t_log
            seg["end_step"] = state["step"]
            seg["seconds"] = now - t_seg0
            print(json.dumps({"utc": time.strftime("%H:%M:%S", time.gmtime()), "step": state["step"],
                              "images": state["images_seen"], "loss": round(float(np.mean(losses)), 4),
                              "img_per_s": round(n_log / (now - t_log), 1)}), flush=True)
            losses, n_log, t_log = [], 0, now
        if now - t_last_ck > 60 * args.ckpt_minutes:
            save()
            t_last_ck = time.time()
            if eval_x is not None:
                m2 = build(cfg)
                m2.load_state_dict(ema.shadow)
                r = denoise_eval(m2, eval_x, sigmas=(0.1, 0.5, 2.0))
                print(json.dumps({"eval_ema_gain_db": {k: v["gain_db"] for k, v in r.items()},
                                  "step": state["step"]}), flush=True)
            model.train()
            t_log = time.time()  # exclude eval/ckpt time from throughput
    now = time.time()
    state["train_seconds"] += now - t_log
    seg["end_step"] = state["step"]
    seg["seconds"] = now - t_seg0
    seg["end_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    save()
    print(f"stopped at step {state['step']}, images {state['images_seen']}, saved {ckpt_path}", flush=True)


def common_args(p):
    p.add_argument("--resume", action="store_true", help="continue from <ckpt-dir>/last.pt")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--until", default=None, help="stop at this UTC time HH:MM (checkpoint and exit)")
    p.add_argument("--minutes", type=float, default=None, help="stop after this many minutes")
    p.add_argument("--max-images", type=int, default=None)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    p.add_argument("--log-every", type=float, default=60.0, help="seconds between log lines")
    p.add_argument("--lr", type=float, default=None, help="peak lr of this segment (default: the config's)")
    p.add_argument("--lr-final", type=float, default=None,
                   help="cosine-decay the lr to this value by --until/--minutes (needs a deadline)")
    p.add_argument("--rewarm", type=int, default=0,
                   help="linear lr warm-up over this many steps at the start of this segment (e.g. when --lr "
                        "raises the lr above where the resumed Adam state left it)")
    return p
