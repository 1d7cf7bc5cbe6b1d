// A forward-only Denoiser gets Jacobian products from finite differences of forward passes:
// Jᵀv ≈ J v ≈ (D(x + εv) − D(x − εv)) / 2ε (central) or (D(x + εv) − D(x)) / ε (forward), using that the
// ideal denoiser's Jacobian Cov[x|x_t]/σ² is symmetric (architecture.md, "Denoiser"). The step ε is chosen
// per sample so that ε·v has RMS h = relStep·max(σ, 1e-2): the denoiser varies on the scale of σ, and float32
// forward passes limit how small the difference may get. Cost: `forward` counts every network forward
// (1 per linearize + 2 (central) or 1 (forward) per product); `vjp` counts Jacobian products served.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, Linearization } from '../types'
import { CostCounter } from './cost'
import { bcast, bdot } from '../linalg/batch'

export interface FiniteDifferenceOptions {
  readonly scheme?: 'central' | 'forward'
  readonly relStep?: number
}

export class FiniteDifferenceDenoiser implements Denoiser {
  readonly jacobian = 'finite-difference' as const
  readonly name: string
  readonly sampleShape: readonly number[]
  private readonly counter = new CostCounter()
  private readonly scheme: 'central' | 'forward'
  private readonly relStep: number

  constructor(private readonly base: Denoiser, opts: FiniteDifferenceOptions = {}) {
    this.name = `${base.name}+fd`
    this.sampleShape = base.sampleShape
    this.scheme = opts.scheme ?? 'central'
    this.relStep = opts.relStep ?? 1e-2
  }

  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }

  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    return this.base.denoise(x, sigma)
  }

  linearize(x: Tensor, sigma: number): Linearization {
    const denoised = tf.keep(this.denoise(x, sigma))
    const h = this.relStep * Math.max(sigma, 1e-2)
    const vjp = (v: Tensor): Tensor => {
      this.counter.vjp++
      this.counter.forward += this.scheme === 'central' ? 2 : 1
      return tf.tidy(() => {
        const n = v.size / v.shape[0]
        const rms = tf.sqrt(tf.div(bdot(v, v), n))
        const eps = tf.where(tf.greater(rms, 0), tf.div(h, rms), tf.onesLike(rms)) // [B]
        const step = tf.mul(bcast(eps, v.rank), v)
        const dp = this.base.denoise(tf.add(x, step), sigma)
        const dm = this.scheme === 'central' ? this.base.denoise(tf.sub(x, step), sigma) : denoised
        const denom = bcast(tf.mul(eps, this.scheme === 'central' ? 2 : 1), v.rank)
        return tf.div(tf.sub(dp, dm), denom)
      })
    }
    return { denoised, vjp, dispose: () => denoised.dispose() }
  }
}
