// A denoiser on flat vectors seen through another per-sample shape (e.g. [784] ↔ [1, 28, 28]): the same
// function with x and v reshaped on the way in and out, so its cost and Jacobian mode are the inner one's.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, JacobianMode, Linearization } from '../types'

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

export class ReshapedDenoiser implements Denoiser {
  readonly name: string
  readonly jacobian: JacobianMode
  constructor(private readonly inner: Denoiser & { dispose?: () => void }, readonly sampleShape: readonly number[]) {
    if (size(sampleShape) !== size(inner.sampleShape)) throw new Error(`cannot view ${inner.name}'s ${inner.sampleShape.join('×')} samples as ${sampleShape.join('×')}`)
    this.name = inner.name
    this.jacobian = inner.jacobian
  }
  get cost(): Cost { return this.inner.cost }
  resetCost(): void { this.inner.resetCost() }
  private toInner(x: Tensor): Tensor { return tf.reshape(x, [x.shape[0]!, ...this.inner.sampleShape]) }
  denoise(x: Tensor, sigma: number): Tensor {
    return tf.tidy(() => tf.reshape(this.inner.denoise(this.toInner(x), sigma), x.shape))
  }
  linearize(x: Tensor, sigma: number): Linearization {
    const xi = this.toInner(x)
    const lin = this.inner.linearize(xi, sigma)
    xi.dispose()
    const denoised = tf.reshape(lin.denoised, x.shape)
    return {
      denoised,
      vjp: (v) => tf.tidy(() => tf.reshape(lin.vjp(this.toInner(v)), v.shape)),
      dispose: () => { denoised.dispose(); lin.dispose() },
    }
  }
  dispose(): void { this.inner.dispose?.() }
}
