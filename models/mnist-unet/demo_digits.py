"""Demo images for the 28×28 digit models: public/demo/digits/<class>-<index>.png, 8-bit grey, from the
HELD-OUT part of the Image EM lab's split (digits.ts splitDigits, 2,000, seed 0) — never trained on by
models/mnist-unet and never an EM observation. Rule (no picking by look): the first held-out digit of each
class in CLASSES, in split order. Prints the names for src/app/models.ts DIGIT_DEMOS.

  /usr/bin/python3 models/mnist-unet/demo_digits.py
"""
import os

import numpy as np
from PIL import Image

import data

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(data.REPO, "public", "demo", "digits")
CLASSES = [3, 8, 2, 5]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def main():
    images, labels = data.load_digits()
    held, _ = data.split_digits(len(images), 2000, 0)
    os.makedirs(OUT, exist_ok=True)
    names = []
    for k in CLASSES:
        i = int(next(j for j in held if labels[j] == k))
        name = f"{WORDS[k]}-{i}"
        Image.fromarray(np.round(images[i].reshape(28, 28) * 255).astype(np.uint8), mode="L").save(os.path.join(OUT, f"{name}.png"))
        names.append(name)
    print(names)


if __name__ == "__main__":
    main()
