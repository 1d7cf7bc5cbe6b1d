"""Denoising PSNR gain on held-out CIFAR-10 TEST images at σ ∈ {0.1, 0.2, 0.5, 1, 2} (EMA weights) and the
unconditional sample grid samples.png; writes eval.json.

  nice -n 15 /usr/bin/python3 models/cifar10-unet/evaluate.py [--n-test 1000] [--steps 128]
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import data  # noqa: E402
import ship  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "last.pt"))
    p.add_argument("--n-test", type=int, default=1000)
    p.add_argument("--steps", type=int, default=128)
    p.add_argument("--eta", type=float, default=1.0)
    p.add_argument("--samples", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out-dir", default=HERE, help="where eval.json and samples.png go (default: the model folder)")
    p.add_argument("--cifar-format", choices=["jpg", "bin"], default="jpg")
    p.add_argument("--cifar-root", default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    test = data.load("test", args.cifar_format, args.cifar_root)
    idx = np.sort(np.random.default_rng(2026).choice(len(test), args.n_test, replace=False))
    desc = f"{args.n_test} CIFAR-10 test images (random subset, seed 2026, of the 10,000; {args.cifar_format} copy)"
    ship.evaluate(args.ckpt, args.out_dir, data.to_model(test[idx]), desc, sample_n=args.samples,
                  sample_steps=args.steps, sample_eta=args.eta)


if __name__ == "__main__":
    main()
