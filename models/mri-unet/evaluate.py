"""Denoising PSNR gain on the held-out TEST subjects' slices at σ ∈ {0.1, 0.2, 0.5, 1, 2} (EMA weights) and the
unconditional sample grid samples.png; writes eval.json.

  nice -n 15 /usr/bin/python3 models/mri-unet/evaluate.py [--steps 128]
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import data  # noqa: E402
import ship  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "last.pt"))
    p.add_argument("--steps", type=int, default=128)
    p.add_argument("--eta", type=float, default=1.0)
    p.add_argument("--samples", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out-dir", default=HERE, help="where eval.json and samples.png go (default: the model folder)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    test, subj = data.load("test")
    desc = f"all {len(test)} slices of the {len(subj)} test subjects (held-out people: {', '.join(subj)})"
    ship.evaluate(args.ckpt, args.out_dir, data.to_model(test), desc, sample_n=args.samples,
                  sample_steps=args.steps, sample_eta=args.eta)


if __name__ == "__main__":
    main()
