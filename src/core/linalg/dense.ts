// Small dense linear algebra in plain Float64Array (row-major n×n), for the analytic oracles
// (priors/, exact posteriors) where float64 matters and sizes are tiny. Not for images.

export type Mat = Float64Array // row-major, n*n entries

export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const n = rows.length
  const m = new Float64Array(n * n)
  rows.forEach((r, i) => r.forEach((v, j) => { m[i * n + j] = v }))
  return m
}

export function toRows(m: Mat, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, i * n + n)))
}

export function identity(n: number, scale = 1): Mat {
  const m = new Float64Array(n * n)
  for (let i = 0; i < n; i++) m[i * n + i] = scale
  return m
}

/** C = A (p×q) · B (q×r). */
export function matmul(a: Float64Array, b: Float64Array, p: number, q: number, r: number): Float64Array {
  const c = new Float64Array(p * r)
  for (let i = 0; i < p; i++) for (let k = 0; k < q; k++) {
    const aik = a[i * q + k]
    if (aik === 0) continue
    for (let j = 0; j < r; j++) c[i * r + j] += aik * b[k * r + j]
  }
  return c
}

/** Transpose of a p×q matrix. */
export function transpose(a: Float64Array, p: number, q: number): Float64Array {
  const t = new Float64Array(p * q)
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) t[j * p + i] = a[i * q + j]
  return t
}

export function matvec(a: Float64Array, x: ArrayLike<number>, p: number, q: number): Float64Array {
  const y = new Float64Array(p)
  for (let i = 0; i < p; i++) { let s = 0; for (let j = 0; j < q; j++) s += a[i * q + j] * x[j]; y[i] = s }
  return y
}

export function add(a: Float64Array, b: Float64Array, sb = 1): Float64Array {
  return a.map((v, i) => v + sb * b[i])
}

/** Lower-triangular L with A = L Lᵀ; throws if A is not symmetric positive definite. */
export function cholesky(a: Mat, n: number): Mat {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k]
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) throw new Error('matrix is not symmetric positive definite')
        l[i * n + i] = Math.sqrt(s)
      } else l[i * n + j] = s / l[j * n + j]
    }
  }
  return l
}

export function isSymmetric(a: Mat, n: number, tol = 1e-9): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const d = Math.abs(a[i * n + j] - a[j * n + i])
    if (d > tol * (1 + Math.abs(a[i * n + j]))) return false
  }
  return true
}

export function isSPD(a: Mat, n: number): boolean {
  if (!isSymmetric(a, n)) return false
  try { cholesky(a, n); return true } catch { return false }
}

/** Solve A X = B for SPD A (n×n) and B (n×r) by Cholesky. */
export function cholSolve(a: Mat, b: Float64Array, n: number, r = 1): Float64Array {
  const l = cholesky(a, n)
  const x = Float64Array.from(b)
  for (let c = 0; c < r; c++) {
    for (let i = 0; i < n; i++) { let s = x[i * r + c]; for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * r + c]; x[i * r + c] = s / l[i * n + i] }
    for (let i = n - 1; i >= 0; i--) { let s = x[i * r + c]; for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * r + c]; x[i * r + c] = s / l[i * n + i] }
  }
  return x
}

/** Solve A X = B for a general square A by Gaussian elimination with partial pivoting. */
export function solve(a: Mat, b: Float64Array, n: number, r = 1): Float64Array {
  const m = Float64Array.from(a)
  const x = Float64Array.from(b)
  for (let c = 0; c < n; c++) {
    let p = c
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i * n + c]) > Math.abs(m[p * n + c])) p = i
    if (m[p * n + c] === 0) throw new Error('singular matrix')
    if (p !== c) {
      for (let j = 0; j < n; j++) { const t = m[c * n + j]; m[c * n + j] = m[p * n + j]; m[p * n + j] = t }
      for (let j = 0; j < r; j++) { const t = x[c * r + j]; x[c * r + j] = x[p * r + j]; x[p * r + j] = t }
    }
    for (let i = c + 1; i < n; i++) {
      const f = m[i * n + c] / m[c * n + c]
      if (f === 0) continue
      for (let j = c; j < n; j++) m[i * n + j] -= f * m[c * n + j]
      for (let j = 0; j < r; j++) x[i * r + j] -= f * x[c * r + j]
    }
  }
  for (let i = n - 1; i >= 0; i--) for (let j = 0; j < r; j++) {
    let s = x[i * r + j]
    for (let k = i + 1; k < n; k++) s -= m[i * n + k] * x[k * r + j]
    x[i * r + j] = s / m[i * n + i]
  }
  return x
}

export function inverse(a: Mat, n: number): Mat {
  return solve(a, identity(n), n, n)
}

/** log det of an SPD matrix. */
export function logdetSPD(a: Mat, n: number): number {
  const l = cholesky(a, n)
  let s = 0
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i])
  return 2 * s
}

/** Symmetric eigen-decomposition by cyclic Jacobi: A = Q diag(w) Qᵀ (Q's columns are eigenvectors). */
export function symEig(a: Mat, n: number): { values: Float64Array; vectors: Mat } {
  const m = Float64Array.from(a)
  const q = identity(n)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2
    if (off < 1e-30) break
    for (let p = 0; p < n; p++) for (let r = p + 1; r < n; r++) {
      const apq = m[p * n + r]
      if (Math.abs(apq) < 1e-300) continue
      const theta = (m[r * n + r] - m[p * n + p]) / (2 * apq)
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
      const c = 1 / Math.sqrt(t * t + 1), s = t * c
      for (let k = 0; k < n; k++) {
        const mkp = m[k * n + p], mkr = m[k * n + r]
        m[k * n + p] = c * mkp - s * mkr; m[k * n + r] = s * mkp + c * mkr
      }
      for (let k = 0; k < n; k++) {
        const mpk = m[p * n + k], mrk = m[r * n + k]
        m[p * n + k] = c * mpk - s * mrk; m[r * n + k] = s * mpk + c * mrk
      }
      for (let k = 0; k < n; k++) {
        const qkp = q[k * n + p], qkr = q[k * n + r]
        q[k * n + p] = c * qkp - s * qkr; q[k * n + r] = s * qkp + c * qkr
      }
    }
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = m[i * n + i]
  return { values, vectors: q }
}

/** Sample mean (length d) and covariance (d×d, divisor n−1) of n row-major samples. */
export function moments(samples: ArrayLike<number>, n: number, d: number): { mean: Float64Array; cov: Mat } {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += samples[i * d + j] / n
  const cov = new Float64Array(d * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
    const a = samples[i * d + j] - mean[j]
    for (let k = 0; k < d; k++) cov[j * d + k] += a * (samples[i * d + k] - mean[k]) / (n - 1)
  }
  return { mean, cov }
}

export function frobenius(a: Float64Array): number {
  let s = 0
  for (const v of a) s += v * v
  return Math.sqrt(s)
}
