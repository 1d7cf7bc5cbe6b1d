"""Train the 64x64 MRI denoiser (docs/algorithms.md §1, §8.3), CPU-friendly, resumable.

  nice -n 15 /usr/bin/python3 models/mri-unet/train.py --threads 1 --until 00:15 [--resume]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
import trainlib  # noqa: E402
import data  # noqa: E402
from config import CFG  # noqa: E402

SHIFT = 4


def main():
    p = trainlib.common_args(argparse.ArgumentParser(description=__doc__))
    p.add_argument("--ckpt-dir", default=os.path.join(HERE, "checkpoints"))
    args = p.parse_args()
    cfg = dict(CFG)
    train_u8, train_subj = data.load("train")
    test_u8, test_subj = data.load("test")
    cfg["data"] = {"dataset": "IXI T1 axial slices 64x64 (shared/data/mri)",
                   "split": f"train subjects ({len(train_subj)} subjects, {len(train_u8)} slices)",
                   "augment": f"random horizontal flip, integer shifts up to ±{SHIFT} px (zero fill), "
                              "intensity scale U(0.9, 1.1) then clip to [0,1]"}
    print("train", train_u8.shape, "test", test_u8.shape, flush=True)
    train_t = torch.from_numpy(train_u8).unsqueeze(1).contiguous()
    eval_x = data.to_model(test_u8[np.random.default_rng(7).choice(len(test_u8), 128, replace=False)])

    def sample_batch(rng, B):
        idx = torch.from_numpy(rng.integers(0, len(train_t), size=B))
        x = train_t[idx].float() / 255.0
        flip = torch.from_numpy(rng.random(B) < 0.5)
        x[flip] = x[flip].flip(3)
        xp = F.pad(x, (SHIFT, SHIFT, SHIFT, SHIFT))
        dx = rng.integers(0, 2 * SHIFT + 1, size=B)
        dy = rng.integers(0, 2 * SHIFT + 1, size=B)
        x = torch.stack([xp[i, :, dy[i]:dy[i] + 64, dx[i]:dx[i] + 64] for i in range(B)])
        scale = torch.from_numpy(rng.uniform(0.9, 1.1, size=B).astype(np.float32)).view(-1, 1, 1, 1)
        x = (x * scale).clamp(0, 1)
        return x * 4.0 - 2.0

    trainlib.train(cfg, sample_batch, eval_x, args)


if __name__ == "__main__":
    main()
