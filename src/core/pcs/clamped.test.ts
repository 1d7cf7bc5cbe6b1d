import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { GaussianPriorDenoiser } from '../priors/gaussian'
import { randomSpd } from '../priors/random'
import { mulberry32, normals } from '../linalg/random'
import { clampedDenoiser } from './clamped'

beforeAll(useCpu)

describe('clampedDenoiser', () => {
  const n = 10
  const prior = new GaussianPriorDenoiser({ mean: normals(n, mulberry32(1)), cov: randomSpd(n, mulberry32(2)) })
  it('clamps D and passes the VJP only through unsaturated entries', () => {
    const den = clampedDenoiser(prior, [-0.3, 0.3])
    const x = tf.tensor2d([Array.from(normals(n, mulberry32(3)))])
    const v = tf.tensor2d([Array.from(normals(n, mulberry32(4)))])
    const raw = prior.linearize(x, 0.5)
    const d = raw.denoised.dataSync()
    const inside = Array.from(d, (t) => (t > -0.3 && t < 0.3 ? 1 : 0))
    expect(inside.some((b) => b === 0) && inside.some((b) => b === 1)).toBe(true) // the case tests both
    const lin = den.linearize(x, 0.5)
    expect(Array.from(lin.denoised.dataSync())).toEqual(Array.from(Float32Array.from(d, (t) => Math.max(-0.3, Math.min(0.3, t)))))
    const want = raw.vjp(tf.mul(v, tf.tensor2d([inside]))).dataSync()
    const got = lin.vjp(v).dataSync()
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6))
    expect(Array.from(den.denoise(x, 0.5).dataSync())).toEqual(Array.from(lin.denoised.dataSync()))
    raw.dispose(); lin.dispose()
    expect(() => clampedDenoiser(prior, [1, 1])).toThrow(/lo < hi, got \[1, 1\]/)
  })
})
