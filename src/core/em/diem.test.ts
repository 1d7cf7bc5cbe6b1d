import { describe, expect, it } from 'vitest'
import { lapMetrics } from './diem'
import { eStepStepsAt } from './presets'
import { makeManifoldTask, MANIFOLD_DIM } from '../data/manifoldTask'
import { sinkhornDivergence } from '../metrics/sinkhorn'
import { mulberry32, normals } from '../linalg/random'

describe('lapMetrics', () => {
  const task = makeManifoldTask({ count: 64, evalSize: 32, seed: 3, sigmaY: 0.01 })
  const blur = (scale: number, rows: number, seed: number): Float32Array => {
    const z = normals(rows * MANIFOLD_DIM, mulberry32(seed))
    return Float32Array.from(task.truth.subarray(0, rows * MANIFOLD_DIM), (x, i) => x + scale * z[i]!)
  }
  const direct = (v: Float32Array, n: number): number =>
    sinkhornDivergence(task.evalA.subarray(0, n * MANIFOLD_DIM), task.evalB.subarray(0, n * MANIFOLD_DIM), Float64Array.from(v.subarray(0, n * MANIFOLD_DIM)), MANIFOLD_DIM)

  it('gives S(u1, u2, v) exactly, with the truth-vs-truth term computed once per task and reused', () => {
    const a = blur(0.3, 64, 1), b = blur(0.05, 64, 2)
    const sa = lapMetrics(task, a, 32, 0).sinkhorn
    const sb = lapMetrics(task, b, 32, 1).sinkhorn // the cached reference
    expect(sa).toBe(direct(a, 32))
    expect(sb).toBe(direct(b, 32))
    expect(sb).toBeLessThan(sa)
  })

  it('uses as many truth points as samples were kept when fewer than evalSize', () => {
    const few = blur(0.1, 20, 4)
    expect(lapMetrics(task, few, 32, 0).sinkhorn).toBe(direct(few, 20))
  })
})

describe('eStepStepsAt', () => {
  it('is `steps` every lap without a ramp', () => {
    expect([1, 2, 9].map((k) => eStepStepsAt({ steps: 128, chunk: 1, cgIters: 2 }, k))).toEqual([128, 128, 128])
  })
  it('rises geometrically from firstSteps at lap 1 to steps at lap rampLaps, then stays', () => {
    const s = { steps: 256, firstSteps: 32, rampLaps: 4, chunk: 1, cgIters: 2 }
    // 32 · 8^(0/3, 1/3, 2/3, 1) = 32, 64, 128, 256
    expect([1, 2, 3, 4, 5, 11].map((k) => eStepStepsAt(s, k))).toEqual([32, 64, 128, 256, 256, 256])
  })
  it('rejects firstSteps below 1', () => {
    expect(() => eStepStepsAt({ steps: 64, firstSteps: 0, rampLaps: 3, chunk: 1, cgIters: 2 }, 1)).toThrow(/firstSteps/)
  })
})
