import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { initMlp, mlpDenoise, disposeParams, exportWeights, importWeights, type MlpConfig } from './mlp'
import { trainMlp } from './trainMlp'

const small: MlpConfig = { features: 2, hidden: 32, layers: 2, embedding: 8 }

beforeAll(async () => {
  await tf.setBackend('wasm')
})

describe('MLP denoiser', () => {
  it('applies the EDM preconditioning: D → x as σ → 0, and D → c_out·F + small as σ large', () => {
    const p = initMlp(small, 1)
    const x = tf.tensor2d([[0.5, -1], [1.5, 0.2]])
    const d = mlpDenoise(small, p, x, tf.tensor1d([1e-4, 1e-4]))
    expect(Math.max(...Array.from(tf.sub(d, x).abs().dataSync()))).toBeLessThan(1e-3)
    tf.dispose([x, d])
    disposeParams(p)
  })

  it('custom-gradient linear layers give the same input gradient as plain autodiff', () => {
    const p = initMlp(small, 2)
    const x = tf.tensor2d([[0.3, -0.7], [1.1, 0.4]])
    const sigma = tf.tensor1d([0.5, 2])
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(mlpDenoise(small, p, v, sigma))))(x)
    // central finite differences on one coordinate
    const h = 1e-2
    const f = (v: tf.Tensor): number => tf.tidy(() => tf.sum(tf.square(mlpDenoise(small, p, v, sigma))).dataSync()[0]!)
    const e = tf.tensor2d([[1, 0], [0, 0]])
    const fd = (f(tf.add(x, tf.mul(e, h))) - f(tf.sub(x, tf.mul(e, h)))) / (2 * h)
    expect(g.dataSync()[0]).toBeCloseTo(fd, 2)
    disposeParams(p)
  })

  it('the input-gradient-only variant gives the same value and input gradient', () => {
    const p = initMlp(small, 5)
    const x = tf.tensor2d([[0.3, -0.7], [1.1, 0.4]])
    const sigma = tf.tensor1d([0.2, 3])
    const f = (w: boolean) => (v: tf.Tensor) => tf.sum(tf.sin(mlpDenoise(small, p, v, sigma, w)))
    expect(Array.from(tf.grad(f(false))(x).dataSync())).toEqual(Array.from(tf.grad(f(true))(x).dataSync()))
    expect(f(false)(x).dataSync()[0]).toBe(f(true)(x).dataSync()[0])
    disposeParams(p)
  })

  it('round-trips weights and rejects a mismatched shape', async () => {
    const p = initMlp(small, 3)
    const w = await exportWeights(small, p)
    const q = importWeights(w)
    expect(Array.from(q.weights[1]!.dataSync())).toEqual(Array.from(p.weights[1]!.dataSync()))
    expect(() => importWeights({ ...w, config: { ...small, hidden: 16 } })).toThrow(/layer 0 has shape/)
    disposeParams(p)
    disposeParams(q)
  })

  it('training lowers the loss on a 2-D point cloud and leaks no tensors', async () => {
    const p = initMlp(small, 4)
    const pts = tf.tidy(() => {
      const th = tf.randomUniform([512], 0, 2 * Math.PI, 'float32', 9)
      return tf.stack([tf.cos(th), tf.sin(th)], 1) as tf.Tensor2D
    })
    // fixed evaluation: denoising MSE at σ = 0.3 with fixed noise
    const xt = tf.add(pts, tf.mul(tf.randomNormal(pts.shape, 0, 1, 'float32', 5), 0.3))
    const sig = tf.fill([512], 0.3) as tf.Tensor1D
    const evalMse = (): number => tf.tidy(() => tf.mean(tf.square(tf.sub(mlpDenoise(small, p, xt, sig), pts))).dataSync()[0]!)
    const mse0 = evalMse()
    const before = tf.memory().numTensors
    const losses = await trainMlp(small, p, pts, { steps: 300, batch: 128, lrInit: 3e-3, lrEnd: 1e-4, clip: 1, schedule: { a: 1e-3, b: 10 }, seed: 1, readEvery: 50 }, () => {})
    expect(tf.memory().numTensors).toBe(before)
    expect(losses.every(Number.isFinite)).toBe(true)
    // a denoiser that learned the circle beats the untrained one clearly (σ² = 0.09 is the identity's MSE)
    expect(evalMse()).toBeLessThan(0.6 * mse0)
    tf.dispose([xt, sig])
    pts.dispose()
    disposeParams(p)
  })
})
