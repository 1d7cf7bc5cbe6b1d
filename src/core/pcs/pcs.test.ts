import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { GaussianPriorDenoiser } from '../priors/gaussian'
import { GmmPriorDenoiser } from '../priors/gmm'
import { randomSpd } from '../priors/random'
import { add, identity, inverse, matmul, matvec, symEig, transpose, type Mat } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'
import { fdStep, jacobianProducts, type PcJacobian } from './products'
import { posteriorPcs, PcsError, rectMask } from './subspace'
import { marginalMoments, momentsFromDifferences } from './moments'
import { fitMaxEnt, gaussianDensity, maxEntDensity } from './maxent'

beforeAll(useCpu)

/** Σ = Q diag(ev) Qᵀ with a random orthogonal Q. */
function covWithSpectrum(ev: number[], seed: number): Mat {
  const n = ev.length
  const q = symEig(randomSpd(n, mulberry32(seed)), n).vectors
  const d = new Float64Array(n * n)
  ev.forEach((v, i) => { d[i * n + i] = v })
  return matmul(matmul(q, d, n, n, n), transpose(q, n, n), n, n, n)
}

/** Top-k eigenpairs (descending) of a symmetric matrix. */
function topEig(a: Mat, n: number, k: number): { values: number[]; vectors: Float64Array[] } {
  const { values, vectors } = symEig(a, n)
  const order = Array.from(values, (_, i) => i).sort((p, q) => values[q] - values[p]).slice(0, k)
  return { values: order.map((o) => values[o]), vectors: order.map((o) => Float64Array.from({ length: n }, (_, r) => vectors[r * n + o])) }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s }

describe('posterior PCs, Gaussian prior (closed form Cov[x|x_t] = (Σ⁻¹ + σ⁻²I)⁻¹)', () => {
  const n = 16
  const spectrum = [6, 3, 1.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.18, 0.16, 0.14, 0.12, 0.1, 0.08, 0.06, 0.05]
  const cov = covWithSpectrum(spectrum, 5)
  const mean = normals(n, mulberry32(2))
  const prior = new GaussianPriorDenoiser({ mean, cov })
  const sigma = 0.5
  const post = inverse(add(inverse(cov, n), identity(n, sigma ** -2)), n)
  const xt = tf.tensor2d([Array.from(normals(n, mulberry32(9)))])

  for (const mode of ['exact', 'fd'] as PcJacobian[]) {
    it(`${mode}: eigenvalues and eigenvectors equal the top-3 of the exact posterior covariance`, async () => {
      const products = jacobianProducts(prior, xt, sigma, 3, mode)
      const before = tf.memory().numTensors
      const r = await posteriorPcs(products, { k: 3, iters: 50, sigma, seed: 1 })
      expect(tf.memory().numTensors).toBe(before)
      products.dispose()
      const ex = topEig(post, n, 3)
      r.eigenvalues.forEach((v, i) => expect(Math.abs(v - ex.values[i]) / ex.values[i]).toBeLessThan(mode === 'exact' ? 1e-5 : 1e-3))
      r.vectors.forEach((v, i) => {
        expect(dot(v, v)).toBeCloseTo(1, 5)
        expect(Math.abs(dot(v, ex.vectors[i]))).toBeGreaterThan(1 - 1e-4)
      })
      expect(Math.max(...r.residuals)).toBeLessThan(mode === 'exact' ? 1e-3 : 1e-2)
      expect(r.history).toHaveLength(50)
      // the residuals fall as the iteration converges
      expect(Math.max(...r.history[49].residuals)).toBeLessThan(Math.max(...r.history[0].residuals))
    })
  }

  it('a patch: the top-k of the covariance restricted to the patch (M Cov M)', async () => {
    const idx = [1, 2, 3, 5, 8, 9, 10, 13]
    const mask = tf.tensor2d([Array.from({ length: n }, (_, i) => (idx.includes(i) ? 1 : 0))])
    const sub = Float64Array.from({ length: idx.length ** 2 }, (_, t) => post[idx[Math.floor(t / idx.length)] * n + idx[t % idx.length]])
    const ex = topEig(sub, idx.length, 2)
    const products = jacobianProducts(prior, xt, sigma, 2, 'exact')
    const r = await posteriorPcs(products, { k: 2, iters: 80, sigma, seed: 3, mask })
    products.dispose(); mask.dispose()
    r.eigenvalues.forEach((v, i) => expect(v).toBeCloseTo(ex.values[i], 4))
    r.vectors.forEach((v, i) => {
      for (let j = 0; j < n; j++) if (!idx.includes(j)) expect(Math.abs(v[j])).toBe(0)
      expect(Math.abs(dot(idx.map((j) => v[j]), ex.vectors[i]))).toBeGreaterThan(1 - 1e-4)
    })
  })

  it('early stop at a tolerance, cancellation, and a clear error for a patch smaller than k', async () => {
    const products = jacobianProducts(prior, xt, sigma, 3, 'exact')
    const r = await posteriorPcs(products, { k: 3, iters: 500, sigma, seed: 1, tol: 1e-3 })
    expect(r.iterations).toBeLessThan(500)
    expect(Math.max(...r.residuals)).toBeLessThan(1e-3)
    const ac = new AbortController()
    const before = tf.memory().numTensors
    await expect(posteriorPcs(products, { k: 3, iters: 50, sigma, seed: 1, signal: ac.signal, onIteration: (it) => { if (it.iteration === 2) ac.abort() } })).rejects.toThrow()
    expect(tf.memory().numTensors).toBe(before)
    const tiny = tf.tensor2d([Array.from({ length: n }, (_, i) => (i < 2 ? 1 : 0))])
    await expect(posteriorPcs(products, { k: 3, iters: 5, sigma, seed: 1, mask: tiny })).rejects.toThrow(PcsError)
    tiny.dispose(); products.dispose()
  })

  it('Gaussian posterior marginal: moments give the exact variance, zero skewness, kurtosis 3', async () => {
    const ex = topEig(post, n, 1)
    const xhat = prior.denoise(xt, sigma)
    const m = await marginalMoments(prior, xt, xhat, Float32Array.from(ex.vectors[0]), sigma)
    expect(m.mean).toBeCloseTo(dot(ex.vectors[0], xhat.dataSync()), 5)
    expect(m.variance / ex.values[0]).toBeCloseTo(1, 3)
    expect(Math.abs(m.skewness)).toBeLessThan(0.02)
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.1)
    xhat.dispose()
  })

  it('states a float32-sized finite-difference step', () => {
    expect(fdStep(0.5, 3072)).toBeGreaterThan(1e-3)
    expect(fdStep(0.5, 3072)).toBeLessThan(1e-2)
  })
  it('rectMask selects the rectangle in every channel', () => {
    const m = rectMask([2, 4, 5], { x0: 1, y0: 2, x1: 3, y1: 4 })
    expect(m.reduce((a, b) => a + b, 0)).toBe(2 * 2 * 2)
    expect(m[(1 * 4 + 3) * 5 + 2]).toBe(1)
    expect(m[(0 * 4 + 1) * 5 + 2]).toBe(0)
  })
})

describe('1-D marginal along a direction, Gaussian-mixture prior (exact marginal by numerical integration)', () => {
  const n = 3
  const spec = {
    weights: Float64Array.from([0.45, 0.55]),
    means: [Float64Array.from([-1, 0, 0.2]), Float64Array.from([1, 0.3, 0])],
    covs: [covWithSpectrum([0.2, 0.1, 0.05], 3), covWithSpectrum([0.15, 0.1, 0.08], 4)],
  }
  const prior = new GmmPriorDenoiser(spec)
  const sigma = 0.6
  const xtv = [0.1, 0.1, 0.05]

  /** p(x | x_t) = Σ w_k N(m_k, C_k); along v: Σ w_k N(⟨v, m_k⟩, vᵀ C_k v). */
  function exactMarginal(v: Float64Array): { s: number[]; p: number[]; moments: number[] } {
    const s2 = sigma * sigma
    const logw: number[] = [], mus: number[] = [], vars: number[] = []
    spec.means.forEach((mu, k) => {
      const cs = add(spec.covs[k], identity(n, s2))
      const ci = inverse(cs, n)
      const d = xtv.map((x, i) => x - mu[i])
      const q = dot(d, matvec(ci, d, n, n))
      const det = symEig(cs, n).values.reduce((a, b) => a * b, 1)
      logw.push(Math.log(spec.weights[k]) - 0.5 * q - 0.5 * Math.log(det))
      const gain = matmul(spec.covs[k], ci, n, n, n)
      const m = mu.map((v2, i) => v2 + matvec(gain, d, n, n)[i])
      const c = spec.covs[k].map((v2, i) => v2 - matmul(gain, spec.covs[k], n, n, n)[i])
      mus.push(dot(v, m))
      vars.push(dot(v, matvec(c, v, n, n)))
    })
    const mx = Math.max(...logw)
    const w = logw.map((l) => Math.exp(l - mx))
    const z = w.reduce((a, b) => a + b, 0)
    const s = Array.from({ length: 20001 }, (_, i) => -6 + (12 * i) / 20000)
    const p = s.map((x) => w.reduce((acc, wk, k) => acc + (wk / z) * gaussianDensity(mus[k], vars[k], [x])[0], 0))
    const ds = 12 / 20000
    const E = (f: (x: number) => number): number => s.reduce((acc, x, i) => acc + f(x) * p[i] * ds, 0)
    const mean = E((x) => x)
    const moments = [mean, E((x) => (x - mean) ** 2), E((x) => (x - mean) ** 3), E((x) => (x - mean) ** 4)]
    return { s, p, moments }
  }

  it('finite-difference moments along the top PC match the exact marginal; the max-entropy fit follows it', async () => {
    const xt = tf.tensor2d([xtv])
    const products = jacobianProducts(prior, xt, sigma, 1, 'exact')
    const pc = await posteriorPcs(products, { k: 1, iters: 100, sigma, seed: 2 })
    const xhat = tf.keep(products.denoised.clone())
    products.dispose()
    const v = pc.vectors[0]
    const ex = exactMarginal(Float64Array.from(v))
    const m = await marginalMoments(prior, xt, xhat, v, sigma)
    expect(m.mean).toBeCloseTo(ex.moments[0], 4)
    expect(m.variance / ex.moments[1]).toBeCloseTo(1, 2)
    // top-PC eigenvalue is the marginal variance along it
    expect(pc.eigenvalues[0] / ex.moments[1]).toBeCloseTo(1, 3)
    const sd = Math.sqrt(ex.moments[1])
    expect(Math.abs(m.m3 - ex.moments[2]) / sd ** 3).toBeLessThan(0.02)
    expect(Math.abs(m.m4 - ex.moments[3]) / ex.moments[3]).toBeLessThan(0.02)
    // the marginal is clearly non-Gaussian (bimodal): kurtosis well below 3
    expect(m.kurtosis).toBeLessThan(2.5)
    const fit = fitMaxEnt(m)
    expect(fit.ok).toBe(true)
    expect(fit.fitted.variance / m.variance).toBeCloseTo(1, 5)
    expect(fit.fitted.kurtosis).toBeCloseTo(m.kurtosis, 5)
    const q = maxEntDensity(fit, m, ex.s)
    const g = gaussianDensity(m.mean, m.variance, ex.s)
    const l1 = (a: number[]): number => a.reduce((acc, v2, i) => acc + Math.abs(v2 - ex.p[i]) * (12 / 20000), 0)
    // the four-moment fit is closer to the exact marginal than the Gaussian of the same variance
    expect(l1(q)).toBeLessThan(0.6 * l1(g))
    tf.dispose([xt, xhat])
  })
})

describe('maximum-entropy fit', () => {
  const grid = Array.from({ length: 40001 }, (_, i) => -10 + i / 2000)
  function momentsOf(p: number[]): { mean: number; variance: number; skewness: number; kurtosis: number } {
    const ds = 1 / 2000
    const z = p.reduce((a, b) => a + b, 0) * ds
    const E = (f: (x: number) => number): number => grid.reduce((acc, x, i) => acc + (f(x) * p[i] * ds) / z, 0)
    const mean = E((x) => x)
    const variance = E((x) => (x - mean) ** 2)
    return { mean, variance, skewness: E((x) => (x - mean) ** 3) / variance ** 1.5, kurtosis: E((x) => (x - mean) ** 4) / variance ** 2 }
  }
  it('recovers a quartic-exponential density from its four moments', () => {
    const p = grid.map((s) => Math.exp(0.4 * s + 0.3 * s * s - 0.05 * s ** 3 - 0.12 * s ** 4))
    const mom = momentsOf(p)
    const fit = fitMaxEnt(mom)
    expect(fit.ok).toBe(true)
    const z = p.reduce((a, b) => a + b, 0) / 2000
    const q = maxEntDensity(fit, mom, grid)
    grid.forEach((_, i) => { if (i % 500 === 0) expect(q[i]).toBeCloseTo(p[i] / z, 3) })
  })
  it('Gaussian moments give the Gaussian', () => {
    const fit = fitMaxEnt({ mean: 1, variance: 4, skewness: 0, kurtosis: 3 })
    expect(fit.ok).toBe(true)
    expect(fit.lambda[1]).toBeCloseTo(-0.5, 6)
    expect(Math.abs(fit.lambda[3])).toBeLessThan(1e-6)
  })
  it('rejects infeasible moments and kurtosis beyond the quartic family, with reasons', () => {
    const bad = fitMaxEnt({ mean: 0, variance: 1, skewness: 2, kurtosis: 3 })
    expect(bad.ok).toBe(false)
    expect(bad.reason).toMatch(/no distribution/)
    const laplace = fitMaxEnt({ mean: 0, variance: 1, skewness: 0, kurtosis: 6 })
    expect(laplace.ok).toBe(false)
    expect(fitMaxEnt({ mean: 0, variance: -1, skewness: 0, kurtosis: 3 }).reason).toMatch(/not positive/)
  })
  it('momentsFromDifferences: a quadratic f gives a skewed marginal, cubic terms the kurtosis', () => {
    // f(s) = θ s + a s² + b s³ (exact up to the fourth difference)
    const th = 0.8, a = 0.3, b = 0.1, sigma = 0.5, c = 0.05
    const f = (s: number): number => th * s + a * s * s + b * s ** 3
    const m = momentsFromDifferences({ h: [f(c / 2), f(-c / 2)], one: [f(c), f(-c)], h3: [f(1.5 * c), f(-1.5 * c)] }, 0.2, sigma, c)
    expect(m.mean).toBe(0.2)
    expect(m.variance).toBeCloseTo(sigma ** 2 * (th + b * c * c / 4), 10)
    expect(m.m3).toBeCloseTo(sigma ** 4 * 2 * a, 10)
    expect(m.m4).toBeCloseTo(sigma ** 6 * 6 * b + 3 * m.variance ** 2, 10)
  })
})
