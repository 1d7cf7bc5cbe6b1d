// The analytic toy prior (algorithms.md §6.1, §6.2): an equal-weight mixture of isotropic Gaussians
//   p(x) = (1/K) Σ_i N(x | μ_i, σ_i² I)
// with exact noisy log-density, gradient and Hessian at VE noise σ_t:
//   log p_t(x_t) = logsumexp_i Σ_d log N(x_{t,d} | μ_{i,d}, s_i),  s_i² = σ_i² + σ_t²   (the −log K is dropped
//   in compare.py too; it cancels in ∇ and ∇²)
//   f_i = −|x_t − μ_i|²/(2 s_i²) − (d/2) log(2π s_i²),  w = softmax(f),  a_i = ∇f_i = (μ_i − x_t)/s_i²
//   ∇ log p_t = Σ_i w_i a_i =: g
//   ∇² log p_t = −(Σ_i w_i / s_i²) I + Σ_i w_i (a_i − g)(a_i − g)ᵀ
// (the centred form of Σ w_i (∇²f_i + a_i a_iᵀ) − g gᵀ: no cancellation between large terms at large σ_t).
import { normals } from '../linalg/random'
import { minMaxNormalize, smoothManifold } from '../data/randman'

export interface IsotropicGmm {
  /** Dimension d. */
  readonly d: number
  /** Component means, K × d row-major. */
  readonly means: Float64Array
  /** Component standard deviations σ_i, length K. */
  readonly sigmas: Float64Array
}

export const components = (p: IsotropicGmm): number => p.sigmas.length

/** §6.1: K centres from randman (m = 1, n = d, α = 3) min–max normalised to [−2, 2], σ_i = thickness. */
export function manifoldPrior(uniform: () => number, opts: { components?: number; d?: number; thickness?: number; alpha?: number } = {}): IsotropicGmm {
  const K = opts.components ?? 256, d = opts.d ?? 3
  const { points } = smoothManifold(uniform, K, { m: 1, n: d, alpha: opts.alpha ?? 3 })
  return { d, means: minMaxNormalize(points, d), sigmas: new Float64Array(K).fill(opts.thickness ?? 1e-2) }
}

/** §6.2: θ = linspace(0, 2π, K), μ_i = (2 sin θ_i, 2 cos θ_i, z_i), z = linspace(−2, 2, K), σ_i = 0.01. */
export function helixPrior(K = 256, thickness = 1e-2): IsotropicGmm {
  const means = new Float64Array(K * 3)
  for (let i = 0; i < K; i++) {
    const f = K === 1 ? 0 : i / (K - 1)
    const theta = 2 * Math.PI * f
    means[i * 3] = 2 * Math.sin(theta)
    means[i * 3 + 1] = 2 * Math.cos(theta)
    means[i * 3 + 2] = -2 + 4 * f
  }
  return { d: 3, means, sigmas: new Float64Array(K).fill(thickness) }
}

/** N prior samples (row-major N × d): a uniform component index, then μ_i + σ_i ε (compare.py). */
export function samplePrior(prior: IsotropicGmm, N: number, uniform: () => number): Float64Array {
  const { d, means, sigmas } = prior
  const K = sigmas.length
  const eps = normals(N * d, uniform)
  const out = new Float64Array(N * d)
  for (let n = 0; n < N; n++) {
    const i = Math.min(K - 1, Math.floor(uniform() * K))
    for (let k = 0; k < d; k++) out[n * d + k] = means[i * d + k] + sigmas[i] * eps[n * d + k]
  }
  return out
}

/** Result buffers of `noisyScore`, reusable across points. */
export interface ScoreBuffers {
  /** ∇ log p_t, length d. */
  grad: Float64Array
  /** ∇² log p_t, d × d row-major (only filled when asked for). */
  hess: Float64Array
  /** Scratch: per-component logits and then weights, length K. */
  w: Float64Array
}

export function scoreBuffers(prior: IsotropicGmm): ScoreBuffers {
  return { grad: new Float64Array(prior.d), hess: new Float64Array(prior.d * prior.d), w: new Float64Array(components(prior)) }
}

/**
 * Exact log p_t(x_t) at the point x[off .. off+d), with ∇ (always) and ∇² (when `hessian`) written into `buf`.
 * Stable: the weights are a softmax of the logits after subtracting their maximum.
 */
export function noisyScore(prior: IsotropicGmm, sigmaT: number, x: Float64Array, off: number, buf: ScoreBuffers, hessian: boolean): number {
  const { d, means, sigmas } = prior
  const K = sigmas.length
  const w = buf.w, g = buf.grad, H = buf.hess
  const st2 = sigmaT * sigmaT
  const log2pi = Math.log(2 * Math.PI)
  let mx = -Infinity
  for (let i = 0; i < K; i++) {
    const s2 = sigmas[i] * sigmas[i] + st2
    let r2 = 0
    for (let k = 0; k < d; k++) {
      const t = x[off + k] - means[i * d + k]
      r2 += t * t
    }
    const f = -r2 / (2 * s2) - 0.5 * d * (log2pi + Math.log(s2))
    w[i] = f
    if (f > mx) mx = f
  }
  let z = 0
  for (let i = 0; i < K; i++) {
    const e = Math.exp(w[i] - mx)
    w[i] = e
    z += e
  }
  const logp = mx + Math.log(z)
  g.fill(0)
  let diag = 0
  for (let i = 0; i < K; i++) {
    const wi = (w[i] /= z)
    if (wi === 0) continue
    const s2 = sigmas[i] * sigmas[i] + st2
    diag += wi / s2
    for (let k = 0; k < d; k++) g[k] += (wi * (means[i * d + k] - x[off + k])) / s2
  }
  if (hessian) {
    H.fill(0)
    for (let i = 0; i < K; i++) {
      const wi = w[i]
      if (wi === 0) continue
      const s2 = sigmas[i] * sigmas[i] + st2
      for (let k = 0; k < d; k++) {
        const ck = (means[i * d + k] - x[off + k]) / s2 - g[k]
        for (let l = 0; l <= k; l++) {
          const cl = (means[i * d + l] - x[off + l]) / s2 - g[l]
          H[k * d + l] += wi * ck * cl
        }
      }
    }
    for (let k = 0; k < d; k++) {
      H[k * d + k] -= diag
      for (let l = 0; l < k; l++) H[l * d + k] = H[k * d + l]
    }
  }
  return logp
}

/** log p_t(x_t) only (for finite-difference tests and plots). */
export function logNoisyPrior(prior: IsotropicGmm, sigmaT: number, x: Float64Array): number {
  return noisyScore(prior, sigmaT, x, 0, scoreBuffers(prior), false)
}
