// Random SPD matrices for tests and demos: G Gᵀ / n + floor·I.
import { normals } from '../linalg/random'
import type { Mat } from '../linalg/dense'

export function randomSpd(n: number, uniform: () => number, floor = 0.1): Mat {
  const g = normals(n * n, uniform)
  const c = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0
    for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k]
    c[i * n + j] = s / n + (i === j ? floor : 0)
  }
  return c
}
