// The first four moments of the 1-D posterior marginal along a unit direction v (algorithms.md §12.1,
// `calc_moments`), from central finite differences of f(s) = ⟨v, D(x_t + s v) − D(x_t)⟩:
//   μ1 = ⟨v, x̂⟩
//   μ2 = (σ²/c)  (f(c/2) − f(−c/2))                                   (variance)
//   μ3 = (σ⁴/c²) (f(−c) − 2 f(0) + f(c))                              (third central moment; f(0) = 0)
//   μ4 = (σ⁶/c³) (f(3c/2) − 3 f(c/2) + 3 f(−c/2) − f(−3c/2)) + 3 μ2²    (fourth central moment)
// The paper's c = 1e-5 is for float64. In float32 the third difference divides rounding noise (≈ 1e-7 in f)
// by c³, so the step must be a sizeable fraction of σ, the scale on which D varies: default c = 0.1 σ
// (truncation error O((c/σ)²) ≈ 1 %). One forward pass on a batch of the six shifted points.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser } from '../types'

export interface MarginalMoments {
  mean: number
  variance: number
  /** Third and fourth central moments. */
  m3: number
  m4: number
  skewness: number
  /** Kurtosis μ4/μ2² (3 for a Gaussian). */
  kurtosis: number
  step: number
}

export const DEFAULT_MOMENT_STEP = 0.1

export function momentStep(sigma: number, rel = DEFAULT_MOMENT_STEP): number {
  return rel * sigma
}

/** Moments from f(±c/2), f(±c), f(±3c/2) and ⟨v, x̂⟩ (pure arithmetic, float64). */
export function momentsFromDifferences(f: { h: [number, number]; one: [number, number]; h3: [number, number] }, meanProj: number, sigma: number, c: number): MarginalMoments {
  const s2 = sigma * sigma
  const variance = (s2 / c) * (f.h[0] - f.h[1])
  const m3 = ((s2 * s2) / (c * c)) * (f.one[1] + f.one[0])
  const m4 = ((s2 * s2 * s2) / (c * c * c)) * (f.h3[0] - 3 * f.h[0] + 3 * f.h[1] - f.h3[1]) + 3 * variance * variance
  return {
    mean: meanProj, variance, m3, m4,
    skewness: variance > 0 ? m3 / variance ** 1.5 : NaN,
    kurtosis: variance > 0 ? m4 / (variance * variance) : NaN,
    step: c,
  }
}

/** x_t and x̂ = D(x_t) of shape [1, ...]; v a unit vector of the sample's size. */
export async function marginalMoments(den: Denoiser, xt: Tensor, xhat: Tensor, v: Float32Array, sigma: number, step = momentStep(sigma)): Promise<MarginalMoments> {
  if (v.length !== xt.size) throw new Error(`the direction has ${v.length} values; x_t has ${xt.size}`)
  let nn = 0
  for (const e of v) nn += e * e
  if (!(nn > 0)) throw new Error('the direction is zero')
  const scale = 1 / Math.sqrt(nn)
  const c = step
  const shifts = [c / 2, -c / 2, c, -c, 1.5 * c, -1.5 * c]
  const proj = tf.tidy(() => {
    const vt = tf.mul(tf.tensor(v, xt.shape), scale)
    const xs = tf.concat(shifts.map((s) => tf.add(xt, tf.mul(vt, s))))
    const d = den.denoise(xs, sigma)
    const diff = tf.reshape(tf.sub(d, xhat), [shifts.length, -1])
    const vf = tf.reshape(vt, [-1, 1])
    return tf.concat([tf.reshape(tf.matMul(diff, vf), [-1]), tf.reshape(tf.sum(tf.mul(vt, xhat)), [1])])
  })
  const p = Array.from(await proj.data())
  proj.dispose()
  return momentsFromDifferences({ h: [p[0]!, p[1]!], one: [p[2]!, p[3]!], h3: [p[4]!, p[5]!] }, p[6]!, sigma, c)
}
