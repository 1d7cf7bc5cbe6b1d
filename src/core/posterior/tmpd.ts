// TMPD as in [B] `TweedieProjected` (§3.4), VE form (§3.6):
//   d = σ² Jᵀ 1 (row sums; one VJP, no positivity clamp), solve (σ_y² I + A diag(d) Aᵀ) u = y − A x̂ with
//   GMRES(5) (A only), D̃ = x̂ + σ² Jᵀ Aᵀ u (the DDIM x̂ coefficient, like MMPS). Cost: 1 forward + 2 VJPs.
import * as tf from '@tensorflow/tfjs-core'
import { krylov } from '../linalg/krylov'
import { linearizeClamped, type PosteriorMethod } from './method'

export const tmpd: PosteriorMethod = {
  name: 'tmpd',
  label: 'TMPD',
  guided({ denoiser, operator: A, y, sigmaY }, x, { sigma }, opts) {
    const s2 = sigma * sigma
    const lin = linearizeClamped(denoiser, x, sigma, opts.clamp)
    try {
      const d = tf.tidy(() => tf.mul(lin.vjp(tf.onesLike(lin.denoised)), s2))
      const r = tf.tidy(() => tf.sub(y, A.apply(lin.denoised)))
      const res = krylov(opts.solver ?? 'gmres', (v) => tf.tidy(() => [tf.add(tf.mul(v, sigmaY * sigmaY), A.apply(tf.mul(d, A.adjoint(v))))]), r, opts.iters ?? 5)
      const out = tf.tidy(() => tf.add(lin.denoised, tf.mul(lin.vjp(A.adjoint(res.x)), s2)))
      tf.dispose([d, r, res.x])
      return out
    } finally {
      lin.dispose()
    }
  },
}
