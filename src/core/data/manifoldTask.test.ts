import { describe, expect, it } from 'vitest'
import { makeManifoldTask } from './manifoldTask'

describe('manifold task (§5)', () => {
  const task = makeManifoldTask({ count: 500, evalSize: 100, seed: 3, sigmaY: 0.01 })
  it('has the right shapes and range', () => {
    expect(task.truth.length).toBe(500 * 5)
    expect(task.evalA.length).toBe(100 * 5)
    expect(task.evalB.length).toBe(100 * 5)
    const all = [...task.truth, ...task.evalA, ...task.evalB]
    expect(Math.min(...all)).toBeCloseTo(-2, 6)
    expect(Math.max(...all)).toBeCloseTo(2, 6)
  })
  it('observations are unit-row projections plus σ_y noise', () => {
    const { a, y } = task.obs
    for (let i = 0; i < 20; i++) {
      for (let r = 0; r < 2; r++) {
        let norm = 0, ax = 0
        for (let c = 0; c < 5; c++) {
          norm += a[(i * 2 + r) * 5 + c]! ** 2
          ax += a[(i * 2 + r) * 5 + c]! * task.truth[i * 5 + c]!
        }
        expect(norm).toBeCloseTo(1, 10)
        expect(Math.abs(y[i * 2 + r]! - ax)).toBeLessThan(0.05) // 5 σ_y
      }
    }
  })
  it('is reproducible from its seed', () => {
    const again = makeManifoldTask({ count: 500, evalSize: 100, seed: 3, sigmaY: 0.01 })
    expect(again.obs.y).toEqual(task.obs.y)
  })
})
