"""Deterministic reference inputs shared with test/models/reference.test.ts (same formula in TypeScript):
x[i] = float32(1.8 · sin(0.1·i + 0.5) · cos(0.0037·i)) over the flat NCHW index i; sigma = REF_SIGMAS.
They are synthetic (no dataset images)."""
import numpy as np

REF_SIGMAS = [0.05, 0.5, 5.0]
REF_STRIDE = 8  # reference.json keeps every 8th output value (plus sums over all of them)


def ref_x(shape):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (1.8 * np.sin(0.1 * i + 0.5) * np.cos(0.0037 * i)).astype(np.float32).reshape(shape)
