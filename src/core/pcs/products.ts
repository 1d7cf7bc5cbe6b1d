// Jacobian products for the posterior-PC iteration (algorithms.md §12.1): J = ∂D/∂x_t at one x_t, applied to a
// batch of k directions at once. Cov[x | x_t] = σ² J, symmetric for the MMSE denoiser.
//   exact: one forward pass of D on x_t tiled k times, recorded on the tape; each product is ONE backward pass
//          giving Jᵀ V, which equals J V for the ideal denoiser (a trained network is only near-symmetric).
//   fd:    the paper's forward difference J v ≈ (D(x_t + c v) − D(x_t)) / c for unit v. The paper's c = 1e-6 is
//          for float64; in float32 the rounding of D (≈ 1e-7 relative per value, ×√N over the vector) and the
//          curvature of D (on the scale of σ) balance at c ≈ √(ε₃₂ · √N · σ) — see fdStep.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser } from '../types'

export type PcJacobian = 'exact' | 'fd'

export interface JacobianProducts {
  /** D(x_t), shape [1, ...sampleShape]; owned (disposed by dispose()). */
  readonly denoised: Tensor
  /** J V (or Jᵀ V in exact mode) for V of shape [k, ...sampleShape]; a new tensor the caller disposes. */
  apply(v: Tensor): Tensor
  readonly mode: PcJacobian
  /** The forward-difference step c along a unit vector (fd mode), else null. */
  readonly step: number | null
  dispose(): void
}

const EPS32 = 2 ** -23

/** Default forward-difference step for unit directions in an N-dimensional float32 denoiser at noise σ. */
export function fdStep(sigma: number, n: number): number {
  return Math.sqrt(EPS32 * Math.sqrt(n) * Math.max(sigma, 1e-3))
}

/** x_t has shape [1, ...sampleShape]; k directions are pushed through per product. */
export function jacobianProducts(den: Denoiser, xt: Tensor, sigma: number, k: number, mode: PcJacobian, step?: number): JacobianProducts {
  if (xt.shape[0] !== 1) throw new Error(`x_t must have batch 1, got shape [${xt.shape.join(',')}]`)
  if (!(k >= 1)) throw new Error(`k must be ≥ 1, got ${k}`)
  const reps = [k, ...Array<number>(xt.rank - 1).fill(1)]
  if (mode === 'exact') {
    const xk = tf.tile(xt, reps)
    const lin = den.linearize(xk, sigma)
    const denoised = tf.keep(tf.slice(lin.denoised, 0, 1))
    return {
      denoised, mode, step: null,
      apply: (v) => {
        if (v.shape[0] !== k) throw new Error(`expected ${k} directions, got ${v.shape[0]}`)
        return lin.vjp(v)
      },
      dispose: () => { lin.dispose(); xk.dispose(); denoised.dispose() },
    }
  }
  const n = xt.size
  const c = step ?? fdStep(sigma, n)
  if (!(c > 0) || !Number.isFinite(c)) throw new Error(`the finite-difference step must be positive, got ${c}`)
  const denoised = tf.keep(den.denoise(xt, sigma))
  const xk = tf.keep(tf.tile(xt, reps))
  return {
    denoised, mode, step: c,
    apply: (v) => tf.tidy(() => {
      if (v.shape[0] !== k) throw new Error(`expected ${k} directions, got ${v.shape[0]}`)
      const dp = den.denoise(tf.add(xk, tf.mul(v, c)), sigma)
      return tf.div(tf.sub(dp, denoised), c)
    }),
    dispose: () => { denoised.dispose(); xk.dispose() },
  }
}
