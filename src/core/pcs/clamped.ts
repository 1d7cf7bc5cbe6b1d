// A denoiser composed with clamp(·, lo, hi), as the studio's posterior methods use it (§9.2): D̂ = clamp(D(x_t))
// and Jᵀ of clamp∘D, v ↦ Jᵀ(v ⊙ 1[lo < D < hi]). So Tweedie PCs in the studio are those of the very Jacobian MMPS
// builds its covariance σ_t²J from. Cost is the wrapped denoiser's.
import type { Denoiser } from '../types'
import { denoiseClamped, linearizeClamped } from '../posterior/method'

export function clampedDenoiser(den: Denoiser, clamp: [number, number]): Denoiser {
  if (!(clamp[0] < clamp[1])) throw new Error(`the clamp range must have lo < hi, got [${clamp[0]}, ${clamp[1]}]`)
  return {
    name: `${den.name} clamped to [${clamp[0]}, ${clamp[1]}]`,
    sampleShape: den.sampleShape,
    jacobian: den.jacobian,
    get cost() { return den.cost },
    resetCost: () => den.resetCost(),
    denoise: (x, sigma) => denoiseClamped(den, x, sigma, clamp),
    linearize: (x, sigma) => linearizeClamped(den, x, sigma, clamp),
  }
}
