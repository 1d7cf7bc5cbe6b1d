// DPS as in [B] (§3.2), translated to VE with §11 lesson 5:
//   ℓ = ‖y − A x̂‖₂ (per sample, not squared), ∇ℓ = Jᵀ Aᵀ (A x̂ − y)/‖y − A x̂‖,
//   x_s ← x_s(unconditional) − ζ √((1+σ_s²)(1+σ_t²)) ∇ℓ,  ζ = 0.5.
// DPS acts on x_s, not on x̂. The sampler's update is linear in D̃ with coefficient ctx.coef (= ∂x_s/∂D̃), so
// returning D̃ = x̂ − (ζ √((1+σ_s²)(1+σ_t²)) / coef) ∇ℓ gives exactly that x_s. σ_y is not used. Cost 1 + 1.
import * as tf from '@tensorflow/tfjs-core'
import { bcast, bdot } from '../linalg/batch'
import { linearizeClamped, type PosteriorMethod } from './method'

export const dps: PosteriorMethod = {
  name: 'dps',
  label: 'DPS',
  guided({ denoiser, operator: A, y }, x, { sigma, sigmaNext, coef }, opts) {
    const zeta = opts.zeta ?? 0.5
    const step = (zeta * Math.sqrt((1 + sigmaNext * sigmaNext) * (1 + sigma * sigma))) / coef
    const lin = linearizeClamped(denoiser, x, sigma, opts.clamp)
    try {
      return tf.tidy(() => {
        const resid = tf.sub(A.apply(lin.denoised), y)
        const norm = tf.sqrt(tf.maximum(bdot(resid, resid), 1e-30))
        const g = lin.vjp(A.adjoint(tf.div(resid, bcast(norm, resid.rank))))
        return tf.sub(lin.denoised, tf.mul(g, step))
      })
    } finally {
      lin.dispose()
    }
  },
}
