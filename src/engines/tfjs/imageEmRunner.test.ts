import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { completionPsnr, runImageEm, type ImageLapRecord } from './imageEmRunner'
import { IMAGE_EM_PRESETS, withCovariance, type ImageEmConfig } from '../../core/emImages/presets'
import { digitSetFromClasses } from '../../core/emImages/digits'
import { mulberry32 } from '../../core/linalg/random'

beforeAll(async () => { await tf.setBackend('wasm') })

/** Synthetic "digits": class k is a ring of radius 4 + k/2 at a jittered centre (20 per class). */
function syntheticSet() {
  const u = mulberry32(1)
  return digitSetFromClasses(Array.from({ length: 10 }, (_, k) => {
    const out = new Float32Array(20 * 784)
    for (let i = 0; i < 20; i++) {
      const ci = 14 + (u() - 0.5) * 4, cj = 14 + (u() - 0.5) * 4, rad = 4 + k / 2
      for (let a = 0; a < 28; a++) for (let b = 0; b < 28; b++) out[i * 784 + a * 28 + b] = Math.abs(Math.hypot(a - ci, b - cj) - rad) < 1.2 ? 1 : 0
    }
    return out
  }))
}

const small: ImageEmConfig = {
  ...IMAGE_EM_PRESETS.tiny, observations: 48, heldOut: 40, evalCount: 8, laps: 1,
  gaussian: { rank: 4, iterations: 3, chunk: 48, cgIters: 10 },
  unet: { channels: [4, 8], blocks: 1, embedding: 8 },
  train: { steps: 4, batch: 8, lrInit: 1e-3, lrEnd: 1e-3 },
  estep: { ...IMAGE_EM_PRESETS.tiny.estep, steps: 2, chunk: 24 },
  sampleCount: 4, sampleSteps: 2,
}

describe('image EM runner', () => {
  it('completion PSNR: identical → 80 dB (piqa’s 1e-8 floor); a uniform 0.1 error in [0, 1] → 20 dB', () => {
    const t = Float32Array.from({ length: 2 * 784 }, (_, i) => ((i % 5) / 5) * 1.6 - 0.8)
    expect(completionPsnr(t, t)).toBeCloseTo(80, 5)
    expect(completionPsnr(t.map((v) => v + 0.2), t)).toBeCloseTo(20, 3) // model-space 0.2 = pixel-space 0.1
  })
  for (const covariance of ['tweedie', 'sigma_t', 'inverse'] as const) {
    it(`${covariance}: lap 0 then one U-Net lap; records carry metrics, completions, samples, weights; no leaks`, async () => {
      const laps: ImageLapRecord[] = []
      const before = tf.memory().numTensors
      await runImageEm(withCovariance(small, covariance), (r) => { laps.push(r) }, { onProgress: () => {} }, syntheticSet())
      expect(tf.memory().numTensors).toBe(before)
      expect(laps.map((l) => l.lap)).toEqual([0, 1])
      for (const l of laps) {
        expect(Number.isFinite(l.completionPsnr)).toBe(true)
        expect(l.completions.length).toBe(8 * 784)
        expect(l.samples.length).toBe(4 * 784)
        expect(l.samples.every(Number.isFinite)).toBe(true)
      }
      expect(laps[0]!.weights).toBeUndefined()
      expect(laps[1]!.weights!.names.length).toBeGreaterThan(10)
      expect(laps[1]!.losses.length).toBeGreaterThan(0)
    })
  }
  it('resumes after a stored lap: the same lap 2 as an uninterrupted run', async () => {
    const c = { ...small, laps: 2 }
    const all: ImageLapRecord[] = []
    await runImageEm(c, (r) => { all.push(r) }, { onProgress: () => {} }, syntheticSet())
    const l1 = all[1]!
    const resumed: ImageLapRecord[] = []
    await runImageEm(c, (r) => { resumed.push(r) }, { onProgress: () => {} }, syntheticSet(), { lap: 1, samples: l1.eStepSamples, prior: l1.prior, weights: l1.weights })
    expect(resumed.map((r) => r.lap)).toEqual([2])
    expect(resumed[0]!.completionPsnr).toBeCloseTo(all[2]!.completionPsnr, 4)
    await expect(runImageEm(c, () => {}, { onProgress: () => {} }, syntheticSet(), { lap: 1, samples: new Float32Array(784), prior: l1.prior })).rejects.toThrow(/resume: lap 1 has 1 samples/)
  })
  it('train.firstLapSteps sets lap 1\'s M-step length only; with EMA the resume is still exact', async () => {
    const c: ImageEmConfig = { ...small, laps: 2, train: { ...small.train, firstLapSteps: 6, ema: 0.8 } }
    const all: ImageLapRecord[] = []
    const before = tf.memory().numTensors
    await runImageEm(c, (r) => { all.push(r) }, { onProgress: () => {} }, syntheticSet())
    expect(tf.memory().numTensors).toBe(before)
    // one loss per step at these lengths (readEvery = max(1, ⌊steps/10⌋))
    expect(all[1]!.losses.length).toBe(6)
    expect(all[2]!.losses.length).toBe(4)
    const resumed: ImageLapRecord[] = []
    await runImageEm(c, (r) => { resumed.push(r) }, { onProgress: () => {} }, syntheticSet(), { lap: 1, samples: all[1]!.eStepSamples, prior: all[1]!.prior, weights: all[1]!.weights })
    expect(resumed[0]!.completionPsnr).toBeCloseTo(all[2]!.completionPsnr, 4)
  })
  it('with a scorer, every lap with samples gets fd and classHistogram of its samples in [0, 1] (lap 0 too)', async () => {
    const calls: number[] = []
    const scorer = {
      score: async (samples: Float32Array, n: number) => {
        expect(samples.length).toBe(n * 784)
        expect(samples.every((v) => v >= 0 && v <= 1)).toBe(true)
        calls.push(n)
        let m = 0
        for (const v of samples) m += v / samples.length
        return { fd: m, classHistogram: [n, 0, 0, 0, 0, 0, 0, 0, 0, 0] }
      },
    }
    const laps: ImageLapRecord[] = []
    const before = tf.memory().numTensors
    await runImageEm({ ...small, laps: 2 }, (r) => { laps.push(r) }, { onProgress: () => {}, wantSamples: (lap) => lap !== 1 }, syntheticSet(), undefined, scorer)
    expect(tf.memory().numTensors).toBe(before)
    expect(calls).toEqual([4, 4]) // laps 0 and 2: lap 1 made no samples
    for (const l of [laps[0]!, laps[2]!]) {
      let m = 0
      for (const v of l.samples) m += Math.min(1, Math.max(0, (v + 1) / 2)) / l.samples.length
      expect(l.fd).toBeCloseTo(m, 5)
      expect(l.classHistogram).toEqual([4, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }
    expect(laps[1]!.fd).toBeUndefined()
    expect(laps[1]!.classHistogram).toBeUndefined()
  })
  it('rejects more observations than the split holds', async () => {
    await expect(runImageEm({ ...small, observations: 1000 }, () => {}, { onProgress: () => {} }, syntheticSet())).rejects.toThrow(/at most 120 observations/) // 200 − 40 held out − 40 (a fifth) for the classifier
  })
})
