// DiffPIR as in [B] (§3.5), VE form (σ̄_t² = (1−ᾱ)/ᾱ = σ²): a proximal data step around the detached x̂,
//   (I + (σ²/λ) AᵀA/σ_y²) shift = (σ²/λ) Aᵀ(y − A x̂)/σ_y²  (GMRES(5), A only),  D̃ = x̂ + shift,  λ = 8.
// No network gradient: cost 1 forward + 0 VJPs.
import * as tf from '@tensorflow/tfjs-core'
import { krylov } from '../linalg/krylov'
import { denoiseClamped, type PosteriorMethod } from './method'

export const diffpir: PosteriorMethod = {
  name: 'diffpir',
  label: 'DiffPIR',
  guided({ denoiser, operator: A, y, sigmaY }, x, { sigma }, opts) {
    const c = (sigma * sigma) / (opts.lambda ?? 8) / (sigmaY * sigmaY)
    const xhat = denoiseClamped(denoiser, x, sigma, opts.clamp)
    const rhs = tf.tidy(() => tf.mul(A.adjoint(tf.sub(y, A.apply(xhat))), c))
    const res = krylov(opts.solver ?? 'gmres', (v) => tf.tidy(() => [tf.add(v, tf.mul(A.adjoint(A.apply(v)), c))]), rhs, opts.iters ?? 5)
    const out = tf.add(xhat, res.x)
    tf.dispose([xhat, rhs, res.x])
    return out
  },
}
