import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { sigmaAt, timeGrid } from './schedule'
import { edmCoefficients, noiseEmbedding, preconditioned } from './precondition'
import { sample, SamplingAborted, type SamplerName } from './sampler'
import { GaussianPriorDenoiser } from '../priors/gaussian'
import { randomSpd } from '../priors/random'
import { frobenius, moments } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'

beforeAll(useCpu)

describe('schedule and grid (§1.1, §2.1)', () => {
  it('σ(t) = a^(1−t) b^t and the grid ends at σ(0)', () => {
    expect(sigmaAt(0)).toBeCloseTo(1e-3, 12)
    expect(sigmaAt(1)).toBeCloseTo(1e2, 9)
    expect(sigmaAt(0.5)).toBeCloseTo(Math.sqrt(1e-3 * 1e2), 10)
    const g = timeGrid(4)
    expect(g.map((s) => s.t)).toEqual([1, 0.75, 0.5, 0.25].map((v) => expect.closeTo(v, 12)))
    expect(g[3].s).toBeCloseTo(0, 12)
    expect(g[3].sigmaS).toBeCloseTo(1e-3, 12)
    expect(timeGrid(1, { a: 1e-3, b: 10 })[0].sigmaT).toBeCloseTo(10, 10)
  })
  it('EDM coefficients with c_noise = ln σ (§1.2), embedding (§1.3)', () => {
    const c = edmCoefficients(2)
    expect(c.cSkip).toBeCloseTo(0.2, 12)
    expect(c.cOut).toBeCloseTo(2 / Math.sqrt(5), 12)
    expect(c.cIn).toBeCloseTo(1 / Math.sqrt(5), 12)
    expect(c.cNoise).toBeCloseTo(Math.log(2), 12)
    const e = noiseEmbedding(1.5, 4).arraySync() as number[]
    expect(e).toEqual([Math.sin(1.5), Math.sin(1e-4 * 1.5), Math.cos(1.5), Math.cos(1e-4 * 1.5)].map((v) => expect.closeTo(v, 6)))
    // F ≡ 0 gives D = c_skip x
    const d = preconditioned((x) => tf.zerosLike(x))(tf.ones([1, 2]), 2).arraySync() as number[][]
    expect(d[0][0]).toBeCloseTo(0.2, 6)
  })
})

describe('samplers without observation reproduce the prior', () => {
  const n = 3
  const u = mulberry32(21)
  const cov = randomSpd(n, u, 0.2)
  const mean = normals(n, u)
  const prior = new GaussianPriorDenoiser({ mean, cov })
  const cases: Array<[SamplerName, number]> = [['ddpm', 128], ['ddim', 128], ['pc', 64]]
  for (const [kind, steps] of cases) {
    it(`${kind}: mean and covariance within Monte-Carlo + discretisation tolerance`, async () => {
      const B = 2048
      const out = await sample((x, c) => prior.denoise(x, c.sigma), [B, n], { steps, sampler: kind, seed: 1 })
      const { mean: m, cov: c } = moments(await out.data(), B, n)
      out.dispose()
      // mean: 5 standard errors; covariance: relative Frobenius error ≤ 12 % (MC ≈ √(2/B) ≈ 3 %, plus
      // the discretisation error of 128 steps, issue 3 note: ~6 %)
      m.forEach((v, i) => expect(Math.abs(v - mean[i])).toBeLessThan(5 * Math.sqrt(cov[i * (n + 1)] / B)))
      expect(frobenius(c.map((v, i) => v - cov[i])) / frobenius(cov)).toBeLessThan(0.12)
    })
  }
  it('callback: step index, σ, x_t and the estimate, every k steps and at the final call', async () => {
    const seen: Array<[number, number, number[], number[]]> = []
    const out = await sample((x, c) => prior.denoise(x, c.sigma), [2, n], {
      steps: 8, seed: 2, callbackEvery: 4,
      onStep: async ({ step, sigma, x, denoised }) => { seen.push([step, sigma, x.shape, denoised.shape]) },
    })
    out.dispose()
    expect(seen.map((s) => s[0])).toEqual([0, 4, 8])
    expect(seen[0][1]).toBeCloseTo(100, 8)
    expect(seen[2][1]).toBeCloseTo(1e-3, 10)
    seen.forEach((s) => { expect(s[2]).toEqual([2, n]); expect(s[3]).toEqual([2, n]) })
  })
  it('tensors are disposed every step, the seed reproduces, abort cancels', async () => {
    const counts: number[] = []
    const base = tf.memory().numTensors
    const run = (seed: number) => sample((x, c) => prior.denoise(x, c.sigma), [8, n], {
      steps: 16, seed, onStep: () => { counts.push(tf.memory().numTensors) },
    })
    const a = await run(5)
    expect(new Set(counts).size).toBe(1) // constant number of live tensors at every step
    const b = await run(5)
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()))
    tf.dispose([a, b])
    expect(tf.memory().numTensors).toBe(base)
    const ctl = new AbortController()
    await expect(sample((x, c) => prior.denoise(x, c.sigma), [8, n], {
      steps: 16, signal: ctl.signal, onStep: ({ step }) => { if (step === 3) ctl.abort() },
    })).rejects.toBeInstanceOf(SamplingAborted)
    expect(tf.memory().numTensors).toBe(base)
    // cancel from outside (a timer) with no callback: the loop yields a macrotask every step
    const ctl2 = new AbortController()
    const slow = (x: tf.Tensor, c: { sigma: number }) => { const t = Date.now(); while (Date.now() - t < 2); return prior.denoise(x, c.sigma) }
    setTimeout(() => ctl2.abort(), 20)
    await expect(sample(slow, [8, n], { steps: 1000, signal: ctl2.signal })).rejects.toBeInstanceOf(SamplingAborted)
    expect(tf.memory().numTensors).toBe(base)
  })
})
