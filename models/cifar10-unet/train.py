"""Train the CIFAR-10 denoiser (docs/algorithms.md §1, §8.3), CPU-friendly, resumable.

  nice -n 15 /usr/bin/python3 models/cifar10-unet/train.py --threads 1 --until 00:15 [--resume]
  (official binary batches instead of the JPEG copy: --cifar-format bin --cifar-root DIR/cifar-10-batches-bin)
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import trainlib  # noqa: E402
import data  # noqa: E402
from config import CFG  # noqa: E402


def main():
    p = trainlib.common_args(argparse.ArgumentParser(description=__doc__))
    p.add_argument("--cifar-format", choices=["jpg", "bin"], default="jpg")
    p.add_argument("--cifar-root", default=None)
    p.add_argument("--ckpt-dir", default=os.path.join(HERE, "checkpoints"))
    args = p.parse_args()
    cfg = dict(CFG)
    cfg["data"] = {"dataset": "CIFAR-10", "split": "train (50,000 images)", "format": args.cifar_format,
                   "augment": "random horizontal flip"}
    train_u8 = data.load("train", args.cifar_format, args.cifar_root)
    test_u8 = data.load("test", args.cifar_format, args.cifar_root)
    print("train", train_u8.shape, "test", test_u8.shape, flush=True)
    train_t = torch.from_numpy(train_u8).permute(0, 3, 1, 2).contiguous()  # uint8 NCHW
    eval_x = data.to_model(test_u8[np.random.default_rng(7).choice(len(test_u8), 128, replace=False)])

    def sample_batch(rng, B):
        idx = torch.from_numpy(rng.integers(0, len(train_t), size=B))
        x = train_t[idx].float() * (4.0 / 255.0) - 2.0
        flip = torch.from_numpy(rng.random(B) < 0.5)
        x[flip] = x[flip].flip(3)
        return x

    trainlib.train(cfg, sample_batch, eval_x, args)


if __name__ == "__main__":
    main()
