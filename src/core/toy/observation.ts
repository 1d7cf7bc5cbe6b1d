// The toy's linear-Gaussian observation y = W x + ε, ε ~ N(0, Σ_y) (algorithms.md §6.1), and the
// approximate likelihood log q(y | x_t) = log N(y | W E[x|x_t], Σ_y + W V Wᵀ) for the four choices of V.
import { inverse, moments, type Mat } from '../linalg/dense'
import { normals } from '../linalg/random'
import { noisyScore, scoreBuffers, type IsotropicGmm, type ScoreBuffers } from './prior'

/** The four covariance heuristics (compare.py names in brackets). */
export const COVARIANCES = ['tweedie', 'inverse', 'sigma_t', 'zero'] as const
export type Covariance = (typeof COVARIANCES)[number]

/** Legend labels as in the paper's Fig. 2 (stats.ipynb). */
export const COVARIANCE_LABELS: Record<Covariance, string> = {
  tweedie: 'V[x|xₜ]',
  inverse: '(Σₓ⁻¹ + Σₜ⁻¹)⁻¹',
  sigma_t: 'Σₜ',
  zero: '0',
}

/** compare.py's heuristic names. */
export const COVARIANCE_CODE_NAMES: Record<Covariance, string> = { tweedie: 'hessian', inverse: 'cov_x', sigma_t: 'cov_t', zero: 'zero' }

export interface Observation {
  /** Observation dimension p. */
  readonly p: number
  /** Signal dimension d. */
  readonly d: number
  /** W, p × d row-major. */
  readonly W: Float64Array
  /** Σ_y, p × p. */
  readonly covY: Mat
  readonly y: Float64Array
}

/** §6.1: W with N(0,1) entries, each row normalised; Σ_y = noise² I; y ~ N(W x*, Σ_y). */
export function randomObservation(uniform: () => number, xStar: Float64Array, opts: { p?: number; noise?: number } = {}): Observation {
  const d = xStar.length, p = opts.p ?? 1, noise = opts.noise ?? 1e-2
  const W = normals(p * d, uniform)
  for (let r = 0; r < p; r++) {
    let s = 0
    for (let k = 0; k < d; k++) s += W[r * d + k] ** 2
    s = Math.sqrt(s)
    for (let k = 0; k < d; k++) W[r * d + k] /= s
  }
  const covY = new Float64Array(p * p)
  for (let r = 0; r < p; r++) covY[r * p + r] = noise * noise
  const eps = normals(p, uniform)
  const y = new Float64Array(p)
  for (let r = 0; r < p; r++) {
    let s = 0
    for (let k = 0; k < d; k++) s += W[r * d + k] * xStar[k]
    y[r] = s + noise * eps[r]
  }
  return { p, d, W, covY, y }
}

/** log N(y | mean, S) for a small SPD S (p × p) by Cholesky; −∞ when S is not positive definite. */
export function logGaussian(y: Float64Array, mean: Float64Array, S: Float64Array, p: number): number {
  if (p === 1) {
    const v = S[0]
    if (!(v > 0)) return -Infinity
    const r = y[0] - mean[0]
    return -0.5 * (r * r / v + Math.log(2 * Math.PI * v))
  }
  const L = new Float64Array(p * p)
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) {
    let s = S[i * p + j]
    for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k]
    if (i === j) {
      if (!(s > 0)) return -Infinity
      L[i * p + i] = Math.sqrt(s)
    } else L[i * p + j] = s / L[j * p + j]
  }
  let quad = 0, logdet = 0
  const z = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    let s = y[i] - mean[i]
    for (let k = 0; k < i; k++) s -= L[i * p + k] * z[k]
    z[i] = s / L[i * p + i]
    quad += z[i] * z[i]
    logdet += 2 * Math.log(L[i * p + i])
  }
  return -0.5 * (quad + logdet + p * Math.log(2 * Math.PI))
}

/** log N(y | W x, Σ_y) for every row of xs (the true likelihood, used for the posterior resampling). */
export function logLikelihoods(obs: Observation, xs: Float64Array): Float64Array {
  const { p, d, W, covY, y } = obs
  const N = xs.length / d
  const out = new Float64Array(N)
  const mean = new Float64Array(p)
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < p; r++) {
      let s = 0
      for (let k = 0; k < d; k++) s += W[r * d + k] * xs[n * d + k]
      mean[r] = s
    }
    out[n] = logGaussian(y, mean, covY, p)
  }
  return out
}

/** The empirical covariance Σ_x of prior samples (`jnp.cov`, divisor N − 1). */
export function empiricalCovariance(xs: Float64Array, d: number): Mat {
  return moments(xs, xs.length / d, d).cov
}

/** W A Wᵀ (p × p) for a d × d matrix A. */
function sandwich(W: Float64Array, A: Float64Array, p: number, d: number, out: Float64Array): void {
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) {
    let s = 0
    for (let k = 0; k < d; k++) {
      let t = 0
      for (let l = 0; l < d; l++) t += A[k * d + l] * W[c * d + l]
      s += W[r * d + k] * t
    }
    out[r * p + c] = s
  }
}

/**
 * The constant (x_t-independent) V of a heuristic at σ_t, or undefined for `tweedie` (which depends on x_t).
 *   inverse: V = σ_t² I + σ_t⁴ H with H = −(Σ_x + σ_t² I)⁻¹, i.e. (Σ_x⁻¹ + σ_t⁻² I)⁻¹ (computed as coded)
 *   sigma_t: V = σ_t² I;   zero: V = 0
 */
export function constantCovariance(kind: Covariance, sigmaT: number, d: number, covX?: Mat): Mat | undefined {
  const s2 = sigmaT * sigmaT
  const V = new Float64Array(d * d)
  switch (kind) {
    case 'tweedie':
      return undefined
    case 'zero':
      return V
    case 'sigma_t':
      for (let k = 0; k < d; k++) V[k * d + k] = s2
      return V
    case 'inverse': {
      if (!covX) throw new Error('the inverse heuristic needs Σ_x')
      const A = Float64Array.from(covX)
      for (let k = 0; k < d; k++) A[k * d + k] += s2
      const Ainv = inverse(A, d)
      for (let i = 0; i < d * d; i++) V[i] = -s2 * s2 * Ainv[i]
      for (let k = 0; k < d; k++) V[k * d + k] += s2
      return V
    }
  }
}

/**
 * log q(y | x_t) for every row of xt and every requested heuristic (algorithms.md §6.1):
 *   E[x|x_t] = x_t + σ_t² ∇log p_t(x_t),   log q = log N(y | W E, Σ_y + W V Wᵀ).
 * The score (and the Hessian, only if `tweedie` is requested) is computed once per point and shared.
 * Rows [from, to) only, so that callers can interleave cancellation checks; writes into out[kind][n].
 */
export function approximateLogLikelihoods(
  prior: IsotropicGmm,
  obs: Observation,
  sigmaT: number,
  xt: Float64Array,
  kinds: readonly Covariance[],
  covX: Mat | undefined,
  out: Partial<Record<Covariance, Float64Array>>,
  from = 0,
  to = xt.length / prior.d,
  buf: ScoreBuffers = scoreBuffers(prior),
): void {
  const { p, d, W, covY, y } = obs
  const s2 = sigmaT * sigmaT, s4 = s2 * s2
  const needH = kinds.includes('tweedie')
  // Σ_y + W V Wᵀ for the constant heuristics, once.
  const constS = new Map<Covariance, Float64Array>()
  const tmp = new Float64Array(p * p)
  for (const kind of kinds) {
    const V = constantCovariance(kind, sigmaT, d, covX)
    if (!V) continue
    sandwich(W, V, p, d, tmp)
    constS.set(kind, tmp.map((v, i) => v + covY[i]))
  }
  const E = new Float64Array(d), mean = new Float64Array(p), V = new Float64Array(d * d), S = new Float64Array(p * p)
  for (let n = from; n < to; n++) {
    noisyScore(prior, sigmaT, xt, n * d, buf, needH)
    for (let k = 0; k < d; k++) E[k] = xt[n * d + k] + s2 * buf.grad[k]
    for (let r = 0; r < p; r++) {
      let s = 0
      for (let k = 0; k < d; k++) s += W[r * d + k] * E[k]
      mean[r] = s
    }
    for (const kind of kinds) {
      const dst = out[kind]
      if (!dst) continue
      let Sk = constS.get(kind)
      if (!Sk) {
        // tweedie: V = σ_t² I + σ_t⁴ ∇² log p_t(x_t), the exact Cov[x | x_t]
        for (let i = 0; i < d * d; i++) V[i] = s4 * buf.hess[i]
        for (let k = 0; k < d; k++) V[k * d + k] += s2
        sandwich(W, V, p, d, S)
        for (let i = 0; i < p * p; i++) S[i] += covY[i]
        Sk = S
      }
      dst[n] = logGaussian(y, mean, Sk, p)
    }
  }
}

/** The exact posterior moments E[x|x_t] and V[x|x_t] = Cov[x|x_t] at one point (for tests and plots). */
export function tweedieMoments(prior: IsotropicGmm, sigmaT: number, xt: Float64Array): { mean: Float64Array; cov: Mat } {
  const d = prior.d, buf = scoreBuffers(prior)
  noisyScore(prior, sigmaT, xt, 0, buf, true)
  const s2 = sigmaT * sigmaT
  const mean = new Float64Array(d), cov = new Float64Array(d * d)
  for (let k = 0; k < d; k++) mean[k] = xt[k] + s2 * buf.grad[k]
  for (let i = 0; i < d * d; i++) cov[i] = s2 * s2 * buf.hess[i]
  for (let k = 0; k < d; k++) cov[k * d + k] += s2
  return { mean, cov }
}
