"""MRI slices (/work/shared/data/mri/t1_axial_64.npy, IXI, CC BY-SA 3.0): split by subject per the json.
Never commit the data or images made from it."""
import json
import os

import numpy as np

ROOT = "/work/shared/data/mri"


def load(split, root=ROOT):
    """uint8 [N,64,64] slices of the 'train' or 'test' subjects."""
    arr = np.load(os.path.join(root, "t1_axial_64.npy"))
    meta = json.load(open(os.path.join(root, "t1_axial_64.json")))
    subj = set(meta["split"][split])
    idx = [i for i, s in enumerate(meta["slices"]) if s["subject"] in subj]
    return arr[idx], sorted(subj)


def to_model(u8):
    import torch

    return torch.from_numpy(u8).unsqueeze(1).float() * (4.0 / 255.0) - 2.0
