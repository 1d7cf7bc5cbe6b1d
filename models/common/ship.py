"""Evaluation (denoising PSNR gain on held-out data, sample grid) and shipping (ONNX + card.json + README.md)
shared by models/*/evaluate.py and models/*/export.py."""
import json
import os
import platform
import time

import torch

import export_lib
import trainlib
from trainlib import EVAL_SIGMAS, denoise_eval, load_ema_model, sample, save_grid
from unet import SIGMA_MAX, SIGMA_MIN


def evaluate(ckpt, out_dir, test_x, test_desc, sample_n=64, sample_steps=128, sample_eta=1.0, seed=0,
             raw_too=False):
    model, ck = load_ema_model(ckpt)
    t0 = time.time()
    res = {"checkpoint_step": ck["state"]["step"], "images_seen": ck["state"]["images_seen"],
           "held_out": test_desc, "noise_seed": 1234,
           "metric": "PSNR on [0,1] ((x+2)/4, clipped), mean over images; gain = PSNR(D(x+σz,σ)) − PSNR(x+σz)",
           "ema": denoise_eval(model, test_x)}
    if raw_too:
        raw = trainlib.build(ck["cfg"])
        raw.load_state_dict(ck["model"])
        raw.eval()
        res["raw_weights"] = {k: v["gain_db"] for k, v in denoise_eval(raw, test_x).items()}
    res["eval_seconds"] = round(time.time() - t0, 1)
    print(json.dumps(res["ema"]), flush=True)
    if sample_n:
        t0 = time.time()
        mc = ck["cfg"]["model"]
        xs = sample(model, (sample_n, mc["in_ch"], mc["size"], mc["size"]), steps=sample_steps, eta=sample_eta,
                    seed=seed)
        save_grid(xs, os.path.join(out_dir, "samples.png"), nrow=8, scale=2)
        res["samples"] = {"file": "samples.png", "n": sample_n,
                          "sampler": ("DDPM (η=1)" if sample_eta == 1 else f"DDIM (η={sample_eta})") +
                          f", {sample_steps} steps on the §2.1 VE grid (σ from 1e2 to 1e-3) plus the final "
                          "D(x_0, 1e-3) call, x_1 = 100·z, torch, EMA weights, seed " + str(seed) +
                          "; values clipped to [−2,2] for display; no selection",
                          "seconds": round(time.time() - t0, 1)}
    json.dump(res, open(os.path.join(out_dir, "eval.json"), "w"), indent=1)
    return res


def lr_schedule(tc, segments):
    """One phrase per training segment (trainlib.train records lr / lr_final per segment)."""
    out = []
    for s in segments:
        if "start_step" not in s:
            out.append(s.get("note", "?"))
            continue
        a, b = s.get("start_step"), s.get("end_step")
        if s.get("lr_final") is not None:
            out.append(f"steps {a}–{b}: cosine {s['lr']:g} → {s['lr_final']:g} (by the segment's deadline)")
        else:
            out.append(f"steps {a}–{b}: {s.get('lr', tc['lr']):g} constant")
    return "; ".join(out)


def hardware():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return cpu


def ship(ckpt, out_dir, card_extra, readme_extra):
    ex = export_lib.export(ckpt, out_dir)
    ck = ex["ck"]
    st = ck["state"]
    ev = json.load(open(os.path.join(out_dir, "eval.json")))
    if ev["checkpoint_step"] != st["step"]:
        raise SystemExit(f"eval.json is for step {ev['checkpoint_step']}, checkpoint is at {st['step']}: "
                         "run evaluate.py first")
    mc, tc = ck["cfg"]["model"], ck["cfg"]["train"]
    hours = st["train_seconds"] / 3600
    card = {
        "name": ck["cfg"]["name"],
        "file": "denoiser.onnx",
        "bytes": ex["bytes"],
        "sha256": ex["sha256"],
        "format": {"onnx_opset": 17, "exporter": f"torch {torch.__version__} torch.onnx.export (TorchScript)",
                   "dtype": "float32", "inputs": ex["io"]["inputs"], "outputs": ex["io"]["outputs"],
                   "dynamic_batch": True, "ops": ex["ops"],
                   "onnxruntime_node_vs_torch_max_abs_diff": ex["parity"]["maxAbsDiff"]},
        "input": {"channels": mc["in_ch"], "height": mc["size"], "width": mc["size"], "layout": "NCHW",
                  "value_range": [-2, 2], "value_mapping": card_extra["value_mapping"]},
        "sigma_range": [SIGMA_MIN, SIGMA_MAX],
        "denoiser": "D(x, σ) = c_skip·x + c_out·F(c_in·x, emb(ln σ)), c_skip = 1/(σ²+1), c_out = σ/√(σ²+1), "
                    "c_in = 1/√(σ²+1) (σ_data = 1; docs/algorithms.md §1.2), preconditioning inside the graph",
        "architecture": {
            "type": "U-Net after docs/algorithms.md §8.3 (NCHW)",
            "channels": mc["channels"], "res_blocks_per_level": mc["blocks"],
            "attention_levels": mc["att_levels"], "attention_heads": mc["heads"],
            "embedding_features": mc["emb"], "embedding": "sinusoidal of c_noise = ln σ, freqs 1e-4^linspace(0,1,F/2), [sin, cos]",
            "norm": "LayerNorm over channels, no affine, eps 1e-5 (decomposed: ReduceMean/Sub/Mul/Add/Sqrt/Div)",
            "activation": "SiLU (x·sigmoid(x))", "modulation": "per block Linear(E→E)·SiLU·Linear(E→3C) → (a,b,c)",
            "dropout": mc["dropout"], "pixel_unshuffle": mc["unshuffle"],
            "parameters": ex["n_params"],
        },
        "training": {
            "data": ck["cfg"]["data"], "data_licence": card_extra["data_licence"],
            "objective": "λ_σ·mean (D(x+σz, σ) − x)², λ = 1/σ² + 1, σ = 1e-3^(1−t)·1e2^t, t ~ Beta(3,3) (§1.1, §1.4)",
            "optimizer": tc["optimizer"], "lr": tc["lr"], "warmup_steps": tc["warmup"], "grad_clip": tc["clip"],
            "batch": tc["batch"], "ema": tc["ema"], "weights_shipped": "EMA",
            "steps": st["step"], "images_seen": st["images_seen"],
            "epochs": round(st["images_seen"] / card_extra["train_size"], 2),
            "hardware": f"CPU only: {hardware()}, 2 cores shared with other jobs (training ran at nice 15); "
                        f"Debian python3-torch {torch.__version__}, OpenBLAS",
            "threads_per_segment": [s.get("threads") for s in st["segments"]],
            "hours": round(hours, 3),
            "images_per_second": round(st["images_seen"] / max(st["train_seconds"], 1), 1),
            "segments": st["segments"],
            "lr_schedule": lr_schedule(tc, st["segments"]),
        },
        "evaluation": {
            "held_out": ev["held_out"], "metric": ev["metric"],
            "denoising_psnr_gain_db": {k: v["gain_db"] for k, v in ev["ema"].items()},
            "details": ev["ema"],
            "raw_weights_gain_db": ev.get("raw_weights"),
        },
        "samples": ev.get("samples"),
        **({"investigations": card_extra["investigations"]} if card_extra.get("investigations") else {}),
        **({"previous": card_extra["previous"]} if card_extra.get("previous") else {}),
        "distance_from_paper": card_extra["distance_from_paper"],
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "platform": platform.platform(),
    }
    json.dump(card, open(os.path.join(out_dir, "card.json"), "w"), indent=1, ensure_ascii=False)
    g = card["evaluation"]["denoising_psnr_gain_db"]
    tr = card["training"]
    batch_note = ""
    if st["images_seen"] != st["step"] * tc["batch"]:
        b0 = (st["images_seen"] - st["step"] * tc["batch"])
        batch_note = f" (the first steps used a larger batch: {b0:,} extra images)"
        tr["batch_note"] = batch_note.strip(" ()")
    readme = f"""# {card['name']} — pretrained denoiser (ONNX)

`denoiser.onnx` ({card['bytes'] / 1e6:.2f} MB, sha256 `{card['sha256'][:16]}…`): inputs `x` float32
[N, {mc['in_ch']}, {mc['size']}, {mc['size']}] in [−2, 2] ({card_extra['value_mapping']}) and `sigma` float32 [N]
(trained for σ ∈ [1e-3, 1e2]); output `denoised` [N, {mc['in_ch']}, {mc['size']}, {mc['size']}] = D(x, σ) ≈ E[x₀ | x].
The EDM preconditioning with σ_data = 1 and c_noise = ln σ (docs/algorithms.md §1.2) is inside the graph.
Opset 17, dynamic batch, ops: {', '.join(card['format']['ops'])}.
Full facts: `card.json`. Reference inputs/outputs for tests: `reference.json` (checked by `test/models/reference.test.ts`).

## Model
U-Net after §8.3: channels {mc['channels']}, residual blocks {mc['blocks']} per level, self-attention
({mc['heads']} heads) at level(s) {mc['att_levels']}, LayerNorm over channels, SiLU, per-block modulation by a
{mc['emb']}-feature sinusoidal embedding of ln σ{', 2×2 pixel-unshuffle in front (as the paper FlatUNet, 4×4 there)' if mc['unshuffle'] > 1 else ''};
{ex['n_params']:,} parameters, no dropout.

## Training
{card_extra['data_text']}
{tr['steps']:,} steps of batch {tr['batch']}{batch_note} = {tr['images_seen']:,} images ({tr['epochs']} epochs), Adam lr {tr['lr']}
(warm-up {tr['warmup_steps']} steps), clip {tr['grad_clip']}, EMA {tr['ema']} (shipped). CPU only: {tr['hours']} h on
2 shared cores ({tr['images_per_second']} images/s on average, other jobs running; nice 15).
Learning rate by segment: {tr['lr_schedule']}.
Data licence: {tr['data_licence']}

## Denoising on held-out data ({ev['held_out']})
PSNR gain (dB, on [0, 1], clipped; fixed noise seed):

| σ | 0.1 | 0.2 | 0.5 | 1 | 2 |
|---|---|---|---|---|---|
| gain | {g['0.1']:+.2f} | {g['0.2']:+.2f} | {g['0.5']:+.2f} | {g['1.0']:+.2f} | {g['2.0']:+.2f} |
| noisy → denoised | {ev['ema']['0.1']['psnr_noisy']:.1f} → {ev['ema']['0.1']['psnr_denoised']:.1f} | {ev['ema']['0.2']['psnr_noisy']:.1f} → {ev['ema']['0.2']['psnr_denoised']:.1f} | {ev['ema']['0.5']['psnr_noisy']:.1f} → {ev['ema']['0.5']['psnr_denoised']:.1f} | {ev['ema']['1.0']['psnr_noisy']:.1f} → {ev['ema']['1.0']['psnr_denoised']:.1f} | {ev['ema']['2.0']['psnr_noisy']:.1f} → {ev['ema']['2.0']['psnr_denoised']:.1f} |

## Samples
`samples.png`: {ev['samples']['n']} unconditional samples, {ev['samples']['sampler']}.

{card_extra.get('readme_notes', '')}
## Distance from the paper's model
{card['distance_from_paper']}

{readme_extra}
"""
    open(os.path.join(out_dir, "README.md"), "w").write(readme)
    print(json.dumps({"gains": g, "sha256": card["sha256"], "bytes": card["bytes"]}), flush=True)
    return card
