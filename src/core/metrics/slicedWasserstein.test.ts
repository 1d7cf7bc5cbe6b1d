import { describe, expect, it } from 'vitest'
import { mulberry32, normals } from '../linalg/random'
import { slicedWasserstein, slicedWassersteinSquared, w2SquaredSorted } from './slicedWasserstein'

describe('sliced Wasserstein (SW₂², see the module header)', () => {
  it('identical sets give 0', () => {
    const u = normals(300, mulberry32(1))
    expect(slicedWassersteinSquared(u, u, 3, { projections: 16 })).toBe(0)
  })

  it('1-D: a shift s gives s²', () => {
    const u = normals(200, mulberry32(2))
    const v = u.map((x) => x + 0.7)
    expect(slicedWassersteinSquared(u, v, 1, { projections: 4 })).toBeCloseTo(0.49, 12)
    expect(slicedWasserstein(u, v, 1)).toBeCloseTo(0.7, 12)
  })

  it('3-D: a shift s gives E_θ (θ·s)² = |s|²/3', () => {
    const u = normals(600, mulberry32(3))
    const v = u.map((x, i) => (i % 3 === 0 ? x + 1.5 : x))
    const sw2 = slicedWassersteinSquared(u, v, 3, { projections: 512, seed: 4 })
    expect(sw2).toBeGreaterThan(0.9 * 0.75)
    expect(sw2).toBeLessThan(1.1 * 0.75)
  })

  it('unequal sizes: exact quantile-function formula', () => {
    expect(w2SquaredSorted(Float64Array.of(0, 1), Float64Array.of(0, 0.5, 1))).toBeCloseTo(1 / 12, 14)
  })

  it('is seeded', () => {
    const r = mulberry32(5)
    const u = normals(90, r), v = normals(90, r)
    expect(slicedWassersteinSquared(u, v, 3, { seed: 9 })).toBe(slicedWassersteinSquared(u, v, 3, { seed: 9 }))
  })
})
