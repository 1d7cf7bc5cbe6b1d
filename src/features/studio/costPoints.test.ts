import { describe, expect, it } from 'vitest'
import { costPoint, frontiers, parseSweepSteps, type CostPoint } from './costPoints'
import type { MethodResult } from '../../core/studio/run'

const result = (label: string, method: number, steps: number, vjpPerStep: number, psnr: number, status: MethodResult['status'] = 'done'): MethodResult => ({
  method, label, spec: { name: 'mmps', solver: 'cg', iters: vjpPerStep }, status, jacobian: 'exact',
  forward: steps + 1, vjp: vjpPerStep * (steps + 1), calls: steps + 1, seconds: steps / 5, steps, reached: steps + 1, psnrSample: psnr, ssimSample: psnr / 40,
})

describe('accuracy against cost', () => {
  it('a point counts forward passes + VJPs and seconds per sample', () => {
    const p = costPoint(result('MMPS (CG 3)', 0, 10, 3, 22), 2, 'run')
    expect(p.evaluations).toBe(11 + 33)
    expect(p.seconds).toBeCloseTo(1, 12) // 2 s over 2 samples
    expect(p.psnr).toBe(22)
  })
  it('one frontier per method, sorted by cost; a sweep point replaces the run point at the same step count', () => {
    const pts: CostPoint[] = [
      costPoint(result('DPS', 0, 10, 1, 14), 2, 'run'),
      costPoint(result('MMPS (CG 3)', 1, 10, 3, 22), 2, 'run'),
      ...[32, 4, 10].map((s) => costPoint(result('MMPS (CG 3)', 1, s, 3, 20 + s / 10), 1, 'sweep')),
      costPoint({ ...result('DPS', 0, 4, 1, NaN), psnrSample: undefined }, 1, 'sweep'),
    ]
    const f = frontiers(pts, 'evaluations')
    expect([...f.keys()]).toEqual(['DPS', 'MMPS (CG 3)'])
    expect(f.get('DPS')!.map((p) => p.steps)).toEqual([10]) // the NaN point is dropped
    const m = f.get('MMPS (CG 3)')!
    expect(m.map((p) => p.steps)).toEqual([4, 10, 32])
    expect(m.find((p) => p.steps === 10)!.source).toBe('sweep')
    expect(m.map((p) => p.evaluations)).toEqual([20, 44, 132])
  })
})

describe('sweep step counts', () => {
  it('parses, sorts and dedupes a list; rejects anything else with a message', () => {
    expect(parseSweepSteps('4, 8,16 32 64')).toEqual([4, 8, 16, 32, 64])
    expect(parseSweepSteps('16,4,4')).toEqual([4, 16])
    expect(parseSweepSteps('4, x')).toMatch(/whole numbers from 2 to 1000/)
    expect(parseSweepSteps('1')).toMatch(/from 2/)
    expect(parseSweepSteps('')).toMatch(/whole numbers/)
    expect(parseSweepSteps('2,3,4,5,6,7,8,9,10')).toBe('At most 8 step counts in one sweep.')
  })
})
