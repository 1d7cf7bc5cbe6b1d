import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { digitSetFromClasses, emDigitSplit, heldOutDigits, splitDigits, toModelSpace, toPixelSpace, DIGIT_PIXELS } from './digits'
import { BatchedBlurOperator, BatchedMaskOperator, corrupt, makeOperators, operatorFor, validateSpec } from './corruption'
import { denseCovariance, dplrPosteriorSampler, ppcaLowRank, sampleDplr, type DplrGaussian } from './dplr'
import { fitGaussianEm } from './gaussianEm'
import { gaussianPosterior } from '../priors/gaussian'
import { frobenius, moments } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'

beforeAll(useCpu)

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** A random DPLR Gaussian on h×w images with rank r. */
function randomDplr(n: number, r: number, seed: number, noise = 0.02): DplrGaussian {
  const u = mulberry32(seed)
  const mean = Float32Array.from(normals(n, u), (v) => 0.3 * v)
  const load = Float32Array.from(normals(n * r, u), (v) => v * 0.4)
  return { n, rank: r, mean, noise, u: load }
}

/** Dense matrix of a batched operator's sample b (by applying it to unit vectors). */
function denseOf(op: { apply(x: tf.Tensor): tf.Tensor; batch: number }, b: number, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    const e = new Float32Array(op.batch * n)
    e[b * n + j] = 1
    const y = op.apply(tf.tensor2d(e, [op.batch, n]))
    const v = y.dataSync()
    for (let i = 0; i < n; i++) out[i * n + j] = v[b * n + i]!
    y.dispose()
  }
  return out
}

describe('digits: classes, split, model space', () => {
  const classes = Array.from({ length: 10 }, (_, k) => Float32Array.from({ length: 3 * DIGIT_PIXELS }, (_, i) => ((i + k) % 7) / 6))
  it('concatenates classes with labels, rejects bad input', () => {
    const set = digitSetFromClasses(classes)
    expect(set.count).toBe(30)
    expect(Array.from(set.labels.subarray(0, 4))).toEqual([0, 0, 0, 1])
    expect(() => digitSetFromClasses(classes.slice(1))).toThrow(/10 digit classes/)
    expect(() => digitSetFromClasses([new Float32Array(5), ...classes.slice(1)])).toThrow(/multiple of 784/)
    const bad = classes.map((c) => Float32Array.from(c)); bad[3]![10] = 1.5
    expect(() => digitSetFromClasses(bad)).toThrow(/outside \[0, 1\]/)
  })
  it('the split is a seeded partition; model space is 2p − 1', () => {
    const s = splitDigits(30, 7, 5)
    expect(s.heldOut.length).toBe(7)
    expect(new Set([...s.heldOut, ...s.observed]).size).toBe(30)
    expect(Array.from(splitDigits(30, 7, 5).heldOut)).toEqual(Array.from(s.heldOut))
    expect(Array.from(splitDigits(30, 7, 6).heldOut)).not.toEqual(Array.from(s.heldOut))
    expect(() => splitDigits(30, 30, 1)).toThrow(/held-out/)
    expect(() => splitDigits(30, 7, 1, 23)).toThrow(/classifier reserve/)
    const set = digitSetFromClasses(classes)
    const x = toModelSpace(set, [2])
    expect(x[1]).toBeCloseTo(2 * set.images[2 * DIGIT_PIXELS + 1]! - 1, 6)
    expect(Array.from(toPixelSpace([-3, 0, 1]))).toEqual([0, 0.5, 1])
  })
})

describe('the fixed EM split with a classifier reserve', () => {
  it('held-out first, a fifth last for the classifier, observations between; the same for every call; seed-0 observations unchanged', () => {
    const s = emDigitSplit(10000, 2000)
    expect([s.heldOut.length, s.observed.length, s.classifier.length]).toEqual([2000, 6000, 2000])
    expect(new Set([...s.heldOut, ...s.observed, ...s.classifier]).size).toBe(10000)
    const plain = splitDigits(10000, 2000, 0)
    expect(Array.from(s.heldOut)).toEqual(Array.from(plain.heldOut))
    expect(Array.from(s.observed)).toEqual(Array.from(plain.observed.subarray(0, 6000)))
    expect(Array.from(s.classifier)).toEqual(Array.from(plain.observed.subarray(6000)))
    expect(Array.from(emDigitSplit(10000, 2000).classifier)).toEqual(Array.from(s.classifier))
  })
  it('heldOutDigits: the held-out rows in pixel space', () => {
    const classes = Array.from({ length: 10 }, (_, k) => Float32Array.from({ length: 3 * DIGIT_PIXELS }, (_, i) => ((i * (k + 1)) % 11) / 10))
    const set = digitSetFromClasses(classes)
    const h = heldOutDigits(set, 7)
    const idx = emDigitSplit(30, 7).heldOut
    expect(h.length).toBe(7 * DIGIT_PIXELS)
    expect(Array.from(h.subarray(3 * DIGIT_PIXELS, 4 * DIGIT_PIXELS))).toEqual(Array.from(set.images.subarray(idx[3]! * DIGIT_PIXELS, (idx[3]! + 1) * DIGIT_PIXELS)))
  })
})

describe('per-observation operators', () => {
  const h = 8, w = 8, n = h * w
  it('mask: 75 % deleted per observation, each its own; blur: adjoint identity', () => {
    const ops = makeOperators({ kind: 'pixels' }, 3, h, w, 1)
    const m = ops.masks!
    for (let b = 0; b < 3; b++) expect(m.subarray(b * n, (b + 1) * n).reduce((a, v) => a + v, 0)).toBe(n - Math.floor(0.75 * n))
    expect(Array.from(m.subarray(0, n))).not.toEqual(Array.from(m.subarray(n, 2 * n)))
    const box = makeOperators({ kind: 'box', box: 3 }, 2, h, w, 2).masks!
    expect(box.subarray(0, n).reduce((a, v) => a + v, 0)).toBe(n - 9)
    const blur = makeOperators({ kind: 'blur', kernelSize: 5 }, 2, h, w, 3)
    const k = blur.kernels!
    expect(k.subarray(0, 25).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5)
    const op = new BatchedBlurOperator(k, 2, h, w, 5)
    const x = tf.randomNormal([2, n], 0, 1, 'float32', 4), y = tf.randomNormal([2, n], 0, 1, 'float32', 5)
    const ax = op.apply(x), aty = op.adjoint(y)
    const lhs = dot(ax.dataSync(), y.dataSync()), rhs = dot(x.dataSync(), aty.dataSync())
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-5)
    // each sample uses its own kernel: sample 1 of the batch = a single-sample operator with kernel 1
    const single = new BatchedBlurOperator(k.subarray(25, 50), 1, h, w, 5)
    const a1 = single.apply(tf.slice(x, [1, 0], [1, n]))
    expect(Math.max(...Array.from(a1.dataSync(), (v, i) => Math.abs(v - ax.dataSync()[n + i]!)))).toBeLessThan(1e-5)
    tf.dispose([x, y, ax, aty, a1]); op.dispose(); single.dispose()
  })
  it('corrupt: y = A x + σ_y ε; specs are validated', () => {
    const x = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i))
    const obs = corrupt(x, 2, h, w, { kind: 'pixels', sigmaY: 0.01 }, 9)
    const m = obs.masks!
    for (let i = 0; i < 2 * n; i++) expect(Math.abs(obs.y[i]! - m[i]! * x[i]!)).toBeLessThan(0.06)
    const resid = Array.from(obs.y, (v, i) => v - m[i]! * x[i]!)
    expect(Math.sqrt(dot(resid, resid) / resid.length)).toBeCloseTo(0.01, 2)
    expect(() => validateSpec({ kind: 'pixels', missing: 1 })).toThrow(/deleted fraction/)
    expect(() => validateSpec({ kind: 'blur', kernelSize: 4 })).toThrow(/odd/)
    expect(() => validateSpec({ kind: 'pixels', sigmaY: 0 })).toThrow(/σ_y/)
  })
})

describe('DPLR Gaussian: exact posteriors (Matheron + Woodbury / CG) against the dense closed form', () => {
  const h = 6, w = 6, n = h * w, r = 4, sigmaY = 0.05
  const g = randomDplr(n, r, 11)
  const spec = { mean: Float64Array.from(g.mean), cov: denseCovariance(g) }
  const u = mulberry32(3)
  const xTrue = Float32Array.from({ length: 2 * n }, () => normals(1, u)[0]!)
  for (const kind of ['pixels', 'blur'] as const) {
    it(`${kind}: posterior mean exact; posterior covariance within Monte-Carlo error`, () => {
      const obs = corrupt(xTrue, 2, h, w, { kind, sigmaY, missing: 0.5, kernelSize: 3 }, 21)
      const op = operatorFor(obs, 0, 2)
      expect(op instanceof (kind === 'pixels' ? BatchedMaskOperator : BatchedBlurOperator)).toBe(true)
      const sampler = dplrPosteriorSampler(g, 60)
      const y = tf.tensor2d(obs.y, [2, n])
      const mean = sampler.draw(y, op, sigmaY, u, false)
      const mv = mean.dataSync()
      for (let b = 0; b < 2; b++) {
        const a = denseOf(op, b, n)
        const exact = gaussianPosterior(spec, a, n, sigmaY, obs.y.subarray(b * n, (b + 1) * n))
        const err = Math.max(...Array.from(exact.mean, (v, i) => Math.abs(v - mv[b * n + i]!)))
        expect(err).toBeLessThan(2e-3)
        if (b === 0) {
          // S draws for observation 0: covariance relative Frobenius error (Monte-Carlo ≈ 5–8 %)
          const S = 2000
          const yb = tf.tile(tf.slice(y, [0, 0], [1, n]), [S, 1])
          const opS = operatorFor({ ...obs, masks: obs.masks && tileRows(obs.masks.subarray(0, n), S), kernels: obs.kernels && tileRows(obs.kernels.subarray(0, 9), S) }, 0, S)
          const xs = sampler.draw(yb, opS, sigmaY, u)
          const mo = moments(xs.dataSync(), S, n)
          const rel = frobenius(mo.cov.map((v, i) => v - exact.cov[i]!)) / frobenius(exact.cov)
          expect(rel).toBeLessThan(0.15)
          const meanErr = Math.max(...Array.from(exact.mean, (v, i) => Math.abs(v - mo.mean[i]!) / Math.sqrt(exact.cov[i * (n + 1)]! / S)))
          expect(meanErr).toBeLessThan(5)
          tf.dispose([yb, xs]); opS.dispose()
        }
      }
      tf.dispose([y, mean]); op.dispose(); sampler.dispose()
    })
  }
})

function tileRows(row: Float32Array, times: number): Float32Array {
  const out = new Float32Array(row.length * times)
  for (let i = 0; i < times; i++) out.set(row, i * row.length)
  return out
}

describe('low-rank PPCA and lap 0 (Monte-Carlo EM) against a known Gaussian', () => {
  const h = 6, w = 6, n = h * w, r = 3
  const truth = randomDplr(n, r, 5, 0.01)
  const trueCov = denseCovariance(truth)
  it('PPCA on exact samples recovers μ and Σ', () => {
    const x = sampleDplr(truth, 6000, mulberry32(1))
    const t = tf.tensor2d(x, [6000, n])
    const fit = ppcaLowRank(t, { rank: r, uniform: mulberry32(2) })
    t.dispose()
    expect(frobenius(denseCovariance(fit).map((v, i) => v - trueCov[i]!)) / frobenius(trueCov)).toBeLessThan(0.06)
    expect(fit.noise).toBeGreaterThan(0.005)
    expect(fit.noise).toBeLessThan(0.02)
    expect(() => ppcaLowRank(tf.zeros([5, n]) as tf.Tensor2D, { rank: n, uniform: mulberry32(1) })).toThrow(/rank/)
  })
  it('Monte-Carlo EM from 50 %-deleted observations recovers μ and Σ (closed-form Gaussian case)', () => {
    const count = 4000
    const x = sampleDplr(truth, count, mulberry32(7))
    const obs = corrupt(x, count, h, w, { kind: 'pixels', missing: 0.5, sigmaY: 0.01 }, 8)
    const iters: number[] = []
    const fit = fitGaussianEm(obs, { rank: r, iterations: 30, chunk: 1000, cgIters: 40 }, 9, (_it, p) => {
      iters.push(frobenius(denseCovariance(p).map((v, i) => v - trueCov[i]!)) / frobenius(trueCov))
    })
    // the error falls over the EM iterations and ends small (MC error ≈ 5 % at this count)
    expect(iters.at(-1)!).toBeLessThan(0.1)
    expect(iters.at(-1)!).toBeLessThan(iters[0]! / 3)
    const meanErr = Math.max(...Array.from(truth.mean, (v, i) => Math.abs(v - fit.prior.mean[i]!)))
    expect(meanErr).toBeLessThan(0.08)
    expect(fit.samples.length).toBe(count * n)
  })
})
