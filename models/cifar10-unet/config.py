CFG = {
    "name": "cifar10-unet",
    "model": {"in_ch": 3, "size": 32, "unshuffle": 1, "channels": [32, 64, 96], "blocks": [1, 1, 2],
              "att_levels": [2], "heads": 4, "emb": 64, "dropout": 0.0},
    "train": {"lr": 1e-3, "batch": 32, "ema": 0.998, "clip": 1.0, "warmup": 100, "optimizer": "Adam"},
}
