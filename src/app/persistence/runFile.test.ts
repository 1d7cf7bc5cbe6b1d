import { describe, expect, it } from 'vitest'
import { decodeRun, encodeRun, RunFileError } from './runFile'
import { MANIFOLD_PRESETS } from '../../core/em/presets'
import { layerSizes } from '../../engines/tfjs/mlp'
import type { LapRow, RunRecord } from './runsDb'

const config = { ...MANIFOLD_PRESETS.tiny }
const run: RunRecord = { id: 'r1', name: 'tiny', createdAt: 1, config, status: 'done' }
const sizes = layerSizes({ features: 5, hidden: config.hidden, layers: 3, embedding: 64 })
const weights = {
  config: { features: 5, hidden: config.hidden, layers: 3, embedding: 64 },
  shapes: [...sizes.slice(0, -1).map((s, i) => [s, sizes[i + 1]!]), ...sizes.slice(1).map((s) => [s])],
  data: [...sizes.slice(0, -1).map((s, i) => new Float32Array(s * sizes[i + 1]!).fill(0.5)), ...sizes.slice(1).map((s) => new Float32Array(s))],
}
const prior = { mean: new Float64Array(5), cov: new Float64Array(25).fill(0.1) }
const lap = (i: number): LapRow => ({
  runId: 'r1', lap: i, samples: Float32Array.from({ length: 20 }, (_, k) => k / 10 - 1), kept: 4, discarded: 0,
  losses: [0.5], seconds: 1, sinkhorn: 0.1, slicedWasserstein: 0.2, weights: i ? weights : undefined, prior,
})

describe('run file', () => {
  it('round-trips a run exactly', () => {
    const text = encodeRun(run, [lap(0), lap(1)])
    const back = decodeRun(text)
    expect(back.run.id).toBe('r1')
    expect(back.laps[1]!.samples).toEqual(lap(1).samples)
    expect(back.laps[1]!.weights!.data[2]).toEqual(weights.data[2])
  })
  it('rejects non-JSON, a foreign format, gaps, and mismatched weights with specific messages', () => {
    expect(() => decodeRun('PK\u0003\u0004')).toThrow(/not JSON/)
    expect(() => decodeRun('{"format":"other"}')).toThrow(/Not a manifold run file/)
    const gap = JSON.parse(encodeRun(run, [lap(0), lap(1)]))
    gap.laps[1].lap = 5
    expect(() => decodeRun(JSON.stringify(gap))).toThrow(/without gaps/)
    const wrong = JSON.parse(encodeRun({ ...run, config: { ...config, hidden: 32 } }, [lap(0), lap(1)]))
    expect(() => decodeRun(JSON.stringify(wrong))).toThrow(RunFileError)
    expect(() => decodeRun(JSON.stringify(wrong))).toThrow(/does not match the run's MLP/)
    const bad = JSON.parse(encodeRun(run, [lap(0)]))
    bad.laps[0].samples = 'not base64!!'
    expect(() => decodeRun(JSON.stringify(bad))).toThrow(/laps\[0\]\.samples/)
  })
})
