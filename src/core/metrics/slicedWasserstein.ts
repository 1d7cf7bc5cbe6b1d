// Sliced Wasserstein distance between two point sets (a second distribution metric next to the Sinkhorn
// divergence of algorithms.md §6.3; used per lap by the manifold lab, issue 4).
//
// Definition used here (p = 2, uniform weights on each set):
//   SW₂²(u, v) = E_θ~Unif(S^{d−1}) [ W₂²(θᵀu, θᵀv) ],
// estimated with L directions θ_ℓ drawn from a seeded generator (normalised standard normal vectors), and
//   W₂²(a, b) = ∫₀¹ (F_a⁻¹(q) − F_b⁻¹(q))² dq
// computed exactly for the two 1-D empirical distributions (sorted matching when |a| = |b|; a merge of the two
// step quantile functions otherwise). `slicedWassersteinSquared` returns SW₂²; `slicedWasserstein` returns
// its square root, which is POT's `ot.sliced_wasserstein_distance(u, v, n_projections=L, p=2)` convention.
// In 1-D the only directions are ±1, so SW₂² = W₂²: a shift by s gives s².
import { mulberry32, normals } from '../linalg/random'

export interface SlicedWassersteinOptions {
  /** Number of random directions L. */
  projections?: number
  seed?: number
}

/** W₂² between two 1-D empirical distributions given as SORTED arrays (uniform weights). */
export function w2SquaredSorted(a: Float64Array, b: Float64Array): number {
  const n = a.length, m = b.length
  if (n === 0 || m === 0) throw new Error('w2: empty sample')
  if (n === m) {
    let s = 0
    for (let i = 0; i < n; i++) s += (a[i] - b[i]) ** 2
    return s / n
  }
  // Merge the breakpoints k/n and l/m of the two quantile step functions.
  let i = 0, j = 0, q = 0, s = 0
  while (i < n && j < m) {
    const qa = (i + 1) / n, qb = (j + 1) / m
    const next = Math.min(qa, qb)
    s += (next - q) * (a[i] - b[j]) ** 2
    q = next
    if (qa <= next) i++
    if (qb <= next) j++
  }
  return s
}

function project(x: Float64Array, d: number, theta: Float64Array): Float64Array {
  const n = x.length / d
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = 0; k < d; k++) s += x[i * d + k] * theta[k]
    out[i] = s
  }
  return out.sort()
}

/** SW₂² (see the header): mean over L seeded random directions of the exact 1-D W₂². */
export function slicedWassersteinSquared(u: Float64Array, v: Float64Array, d: number, opts: SlicedWassersteinOptions = {}): number {
  if (u.length % d !== 0 || v.length % d !== 0) throw new Error(`point sets are not multiples of d = ${d}`)
  const L = opts.projections ?? 128
  const rand = mulberry32(opts.seed ?? 0)
  let total = 0
  for (let l = 0; l < L; l++) {
    let theta: Float64Array
    if (d === 1) theta = Float64Array.of(1)
    else {
      let norm = 0
      do {
        theta = normals(d, rand)
        norm = Math.hypot(...theta)
      } while (norm < 1e-12)
      for (let k = 0; k < d; k++) theta[k] /= norm
    }
    total += w2SquaredSorted(project(u, d, theta), project(v, d, theta))
  }
  return total / L
}

/** SW₂ = sqrt(SW₂²) (POT's convention for `sliced_wasserstein_distance`, p = 2). */
export function slicedWasserstein(u: Float64Array, v: Float64Array, d: number, opts: SlicedWassersteinOptions = {}): number {
  return Math.sqrt(slicedWassersteinSquared(u, v, d, opts))
}
