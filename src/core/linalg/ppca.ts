// PPCA (Tipping & Bishop, closed form) as [D] `ppca` (algorithms.md §4.1): μ = mean, C = covariance,
// top-r eigenpairs (L, Q), D = (tr C − Σ L)/(N − r) (1e-6 at full rank, §9.6), U = Q·sqrt(max(L − D, 0)),
// Σ = D·I + U Uᵀ. Returned as a dense N×N matrix (our N is small: the manifold's 5).
import { moments, symEig, type Mat } from './dense'

export interface PpcaFit {
  mean: Float64Array
  cov: Mat
  noise: number
}

export function ppca(samples: Float32Array | Float64Array, count: number, n: number, rank: number): PpcaFit {
  if (rank < 1 || rank > n) throw new Error(`PPCA rank must be in 1..${n}, got ${rank}`)
  if (count < 2) throw new Error('PPCA needs at least two samples')
  const { mean, cov: c } = moments(samples, count, n)
  const { values, vectors } = symEig(c, n) // ascending or descending: sort below
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!)
  let trace = 0
  for (let i = 0; i < n; i++) trace += c[i * n + i]!
  let top = 0
  for (let k = 0; k < rank; k++) top += values[order[k]!]!
  const noise = rank < n ? (trace - top) / (n - rank) : 1e-6
  const cov = new Float64Array(n * n)
  for (let i = 0; i < n; i++) cov[i * n + i] = noise
  for (let k = 0; k < rank; k++) {
    const j = order[k]!
    const w = Math.max(values[j]! - noise, 0)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      cov[a * n + b]! += w * vectors[a * n + j]! * vectors[b * n + j]!
    }
  }
  return { mean, cov, noise }
}
