// The Fréchet distance (issue 13's FD metric; FID's formula on a digit classifier's features):
//   FD(N(μ₁, Σ₁), N(μ₂, Σ₂)) = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½,
// the squared 2-Wasserstein distance between the two Gaussians. Pure maths, Float64, no framework:
// the symmetric square roots come from a Jacobi eigen-decomposition (linalg/dense.ts symEig), negative
// eigenvalues of (numerically) PSD matrices clamped to 0.
import { moments, symEig, type Mat } from '../linalg/dense'

export interface GaussianStats {
  readonly mean: Float64Array
  /** d×d, row-major, symmetric PSD. */
  readonly cov: Mat
  readonly dim: number
  /** Samples the statistics came from (0 when given directly). */
  readonly count: number
}

function checkSym(a: Mat, n: number, what: string): void {
  if (a.length !== n * n) throw new Error(`${what}: expected ${n}×${n} = ${n * n} entries, got ${a.length}`)
  let scale = 0
  for (const v of a) {
    if (!Number.isFinite(v)) throw new Error(`${what}: non-finite entry ${v}`)
    scale = Math.max(scale, Math.abs(v))
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    if (Math.abs(a[i * n + j]! - a[j * n + i]!) > 1e-8 * Math.max(1, scale)) throw new Error(`${what} is not symmetric at (${i}, ${j})`)
  }
}

/** Symmetrise (A + Aᵀ)/2, so that round-off asymmetry from products does not reach Jacobi. */
function symmetrised(a: Mat, n: number): Mat {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!)
  return out
}

/** The PSD square root of a symmetric PSD matrix: Q diag(√max(λ, 0)) Qᵀ. */
export function sqrtPsd(a: Mat, n: number): Mat {
  checkSym(a, n, 'sqrtPsd')
  const { values, vectors: q } = symEig(symmetrised(a, n), n)
  const s = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)))
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let v = 0
    for (let k = 0; k < n; k++) v += q[i * n + k]! * s[k]! * q[j * n + k]!
    out[i * n + j] = v
    out[j * n + i] = v
  }
  return out
}

/** tr M^½ for a symmetric PSD M: Σ √max(λ, 0). */
export function traceSqrtPsd(m: Mat, n: number): number {
  const { values } = symEig(symmetrised(m, n), n)
  let t = 0
  for (const v of values) t += Math.sqrt(Math.max(v, 0))
  return t
}

/** FD between N(μ₁, Σ₁) and N(μ₂, Σ₂); ≥ 0 up to round-off (clamped at 0). */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  const n = a.dim
  if (b.dim !== n) throw new Error(`Fréchet distance: dimensions differ (${n} vs ${b.dim})`)
  if (a.mean.length !== n || b.mean.length !== n) throw new Error(`Fréchet distance: mean lengths ${a.mean.length}, ${b.mean.length} differ from dim ${n}`)
  checkSym(a.cov, n, 'Σ₁')
  checkSym(b.cov, n, 'Σ₂')
  let d2 = 0
  let tr = 0
  for (let i = 0; i < n; i++) {
    d2 += (a.mean[i]! - b.mean[i]!) ** 2
    tr += a.cov[i * n + i]! + b.cov[i * n + i]!
  }
  const r = sqrtPsd(a.cov, n)
  // M = Σ₁^½ Σ₂ Σ₁^½
  const t = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const rik = r[i * n + k]!
    if (rik === 0) continue
    for (let j = 0; j < n; j++) t[i * n + j] += rik * b.cov[k * n + j]!
  }
  const m = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const tik = t[i * n + k]!
    if (tik === 0) continue
    for (let j = 0; j < n; j++) m[i * n + j] += tik * r[k * n + j]!
  }
  return Math.max(0, d2 + tr - 2 * traceSqrtPsd(m, n))
}

/** Mean and covariance (divisor count − 1) of `count` row-major feature vectors of length `dim`. */
export function gaussianStats(features: ArrayLike<number>, count: number, dim: number): GaussianStats {
  if (!Number.isInteger(count) || count < 2) throw new Error(`Gaussian statistics need at least 2 samples, got ${count}`)
  if (features.length !== count * dim) throw new Error(`expected ${count} × ${dim} = ${count * dim} feature values, got ${features.length}`)
  const { mean, cov } = moments(features, count, dim)
  return { mean, cov, dim, count }
}

/** Counts of each class (0…classes−1) by the argmax of `count` row-major logit vectors. */
export function classHistogram(logits: ArrayLike<number>, count: number, classes = 10): number[] {
  if (logits.length !== count * classes) throw new Error(`expected ${count} × ${classes} logits, got ${logits.length}`)
  const h = new Array<number>(classes).fill(0)
  for (let i = 0; i < count; i++) {
    let best = 0
    for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k
    h[best] = h[best]! + 1
  }
  return h
}
