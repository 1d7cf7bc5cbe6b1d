# The Image EM lab's default-preset U-Net (src/core/emImages/presets.ts `default.unet`: channels 16/32, 1 block,
# 32 embedding features), mirrored in PyTorch by net.py; trained on CLEAN digits with EMA.
CFG = {
    "name": "mnist-unet",
    "model": {"in_ch": 1, "size": 28, "channels": [16, 32], "blocks": 1, "emb": 32},
    # The EM lab's VE schedule (presets.ts `schedule`: σ from 1e-3 to 10, data in [−1, 1]).
    "sigma": {"min": 1e-3, "max": 10.0},
    # M-step settings of the default preset (batch 64, lr 1e-3, Adam, clip 1) plus warm-up and EMA (not in the M-step).
    "train": {"lr": 1e-3, "batch": 64, "ema": 0.999, "clip": 1.0, "warmup": 100, "optimizer": "Adam"},
    "split": {"held_out": 2000, "seed": 0},
}
