import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { initMlp, mlpDenoise, disposeParams, exportWeights, importWeights, mlpLinearize, mlpLossAndGrads, prepareMlp, disposeMlpPrepared, type MlpConfig, type MlpParams } from './mlp'
import { MlpModel } from './mlpModel'
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

  it('mlpLinearize (one σ, hand-written VJP) matches mlpDenoise and its autodiff VJP', () => {
    const c: MlpConfig = { features: 3, hidden: 16, layers: 3, embedding: 8 }
    const p = initMlp(c, 6)
    // non-zero biases, so that the bias paths are exercised too
    p.biases.forEach((b, i) => { const nb = tf.randomNormal(b.shape, 0, 0.5, 'float32', 40 + i) as tf.Tensor1D; b.dispose(); p.biases[i] = nb })
    const q = prepareMlp(c, p)
    const x = tf.randomNormal([7, 3], 0, 2, 'float32', 11) as tf.Tensor2D
    const v = tf.randomNormal([7, 3], 0, 1, 'float32', 12)
    for (const sigma of [0.003, 0.4, 2.5, 9]) {
      const s = tf.fill([7], sigma)
      const ref = mlpDenoise(c, p, x, s)
      const refVjp = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(mlpDenoise(c, p, u, s), v)))(x)
      const before = tf.memory().numTensors
      const lin = mlpLinearize(c, p, q, x, sigma)
      const g = lin.vjp(v)
      const g2 = lin.vjp(v) // reusable
      const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)
      const scale = (a: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]!)
      expect(maxAbs(lin.denoised, ref)).toBeLessThan(1e-5 * Math.max(1, scale(ref)))
      expect(maxAbs(g, refVjp)).toBeLessThan(1e-4 * Math.max(1, scale(refVjp)))
      expect(maxAbs(g2, g)).toBe(0)
      lin.dispose()
      tf.dispose([g, g2])
      expect(tf.memory().numTensors).toBe(before)
      tf.dispose([s, ref, refVjp])
    }
    const fwd = mlpLinearize(c, p, q, x, 0.4, false)
    expect(() => fwd.vjp(v)).toThrow(/without withVjp/)
    fwd.denoised.dispose()
    tf.dispose([x, v])
    disposeMlpPrepared(q)
    disposeParams(p)
  })

  it('mlpLossAndGrads (hand-written backward) gives the loss and weight gradients of autodiff through mlpDenoise', () => {
    const c: MlpConfig = { features: 3, hidden: 16, layers: 3, embedding: 8 }
    const p = initMlp(c, 7)
    p.biases.forEach((b, i) => { const nb = tf.randomNormal(b.shape, 0, 0.5, 'float32', 50 + i) as tf.Tensor1D; b.dispose(); p.biases[i] = nb })
    const x = tf.randomNormal([9, 3], 0, 1, 'float32', 13) as tf.Tensor2D
    const sigma = tf.tensor1d([0.002, 0.01, 0.05, 0.3, 0.8, 1.5, 3, 6, 10])
    const xt = tf.add(x, tf.mul(tf.randomNormal([9, 3], 0, 1, 'float32', 14), sigma.reshape([-1, 1]))) as tf.Tensor2D
    const lambda = tf.add(tf.reciprocal(tf.square(sigma)), 1) as tf.Tensor1D
    const vars = [...p.weights, ...p.biases]
    const f = (...ps: tf.Tensor[]): tf.Tensor => {
      const d = mlpDenoise(c, { weights: ps.slice(0, 4) as tf.Tensor2D[], biases: ps.slice(4) as MlpParams['biases'] }, xt, sigma)
      return tf.mean(tf.mul(lambda, tf.mean(tf.square(tf.sub(d, x)), 1)))
    }
    const ref = tf.valueAndGrads(f)(vars)
    const mine = tf.tidy(() => mlpLossAndGrads(c, p, xt, x, sigma, lambda))
    const l0 = ref.value.dataSync()[0]!
    expect(Math.abs(mine.loss.dataSync()[0]! - l0)).toBeLessThan(1e-5 * l0)
    expect(mine.grads.length).toBe(8)
    ref.grads.forEach((g, i) => {
      expect(mine.grads[i]!.shape).toEqual(g.shape)
      const scale = tf.max(tf.abs(g)).dataSync()[0]!
      expect(scale).toBeGreaterThan(0)
      expect(tf.max(tf.abs(tf.sub(mine.grads[i]!, g))).dataSync()[0]).toBeLessThan(1e-4 * scale)
    })
    tf.dispose([ref.value, ...ref.grads, mine.loss, ...mine.grads, x, xt, sigma, lambda])
    disposeParams(p)
  })

  it("MlpModel's denoiser follows the weights through training and leaks nothing", async () => {
    const m = new MlpModel(small, { a: 1e-3, b: 10 }, 8)
    const x = tf.tensor2d([[0.3, -0.7], [1.1, 0.4]])
    const t0 = tf.memory().numTensors
    const a = m.denoiser.denoise(x, 0.5)
    const lin = m.denoiser.linearize(x, 0.5)
    lin.vjp(x).dispose()
    lin.dispose()
    expect(tf.memory().numTensors).toBe(t0 + 1)
    const data = tf.randomNormal([64, 2], 0, 1, 'float32', 3) as tf.Tensor2D
    await m.train(data, { steps: 5, batch: 16, lrInit: 1e-2, lrEnd: 1e-3 }, 1, () => {})
    const b = m.denoiser.denoise(x, 0.5)
    const w = importWeights(await m.weights())
    const ref = mlpDenoise(small, w, x, tf.fill([2], 0.5))
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-4)
    expect(tf.max(tf.abs(tf.sub(b, ref))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([a, b, ref, data])
    disposeParams(w)
    const before = tf.memory().numTensors
    m.dispose()
    expect(before - tf.memory().numTensors).toBe(6) // the params, 2 × 3 layers
    x.dispose()
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
