// Gaussian-mixture prior Σ_k π_k N(μ_k, Σ_k): exact denoiser E[x|x_t], exact Jacobian Cov[x|x_t]/σ² and the
// exact mixture posterior for linear-Gaussian observations. Vectors only (sampleShape [N]).
//   w_k(x_t) ∝ π_k N(x_t; μ_k, Σ_k + σ²I),  m_k = μ_k + M_k (x_t − μ_k),  M_k = Σ_k(Σ_k + σ²I)⁻¹ = C_k/σ²
//   E[x|x_t] = Σ w_k m_k,  J = Cov[x|x_t]/σ² = Σ w_k M_k + σ⁻² Σ w_k (m_k − m)(m_k − m)ᵀ  (symmetric)
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, Linearization } from '../types'
import { CostCounter } from '../denoisers/cost'
import { inverse, isSPD, logdetSPD, matmul, type Mat } from '../linalg/dense'
import { gaussianEvidence, gaussianPosterior, type GaussianPosterior } from './gaussian'

export interface GmmSpec { weights: Float64Array; means: Float64Array[]; covs: Mat[] }

interface Level { mu: Tensor[]; P: Tensor[]; M: Tensor[]; c: number[] }

export class GmmPriorDenoiser implements Denoiser {
  readonly name = 'gmm-prior'
  readonly jacobian = 'exact' as const
  readonly sampleShape: readonly number[]
  private readonly counter = new CostCounter()
  private readonly n: number

  constructor(readonly spec: GmmSpec) {
    this.n = spec.means[0]?.length ?? 0
    const n = this.n
    if (spec.weights.length === 0 || spec.means.length !== spec.weights.length || spec.covs.length !== spec.weights.length) throw new Error('GMM: weights, means and covs must have the same length')
    spec.covs.forEach((c, k) => { if (c.length !== n * n || !isSPD(c, n)) throw new Error(`GMM: covs[${k}] must be SPD and N×N`) })
    this.sampleShape = [n]
  }

  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }

  /** Per-σ tensors in float32 (computed in float64). Caller disposes via disposeLevel. */
  private level(sigma: number): Level {
    const n = this.n, s2 = sigma * sigma
    const mu: Tensor[] = [], P: Tensor[] = [], M: Tensor[] = [], c: number[] = []
    this.spec.covs.forEach((cov, k) => {
      const cs = cov.map((v, i) => v + (i % (n + 1) === 0 ? s2 : 0))
      const p = inverse(cs, n)
      mu.push(tf.tensor2d(Array.from(this.spec.means[k]), [1, n]))
      P.push(tf.tensor2d(Float32Array.from(p), [n, n]))
      M.push(tf.tensor2d(Float32Array.from(symmetrize(matmul(cov, p, n, n, n), n)), [n, n]))
      c.push(Math.log(this.spec.weights[k]) - 0.5 * logdetSPD(cs, n))
    })
    return { mu, P, M, c }
  }

  private forwardParts(x: Tensor, L: Level): { w: Tensor; mk: Tensor[]; m: Tensor } {
    return tf.tidy(() => {
      const logits: Tensor[] = [], mk: Tensor[] = []
      L.mu.forEach((mu, k) => {
        const d = tf.sub(x, mu)
        logits.push(tf.add(tf.mul(tf.sum(tf.mul(tf.matMul(d, L.P[k]), d), 1, true), -0.5), L.c[k]))
        mk.push(tf.add(mu, tf.matMul(d, L.M[k])))
      })
      const w = tf.softmax(tf.concat(logits, 1)) // [B, K]
      let m = tf.zerosLike(x)
      mk.forEach((v, k) => { m = tf.add(m, tf.mul(tf.slice(w, [0, k], [-1, 1]), v)) })
      return { w, mk, m }
    })
  }

  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    const L = this.level(sigma)
    const { w, mk, m } = this.forwardParts(x, L)
    tf.dispose([w, ...mk, ...L.mu, ...L.P, ...L.M])
    return m
  }

  linearize(x: Tensor, sigma: number): Linearization {
    this.counter.forward++
    const L = this.level(sigma)
    const { w, mk, m } = this.forwardParts(x, L)
    const counter = this.counter
    const s2 = sigma * sigma
    return {
      denoised: m,
      vjp: (v: Tensor) => {
        counter.vjp++
        return tf.tidy(() => {
          let out = tf.zerosLike(v)
          mk.forEach((mkk, k) => {
            const wk = tf.slice(w, [0, k], [-1, 1])
            const dk = tf.sub(mkk, m)
            const within = tf.matMul(v, L.M[k])
            const between = tf.mul(tf.sum(tf.mul(dk, v), 1, true), tf.div(dk, s2))
            out = tf.add(out, tf.mul(wk, tf.add(within, between)))
          })
          return out
        })
      },
      dispose: () => tf.dispose([w, ...mk, m, ...L.mu, ...L.P, ...L.M]),
    }
  }
}

function symmetrize(a: Mat, n: number): Mat {
  const s = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i])
  return s
}

export interface GmmPosterior { weights: Float64Array; components: GaussianPosterior[]; mean: Float64Array }

/** Exact p(x|y): per-component Gaussian posteriors, weights ∝ π_k N(y; Aμ_k, AΣ_kAᵀ + σ_y²I). Float64. */
export function gmmPosterior(spec: GmmSpec, a: Float64Array, m: number, sigmaY: number, y: ArrayLike<number>): GmmPosterior {
  const n = spec.means[0].length
  const logw = spec.weights.map((p, k) => Math.log(p) + gaussianEvidence({ mean: spec.means[k], cov: spec.covs[k] }, a, m, sigmaY, y))
  const mx = Math.max(...logw)
  const un = logw.map((v) => Math.exp(v - mx))
  const z = un.reduce((s, v) => s + v, 0)
  const weights = un.map((v) => v / z)
  const components = spec.means.map((mu, k) => gaussianPosterior({ mean: mu, cov: spec.covs[k] }, a, m, sigmaY, y))
  const mean = new Float64Array(n)
  components.forEach((c, k) => c.mean.forEach((v, i) => { mean[i] += weights[k] * v }))
  return { weights, components, mean }
}

