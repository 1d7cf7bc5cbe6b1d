CFG = {
    "name": "mri-unet",
    # 64x64x1 is pixel-unshuffled 2x2 to 32x32x4 inside the graph (like the paper's 4x4 FlatUNet for 320x320).
    "model": {"in_ch": 1, "size": 64, "unshuffle": 2, "channels": [32, 64, 96], "blocks": [1, 1, 2],
              "att_levels": [2], "heads": 4, "emb": 64, "dropout": 0.0},
    "train": {"lr": 1e-3, "batch": 32, "ema": 0.998, "clip": 1.0, "warmup": 100, "optimizer": "Adam"},
}
