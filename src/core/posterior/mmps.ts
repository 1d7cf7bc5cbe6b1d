// MMPS (§3.1): q(y|x_t) = N(y | A x̂, Σ_y + A V Aᵀ) with Tweedie's V v = σ² Jᵀ v.
//   x̂ = D(x_t), r = y − A x̂, solve (σ_y² I + σ² A Jᵀ Aᵀ) u = r (k Krylov iterations), D̃ = x̂ + σ² Jᵀ Aᵀ u.
// Cost: 1 forward + k VJPs. Each solver iteration applies C to a vector v and so already computes Jᵀ Aᵀ v;
// u is a linear combination of those v (CG: search directions; GMRES: Arnoldi basis), so the solver returns
// the same combination of the Jᵀ Aᵀ v products = Jᵀ Aᵀ u, with no extra VJP (issue 3; §11 lesson 2).
// The reference codes spend k + 1 ([B]) or k + 2 ([D]); `reuseVjp: false` reproduces the k + 1 variant.
import * as tf from '@tensorflow/tfjs-core'
import { krylov } from '../linalg/krylov'
import { linearizeClamped, type PosteriorMethod } from './method'

export const mmps: PosteriorMethod = {
  name: 'mmps',
  label: 'MMPS',
  guided({ denoiser, operator: A, y, sigmaY }, x, { sigma }, opts) {
    const iters = opts.iters ?? 1
    if (iters < 1) throw new Error('MMPS needs at least one solver iteration')
    const s2 = sigma * sigma
    const lin = linearizeClamped(denoiser, x, sigma, opts.clamp)
    try {
      const r = tf.tidy(() => tf.sub(y, A.apply(lin.denoised)))
      const res = krylov(opts.solver ?? 'cg', (v) => tf.tidy(() => {
        const jtatv = lin.vjp(A.adjoint(v)) // Jᵀ Aᵀ v: one VJP
        return [tf.add(tf.mul(v, sigmaY * sigmaY), tf.mul(A.apply(jtatv), s2)), jtatv]
      }), r, iters)
      r.dispose()
      const score = opts.reuseVjp === false ? tf.tidy(() => lin.vjp(A.adjoint(res.x))) : res.aux[0]
      const out = tf.tidy(() => tf.add(lin.denoised, tf.mul(score, s2)))
      tf.dispose([res.x, ...res.aux, score])
      return out
    } finally {
      lin.dispose()
    }
  },
}
