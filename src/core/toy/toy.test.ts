import { describe, expect, it } from 'vitest'
import { mulberry32, normals } from '../linalg/random'
import { helixPrior, logNoisyPrior, manifoldPrior, noisyScore, samplePrior, scoreBuffers, type IsotropicGmm } from './prior'
import { approximateLogLikelihoods, constantCovariance, COVARIANCES, logGaussian, tweedieMoments, type Covariance, type Observation } from './observation'
import { effectiveSampleSize, resampleIndices } from './resample'
import { quantileSorted, runHelix, runToyExperiment, summarizeToy, type ToyRow } from './experiment'

const prior = manifoldPrior(mulberry32(0))

describe('toy prior (algorithms.md §6.1)', () => {
  it('256 centres normalised to [−2, 2], σ_i = 0.01; samples stay near the curve', () => {
    expect(prior.means.length).toBe(256 * 3)
    expect(Math.min(...prior.means)).toBeCloseTo(-2, 12)
    expect(Math.max(...prior.means)).toBeCloseTo(2, 12)
    expect(prior.sigmas.every((s) => s === 0.01)).toBe(true)
    const xs = samplePrior(prior, 500, mulberry32(1))
    for (const v of xs) expect(Math.abs(v)).toBeLessThan(2.1)
  })

  it('the helix of §6.2', () => {
    const h = helixPrior()
    expect(Array.from(h.means.slice(0, 3))).toEqual([0, 2, -2])
    expect(h.means[255 * 3 + 2]).toBeCloseTo(2, 12)
  })

  for (const sigmaT of [0.02, 0.3, 4]) {
    it(`∇ and ∇² of log p_t match finite differences of log p_t (σ_t = ${sigmaT})`, () => {
      const r = mulberry32(Math.round(sigmaT * 100))
      const buf = scoreBuffers(prior)
      const s = Math.sqrt(0.01 ** 2 + sigmaT ** 2)
      const h = 1e-3 * s
      for (let trial = 0; trial < 4; trial++) {
        // a point near the curve, where several components compete
        const base = prior.means.slice(3 * (37 * trial + 5), 3 * (37 * trial + 5) + 3)
        const x = base.map((v, k) => v + sigmaT * normals(3, r)[k])
        noisyScore(prior, sigmaT, x, 0, buf, true)
        const f = (dx: number[]): number => logNoisyPrior(prior, sigmaT, x.map((v, k) => v + dx[k]))
        const e = (k: number, t: number): number[] => [0, 1, 2].map((j) => (j === k ? t : 0))
        const scale = 1 / (s * s)
        for (let k = 0; k < 3; k++) {
          const fd = (f(e(k, h)) - f(e(k, -h))) / (2 * h)
          expect(Math.abs(buf.grad[k] - fd)).toBeLessThan(1e-5 * (Math.abs(fd) + scale * s))
          for (let l = 0; l < 3; l++) {
            const pp = e(k, h).map((v, j) => v + e(l, h)[j]), pm = e(k, h).map((v, j) => v - e(l, h)[j])
            const mp = e(k, -h).map((v, j) => v + e(l, h)[j]), mm = e(k, -h).map((v, j) => v - e(l, h)[j])
            const fd2 = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * h * h)
            expect(Math.abs(buf.hess[k * 3 + l] - fd2)).toBeLessThan(1e-3 * (Math.abs(fd2) + scale))
          }
        }
      }
    })
  }

  it('Gaussian prior (1 component): Tweedie mean and covariance equal the closed form, and so does `inverse`', () => {
    const s0 = 0.3
    const g: IsotropicGmm = { d: 3, means: Float64Array.of(0.5, -1, 2), sigmas: Float64Array.of(s0) }
    for (const sigmaT of [0.01, 0.5, 10]) {
      const xt = Float64Array.of(1, 0.2, -0.7)
      const { mean, cov } = tweedieMoments(g, sigmaT, xt)
      const shrink = s0 ** 2 / (s0 ** 2 + sigmaT ** 2)
      const v = (sigmaT ** 2 * s0 ** 2) / (s0 ** 2 + sigmaT ** 2)
      for (let k = 0; k < 3; k++) {
        expect(mean[k]).toBeCloseTo(g.means[k] + shrink * (xt[k] - g.means[k]), 10)
        for (let l = 0; l < 3; l++) expect(cov[k * 3 + l]).toBeCloseTo(k === l ? v : 0, 10)
      }
      const covX = Float64Array.of(s0 ** 2, 0, 0, 0, s0 ** 2, 0, 0, 0, s0 ** 2)
      const inv = constantCovariance('inverse', sigmaT, 3, covX)!
      for (let i = 0; i < 9; i++) expect(inv[i]).toBeCloseTo(cov[i], 9)
    }
  })

  it('log q(y | x_t) is N(y | W E, Σ_y + W V Wᵀ) for each heuristic', () => {
    const obs: Observation = { p: 1, d: 3, W: Float64Array.of(0.6, 0, 0.8), covY: Float64Array.of(1e-4), y: Float64Array.of(0.3) }
    const sigmaT = 0.2
    const xt = Float64Array.of(0.1, 0.4, -0.2)
    const covX = Float64Array.of(1, 0.1, 0, 0.1, 2, 0, 0, 0, 0.5)
    const out: Partial<Record<Covariance, Float64Array>> = Object.fromEntries(COVARIANCES.map((k) => [k, new Float64Array(1)]))
    approximateLogLikelihoods(prior, obs, sigmaT, xt, COVARIANCES, covX, out)
    const { mean, cov } = tweedieMoments(prior, sigmaT, xt)
    const wE = 0.6 * mean[0] + 0.8 * mean[2]
    const wVw = (V: Float64Array): number => {
      const w = [0.6, 0, 0.8]
      let s = 0
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += w[k] * V[k * 3 + l] * w[l]
      return s
    }
    const expected: Record<Covariance, number> = {
      tweedie: wVw(cov),
      inverse: wVw(constantCovariance('inverse', sigmaT, 3, covX)!),
      sigma_t: sigmaT ** 2,
      zero: 0,
    }
    for (const k of COVARIANCES) {
      expect(out[k]![0]).toBeCloseTo(logGaussian(obs.y, Float64Array.of(wE), Float64Array.of(1e-4 + expected[k]), 1), 10)
    }
    // p > 1: agrees with the explicit formula for a diagonal covariance
    expect(logGaussian(Float64Array.of(1, 2), Float64Array.of(0, 0), Float64Array.of(2, 0, 0, 3), 2)).toBeCloseTo(
      -0.5 * (1 / 2 + 4 / 3 + Math.log(6) + 2 * Math.log(2 * Math.PI)),
      12,
    )
  })
})

describe('resampling', () => {
  it('draws ∝ exp(log w), stably', () => {
    const logw = Float64Array.of(1000, 1000 + Math.log(3), -Infinity, NaN)
    const us = Float64Array.from({ length: 4000 }, mulberry32(2))
    const idx = resampleIndices(logw, us)
    const ones = idx.filter((i) => i === 1).length / idx.length
    expect(ones).toBeGreaterThan(0.72)
    expect(ones).toBeLessThan(0.78)
    expect(idx.every((i) => i === 0 || i === 1)).toBe(true)
    expect(effectiveSampleSize(logw)).toBeCloseTo(16 / 10, 12)
    expect(() => resampleIndices(Float64Array.of(-Infinity), us)).toThrow(/zero/)
  })
})

describe('toy experiment driver', () => {
  it('produces the whole grid for every heuristic, deterministically, and summarises it', async () => {
    const cfg = { preset: 'tiny' as const, seeds: 2, sigmas: [0.05, 1], priorSamples: 512, setSize: 24 }
    let last = 0
    const a = await runToyExperiment(cfg, { onProgress: (f) => { expect(f).toBeGreaterThanOrEqual(last); last = f } })
    expect(a.results.length).toBe(2 * 2 * 4)
    expect(last).toBe(1)
    for (const r of a.results) expect(r.sinkhorn).toBeGreaterThanOrEqual(1e-6)
    const b = await runToyExperiment(cfg)
    expect(b.results).toEqual(a.results)
    const s = summarizeToy(a.results)
    expect(s.tweedie.map((p) => p.sigma_t)).toEqual([0.05, 1])
    expect(s.zero[0].n).toBe(2)
  })

  it('cancels through the checkpoint', async () => {
    const stop = new Error('stop')
    let calls = 0
    await expect(
      runToyExperiment({ preset: 'tiny', seeds: 1, sigmas: [1], priorSamples: 256, setSize: 200 }, {
        checkpoint: async () => { if (++calls > 1) throw stop },
      }),
    ).rejects.toBe(stop)
  })

  it('quantiles interpolate linearly (numpy)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12)
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12)
    const rows: ToyRow[] = [1, 5, 3].map((v, seed) => ({ sigma_t: 0.1, covariance: 'zero', seed, sinkhorn: v }))
    expect(summarizeToy(rows).zero[0]).toEqual({ sigma_t: 0.1, median: 3, q25: 2, q75: 4, n: 3 })
  })

  it('helix illustration: the true posterior lies near the plane x + 2z = 0', async () => {
    const h = await runHelix({ sigmaT: 0.25, samples: 4096, shown: 200, seed: 0 })
    expect(h.truth.length).toBe(600)
    for (const k of COVARIANCES) expect(h.approximations[k].length).toBe(600)
    let mean = 0
    for (let i = 0; i < 200; i++) mean += Math.abs(h.truth[i * 3] + 2 * h.truth[i * 3 + 2]) / 200
    // |x + 2z| for x_t = x + 0.25 ε: ≈ 0.25·√5·√(2/π) ≈ 0.45, far below the prior's spread
    expect(mean).toBeLessThan(0.6)
  })
})

describe('the paper’s ordering (Fig. 2) on a small deterministic setting', () => {
  it('at σ_t = 0.1 and 1 the exact Tweedie covariance beats Σ_t and 0 (median over 3 seeds)', async () => {
    const r = await runToyExperiment({ preset: 'tiny', seeds: 3, sigmas: [0.1, 1], priorSamples: 2 ** 12, setSize: 64 })
    const s = summarizeToy(r.results)
    for (let i = 0; i < 2; i++) {
      const t = s.tweedie[i].median
      expect(t).toBeLessThan(s.sigma_t[i].median)
      expect(t).toBeLessThan(s.zero[i].median)
    }
  })
})
