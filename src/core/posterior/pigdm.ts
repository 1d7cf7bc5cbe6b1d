// ΠGDM as in [B] `PseudoinverseGuided` (§3.3), translated to VE (§11 lesson 5):
//   V = r² I with r² = σ²/(1+σ²); solve (σ_y² I + r² A Aᵀ) u = y − A x̂ with GMRES(5) (A only, no network);
//   x_s ← x_s(unconditional) + r² Jᵀ Aᵀ u  ([B]'s RED-diff weight √(ᾱ_s ᾱ_t) on its VP g becomes σ²/(1+σ²)).
// Returned as D̃ = x̂ + (r²/coef) Jᵀ Aᵀ u, which gives that x_s exactly (see dps.ts). Cost: 1 forward + 1 VJP.
import * as tf from '@tensorflow/tfjs-core'
import { krylov } from '../linalg/krylov'
import { linearizeClamped, type PosteriorMethod } from './method'

export const pigdm: PosteriorMethod = {
  name: 'pigdm',
  label: 'ΠGDM',
  guided({ denoiser, operator: A, y, sigmaY }, x, { sigma, coef }, opts) {
    const r2 = (sigma * sigma) / (1 + sigma * sigma)
    const lin = linearizeClamped(denoiser, x, sigma, opts.clamp)
    try {
      const r = tf.tidy(() => tf.sub(y, A.apply(lin.denoised)))
      const res = krylov(opts.solver ?? 'gmres', (v) => tf.tidy(() => [tf.add(tf.mul(v, sigmaY * sigmaY), tf.mul(A.apply(A.adjoint(v)), r2))]), r, opts.iters ?? 5)
      r.dispose()
      const out = tf.tidy(() => tf.add(lin.denoised, tf.mul(lin.vjp(A.adjoint(res.x)), r2 / coef)))
      res.x.dispose()
      return out
    } finally {
      lin.dispose()
    }
  },
}
