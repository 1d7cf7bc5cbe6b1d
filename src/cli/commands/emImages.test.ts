// Runs `tsx src/cli/main.ts em-images …` as a child process: --laps 0 on real MNIST (fast: lap 0 only), and bad flags.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import '@tensorflow/tfjs-backend-cpu'
import { describe, expect, it } from 'vitest'
import { disposeUnet, importUnet, parameterShapes } from '../../engines/tfjs/unet'
import { UNET_WEIGHTS_FORMAT, unetWeightsFromFile, type UnetWeightsFile } from '../../engines/tfjs/unetWeightsFile'
import { IMAGE_EM_PRESETS } from '../../core/emImages/presets'

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx')
const dir = mkdtempSync(join(tmpdir(), 'em-images-cli-'))
const run = (extra: string[]) => spawnSync(tsx, ['src/cli/main.ts', 'em-images', ...extra], { encoding: 'utf8' })

describe('em-images CLI', () => {
  it('--laps 0: run.json with lap 0 metrics and 256 Gaussian-prior samples of 784 values in [0, 1]', () => {
    const out = join(dir, 'run.json')
    const r = run(['--preset', 'tiny', '--laps', '0', '--observations', '256', '--seed', '3', '--out', out])
    expect(r.status, r.stderr).toBe(0)
    const res = JSON.parse(readFileSync(out, 'utf8')) as { laps: Array<{ lap: number; fd: number; classHistogram: number[]; completionPsnr: number; seconds: number }>; samples: number[][]; config: { observations: number; estep: { covariance: string } } }
    expect(res.laps).toHaveLength(1)
    expect(res.laps[0]!.lap).toBe(0)
    // a posterior draw under the fitted Gaussian beats the all-background guess on 75 %-deleted digits
    expect(res.laps[0]!.completionPsnr).toBeGreaterThan(9)
    expect(res.laps[0]!.seconds).toBeGreaterThan(0)
    // FD of the Gaussian prior's samples against the held-out digits: finite and clearly non-zero (they are not digits)
    expect(Number.isFinite(res.laps[0]!.fd)).toBe(true)
    expect(res.laps[0]!.fd).toBeGreaterThan(1)
    expect(res.laps[0]!.classHistogram).toHaveLength(10)
    expect(res.laps[0]!.classHistogram.reduce((a, b) => a + b, 0)).toBe(256)
    expect(res.samples).toHaveLength(256)
    for (const s of res.samples) {
      expect(s).toHaveLength(784)
      expect(s.every((v) => v >= 0 && v <= 1)).toBe(true)
    }
    expect(res.config.observations).toBe(256)
    expect(res.config.estep.covariance).toBe('tweedie')
  }, 240_000)
  it('--weights-out: the last lap\'s U-Net weights in tfjs-weights.json\'s format, read back by importUnet', async () => {
    const w = join(dir, 'w.json')
    const r = run(['--preset', 'tiny', '--laps', '1', '--observations', '32', '--train-steps', '3', '--estep-steps', '2', '--fd', 'off', '--seed', '1', '--weights-out', w, '--out', join(dir, 'run1.json')])
    expect(r.status, r.stderr).toBe(0)
    const f = JSON.parse(readFileSync(w, 'utf8')) as UnetWeightsFile
    expect(f.format).toBe(UNET_WEIGHTS_FORMAT)
    expect(f.meta).toMatchObject({ preset: 'tiny', lap: 1, covariance: 'tweedie', seed: 1, observations: 32 })
    const weights = unetWeightsFromFile(f)
    expect(weights.config).toEqual(IMAGE_EM_PRESETS.tiny.unet)
    expect(weights.names).toEqual(parameterShapes(weights.config).map(([n]) => n))
    const p = importUnet(weights) // throws on a wrong name or size
    expect(p.size).toBe(weights.names.length)
    disposeUnet(p)
    // trained weights, not the zero biases and bounded init alone: some bias moved off 0
    expect(weights.data.some((d, i) => weights.names[i]!.endsWith('.b') && d.some((v) => v !== 0))).toBe(true)
  }, 240_000)
  const bad: Array<[string[], RegExp]> = [
    [['--laps', '0', '--weights-out', join(dir, 'never.json')], /^error: --weights-out needs --laps of at least 1/],
    [['--preset', 'huge'], /^error: --preset must be one of tiny, default/],
    [['--covariance', 'jacobian'], /^error: --covariance must be one of tweedie, sigma_t, inverse/],
    [['--laps', '1.5'], /^error: --laps must be a non-negative integer/],
    [['--corruption', 'rain'], /^error: --corruption must be one of pixels, box, blur/],
    [['--fd', 'maybe'], /^error: --fd must be one of on, off/],
    [['--clamp', 'always'], /^error: --clamp must be one of none, posterior, denoised, both/],
    [['--bogus'], /^error: .*bogus/],
  ]
  for (const [flags, re] of bad) {
    it(`bad flags ${flags.join(' ')} → one line, exit 2`, () => {
      const r = run(flags)
      expect(r.status).toBe(2)
      expect(r.stderr.trim()).toMatch(re)
    })
  }
})
