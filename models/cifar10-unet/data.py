"""CIFAR-10 loading: the JPEG tarballs of /work/shared/data/cifar10 (default) or the official binary
batches (cifar-10-batches-bin: data_batch_{1..5}.bin, test_batch.bin). Decoded once into a uint8
cache [N,32,32,3] (git-ignored .data/ folder). Never commit the data or the cache."""
import io
import os
import tarfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_JPG = "/work/shared/data/cifar10"
DEFAULT_CACHE = os.path.join(REPO, ".data", "cifar10")


def _decode_tar(path):
    from PIL import Image

    items = []
    with tarfile.open(path, "r:gz") as tf:
        for m in tf:
            if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg", ".png")):
                data = tf.extractfile(m).read()
                im = Image.open(io.BytesIO(data)).convert("RGB")
                assert im.size == (32, 32), (m.name, im.size)
                items.append((m.name, np.asarray(im, dtype=np.uint8)))
    items.sort(key=lambda t: t[0])
    return np.stack([a for _, a in items])


def _read_bin(files):
    out = []
    for f in files:
        raw = np.fromfile(f, dtype=np.uint8).reshape(-1, 1 + 3072)
        out.append(raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return np.ascontiguousarray(np.concatenate(out))


def load(split, source="jpg", root=None, cache=DEFAULT_CACHE):
    """uint8 array [N,32,32,3] of the 'train' or 'test' split."""
    assert split in ("train", "test")
    os.makedirs(cache, exist_ok=True)
    cpath = os.path.join(cache, f"{source}-{split}-u8.npy")
    if os.path.exists(cpath):
        return np.load(cpath)
    if source == "jpg":
        arr = _decode_tar(os.path.join(root or DEFAULT_JPG, f"cifar10-{split}-jpg.tar.gz"))
    elif source == "bin":
        if root is None:
            raise SystemExit("--cifar-root must point at cifar-10-batches-bin for --cifar-format bin")
        files = [os.path.join(root, f"data_batch_{i}.bin") for i in range(1, 6)] if split == "train" \
            else [os.path.join(root, "test_batch.bin")]
        arr = _read_bin(files)
    else:
        raise ValueError(source)
    np.save(cpath + ".tmp.npy", arr)
    os.replace(cpath + ".tmp.npy", cpath)
    return arr


def to_model(u8):
    """uint8 NHWC → float32 NCHW in [-2,2] (x·4/255 − 2)."""
    import torch

    return torch.from_numpy(u8).permute(0, 3, 1, 2).float() * (4.0 / 255.0) - 2.0
