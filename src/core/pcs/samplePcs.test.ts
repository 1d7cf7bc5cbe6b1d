import { describe, expect, it } from 'vitest'
import { samplePcs } from './samplePcs'
import { moments, symEig } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'

describe('PCs of posterior samples', () => {
  it('equal the top eigenpairs of the sample covariance (direct N×N eigen-decomposition)', () => {
    const s = 6, n = 9
    const z = normals(s * n, mulberry32(3))
    const x = Float32Array.from(z, (v, i) => v * (1 + (i % n)))
    const r = samplePcs(x, s, n, 3)
    const { cov } = moments(x, s, n)
    const { values, vectors } = symEig(cov, n)
    const order = Array.from(values, (_, i) => i).sort((p, q) => values[q] - values[p])
    r.eigenvalues.forEach((v, i) => expect(v).toBeCloseTo(values[order[i]], 4))
    r.vectors.forEach((v, i) => {
      let d = 0
      for (let j = 0; j < n; j++) d += v[j] * vectors[j * n + order[i]]
      expect(Math.abs(d)).toBeGreaterThan(0.9999)
    })
  })
  it('gives at most S − 1 components and refuses a single sample', () => {
    expect(samplePcs(new Float32Array([0, 1, 2, 3]), 2, 2, 3).eigenvalues).toHaveLength(1)
    expect(() => samplePcs(new Float32Array(3), 1, 3, 1)).toThrow(/at least 2 samples/)
  })
})
