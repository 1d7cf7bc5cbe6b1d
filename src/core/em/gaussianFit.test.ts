import { describe, expect, it } from 'vitest'
import { fitGaussianPrior, type LinearObservations } from './gaussianFit'
import { mulberry32, normals } from '../linalg/random'
import { ppca } from '../linalg/ppca'
import { cholesky, fromRows } from '../linalg/dense'

/** Observations y_i = A_i x_i + σ_y ε of x_i ~ N(μ, Σ) with random unit-row 2×3 A_i. */
function gaussianTask(count: number, uniform: () => number) {
  const n = 3, m = 2, sigmaY = 0.05
  const mu = [1, -0.5, 0.3]
  const cov = fromRows([[1, 0.6, 0], [0.6, 1.5, -0.3], [0, -0.3, 0.5]])
  const l = cholesky(cov, n)
  const a = new Float64Array(count * m * n), y = new Float64Array(count * m)
  for (let i = 0; i < count; i++) {
    const z = normals(n, uniform)
    const x = mu.map((v, r) => v + [0, 1, 2].reduce((s, c) => s + (c <= r ? l[r * n + c]! * z[c]! : 0), 0))
    for (let r = 0; r < m; r++) {
      const row = normals(n, uniform)
      const norm = Math.hypot(...row)
      let s = 0
      for (let c = 0; c < n; c++) { a[(i * m + r) * n + c] = row[c]! / norm; s += (row[c]! / norm) * x[c]! }
      y[i * m + r] = s + sigmaY * normals(1, uniform)[0]!
    }
  }
  const obs: LinearObservations = { a, y, count, m, n, sigmaY }
  return { obs, mu, cov }
}

describe('PPCA', () => {
  it('full rank recovers the sample covariance; rank r < n puts the rest into isotropic noise', () => {
    const u = mulberry32(1)
    const x = normals(3000 * 3, u).map((v, i) => (i % 3 === 0 ? 2 * v : v))
    const full = ppca(x, 3000, 3, 3)
    expect(full.cov[0]).toBeCloseTo(4, 0)
    expect(full.noise).toBe(1e-6)
    const r1 = ppca(x, 3000, 3, 1)
    expect(r1.noise).toBeCloseTo(1, 1)
    expect(r1.cov[0]).toBeCloseTo(4, 0)
  })
})

describe('initial Gaussian prior by Monte-Carlo EM (§4.1)', () => {
  it('recovers the mean and covariance of a Gaussian from 2-of-3 random projections', () => {
    const u = mulberry32(7)
    const { obs, mu, cov } = gaussianTask(4000, u)
    const fit = fitGaussianPrior(obs, 3, 24, u)
    for (let i = 0; i < 3; i++) expect(Math.abs(fit.mean[i]! - mu[i]!)).toBeLessThan(0.1)
    for (let i = 0; i < 9; i++) expect(Math.abs(fit.cov[i]! - cov[i]!)).toBeLessThan(0.2)
  })
})
