import { describe, expect, it } from 'vitest'
import { decodeImageRun, encodeImageRun, type ImageLapRow, type ImageRunRecord } from './imageEmRuns'
import { IMAGE_EM_PRESETS } from '../../core/emImages/presets'
import { parameterShapes, type UnetWeights } from '../../engines/tfjs/unet'

const config = { ...IMAGE_EM_PRESETS.tiny, observations: 3 }
const run: ImageRunRecord = { id: 'r1', name: 'tiny', createdAt: 1, config, status: 'stopped' }
const shapes = parameterShapes(config.unet)
const weights: UnetWeights = {
  config: config.unet, names: shapes.map(([n]) => n), shapes: shapes.map(([, s]) => s),
  data: shapes.map(([, s], j) => new Float32Array(s.reduce((a, b) => a * b, 1)).fill(j / 100)),
}
const prior = { n: 784, rank: 2, noise: 0.1, mean: new Float32Array(784).fill(-0.5), u: new Float32Array(784 * 2).fill(0.01) }
const lap = (i: number): ImageLapRow => ({
  runId: 'r1', lap: i, completionPsnr: 14 + i, seconds: 2, secondsMStep: i, secondsEStep: i, losses: i ? [0.5, 0.4] : [],
  completions: new Float32Array(2 * 784).fill(0.25), samples: new Float32Array(784).fill(-1), eStepSamples: new Float32Array(3 * 784).fill(i),
  prior, weights: i ? weights : undefined, fd: i ? 30 - i : undefined,
})

describe('image EM run file', () => {
  it('round-trips a run; only the last lap keeps its E-step samples (what a resume needs)', () => {
    const back = decodeImageRun(encodeImageRun(run, [lap(0), lap(1)]))
    expect(back.run.config.unet.channels).toEqual([8, 16])
    expect(back.laps).toHaveLength(2)
    expect(back.laps[0]!.eStepSamples).toBeUndefined()
    expect(back.laps[1]!.eStepSamples).toEqual(lap(1).eStepSamples)
    expect(back.laps[1]!.weights!.data[3]).toEqual(weights.data[3])
    expect(back.laps[1]!.prior.u).toEqual(prior.u)
    expect(back.laps[1]!.fd).toBe(29)
    expect(back.laps[0]!.fd).toBeUndefined()
  })
  it('rejects a foreign file, gaps, missing resume samples, a mismatched U-Net and bad values with specific messages', () => {
    expect(() => decodeImageRun('not json')).toThrow(/not JSON/)
    expect(() => decodeImageRun(JSON.stringify({ format: 'tweedie-playground.manifold-run' }))).toThrow(/Not an image EM run file/)
    const f = (): Record<string, any> => JSON.parse(encodeImageRun(run, [lap(0), lap(1)]))
    const gap = f(); gap.laps[1].lap = 4
    expect(() => decodeImageRun(JSON.stringify(gap))).toThrow(/without gaps/)
    const noResume = f(); delete noResume.laps[1].eStepSamples
    expect(() => decodeImageRun(JSON.stringify(noResume))).toThrow(/has no E-step samples to resume from/)
    const wrong = f(); wrong.run.config.unet.channels = [16, 32]
    expect(() => decodeImageRun(JSON.stringify(wrong))).toThrow(/does not match the run's U-Net/)
    const cov = f(); cov.run.config.estep.covariance = 'magic'
    expect(() => decodeImageRun(JSON.stringify(cov))).toThrow(/covariance must be one of tweedie, sigma_t, inverse/)
    const count = f(); count.run.config.observations = 5
    expect(() => decodeImageRun(JSON.stringify(count))).toThrow(/holds 3 samples; the run has 5 observations/)
    const hist = f(); hist.laps[1].classHistogram = [1, 2]
    expect(() => decodeImageRun(JSON.stringify(hist))).toThrow(/classHistogram must be 10 finite numbers/)
    const noW = f(); delete noW.laps[1].weights
    expect(() => decodeImageRun(JSON.stringify(noW))).toThrow(/has no weights/)
  })
})
