#!/usr/bin/env python3
"""Make the studio's demo images from Debian-packaged images (never from the training data):

  public/demo/cifar/*.png  32x32 RGB, from scikit-image's sample data (Debian python3-skimage)
  public/demo/mri/*.png    64x64 grey axial slices of the Colin27 T1 template ch2.nii.gz (Debian mricron-data)
  public/demo/LICENSES.md  source and licence of every file

The packages need not be installed: the .deb files are fetched with `apt-get download` and unpacked with
`dpkg-deb -x` into the git-ignored .data/debs/ (installed copies under /usr are used when present).
Run: /usr/bin/python3 scripts/demo-images.py
"""
import glob
import gzip
import os
import subprocess
import sys

import numpy as np
from PIL import Image

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEBS = os.path.join(REPO, ".data", "debs")
OUT = os.path.join(REPO, "public", "demo")

SKIMAGE = {  # name: (file, source/licence note from skimage/data/_fetchers.py docstrings)
    "astronaut": ("astronaut.png", "Eileen Collins, NASA Great Images database; no known copyright restrictions, "
                                   "released into the public domain."),
    "coffee": ("coffee.png", "Coffee cup, courtesy of Pikolo Espresso Bar; CC0 by the photographer (Rachel Michetti)."),
    "chelsea": ("chelsea.png", "Chelsea the cat; CC0 by the photographer (Stefan van der Walt)."),
    "rocket": ("rocket.jpg", "Launch of DSCOVR on Falcon 9, SpaceX Photos; released into the public domain by SpaceX."),
}
MRI_MM_BELOW_VERTEX = (45, 65, 85, 105)


def find(pkg, rel):
    p = os.path.join("/", rel)
    if os.path.exists(p):
        return p, "installed"
    ex = os.path.join(DEBS, "ex")
    p = os.path.join(ex, rel)
    if not os.path.exists(p):
        os.makedirs(DEBS, exist_ok=True)
        subprocess.run(["apt-get", "download", pkg], cwd=DEBS, check=True)
        for deb in glob.glob(os.path.join(DEBS, pkg + "_*.deb")):
            subprocess.run(["dpkg-deb", "-x", deb, ex], check=True)
    if not os.path.exists(p):
        sys.exit(f"{rel} not found in {pkg}")
    return p, "from " + os.path.basename(sorted(glob.glob(os.path.join(DEBS, pkg + "_*.deb")))[-1])


def pkg_version(pkg):
    debs = sorted(glob.glob(os.path.join(DEBS, pkg + "_*.deb")))
    if debs:
        return os.path.basename(debs[-1]).split("_")[1]
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


def center_square(im):
    w, h = im.size
    s = min(w, h)
    return im.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))


def read_nifti_gz(path):
    b = gzip.open(path).read()
    hdr = b[:348]
    assert np.frombuffer(hdr[:4], "<i4")[0] == 348, "not little-endian NIfTI-1"
    dim = np.frombuffer(hdr[40:56], "<i2")
    dtype = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64}[int(np.frombuffer(hdr[70:72], "<i2")[0])]
    off = int(np.frombuffer(hdr[108:112], "<f4")[0])
    nx, ny, nz = (int(d) for d in dim[1:4])
    vol = np.frombuffer(b[off:], dtype=dtype, count=nx * ny * nz).reshape(nz, ny, nx).astype(np.float32)
    pixdim = np.frombuffer(hdr[76:108], "<f4")[1:4]
    srow = np.frombuffer(hdr[280:328], "<f4").reshape(3, 4)
    return vol, pixdim, srow


def gauss_blur(a, sigma):
    """Separable Gaussian blur (anti-aliasing before the downscale, as for the training slices)."""
    r = max(1, int(3 * sigma + 0.5))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    a = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 0, a)
    return np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 1, a).astype(np.float32)


def main():
    lic = ["# Demo images: sources and licences", "",
           "Made by `scripts/demo-images.py` from Debian packages; none comes from the models' training data.", ""]
    # CIFAR-style 32x32 RGB
    os.makedirs(os.path.join(OUT, "cifar"), exist_ok=True)
    ver = None
    lic += ["## cifar/ (32×32 RGB, centre square crop, Lanczos downscale)", "",
            "| file | source | licence |", "|---|---|---|"]
    for name, (fn, note) in SKIMAGE.items():
        p, how = find("python3-skimage", f"usr/lib/python3/dist-packages/skimage/data/{fn}")
        ver = pkg_version("python3-skimage")
        im = center_square(Image.open(p).convert("RGB")).resize((32, 32), Image.LANCZOS)
        im.save(os.path.join(OUT, "cifar", f"{name}.png"), optimize=True)
        lic.append(f"| cifar/{name}.png | scikit-image sample image `skimage/data/{fn}` (Debian python3-skimage {ver}) | {note} "
                   "The package's debian/copyright lists the files under BSD-3-Clause (scikit-image team). |")
    # MRI 64x64 slices of Colin27
    os.makedirs(os.path.join(OUT, "mri"), exist_ok=True)
    p, how = find("mricron-data", "usr/share/mricron/templates/ch2.nii.gz")
    vol, pixdim, srow = read_nifti_gz(p)
    assert np.allclose(np.abs(np.diag(srow[:, :3])), 1) and np.all(np.diag(srow[:, :3]) > 0), "expects RAS 1 mm"
    vol = np.clip(vol / np.percentile(vol, 99.5), 0, 1)  # as shared/data/mri: 99.5th percentile, clip
    frac = (vol > 0.05).reshape(vol.shape[0], -1).mean(1)
    vertex = int(np.max(np.nonzero(frac > 0.02)[0]))
    lic += ["", "## mri/ (64×64 grey, axial T1 slices of the Colin27 template)", "",
            "| file | source | licence |", "|---|---|---|"]
    for mm in MRI_MM_BELOW_VERTEX:
        z = vertex - int(round(mm / pixdim[2]))
        sl = vol[z][::-1, ::-1]  # rows: anterior at the top; columns: patient's right on the image's left
        H, W = sl.shape
        S = int(round(240 / pixdim[0]))  # 240 mm field of view, like the 120 x 2 mm training volumes
        pad = np.zeros((S, S), np.float32)
        pad[(S - H) // 2:(S - H) // 2 + H, (S - W) // 2:(S - W) // 2 + W] = sl
        im = Image.fromarray(gauss_blur(pad, (S / 64 - 1) / 2), mode="F").resize((64, 64), Image.BILINEAR)
        a = np.clip(np.asarray(im), 0, 1)
        fn = f"colin27-z{mm:03d}mm.png"
        Image.fromarray((a * 255 + 0.5).astype(np.uint8), mode="L").save(os.path.join(OUT, "mri", fn), optimize=True)
        lic.append(f"| mri/{fn} | Colin27 T1 template `ch2.nii.gz` (Debian mricron-data {pkg_version('mricron-data')}), "
                   f"axial slice {mm} mm below the vertex, intensity / 99.5th percentile, 240 mm field of view, 64×64 | "
                   "BSD-3-Clause, per the package's debian/copyright (`Files: *`, Copyright 2006-2010 Chris Rorden). "
                   "Colin27: Holmes et al., J Comput Assist Tomogr 22(2):324–333, 1998. |")
    lic += ["", "Radiological display convention for MRI (anterior at the top, patient's right on the image's left), "
            "as in the training slices.", ""]
    open(os.path.join(OUT, "LICENSES.md"), "w").write("\n".join(lic))
    print("wrote", sorted(glob.glob(os.path.join(OUT, "*", "*.png"))))


if __name__ == "__main__":
    main()
