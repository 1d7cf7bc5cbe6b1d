import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { sample } from '../diffusion/sampler'
import { GaussianPriorDenoiser, gaussianPosterior } from '../priors/gaussian'
import { GmmPriorDenoiser, gmmPosterior } from '../priors/gmm'
import { randomSpd } from '../priors/random'
import { DenseOperator } from '../operators/dense'
import { frobenius, matvec, moments } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'
import { methods, posteriorDenoiser, type MethodName, type MethodOptions, type PosteriorProblem } from './registry'
import type { Denoiser } from '../types'
import { FiniteDifferenceDenoiser } from '../denoisers/finiteDifference'

beforeAll(useCpu)

const n = 6, m = 3, sigmaY = 0.2
const u = mulberry32(2024)
const cov = randomSpd(n, u, 0.1)
const mean = normals(n, u).map((v) => 0.5 * v)
const a = normals(m * n, u).map((v) => v / Math.sqrt(n))
const xTrue = normals(n, u)
const y = Float64Array.from(matvec(a, xTrue, m, n), (v) => v + sigmaY * normals(1, u)[0])

function problemFor(den: Denoiser): { problem: PosteriorProblem; op: DenseOperator } {
  const op = new DenseOperator(a, m, n)
  return { problem: { denoiser: den, operator: op, y: tf.tensor2d([Array.from(y)]), sigmaY }, op }
}

async function posteriorSamples(den: Denoiser, method: MethodName, opts: MethodOptions, B: number, steps: number) {
  const { problem, op } = problemFor(den)
  const pd = posteriorDenoiser(method, problem, opts)
  const out = await sample(pd.fn, [B, n], { steps, sampler: 'ddpm', seed: 7 })
  const data = await out.data()
  tf.dispose([out, problem.y]); op.dispose()
  return { ...moments(data, B, n), cost: pd.cost() }
}

describe('MMPS vs the exact linear-Gaussian posterior (6-D)', () => {
  const prior = new GaussianPriorDenoiser({ mean, cov })
  const exact = gaussianPosterior({ mean, cov }, a, m, sigmaY, y)
  const B = 4096, steps = 128
  const errs = (r: { mean: Float64Array; cov: Float64Array }, samples = B) => ({
    // mean error in units of the Monte-Carlo standard error (max over coordinates)
    meanZ: Math.max(...r.mean.map((v, i) => Math.abs(v - exact.mean[i]) / Math.sqrt(exact.cov[i * (n + 1)] / samples))),
    covRel: frobenius(r.cov.map((v, i) => v - exact.cov[i])) / frobenius(exact.cov),
  })
  let mmpsErr: { meanZ: number; covRel: number }
  it('MMPS(cg, 3) reproduces the posterior mean and covariance', async () => {
    // M = 3 observations: CG is exact in 3 iterations (in exact arithmetic)
    const r = await posteriorSamples(prior, 'mmps', { solver: 'cg', iters: 3 }, B, steps)
    mmpsErr = errs(r)
    console.info('MMPS(cg,3) error', mmpsErr)
    // Mean: 5 Monte-Carlo standard errors. Covariance: relative Frobenius error ≤ 15 % = MC (≈ √(2/B) ≈ 2–3 %)
    // + DDPM discretisation, which we measured on this very problem with 16 384 samples (wasm): 17 % at 64
    // steps, 8.5 % at 128, 3–6 % at 256, 2 % at 512 — first order, covariance under-estimated (trace ×0.915
    // at 128). The issue's ~6 % at 128 was for another problem. 256 steps would double this test's time.
    expect(mmpsErr.meanZ).toBeLessThan(5)
    expect(mmpsErr.covRel).toBeLessThan(0.15)
    expect(r.cost.forward).toBe(steps + 1)
    expect(r.cost.vjp).toBe(3 * (steps + 1))
  })
  it('MMPS(gmres, 3) too (M = 3: GMRES is exact in 3 iterations; 2048 samples)', async () => {
    const r = await posteriorSamples(prior, 'mmps', { solver: 'gmres', iters: 3 }, B / 2, steps)
    const e = errs(r, B / 2)
    console.info('MMPS(gmres,3) error', e)
    expect(e.meanZ).toBeLessThan(5)
    expect(e.covRel).toBeLessThan(0.15)
    expect(r.cost.vjp).toBe(3 * (steps + 1))
  })
  it('DPS is measurably farther', async () => {
    const r = await posteriorSamples(prior, 'dps', {}, B, steps)
    const e = errs(r)
    console.info('DPS error', e)
    expect(e.meanZ > 3 * mmpsErr.meanZ || e.covRel > 3 * mmpsErr.covRel).toBe(true)
    expect(Math.max(e.meanZ / 5, e.covRel / 0.15)).toBeGreaterThan(1) // fails the MMPS tolerances
  })
})

describe('GMM prior', () => {
  it('MMPS posterior mean is close to the exact mixture posterior mean', async () => {
    const v = mulberry32(9)
    const spec = {
      weights: Float64Array.from([0.4, 0.6]),
      means: [normals(n, v), normals(n, v)],
      covs: [randomSpd(n, v, 0.1), randomSpd(n, v, 0.1)],
    }
    const gmm = new GmmPriorDenoiser(spec)
    const exact = gmmPosterior(spec, a, m, sigmaY, y)
    const B = 1024
    const r = await posteriorSamples(gmm, 'mmps', { solver: 'cg', iters: 3 }, B, 128)
    // exact posterior spread (mixture covariance diagonal) sets the scale
    const varI = (i: number) => exact.components.reduce((s, c, k) => s + exact.weights[k] * (c.cov[i * (n + 1)] + (c.mean[i] - exact.mean[i]) ** 2), 0)
    const z = r.mean.map((val, i) => Math.abs(val - exact.mean[i]) / Math.sqrt(varI(i)))
    const priorMean = spec.means[0].map((v0, i) => 0.4 * v0 + 0.6 * spec.means[1][i])
    const zPrior = priorMean.map((val, i) => Math.abs(val - exact.mean[i]) / Math.sqrt(varI(i)))
    console.info('GMM: MMPS mean error (posterior sd units)', Math.max(...z), 'prior mean', Math.max(...zPrior))
    // within 0.3 posterior standard deviations per coordinate (MC s.e. ≈ 0.03 at B = 1024; MMPS's Gaussian
    // q(y|x_t) is not exact for a mixture, so some bias is expected: we measured 0.18–0.22), while the prior
    // mean — what an ignored observation would give — is much farther
    z.forEach((e) => expect(e).toBeLessThan(0.3))
    expect(Math.max(...zPrior)).toBeGreaterThan(3 * Math.max(...z))
  })
})

describe('cost counters and the MMPS VJP reuse', () => {
  const prior = new GaussianPriorDenoiser({ mean, cov })
  const one = (name: MethodName, opts: MethodOptions, x: tf.Tensor) => {
    const { problem, op } = problemFor(prior)
    const pd = posteriorDenoiser(name, problem, opts)
    const out = pd.fn(x, { sigma: 0.8, sigmaNext: 0.7, coef: 0.3 })
    tf.dispose(problem.y); op.dispose()
    return { out, cost: pd.cost() }
  }
  const x = tf.tensor2d(Array.from({ length: 4 }, () => Array.from(normals(n, u))))
  for (const solver of ['cg', 'gmres'] as const) {
    it(`MMPS(k, ${solver}) spends 1 forward + k VJPs and equals the reference that spends k + 1`, () => {
      for (const k of [1, 2, 4]) {
        const before = tf.memory().numTensors
        const fast = one('mmps', { solver, iters: k }, x)
        const ref = one('mmps', { solver, iters: k, reuseVjp: false }, x)
        expect(fast.cost).toEqual({ forward: 1, vjp: k, calls: 1 })
        expect(ref.cost).toEqual({ forward: 1, vjp: k + 1, calls: 1 })
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.out, ref.out))).dataSync()[0])
        const scale = tf.tidy(() => tf.max(tf.abs(ref.out)).dataSync()[0])
        expect(diff / scale).toBeLessThan(1e-4)
        tf.dispose([fast.out, ref.out])
        expect(tf.memory().numTensors).toBe(before)
      }
    })
  }
  it('MMPS on a finite-difference denoiser matches MMPS on the exact one; costs say so', () => {
    const fd = new FiniteDifferenceDenoiser(prior)
    const { problem, op } = problemFor(fd)
    const pd = posteriorDenoiser('mmps', problem, { solver: 'cg', iters: 3 })
    const got = pd.fn(x, { sigma: 0.8, sigmaNext: 0.7, coef: 0.3 })
    const ref = one('mmps', { solver: 'cg', iters: 3 }, x)
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(got, ref.out))).dataSync()[0] / tf.max(tf.abs(ref.out)).dataSync()[0])
    expect(err).toBeLessThan(1e-2)
    expect(pd.cost()).toEqual({ forward: 1 + 2 * 3, vjp: 3, calls: 1 })
    expect(fd.jacobian).toBe('finite-difference')
    tf.dispose([got, ref.out, problem.y]); op.dispose()
  })
  it('per-call costs of the baselines; no leaks', () => {
    const expected: Record<MethodName, [number, number]> = { dps: [1, 1], pigdm: [1, 1], tmpd: [1, 2], diffpir: [1, 0], mmps: [1, 1] }
    for (const name of Object.keys(methods) as MethodName[]) {
      const before = tf.memory().numTensors
      const r = one(name, { clamp: [-2, 2] }, x)
      expect([r.cost.forward, r.cost.vjp]).toEqual(expected[name])
      const vals = r.out.dataSync()
      expect(vals.every(Number.isFinite)).toBe(true)
      r.out.dispose()
      expect(tf.memory().numTensors).toBe(before)
    }
  })
})
