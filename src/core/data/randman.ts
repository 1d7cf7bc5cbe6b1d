// The randman smooth random manifold generator (`smooth_manifold`, algorithms.md §5) and the per-coordinate
// min–max normalisation to [−2, 2] that the manifold experiment and the toy prior (§6.1) apply to it.
//
//   K = ceil(ε^(−1/α))                       (= 10 for ε = 1e-3, α = 3)
//   a, b, c ~ U(0, 1), shape (n, m, K), drawn once per manifold (a first, then b, then c)
//   z ~ U(0, 1)^m per sample
//   x_d(z) = Π_{j=1..m} Σ_{k=1..K} a_{djk} k^(−α) sin(2π (k b_{djk} z_j + c_{djk}))
//
// Randomness comes from a uniform generator in [0, 1) (e.g. mulberry32 from core/linalg/random), so a seed
// fixes the manifold and the samples. JAX's key splitting is not reproduced: same law, different draws.

export interface SmoothManifoldOptions {
  /** Manifold dimension. */
  m?: number
  /** Ambient dimension. */
  n?: number
  /** Smoothness α. */
  alpha?: number
  /** Spectral cutoff ε: K = ceil(ε^(−1/α)). */
  epsilon?: number
}

export interface SmoothManifold {
  readonly m: number
  readonly n: number
  readonly alpha: number
  readonly K: number
  /** Coefficients, each of shape (n, m, K) row-major. */
  readonly a: Float64Array
  readonly b: Float64Array
  readonly c: Float64Array
}

export function cutoff(alpha: number, epsilon: number): number {
  // ε^(−1/α) is 9.999999999999998 in float64 for ε = 1e-3, α = 3; the 1e-9 guards the other side too.
  return Math.ceil(Math.pow(epsilon, -1 / alpha) - 1e-9)
}

/** Draws the coefficients a, b, c of one manifold. */
export function makeSmoothManifold(uniform: () => number, opts: SmoothManifoldOptions = {}): SmoothManifold {
  const m = opts.m ?? 1, n = opts.n ?? 5, alpha = opts.alpha ?? 3, epsilon = opts.epsilon ?? 1e-3
  if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(n) && n >= 1)) throw new Error('smooth_manifold: m and n must be positive integers')
  const K = cutoff(alpha, epsilon)
  const draw = (): Float64Array => {
    const out = new Float64Array(n * m * K)
    for (let i = 0; i < out.length; i++) out[i] = uniform()
    return out
  }
  const a = draw(), b = draw(), c = draw()
  return { m, n, alpha, K, a, b, c }
}

/** The point x(z) ∈ Rⁿ of the manifold at intrinsic coordinates z ∈ [0, 1]^m, written into out[off..off+n). */
export function evaluateManifold(man: SmoothManifold, z: ArrayLike<number>, out: Float64Array, off = 0): void {
  const { m, n, K, alpha, a, b, c } = man
  for (let d = 0; d < n; d++) {
    let prod = 1
    for (let j = 0; j < m; j++) {
      let s = 0
      const base = (d * m + j) * K
      for (let k = 1; k <= K; k++) {
        const idx = base + k - 1
        s += (a[idx] / Math.pow(k, alpha)) * Math.sin(2 * Math.PI * (k * b[idx] * z[j] + c[idx]))
      }
      prod *= s
    }
    out[off + d] = prod
  }
}

/**
 * `smooth_manifold(key, (count,), m, n, alpha, epsilon)`: `count` points (row-major count × n) of one freshly
 * drawn manifold, at z ~ U(0,1)^m. Not normalised (see `minMaxNormalize`).
 */
export function smoothManifold(uniform: () => number, count: number, opts: SmoothManifoldOptions = {}): { points: Float64Array; manifold: SmoothManifold } {
  const manifold = makeSmoothManifold(uniform, opts)
  const { m, n } = manifold
  const points = new Float64Array(count * n)
  const z = new Float64Array(m)
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < m; j++) z[j] = uniform()
    evaluateManifold(manifold, z, points, i * n)
  }
  return { points, manifold }
}

/**
 * Per-coordinate min–max normalisation over the set, then x ← lo + (hi − lo)·x (§5: x ← 4x − 2 for [−2, 2]).
 * Returns a new array; a constant coordinate maps to the middle of the range.
 */
export function minMaxNormalize(x: Float64Array, d: number, lo = -2, hi = 2): Float64Array {
  if (x.length % d !== 0) throw new Error(`length ${x.length} is not a multiple of d = ${d}`)
  const rowsN = x.length / d
  const out = new Float64Array(x.length)
  for (let k = 0; k < d; k++) {
    let mn = Infinity, mx = -Infinity
    for (let i = 0; i < rowsN; i++) {
      const v = x[i * d + k]
      if (v < mn) mn = v
      if (v > mx) mx = v
    }
    const span = mx - mn
    for (let i = 0; i < rowsN; i++) {
      const unit = span > 0 ? (x[i * d + k] - mn) / span : 0.5
      out[i * d + k] = lo + (hi - lo) * unit
    }
  }
  return out
}
