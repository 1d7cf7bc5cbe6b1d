// MMPS with a fixed Gaussian covariance heuristic (§3.1 "Gaussian heuristic", the manifold E-step §5):
//   V = Σ_t − Σ_t (Σ_x + Σ_t)⁻¹ Σ_t = (Σ_x⁻¹ + Σ_t⁻¹)⁻¹, a d×d matrix with no network product;
//   solve (σ_y² I + A V Aᵀ) u = y − A x̂ by CG, then D̃ = x̂ + σ² Jᵀ Aᵀ u with ONE VJP through the network.
// Cost per call: 1 forward + 1 VJP (table in §3.1). Vectors only: x is [B, d].
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import { identity, inverse, type Mat } from '../linalg/dense'
import { krylov } from '../linalg/krylov'
import type { StepContext } from '../diffusion/sampler'
import type { PosteriorProblem } from './method'

/** (Σ_x⁻¹ + σ⁻² I)⁻¹ computed as Σ_t − Σ_t (Σ_x + Σ_t)⁻¹ Σ_t (stable as σ → 0 and for singular Σ_x). */
export function heuristicCovariance(covX: Mat, d: number, sigma: number): Mat {
  const s2 = sigma * sigma
  const m = Float64Array.from(covX)
  for (let i = 0; i < d; i++) m[i * d + i]! += s2
  const inv = inverse(m, d)
  const v = identity(d, s2)
  for (let i = 0; i < d * d; i++) v[i]! -= s2 * s2 * inv[i]!
  // symmetrise (round-off)
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
    const a = 0.5 * (v[i * d + j]! + v[j * d + i]!)
    v[i * d + j] = a
    v[j * d + i] = a
  }
  return v
}

export function mmpsHeuristicGuided(
  problem: PosteriorProblem,
  covX: Mat,
  x: Tensor,
  ctx: StepContext,
  cgIters: number,
): Tensor {
  const { denoiser, operator: A, y, sigmaY } = problem
  const d = x.shape[1]!
  const s2 = ctx.sigma * ctx.sigma
  const V = tf.tensor2d(Float32Array.from(heuristicCovariance(covX, d, ctx.sigma)), [d, d])
  const lin = denoiser.linearize(x, ctx.sigma)
  try {
    const r = tf.tidy(() => tf.sub(y, A.apply(lin.denoised)))
    const res = krylov('cg', (v) => [tf.tidy(() => tf.add(tf.mul(v, sigmaY * sigmaY), A.apply(tf.matMul(A.adjoint(v), V))))], r, cgIters)
    const out = tf.tidy(() => tf.add(lin.denoised, tf.mul(lin.vjp(A.adjoint(res.x)), s2)))
    tf.dispose([r, res.x, ...res.aux])
    return out
  } finally {
    lin.dispose()
    V.dispose()
  }
}
