import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { GaussianPriorDenoiser, gaussianPosterior } from './gaussian'
import { GmmPriorDenoiser, gmmPosterior } from './gmm'
import { add, inverse, matmul, matvec, solve, transpose } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'
import { randomSpd } from './random'

beforeAll(useCpu)
const n = 4

describe('Gaussian prior', () => {
  const u = mulberry32(11)
  const cov = randomSpd(n, u)
  const mean = normals(n, u)
  const prior = new GaussianPriorDenoiser({ mean, cov })
  it('E[x|x_t] = x_t − σ²(Σ+σ²I)⁻¹(x_t − μ) (§1.5) and J = Cov/σ² is symmetric', () => {
    const sigma = 0.7
    const xt = normals(2 * n, u)
    const d = prior.denoise(tf.tensor2d(Array.from(xt), [2, n]), sigma).arraySync() as number[][]
    for (let b = 0; b < 2; b++) {
      const r = xt.slice(b * n, b * n + n).map((v, i) => v - mean[i])
      const s = solve(add(cov, Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? sigma ** 2 : 0))), r, n)
      r.forEach((_, i) => expect(d[b][i]).toBeCloseTo(xt[b * n + i] - sigma ** 2 * s[i], 4))
    }
    const j = prior.jacobianMatrix(sigma)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) expect(j[a * n + b]).toBeCloseTo(j[b * n + a], 12)
    // Cov[x|x_t] = (Σ⁻¹ + σ⁻²I)⁻¹ (§1.5)
    const post = inverse(add(inverse(cov, n), Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? sigma ** -2 : 0))), n)
    post.forEach((v, i) => expect(j[i] * sigma ** 2).toBeCloseTo(v, 10))
  })
  it('linearize: vjp(v) = J v and counts 1 forward + 1 vjp', () => {
    prior.resetCost()
    const lin = prior.linearize(tf.zeros([1, n]), 0.3)
    const v = normals(n, u)
    const jv = lin.vjp(tf.tensor2d(Array.from(v), [1, n])).arraySync() as number[][]
    matvec(prior.jacobianMatrix(0.3), v, n, n).forEach((e, i) => expect(jv[0][i]).toBeCloseTo(e, 5))
    lin.dispose()
    expect(prior.cost).toEqual({ forward: 1, vjp: 1 })
  })
  it('exact posterior matches the information form', () => {
    const m = 2
    const a = normals(m * n, u)
    const y = normals(m, u)
    const sy = 0.3
    const post = gaussianPosterior({ mean, cov }, a, m, sy, y)
    const prec = add(inverse(cov, n), matmul(transpose(a, m, n), a, n, m, n).map((v) => v / sy ** 2))
    const s = inverse(prec, n)
    s.forEach((v, i) => expect(post.cov[i]).toBeCloseTo(v, 8))
    const rhs = add(solve(cov, mean, n), matvec(transpose(a, m, n), y, n, m).map((v) => v / sy ** 2))
    matvec(s, rhs, n, n).forEach((v, i) => expect(post.mean[i]).toBeCloseTo(v, 8))
  })
})

describe('Gaussian-mixture prior', () => {
  const u = mulberry32(5)
  const spec = {
    weights: Float64Array.from([0.3, 0.7]),
    means: [normals(n, u).map((v) => 2 * v), normals(n, u).map((v) => 2 * v)],
    covs: [randomSpd(n, u, 0.3), randomSpd(n, u, 0.3)],
  }
  const gmm = new GmmPriorDenoiser(spec)
  it('Jacobian (vjp) matches central differences of the denoiser and is symmetric', () => {
    const sigma = 0.8
    const x = tf.tensor2d(Array.from(normals(n, u)), [1, n])
    const lin = gmm.linearize(x, sigma)
    const J: number[][] = []
    const eps = 1e-2
    for (let i = 0; i < n; i++) {
      const e = tf.oneHot([i], n).toFloat()
      const row = lin.vjp(e).arraySync() as number[][]
      J.push(row[0])
      const dp = gmm.denoise(tf.add(x, tf.mul(e, eps)), sigma).arraySync() as number[][]
      const dm = gmm.denoise(tf.sub(x, tf.mul(e, eps)), sigma).arraySync() as number[][]
      for (let k = 0; k < n; k++) expect(row[0][k]).toBeCloseTo((dp[0][k] - dm[0][k]) / (2 * eps), 2)
    }
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) expect(J[i][k]).toBeCloseTo(J[k][i], 4)
    lin.dispose()
  })
  it('one component reduces to the Gaussian posterior; weights normalised', () => {
    const a = normals(2 * n, u)
    const y = normals(2, u)
    const one = gmmPosterior({ weights: Float64Array.from([1]), means: [spec.means[0]], covs: [spec.covs[0]] }, a, 2, 0.2, y)
    const g = gaussianPosterior({ mean: spec.means[0], cov: spec.covs[0] }, a, 2, 0.2, y)
    g.mean.forEach((v, i) => expect(one.mean[i]).toBeCloseTo(v, 10))
    const two = gmmPosterior(spec, a, 2, 0.2, y)
    expect(two.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
  })
  it('denoiser at tiny σ returns ≈ x_t; at huge σ returns ≈ the prior mean', () => {
    const x = normals(n, u)
    const d0 = gmm.denoise(tf.tensor2d(Array.from(x), [1, n]), 1e-3).arraySync() as number[][]
    x.forEach((v, i) => expect(d0[0][i]).toBeCloseTo(v, 2))
    const d1 = gmm.denoise(tf.tensor2d(Array.from(x), [1, n]), 1e3).arraySync() as number[][]
    const pm = spec.means[0].map((v, i) => 0.3 * v + 0.7 * spec.means[1][i])
    pm.forEach((v, i) => expect(d1[0][i]).toBeCloseTo(v, 2))
  })
})
