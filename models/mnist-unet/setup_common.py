"""Points models/common (trainlib, export_lib, ship) at this model: the EM lab's U-Net (net.py), its VE
schedule σ ∈ [1e-3, 10] and model space [−1, 1] — instead of common/unet.py's Denoiser, σ ∈ [1e-3, 1e2]
and [−2, 2]. Import this before anything from models/common is used. Nothing in models/common is edited
(the CIFAR-10 and MRI models keep their behaviour)."""
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import trainlib  # noqa: E402
import export_lib  # noqa: E402
import net  # noqa: E402
from config import CFG  # noqa: E402

SIGMA_MIN = CFG["sigma"]["min"]
SIGMA_MAX = CFG["sigma"]["max"]


def build(cfg):
    return net.MnistUnet(**cfg["model"])


def sigma_of_t(t, a=SIGMA_MIN, b=SIGMA_MAX):
    return torch.exp(math.log(a) + (math.log(b) - math.log(a)) * t)


def psnr01(a, b):
    """PSNR on [0, 1] with clipping; a, b in model space [−1, 1] (p = (x + 1)/2); per image [N]."""
    a = ((a + 1) / 2).clamp(0, 1)
    b = ((b + 1) / 2).clamp(0, 1)
    mse = ((a - b) ** 2).flatten(1).mean(1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-12))


# trainlib reads these module globals at call time (train: SIGMA_MIN/MAX, build; sample: sigma_of_t,
# SIGMA_MAX, SIGMA_MIN; denoise_eval: psnr01; load_ema_model: build).
_psnr01_pm2 = trainlib.psnr01
trainlib.build = build
trainlib.SIGMA_MIN = SIGMA_MIN
trainlib.SIGMA_MAX = SIGMA_MAX
trainlib.sigma_of_t = sigma_of_t
trainlib.psnr01 = psnr01
export_lib.n_params = net.n_params

# The shipped graph works in the other models' units, x_ext = 2x ∈ [−2, 2], σ_ext = 2σ (net.ShippedDenoiser).
EXT_SIGMA_MIN = 2 * SIGMA_MIN
EXT_SIGMA_MAX = 2 * SIGMA_MAX


def ext_sigma_of_t(t, a=EXT_SIGMA_MIN, b=EXT_SIGMA_MAX):
    return torch.exp(math.log(a) + (math.log(b) - math.log(a)) * t)


def use_shipped_units():
    """From here on trainlib builds net.ShippedDenoiser (same state dict), samples on the trained σ range in
    [−2, 2] units (2e-3 … 20) and measures PSNR with its own [−2, 2] → [0, 1] map: what evaluate.py and
    export.py (export_lib: ONNX, reference.json, onnxruntime-node parity) use."""
    trainlib.build = lambda cfg: net.ShippedDenoiser(**cfg["model"])
    trainlib.SIGMA_MIN = EXT_SIGMA_MIN
    trainlib.SIGMA_MAX = EXT_SIGMA_MAX
    trainlib.sigma_of_t = ext_sigma_of_t
    trainlib.psnr01 = _psnr01_pm2
