// Gaussian prior N(μ, Σ): exact denoiser, exact Jacobian and exact linear-Gaussian posterior (§1.5).
// The test oracle for the posterior methods and the toy experiment's engine. Vectors only (sampleShape [N]).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, Linearization } from '../types'
import { CostCounter } from '../denoisers/cost'
import { cholSolve, isSPD, matmul, matvec, symEig, transpose, type Mat } from '../linalg/dense'

export interface GaussianSpec { mean: Float64Array; cov: Mat }

export class GaussianPriorDenoiser implements Denoiser {
  readonly name = 'gaussian-prior'
  readonly jacobian = 'exact' as const
  readonly sampleShape: readonly number[]
  private readonly counter = new CostCounter()
  private readonly eig: { values: Float64Array; vectors: Mat }
  private readonly mu: Tensor

  constructor(readonly spec: GaussianSpec) {
    const n = spec.mean.length
    if (spec.cov.length !== n * n || !isSPD(spec.cov, n)) throw new Error('prior covariance must be SPD and N×N')
    this.sampleShape = [n]
    this.eig = symEig(spec.cov, n)
    this.mu = tf.keep(tf.tensor2d(Array.from(spec.mean), [1, n]))
  }

  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }

  /** J(σ) = Σ(Σ + σ²I)⁻¹ = Cov[x|x_t]/σ² = Q diag(λ/(λ+σ²)) Qᵀ, symmetric (§1.5). Float64, then float32. */
  jacobianMatrix(sigma: number): Mat {
    const n = this.spec.mean.length
    const { values, vectors: q } = this.eig
    const j = new Float64Array(n * n)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      let s = 0
      for (let k = 0; k < n; k++) s += q[a * n + k] * (values[k] / (values[k] + sigma * sigma)) * q[b * n + k]
      j[a * n + b] = s
    }
    return j
  }

  private jTensor(sigma: number): Tensor {
    const n = this.spec.mean.length
    return tf.tensor2d(Float32Array.from(this.jacobianMatrix(sigma)), [n, n])
  }

  /** E[x|x_t] = μ + J (x_t − μ) (§1.5; J symmetric so row vectors use (x−μ) J). */
  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    return tf.tidy(() => tf.add(this.mu, tf.matMul(tf.sub(x, this.mu), this.jTensor(sigma))))
  }

  linearize(x: Tensor, sigma: number): Linearization {
    const j = tf.keep(this.jTensor(sigma))
    const denoised = tf.keep(tf.tidy(() => tf.add(this.mu, tf.matMul(tf.sub(x, this.mu), j))))
    this.counter.forward++
    const counter = this.counter
    return {
      denoised,
      vjp: (v: Tensor) => { counter.vjp++; return tf.matMul(v, j) },
      dispose: () => { j.dispose(); denoised.dispose() },
    }
  }

  dispose(): void { this.mu.dispose() }
}

export interface GaussianPosterior { mean: Float64Array; cov: Mat }

/**
 * Exact p(x | y) for y = A x + σ_y ε, x ~ N(μ, Σ), A (M×N) row-major:
 * K = ΣAᵀ(AΣAᵀ + σ_y²I)⁻¹, mean = μ + K(y − Aμ), cov = Σ − K A Σ. Float64.
 */
export function gaussianPosterior(prior: GaussianSpec, a: Float64Array, m: number, sigmaY: number, y: ArrayLike<number>): GaussianPosterior {
  const n = prior.mean.length
  const aS = matmul(a, prior.cov, m, n, n) // A Σ  (M×N)
  const s = matmul(aS, transpose(a, m, n), m, n, m) // A Σ Aᵀ
  for (let i = 0; i < m; i++) s[i * m + i] += sigmaY * sigmaY
  const r = Float64Array.from(y, (v, i) => v - matvec(a, prior.mean, m, n)[i])
  const w = cholSolve(s, r, m) // S⁻¹ (y − Aμ)
  const kw = matvec(transpose(aS, m, n), w, n, m) // Σ Aᵀ S⁻¹ (y − Aμ)
  const mean = prior.mean.map((v, i) => v + kw[i])
  const sInvAS = cholSolve(s, aS, m, n) // S⁻¹ A Σ  (M×N)
  const cov = prior.cov.map((v, idx) => {
    const i = Math.floor(idx / n), j = idx % n
    let acc = 0
    for (let k = 0; k < m; k++) acc += aS[k * n + i] * sInvAS[k * n + j]
    return v - acc
  })
  return { mean, cov }
}

/** log N(y; Aμ, AΣAᵀ + σ_y²I), used for the mixture posterior weights. */
export function gaussianEvidence(prior: GaussianSpec, a: Float64Array, m: number, sigmaY: number, y: ArrayLike<number>): number {
  const n = prior.mean.length
  const s = matmul(matmul(a, prior.cov, m, n, n), transpose(a, m, n), m, n, m)
  for (let i = 0; i < m; i++) s[i * m + i] += sigmaY * sigmaY
  const am = matvec(a, prior.mean, m, n)
  const r = Float64Array.from(y, (v, i) => v - am[i])
  const w = cholSolve(s, r, m)
  let quad = 0
  for (let i = 0; i < m; i++) quad += r[i] * w[i]
  const { values } = symEig(s, m)
  const logdet = values.reduce((acc, v) => acc + Math.log(v), 0)
  return -0.5 * (quad + logdet + m * Math.log(2 * Math.PI))
}
