import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { initUnet, unetDenoise, type UnetConfig } from './unet'
import { studioUnetDenoiser } from './unetModel'

beforeAll(async () => { await tf.setBackend('wasm') })

const cfg: UnetConfig = { channels: [8, 16], blocks: 1, embedding: 16 }

describe('the learned U-Net in the studio (NCHW [1, 28, 28], units [−2, 2])', () => {
  it('D_studio(x, σ) = 2·D(x/2, σ/2) and its VJP equals the U-Net VJP at x/2', () => {
    const p = initUnet(cfg, 5)
    const den = studioUnetDenoiser('t', cfg, p)
    expect(den.sampleShape).toEqual([1, 28, 28])
    const x = tf.randomNormal([2, 1, 28, 28], 0, 1.5, 'float32', 3)
    const v = tf.randomNormal([2, 1, 28, 28], 0, 1, 'float32', 4)
    const lin = den.linearize(x, 0.8)
    expect(lin.denoised.shape).toEqual([2, 1, 28, 28])
    const flat = tf.reshape(tf.mul(x, 0.5), [2, 784])
    const want = tf.mul(unetDenoise(cfg, p, flat, tf.fill([2], 0.4), false), 2)
    expect(tf.max(tf.abs(tf.sub(tf.reshape(lin.denoised, [2, 784]), want))).dataSync()[0]).toBeLessThan(1e-5)
    // J_studio = ∂(2 D(x/2))/∂x = J_D(x/2): Jᵀv through the model at x/2
    const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(unetDenoise(cfg, p, z, tf.fill([2], 0.4), false), tf.reshape(v, [2, 784]))))(flat)
    const jv = lin.vjp(v)
    expect(tf.max(tf.abs(tf.sub(tf.reshape(jv, [2, 784]), g))).dataSync()[0]).toBeLessThan(1e-4)
    lin.dispose()
  })
})
