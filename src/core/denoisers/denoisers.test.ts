import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { AutodiffDenoiser } from './autodiff'
import { FiniteDifferenceDenoiser } from './finiteDifference'
import { GmmPriorDenoiser } from '../priors/gmm'
import { randomSpd } from '../priors/random'
import { mulberry32, normals } from '../linalg/random'

beforeAll(useCpu)

// a small nonlinear differentiable function of x (conv + tanh), NCHW → NCHW
function makeFn(): { fn: (x: tf.Tensor, s: number) => tf.Tensor; w: tf.Tensor4D } {
  const w = tf.randomNormal([3, 3, 2, 2], 0, 0.5, 'float32', 1) as tf.Tensor4D
  const fn = (x: tf.Tensor, s: number): tf.Tensor => {
    const h = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D
    const o = tf.tanh(tf.conv2d(h, w, 1, 'same'))
    return tf.add(tf.mul(tf.transpose(o, [0, 3, 1, 2]), s), tf.square(x))
  }
  return { fn, w }
}

describe('autodiff denoiser: one forward, one backward per vjp', () => {
  it('vjp matches tf.grad, repeated vjps reuse the tape, no tensor leaks', () => {
    const { fn } = makeFn()
    const den = new AutodiffDenoiser('toy', [2, 4, 4], fn)
    const x = tf.randomNormal([2, 2, 4, 4], 0, 1, 'float32', 2)
    const before = tf.memory().numTensors
    const lin = den.linearize(x, 0.5)
    for (let rep = 0; rep < 3; rep++) {
      const v = tf.randomNormal([2, 2, 4, 4], 0, 1, 'float32', 10 + rep)
      const got = lin.vjp(v)
      const ref = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(fn(z, 0.5), v)))(x)
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(got, ref))).dataSync()[0])
      expect(err).toBeLessThan(1e-5)
      tf.dispose([v, got, ref])
    }
    const fwd = den.denoise(x, 0.5)
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(fwd, lin.denoised))).dataSync()[0])).toBe(0)
    fwd.dispose()
    lin.dispose()
    expect(den.cost).toEqual({ forward: 2, vjp: 3 })
    expect(tf.memory().numTensors).toBe(before)
  })
  it('linearize inside an outer tidy keeps the denoised tensor alive', () => {
    const { fn } = makeFn()
    const den = new AutodiffDenoiser('toy', [2, 4, 4], fn)
    const x = tf.ones([1, 2, 4, 4])
    let lin = den.linearize(x, 0.1)
    lin.dispose()
    tf.tidy(() => { lin = den.linearize(x, 1) })
    expect(lin.denoised.isDisposed).toBe(false)
    lin.dispose()
  })
})

describe('finite-difference denoiser', () => {
  it('products approximate the exact (symmetric) Jacobian of a GMM prior', () => {
    const u = mulberry32(3)
    const n = 4
    const gmm = new GmmPriorDenoiser({ weights: Float64Array.from([0.5, 0.5]), means: [normals(n, u), normals(n, u)], covs: [randomSpd(n, u, 0.5), randomSpd(n, u, 0.5)] })
    const fd = new FiniteDifferenceDenoiser(gmm, { scheme: 'central', relStep: 1e-2 })
    const x = tf.tensor2d([Array.from(normals(n, u)), Array.from(normals(n, u))])
    const v = tf.tensor2d([Array.from(normals(n, u)), Array.from(normals(n, u)).map((a) => 100 * a)])
    const exact = gmm.linearize(x, 0.6)
    const approx = fd.linearize(x, 0.6)
    const a = exact.vjp(v).arraySync() as number[][]
    const b = approx.vjp(v).arraySync() as number[][]
    for (let s = 0; s < 2; s++) {
      const scale = Math.max(...a[s].map(Math.abs))
      a[s].forEach((e, i) => expect(Math.abs(b[s][i] - e) / scale).toBeLessThan(2e-2))
    }
    expect(fd.jacobian).toBe('finite-difference')
    expect(fd.cost).toEqual({ forward: 3, vjp: 1 })
    exact.dispose(); approx.dispose()
  })
})
