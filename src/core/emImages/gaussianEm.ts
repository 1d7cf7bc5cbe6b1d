// Lap 0 of the image EM: the initial Gaussian prior by Monte-Carlo EM (algorithms.md §4.1, [D] `fit_moments`):
//   μ ← 0, Σ ← I;  repeat: E: one exact posterior draw x_i ~ p(x | y_i) under N(μ, Σ) per observation;
//                           M: (μ, Σ) ← low-rank PPCA(x_1..x_N, rank r).
// Same deviation as the manifold lab's em/gaussianFit.ts (which does the full-covariance, small-n case):
// [D] draws the E-step with MMPS + DDIM 256 steps on the Gaussian denoiser, which for the exact Gaussian
// covariance targets exactly p(x | y_i); we draw from that posterior directly (dplr.ts, Matheron's rule) —
// same target, no discretisation error, far cheaper. Here n = 784, so Σ is DPLR, never dense.
//
// Rank. Default 32: [D] uses 64 for CIFAR-10 (3,072-D). On MNIST the top 32 principal components hold
// ≈ 75 % of the pixel variance and 64 about 86 %; the rest is stroke-level detail a Gaussian cannot render as
// a digit anyway. The per-observation Woodbury system is r×r (cost ∝ n·r² per observation and iteration), so
// 32 is 4× cheaper than 64 on a 2-core CPU for a prior that is only EM's starting point and the Σ_x of the
// (Σ_x⁻¹ + Σ_t⁻¹)⁻¹ heuristic. The rank is a setting (`rank`), not a constant.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor2D } from '@tensorflow/tfjs-core'
import { mulberry32 } from '../linalg/random'
import { dplrPosteriorSampler, isotropicGaussian, ppcaLowRank, type DplrGaussian } from './dplr'
import { operatorFor, type ImageObservations } from './corruption'

export interface GaussianEmSettings {
  rank: number
  iterations: number
  /** Observations per batch of posterior draws (bounds memory). */
  chunk: number
  /** CG iterations for non-mask operators (blur). */
  cgIters: number
}

export const DEFAULT_GAUSSIAN_EM: GaussianEmSettings = { rank: 32, iterations: 8, chunk: 500, cgIters: 40 }

/** One exact posterior draw per observation under `prior` (count × n). */
export function gaussianPosteriorDraws(obs: ImageObservations, prior: DplrGaussian, settings: Pick<GaussianEmSettings, 'chunk' | 'cgIters'>, uniform: () => number): Float32Array {
  const n = obs.h * obs.w
  const out = new Float32Array(obs.count * n)
  const sampler = dplrPosteriorSampler(prior, settings.cgIters)
  try {
    for (let start = 0; start < obs.count; start += settings.chunk) {
      const b = Math.min(settings.chunk, obs.count - start)
      const op = operatorFor(obs, start, b)
      const y = tf.tensor2d(obs.y.subarray(start * n, (start + b) * n), [b, n])
      try {
        const x = sampler.draw(y, op, obs.sigmaY, uniform)
        out.set(x.dataSync(), start * n)
        x.dispose()
      } finally {
        op.dispose()
        y.dispose()
      }
    }
  } finally {
    sampler.dispose()
  }
  return out
}

export interface GaussianEmResult {
  prior: DplrGaussian
  /** The last E-step's draws (count × n), under the prior before the last M-step. */
  samples: Float32Array
}

export function fitGaussianEm(
  obs: ImageObservations,
  settings: GaussianEmSettings,
  seed: number,
  onIteration?: (iteration: number, prior: DplrGaussian) => void,
): GaussianEmResult {
  const n = obs.h * obs.w
  const u = mulberry32(seed)
  let prior = isotropicGaussian(n, settings.rank)
  let samples: Float32Array = new Float32Array(0)
  for (let it = 0; it < settings.iterations; it++) {
    samples = gaussianPosteriorDraws(obs, prior, settings, u)
    const x = tf.tensor2d(samples, [obs.count, n]) as Tensor2D
    try {
      prior = ppcaLowRank(x, { rank: settings.rank, previous: prior, uniform: u })
    } finally {
      x.dispose()
    }
    onIteration?.(it + 1, prior)
  }
  return { prior, samples }
}
