// The initial Gaussian prior of DiEM by Monte-Carlo EM (algorithms.md §4.1, `fit_moments`):
//   μ ← 0, Σ ← I; repeat: E: x_i ~ q(x | y_i) under N(μ, Σ);  M: (μ, Σ) ← PPCA(x, rank r).
// Deviation, on purpose: [D] draws the E-step samples with MMPS + DDIM (256 steps) on the Gaussian denoiser,
// which for a Gaussian prior with the exact covariance targets exactly p(x | y_i) = N(m_i, P_i). We draw from
// that closed form instead (same target, no discretisation error, ~10⁴× cheaper), per sample in float64.
import { cholesky, identity, type Mat } from '../linalg/dense'
import { normals } from '../linalg/random'
import { gaussianPosterior } from '../priors/gaussian'
import { ppca } from '../linalg/ppca'

export interface LinearObservations {
  /** count × m × n row-major matrices A_i. */
  a: Float64Array
  /** count × m observations y_i. */
  y: Float64Array
  count: number
  m: number
  n: number
  sigmaY: number
}

export interface GaussianFitResult {
  mean: Float64Array
  cov: Mat
  /** The last E-step's posterior samples (count × n). */
  samples: Float64Array
}

function choleskyJitter(p: Mat, n: number): Mat {
  for (let jitter = 0; jitter < 1e-3; jitter = jitter === 0 ? 1e-10 : jitter * 10) {
    try {
      const q = Float64Array.from(p)
      for (let i = 0; i < n; i++) q[i * n + i]! += jitter
      return cholesky(q, n)
    } catch {
      // try a larger jitter
    }
  }
  throw new Error('posterior covariance is not positive definite')
}

/** One exact posterior sample per observation under N(mean, cov). */
export function sampleGaussianPosteriors(obs: LinearObservations, mean: Float64Array, cov: Mat, uniform: () => number): Float64Array {
  const { count, m, n } = obs
  const out = new Float64Array(count * n)
  for (let i = 0; i < count; i++) {
    const a = obs.a.subarray(i * m * n, (i + 1) * m * n)
    const post = gaussianPosterior({ mean, cov }, a, m, obs.sigmaY, obs.y.subarray(i * m, (i + 1) * m))
    const l = choleskyJitter(post.cov, n)
    const z = normals(n, uniform)
    for (let r = 0; r < n; r++) {
      let s = post.mean[r]!
      for (let c = 0; c <= r; c++) s += l[r * n + c]! * z[c]!
      out[i * n + r] = s
    }
  }
  return out
}

export function fitGaussianPrior(obs: LinearObservations, rank: number, iterations: number, uniform: () => number): GaussianFitResult {
  let mean: Float64Array = new Float64Array(obs.n) as Float64Array
  let cov: Mat = identity(obs.n)
  let samples: Float64Array = new Float64Array(0)
  for (let it = 0; it < iterations; it++) {
    samples = sampleGaussianPosteriors(obs, mean, cov, uniform)
    const fit = ppca(samples, obs.count, obs.n, rank)
    mean = fit.mean
    cov = fit.cov
  }
  return { mean, cov, samples }
}
