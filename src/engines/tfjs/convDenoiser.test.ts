import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../../core/testing/tf'
import { createConvDenoiser } from './convDenoiser'

beforeAll(useCpu)

describe('tfjs conv denoiser', () => {
  it('shape, preconditioning limit (σ → 0: D ≈ x), VJP = tf.grad, counts', () => {
    const { denoiser, dispose } = createConvDenoiser({ channels: 3, height: 8, width: 8, hidden: 8, seed: 1 })
    const x = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 5)
    const d0 = denoiser.denoise(x, 1e-3)
    expect(d0.shape).toEqual([2, 3, 8, 8])
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(d0, x))).dataSync()[0])).toBeLessThan(1e-2)
    const lin = denoiser.linearize(x, 0.7)
    const v = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 6)
    const g = lin.vjp(v)
    const ref = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(denoiser.denoise(z, 0.7), v)))(x)
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g, ref))).dataSync()[0])).toBeLessThan(1e-4)
    // independent of the custom conv gradient: ⟨Jᵀv, u⟩ against central differences of ⟨v, D(x + εu)⟩ (float32)
    const u = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 7)
    const eps = 1e-2
    const fd = tf.tidy(() => (tf.sum(tf.mul(v, denoiser.denoise(tf.add(x, tf.mul(u, eps)), 0.7))).dataSync()[0] - tf.sum(tf.mul(v, denoiser.denoise(tf.sub(x, tf.mul(u, eps)), 0.7))).dataSync()[0]) / (2 * eps))
    const ad = tf.tidy(() => tf.sum(tf.mul(g, u)).dataSync()[0])
    expect(Math.abs(ad - fd) / Math.abs(fd)).toBeLessThan(1e-2)
    u.dispose()
    lin.dispose()
    expect(denoiser.cost.vjp).toBe(1)
    tf.dispose([x, d0, v, g, ref])
    dispose()
  })
})
