// A Gaussian prior with a diagonal-plus-low-rank covariance Σ = D·I + U Uᵀ (algorithms.md §1.5, [D]'s DPLR
// with V = Uᵀ and a scalar diagonal, the form PPCA returns, §4.1), in n = 784 dimensions:
//   – unconditional samples  x = μ + √D z + U w;
//   – low-rank PPCA from samples (Tipping & Bishop; top-r eigenpairs by subspace iteration on the centred
//     data, warm-started from the previous U — no n×n matrix is ever formed);
//   – exact posterior samples of p(x | y) for y = A x + σ_y ε, by Matheron's rule ("perturb then correct"):
//       x̃ ~ N(μ, Σ), ỹ = A x̃ + σ_y ε̃,  x = x̃ + Σ Aᵀ S⁻¹ (y − ỹ),  S = σ_y² I + A Σ Aᵀ,
//     which is an exact draw. For a 0/1 mask A = diag(m) the solve is closed form by Woodbury (an r×r
//     system per observation, below); for any other operator (blur) it is CG with a fixed iteration count.
// Big products run as tfjs ops; the r×r work is float64 on the host.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core'
import { cholesky, symEig } from '../linalg/dense'
import { fillNormal } from '../linalg/random'
import { bcast, bdot } from '../linalg/batch'
import type { Cost, Denoiser, Linearization, LinearOperator } from '../types'
import { CostCounter } from '../denoisers/cost'
import { ReshapedDenoiser } from '../denoisers/reshaped'
import { BatchedMaskOperator } from './corruption'

export interface DplrGaussian {
  readonly n: number
  readonly rank: number
  readonly mean: Float32Array
  /** D, the isotropic part. */
  readonly noise: number
  /** n × r loadings, row-major. */
  readonly u: Float32Array
}

export function isotropicGaussian(n: number, rank: number): DplrGaussian {
  return { n, rank, mean: new Float32Array(n), noise: 1, u: new Float32Array(n * rank) }
}

/** Dense Σ (n×n, float64) — for tests and small n only. */
export function denseCovariance(g: DplrGaussian): Float64Array {
  const { n, rank: r, u } = g
  const c = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    c[i * n + i] = g.noise
    for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < r; k++) s += u[i * r + k]! * u[j * r + k]!; c[i * n + j]! += s }
  }
  return c
}

/** Tensors of a DPLR Gaussian for batched products; dispose() when done. */
export class DplrTensors {
  readonly mean: Tensor2D // [1, n]
  readonly u: Tensor2D // [n, r]
  readonly ut: Tensor2D // [r, n]
  constructor(readonly g: DplrGaussian) {
    this.mean = tf.keep(tf.tensor2d(g.mean, [1, g.n]))
    this.u = tf.keep(tf.tensor2d(g.u, [g.n, g.rank]))
    this.ut = tf.keep(tf.transpose(this.u))
  }
  /** Σ v for v [B, n]: D v + (v U) Uᵀ. */
  cov(v: Tensor): Tensor {
    return tf.tidy(() => tf.add(tf.mul(v, this.g.noise), tf.matMul(tf.matMul(v, this.u), this.ut)))
  }
  /** B draws from N(μ, Σ), with normals from `uniform`. */
  sample(b: number, uniform: () => number): Tensor {
    const { n, rank: r } = this.g
    return tf.tidy(() => {
      const z = tf.tensor2d(fillNormal(new Float32Array(b * n), uniform), [b, n])
      const w = tf.tensor2d(fillNormal(new Float32Array(b * r), uniform), [b, r])
      return tf.add(tf.add(this.mean, tf.mul(z, Math.sqrt(this.g.noise))), tf.matMul(w, this.ut))
    })
  }
  /** v ↦ (Σ + σ² I)⁻¹ v by Woodbury: (I − U W⁻¹ Uᵀ)/D' with D' = D + σ², W = D' I_r + UᵀU (r×r, host, per σ). */
  resolvent(sigma: number): { apply: (v: Tensor) => Tensor; dispose: () => void } {
    const { rank: r, noise, n, u } = this.g
    if (!this.utu) {
      this.utu = new Float64Array(r * r)
      for (let i = 0; i < n; i++) for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) this.utu[a * r + b]! += u[i * r + a]! * u[i * r + b]!
    }
    const dp = noise + sigma * sigma
    const w = Float64Array.from(this.utu)
    for (let i = 0; i < r; i++) w[i * r + i]! += dp
    const l = cholesky(w, r)
    // G = W⁻¹ Uᵀ (r × n), column by column
    const g = new Float32Array(r * n)
    const col = new Float64Array(r)
    for (let j = 0; j < n; j++) {
      for (let a = 0; a < r; a++) { let v = u[j * r + a]!; for (let b = 0; b < a; b++) v -= l[a * r + b]! * col[b]!; col[a] = v / l[a * r + a]! }
      for (let a = r - 1; a >= 0; a--) { let v = col[a]!; for (let b = a + 1; b < r; b++) v -= l[b * r + a]! * col[b]!; col[a] = v / l[a * r + a]! }
      for (let a = 0; a < r; a++) g[a * n + j] = col[a]!
    }
    const gt = tf.tensor2d(g, [r, n])
    return {
      apply: (v) => tf.tidy(() => {
        const flat = tf.reshape(v, [v.shape[0]!, n])
        return tf.reshape(tf.div(tf.sub(flat, tf.matMul(tf.matMul(flat, this.u), gt)), dp), v.shape)
      }),
      dispose: () => gt.dispose(),
    }
  }
  private utu: Float64Array | undefined
  dispose(): void { tf.dispose([this.mean, this.u, this.ut]) }
}

/**
 * The exact denoiser of a DPLR Gaussian prior (§1.5): E[x | x_t] = x_t − σ² (Σ + σ²I)⁻¹ (x_t − μ), with the
 * symmetric Jacobian J = I − σ² (Σ + σ²I)⁻¹ (so Jᵀv = Jv, exact). The lap-0 prior as a Denoiser: for the
 * studio, and to measure the E-step sampler's own error against exact posterior draws.
 */
export class DplrGaussianDenoiser implements Denoiser {
  readonly name = 'dplr-gaussian'
  readonly jacobian = 'exact' as const
  readonly sampleShape: readonly number[]
  private readonly counter = new CostCounter()
  private readonly t: DplrTensors
  constructor(readonly g: DplrGaussian) {
    this.sampleShape = [g.n]
    this.t = new DplrTensors(g)
  }
  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }
  private jac(sigma: number): { apply: (v: Tensor) => Tensor; dispose: () => void } {
    const r = this.t.resolvent(sigma)
    const s2 = sigma * sigma
    return { apply: (v) => tf.tidy(() => tf.sub(v, tf.mul(r.apply(v), s2))), dispose: r.dispose }
  }
  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    const j = this.jac(sigma)
    try { return tf.tidy(() => tf.add(this.t.mean, j.apply(tf.sub(x, this.t.mean)))) } finally { j.dispose() }
  }
  linearize(x: Tensor, sigma: number): Linearization {
    this.counter.forward++
    const j = this.jac(sigma)
    const denoised = tf.keep(tf.tidy(() => tf.add(this.t.mean, j.apply(tf.sub(x, this.t.mean)))))
    const counter = this.counter
    return {
      denoised,
      vjp: (v) => { counter.vjp++; return j.apply(v) },
      dispose: () => { denoised.dispose(); j.dispose() },
    }
  }
  dispose(): void { this.t.dispose() }
}

/** The same Gaussian in units x' = s·x: mean s·μ, Σ' = s²Σ (D' = s²D, U' = s·U). */
export function scaleDplr(g: DplrGaussian, s: number): DplrGaussian {
  return { n: g.n, rank: g.rank, mean: Float32Array.from(g.mean, (v) => s * v), noise: s * s * g.noise, u: Float32Array.from(g.u, (v) => s * v) }
}

/**
 * The lap-0 Gaussian (model space x ∈ [−1, 1], [n] vectors) as a studio denoiser: the exact denoiser of the
 * Gaussian in the studio's units x_s = 2x (= 2·D(x_s/2, σ/2)), on samples of `sampleShape` (e.g. [1, 28, 28]).
 */
export function studioDplrDenoiser(g: DplrGaussian, sampleShape: readonly number[]): ReshapedDenoiser {
  return new ReshapedDenoiser(new DplrGaussianDenoiser(scaleDplr(g, 2)), sampleShape)
}

/** Unconditional samples (count × n). */
export function sampleDplr(g: DplrGaussian, count: number, uniform: () => number): Float32Array {
  const t = new DplrTensors(g)
  try {
    const x = t.sample(count, uniform)
    const out = x.dataSync() as Float32Array
    x.dispose()
    return Float32Array.from(out)
  } finally {
    t.dispose()
  }
}

/** Modified Gram–Schmidt on the k columns of an n×k row-major matrix, in place (float64). */
function orthonormalise(q: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0
      for (let i = 0; i < n; i++) d += q[i * k + p]! * q[i * k + j]!
      for (let i = 0; i < n; i++) q[i * k + j]! -= d * q[i * k + p]!
    }
    let s = 0
    for (let i = 0; i < n; i++) s += q[i * k + j]! ** 2
    const inv = s > 1e-24 ? 1 / Math.sqrt(s) : 0
    for (let i = 0; i < n; i++) q[i * k + j]! *= inv
  }
}

export interface PpcaOptions {
  rank: number
  /** Subspace iterations (default 8) and extra columns (default 16). */
  iterations?: number
  oversample?: number
  /** Warm start: the previous fit's loadings (their span seeds the subspace). */
  previous?: DplrGaussian
  uniform: () => number
}

/**
 * Low-rank PPCA (§4.1) of `x` [N, n]: μ = mean, C = X_cᵀX_c/N (never formed), top-r eigenpairs (L, Q) by
 * subspace iteration + Rayleigh–Ritz, D = (tr C − Σ L)/(n − r), U = Q·sqrt(max(L − D, 0)).
 */
export function ppcaLowRank(x: Tensor2D, opts: PpcaOptions): DplrGaussian {
  const [count, n] = x.shape
  const r = opts.rank
  if (!(Number.isInteger(r) && r >= 1 && r < n)) throw new Error(`PPCA rank must be in 1..${n - 1}, got ${r}`)
  if (count < 2) throw new Error('PPCA needs at least two samples')
  const k = Math.min(n, r + (opts.oversample ?? 16))
  const iters = opts.iterations ?? 8
  const meanT = tf.mean(x, 0, true)
  const xc = tf.sub(x, meanT)
  const xct = tf.transpose(xc)
  try {
    const ss = tf.tidy(() => tf.sum(tf.square(xc)))
    const trace = ss.dataSync()[0]! / count
    ss.dispose()
    // initial basis: previous loadings (if any and non-zero), the rest random
    const q = new Float64Array(n * k)
    const z = fillNormal(new Float32Array(n * k), opts.uniform)
    for (let i = 0; i < n * k; i++) q[i] = z[i]!
    const prev = opts.previous
    if (prev && prev.n === n && prev.u.some((v) => v !== 0)) {
      const pr = Math.min(prev.rank, k)
      for (let i = 0; i < n; i++) for (let j = 0; j < pr; j++) q[i * k + j] = prev.u[i * prev.rank + j]!
    }
    orthonormalise(q, n, k)
    for (let it = 0; it < iters; it++) {
      const y = tf.tidy(() => tf.matMul(xct, tf.matMul(xc, tf.tensor2d(Float32Array.from(q), [n, k]))))
      const yv = y.dataSync()
      y.dispose()
      for (let i = 0; i < n * k; i++) q[i] = yv[i]!
      orthonormalise(q, n, k)
    }
    // Rayleigh–Ritz: T = (X_c Q)ᵀ(X_c Q)/N, k×k
    const zq = tf.tidy(() => tf.matMul(xc, tf.tensor2d(Float32Array.from(q), [n, k])))
    const zv = zq.dataSync()
    zq.dispose()
    const t = new Float64Array(k * k)
    for (let s = 0; s < count; s++) {
      const o = s * k
      for (let a = 0; a < k; a++) { const za = zv[o + a]!; if (za === 0) continue; for (let b = a; b < k; b++) t[a * k + b]! += za * zv[o + b]! }
    }
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) { t[a * k + b]! /= count; t[b * k + a] = t[a * k + b]! }
    const { values, vectors } = symEig(t, k)
    const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!)
    let top = 0
    for (let j = 0; j < r; j++) top += values[order[j]!]!
    const noise = Math.max((trace - top) / (n - r), 1e-6)
    const u = new Float32Array(n * r)
    for (let j = 0; j < r; j++) {
      const e = order[j]!
      const scale = Math.sqrt(Math.max(values[e]! - noise, 0))
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let a = 0; a < k; a++) s += q[i * k + a]! * vectors[a * k + e]!
        u[i * r + j] = s * scale
      }
    }
    return { n, rank: r, mean: Float32Array.from(meanT.dataSync()), noise, u }
  } finally {
    tf.dispose([meanT, xc, xct])
  }
}

/**
 * S⁻¹ ρ restricted to the observed pixels for a mask operator, by Woodbury: with c = 1/(σ_y² + D),
 * K_b = I_r + c Uᵀ diag(m_b) U (formed for the whole batch as M · P, P[j, (k,l)] = U_jk U_jl),
 * a = c Uᵀρ, q = c ρ − c m ⊙ (U K⁻¹ a). ρ must already be zero on deleted pixels.
 */
function maskSolve(t: DplrTensors, p: Tensor2D, mask: Tensor, rho: Tensor, sigmaY: number): Tensor {
  const { rank: r, noise } = t.g
  const b = rho.shape[0]!
  const c = 1 / (sigmaY * sigmaY + noise)
  const kt = tf.matMul(mask as Tensor2D, p)
  const at = tf.tidy(() => tf.mul(tf.matMul(rho as Tensor2D, t.u), c))
  const kv = kt.dataSync(), av = at.dataSync()
  tf.dispose([kt, at])
  const sol = new Float32Array(b * r)
  const km = new Float64Array(r * r), rhs = new Float64Array(r)
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < r * r; i++) km[i] = c * kv[s * r * r + i]!
    for (let i = 0; i < r; i++) { km[i * r + i]! += 1; rhs[i] = av[s * r + i]! }
    const l = cholesky(km, r)
    // forward/back substitution L Lᵀ x = rhs
    for (let i = 0; i < r; i++) { let v = rhs[i]!; for (let j = 0; j < i; j++) v -= l[i * r + j]! * rhs[j]!; rhs[i] = v / l[i * r + i]! }
    for (let i = r - 1; i >= 0; i--) { let v = rhs[i]!; for (let j = i + 1; j < r; j++) v -= l[j * r + i]! * rhs[j]!; rhs[i] = v / l[i * r + i]! }
    for (let i = 0; i < r; i++) sol[s * r + i] = rhs[i]!
  }
  return tf.tidy(() => tf.sub(tf.mul(rho, c), tf.mul(mask, tf.mul(tf.matMul(tf.tensor2d(sol, [b, r]), t.ut), c))))
}

/**
 * Textbook CG, x₀ = 0, per sample, for an SPD system solved to convergence (the exact posterior needs the
 * solution, not MMPS's one-step approximation: linalg/krylov.ts's residual-growth guard would stop CG on the
 * non-monotone residuals of these ill-conditioned systems). Guard: a sample whose pᵀCp ≤ 0 or whose rᵀr
 * underflows stops (α = 0).
 */
function plainCg(apply: (v: Tensor) => Tensor, b: Tensor, iters: number): Tensor {
  let x = tf.zerosLike(b), r = tf.clone(b), p = tf.clone(b)
  let rr = bdot(r, r)
  for (let i = 0; i < iters; i++) {
    const cp = apply(p)
    const next = tf.tidy(() => {
      const pcp = bdot(p, cp)
      const alpha = tf.div(rr, pcp)
      const a = tf.where(tf.logicalAnd(tf.greater(pcp, 0), tf.isFinite(alpha)), alpha, tf.zerosLike(alpha))
      const xN = tf.add(x, tf.mul(bcast(a, p.rank), p))
      const rN = tf.sub(r, tf.mul(bcast(a, p.rank), cp))
      const rrN = bdot(rN, rN)
      const beta = tf.where(tf.greater(rr, 1e-30), tf.div(rrN, rr), tf.zerosLike(rr))
      const pN = tf.add(rN, tf.mul(bcast(beta, p.rank), p))
      return [xN, rN, pN, rrN]
    })
    tf.dispose([x, r, p, rr, cp])
    ;[x, r, p, rr] = next as [Tensor, Tensor, Tensor, Tensor]
  }
  tf.dispose([r, p, rr])
  return x
}

/** P [n, r²] with P[j, k·r + l] = U_jk U_jl (the per-pixel outer products), for batched K = I + c M P. */
function outerProducts(g: DplrGaussian): Tensor2D {
  const { n, rank: r, u } = g
  const p = new Float32Array(n * r * r)
  for (let j = 0; j < n; j++) for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) p[(j * r + a) * r + b] = u[j * r + a]! * u[j * r + b]!
  return tf.tensor2d(p, [n, r * r])
}

export interface PosteriorSampler {
  /**
   * One exact posterior draw per observation of a batch: y [B, n], its operator, σ_y. `noise: false` returns
   * the posterior MEAN (Matheron's rule with zero perturbation), for tests.
   */
  draw(y: Tensor, op: LinearOperator, sigmaY: number, uniform: () => number, noise?: boolean): Tensor
  dispose(): void
}

/** Exact posterior sampler under a DPLR Gaussian. Masks: Woodbury; other operators: CG (`cgIters`). */
export function dplrPosteriorSampler(g: DplrGaussian, cgIters = 40): PosteriorSampler {
  const t = new DplrTensors(g)
  let p: Tensor2D | null = null
  return {
    draw(y, op, sigmaY, uniform, noise = true) {
      const b = y.shape[0]!, n = g.n
      const xt = noise ? t.sample(b, uniform) : tf.tile(t.mean, [b, 1])
      const eps = noise ? tf.tensor2d(fillNormal(new Float32Array(b * n), uniform), [b, n]) : tf.zeros([b, n])
      try {
        const rho = tf.tidy(() => tf.sub(y, tf.add(op.apply(xt), tf.mul(eps, sigmaY))))
        let w: Tensor
        if (op instanceof BatchedMaskOperator) {
          p ??= tf.keep(outerProducts(g))
          const rm = tf.mul(rho, op.mask)
          w = maskSolve(t, p, op.mask, rm, sigmaY)
          rm.dispose()
        } else {
          w = plainCg((v) => tf.tidy(() => tf.add(tf.mul(v, sigmaY * sigmaY), op.apply(t.cov(op.adjoint(v))))), rho, cgIters)
        }
        rho.dispose()
        const out = tf.tidy(() => tf.add(xt, t.cov(op.adjoint(w))))
        w.dispose()
        return out
      } finally {
        tf.dispose([xt, eps])
      }
    },
    dispose() { t.dispose(); p?.dispose() },
  }
}
