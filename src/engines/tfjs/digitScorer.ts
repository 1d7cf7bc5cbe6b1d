// The image EM lab's sample metrics (issue 13): FD and the class histogram of unconditional samples, on the
// digit classifier models/mnist-classifier/classifier.onnx run by the project's tfjs ONNX executor
// (src/engines/onnx/diff), so Node (CLI, tests, bench) and the browser worker compute the same features.
// The reference statistics (mean and covariance of the held-out clean digits' features) are computed once,
// at creation. Works on whichever tfjs backend is active.
import * as tf from '@tensorflow/tfjs-core'
import { DIGIT_PIXELS, DIGIT_SIZE } from '../../core/emImages/digits'
import { classHistogram, frechetDistance, gaussianStats, type GaussianStats } from '../../core/emImages/fd'
import { OnnxGraph, describeUnsupported } from '../onnx/diff'

export interface DigitScore {
  /** Fréchet distance between the samples' and the held-out digits' classifier features. */
  fd: number
  /** Samples per class (argmax of the classifier's logits), classes 0…9. */
  classHistogram: number[]
}

export interface DigitFeatures {
  /** count × featureDim, row-major. */
  features: Float32Array
  /** count × 10, row-major. */
  logits: Float32Array
}

export interface DigitScorer {
  readonly featureDim: number
  /** Statistics of the held-out clean digits' features (the FD reference). */
  readonly reference: GaussianStats
  /** Class histogram of the held-out digits themselves (what a perfect sampler's histogram tends to, scaled). */
  readonly referenceHistogram: number[]
  /** Classifier outputs for `n` digits (n × 784 grey levels in [0, 1], row-major). */
  features(pixels: Float32Array, n: number): Promise<DigitFeatures>
  /** FD against the reference and the class histogram of `n` samples (n × 784 values in [0, 1], n ≥ 2). */
  score(samples: Float32Array, n: number): Promise<DigitScore>
  dispose(): void
}

const CHUNK = 250

function checkPixels(pixels: Float32Array, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: the count must be a positive integer, got ${n}`)
  if (pixels.length !== n * DIGIT_PIXELS) throw new Error(`${what}: expected ${n} × ${DIGIT_PIXELS} = ${n * DIGIT_PIXELS} values, got ${pixels.length}`)
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!
    if (!(v >= 0 && v <= 1)) throw new Error(`${what}: value ${v} at ${i} is outside [0, 1] (grey levels; model space x maps as (x + 1)/2)`)
  }
}

/**
 * Builds the scorer from the classifier's ONNX bytes (inputs x [N,1,28,28] in [0, 1]; outputs `features`
 * [N,F] and `logits` [N,10]) and the held-out clean digits (count × 784 in [0, 1]).
 */
export async function createDigitScorer(classifierBytes: Uint8Array, heldOutClean: Float32Array): Promise<DigitScorer> {
  const graph = OnnxGraph.fromBytes(classifierBytes)
  if (graph.unsupported.length > 0) throw new Error(`digit classifier: unsupported ops ${graph.unsupported.map(describeUnsupported).join(', ')}`)
  const inName = graph.inputNames[0]
  if (graph.inputNames.length !== 1 || inName === undefined) throw new Error(`digit classifier: expected one input, got ${graph.inputNames.join(', ')}`)
  if (!graph.outputNames.includes('features') || !graph.outputNames.includes('logits')) throw new Error(`digit classifier: expected outputs "features" and "logits", got ${graph.outputNames.join(', ')}`)
  let disposed = false

  async function features(pixels: Float32Array, n: number): Promise<DigitFeatures> {
    if (disposed) throw new Error('digit scorer is disposed')
    checkPixels(pixels, n, 'digit classifier input')
    const parts: Array<{ f: Float32Array; l: Float32Array }> = []
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at)
      const x = tf.tensor4d(pixels.subarray(at * DIGIT_PIXELS, (at + m) * DIGIT_PIXELS), [m, 1, DIGIT_SIZE, DIGIT_SIZE])
      let outs: tf.Tensor[] = []
      try {
        outs = graph.run({ [inName as string]: x }, ['features', 'logits'])
        const [f, l] = await Promise.all([outs[0]!.data(), outs[1]!.data()])
        parts.push({ f: f as Float32Array, l: l as Float32Array })
      } finally {
        x.dispose()
        for (const t of outs) t.dispose()
      }
    }
    const fDim = parts[0]!.f.length / Math.min(CHUNK, n)
    const out = { features: new Float32Array(n * fDim), logits: new Float32Array(n * 10) }
    let fo = 0, lo = 0
    for (const p of parts) {
      out.features.set(p.f, fo); fo += p.f.length
      out.logits.set(p.l, lo); lo += p.l.length
    }
    return out
  }

  const count = heldOutClean.length / DIGIT_PIXELS
  if (!Number.isInteger(count) || count < 2) throw new Error(`held-out digits: expected a multiple of ${DIGIT_PIXELS} values for at least 2 digits, got ${heldOutClean.length}`)
  let ref: DigitFeatures
  try {
    ref = await features(heldOutClean, count)
  } catch (e) {
    graph.dispose()
    throw e
  }
  const featureDim = ref.features.length / count
  const reference = gaussianStats(ref.features, count, featureDim)
  const referenceHistogram = classHistogram(ref.logits, count)

  return {
    featureDim,
    reference,
    referenceHistogram,
    features,
    async score(samples, n) {
      if (n < 2) throw new Error(`FD needs at least 2 samples, got ${n}`)
      const s = await features(samples, n)
      return { fd: frechetDistance(gaussianStats(s.features, n, featureDim), reference), classHistogram: classHistogram(s.logits, n) }
    },
    dispose() {
      if (disposed) return
      disposed = true
      graph.dispose()
    },
  }
}
