// The manifold experiment's data and observations (algorithms.md §5): points on a random smooth 1-D
// manifold in R⁵ (randman, α = 3, ε = 1e-3), min–max normalised to [−2, 2]; per sample a 2×5 matrix A_i with
// N(0,1) entries and unit-norm rows; y_i = A_i x_i + σ_y ε with σ_y = 0.01.
// The evaluation sets (two independent truth samples for S(u1, u2, v), §6.3) come from the same manifold and
// are normalised jointly with the training points, so all share one coordinate system.
import { mulberry32, normals } from '../linalg/random'
import { minMaxNormalize, smoothManifold } from './randman'
import type { LinearObservations } from '../em/gaussianFit'

export const MANIFOLD_DIM = 5
export const OBS_DIM = 2

export interface ManifoldTaskConfig {
  count: number
  evalSize: number
  seed: number
  sigmaY: number
}

export interface ManifoldTask {
  /** count × 5: the hidden truth behind the observations. */
  truth: Float64Array
  /** Two independent evalSize × 5 truth sets for the Sinkhorn divergence. */
  evalA: Float64Array
  evalB: Float64Array
  obs: LinearObservations
}

export function makeManifoldTask(cfg: ManifoldTaskConfig): ManifoldTask {
  const n = MANIFOLD_DIM, m = OBS_DIM
  const total = cfg.count + 2 * cfg.evalSize
  const uData = mulberry32(cfg.seed)
  const uObs = mulberry32(cfg.seed ^ 0x9e3779b9)
  const { points } = smoothManifold(uData, total, { m: 1, n, alpha: 3, epsilon: 1e-3 })
  const all = minMaxNormalize(points, n)
  const truth = all.slice(0, cfg.count * n)
  const evalA = all.slice(cfg.count * n, (cfg.count + cfg.evalSize) * n)
  const evalB = all.slice((cfg.count + cfg.evalSize) * n)
  const a = new Float64Array(cfg.count * m * n)
  const y = new Float64Array(cfg.count * m)
  for (let i = 0; i < cfg.count; i++) {
    for (let r = 0; r < m; r++) {
      const row = normals(n, uObs)
      const norm = Math.hypot(...row)
      let s = 0
      for (let c = 0; c < n; c++) {
        const v = row[c]! / norm
        a[(i * m + r) * n + c] = v
        s += v * truth[i * n + c]!
      }
      y[i * m + r] = s + cfg.sigmaY * normals(1, uObs)[0]!
    }
  }
  return { truth, evalA, evalB, obs: { a, y, count: cfg.count, m, n, sigmaY: cfg.sigmaY } }
}
