// `npm run cli -- em-images --preset tiny|default|large --laps L --seed S --covariance tweedie|sigma_t|inverse --out run.json`
// (optional: --corruption pixels|box|blur, --observations N, --estep-steps K, --cg-iters K, --train-steps K, --backend wasm|cpu, --fd on|off,
//  --weights-out w.json: the last lap's U-Net weights in models/mnist-unet/tfjs-weights.json's format, unetWeightsFile.ts)
// The image EM lab (issue 13) in Node on tfjs-wasm — the same runner the page will use. Lap 0 is the Gaussian
// prior; --laps L adds L EM laps (U-Net M-step + MMPS E-step); --laps 0 stops after lap 0. run.json holds the
// per-lap metrics and the final lap's unconditional samples (256 arrays of 784 values in [0, 1], row-major).
// With --fd on (default) every lap (lap 0: the Gaussian prior's samples) gets `fd` and `classHistogram` of its
// unconditional samples, on models/mnist-classifier/classifier.onnx (digitScorer.ts).
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { CliError, parseFlags, type Command } from '../command'
import { useNodeBackend } from '../nodeTf'
import { IMAGE_EM_PRESETS, IMAGE_EM_PRESETS_LIST, describeImageEm, withCovariance, type ImageEmPreset } from '../../core/emImages/presets'
import { COVARIANCE_CHOICES, type CovarianceChoice } from '../../core/emImages/estep'
import { CORRUPTION_KINDS, type CorruptionKind } from '../../core/emImages/corruption'
import { DIGIT_PIXELS, heldOutDigits, toPixelSpace } from '../../core/emImages/digits'
import { loadMnist } from '../../core/emImages/mnistLoad'
import { runImageEm } from '../../engines/tfjs/imageEmRunner'
import { createDigitScorer } from '../../engines/tfjs/digitScorer'
import { unetWeightsToFile } from '../../engines/tfjs/unetWeightsFile'

const CLAMPS = ['none', 'posterior', 'denoised', 'both'] as const
const CLASSIFIER = new URL('../../../models/mnist-classifier/classifier.onnx', import.meta.url)

function nonNegativeInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a non-negative integer, got "${v}"`)
  return n
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback
  if (!(allowed as readonly string[]).includes(v)) throw new CliError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`)
  return v as T
}

const command: Command = {
  summary: 'run DiEM on corrupted MNIST digits (Gaussian lap 0, then U-Net laps) and write per-lap metrics and samples',
  usage: [
    'usage: em-images [--preset tiny|default|large] [--laps L] [--seed S] [--covariance tweedie|sigma_t|inverse] [--out run.json]',
    '                 [--corruption pixels|box|blur] [--observations N] [--estep-steps K] [--cg-iters K] [--train-steps K] [--backend wasm|cpu] [--fd on|off]',
    '                 [--weights-out w.json] [--first-lap-steps K] [--ema D] [--sample-steps K] [--lr INIT,END] [--batch B] [--clamp none|posterior|denoised|both]',
    '  --preset        observations, U-Net size and step counts (default tiny)',
    '  --laps          EM laps after the Gaussian lap 0; 0 stops after lap 0 (default: the preset\'s)',
    '  --covariance    MMPS E-step covariance: Tweedie (VJP), Σ_t, or (Σ_x⁻¹ + Σ_t⁻¹)⁻¹ (default tweedie)',
    '  --corruption    per-observation operator: pixel deletion (75 %), box or motion blur (default pixels)',
    '  --observations  corrupted digits used as observations (default: the preset\'s)',
    '  --estep-steps   sampler steps of the E-step; --cg-iters its CG iterations; --train-steps Adam steps per M-step',
    '  --first-lap-steps Adam steps of lap 1 (from scratch); --ema weight EMA decay (0: none); --sample-steps DDPM steps of the unconditional samples',
    '  --clamp         E-step clamps to the data range [−1, 1]: D̃ (posterior, the presets\' choice), x̂ (denoised), both, or none',
    '  --fd            FD and class histogram of every lap\'s unconditional samples (models/mnist-classifier; default on)',
    '  --weights-out   the last lap\'s U-Net weights (JSON: config, names, shapes, data_base64 float32 LE; importUnet after unetWeightsFromFile)',
    '  --out           output JSON (default stdout): {"laps": [{lap, fd, completionPsnr, seconds, …}], "samples": [[784 values in [0, 1]], …]}',
  ].join('\n'),
  async run(args) {
    const v = parseFlags(args, ['preset', 'laps', 'seed', 'covariance', 'corruption', 'observations', 'estep-steps', 'cg-iters', 'train-steps', 'out', 'backend', 'fd', 'weights-out', 'first-lap-steps', 'ema', 'sample-steps', 'lr', 'batch', 'clamp'])
    const preset = oneOf<ImageEmPreset>('preset', v.preset, IMAGE_EM_PRESETS_LIST, 'tiny')
    const base = IMAGE_EM_PRESETS[preset]
    const covariance = oneOf<CovarianceChoice>('covariance', v.covariance, COVARIANCE_CHOICES, base.estep.covariance)
    const kind = oneOf<CorruptionKind>('corruption', v.corruption, CORRUPTION_KINDS, base.corruption.kind)
    const config = {
      ...withCovariance(base, covariance),
      laps: nonNegativeInt('laps', v.laps, base.laps),
      seed: nonNegativeInt('seed', v.seed, base.seed),
      observations: nonNegativeInt('observations', v.observations, base.observations),
      corruption: { ...base.corruption, kind },
    }
    config.estep = { ...config.estep, steps: nonNegativeInt('estep-steps', v['estep-steps'], config.estep.steps), cgIters: nonNegativeInt('cg-iters', v['cg-iters'], config.estep.cgIters) }
    config.train = { ...config.train, steps: nonNegativeInt('train-steps', v['train-steps'], config.train.steps), batch: nonNegativeInt('batch', v.batch, config.train.batch) }
    // --train-steps alone sets every lap's M-step (lap 1 too); --first-lap-steps sets lap 1's
    const firstLap = nonNegativeInt('first-lap-steps', v['first-lap-steps'], v['train-steps'] !== undefined ? 0 : config.train.firstLapSteps ?? 0)
    config.train.firstLapSteps = firstLap > 0 ? firstLap : undefined
    if (v.ema !== undefined) {
      const e = Number(v.ema)
      if (!(e >= 0 && e < 1)) throw new CliError(`--ema must be a decay in [0, 1), got "${v.ema}"`)
      config.train.ema = e > 0 ? e : undefined
    }
    if (v.lr !== undefined) {
      const [a, b] = v.lr.split(',').map(Number)
      if (!(a! > 0 && b! > 0)) throw new CliError(`--lr must be "init,end" with both > 0, got "${v.lr}"`)
      config.train.lrInit = a!
      config.train.lrEnd = b!
    }
    if (v.clamp !== undefined) {
      const k = oneOf('clamp', v.clamp, CLAMPS, 'posterior')
      config.estep.clamp = { posterior: k === 'posterior' || k === 'both', denoised: k === 'denoised' || k === 'both' }
    }
    config.sampleSteps = nonNegativeInt('sample-steps', v['sample-steps'], config.sampleSteps)
    if (config.sampleSteps < 1 || config.train.batch < 1) throw new CliError('--sample-steps and --batch must be at least 1')
    if (config.estep.steps < 1 || config.estep.cgIters < 1 || config.train.steps < 1) throw new CliError('--estep-steps, --cg-iters and --train-steps must be at least 1')
    if (config.observations < 2) throw new CliError('--observations must be at least 2')
    if (v['weights-out'] !== undefined && config.laps < 1) throw new CliError('--weights-out needs --laps of at least 1 (lap 0 is the Gaussian prior, no U-Net)')
    const withFd = oneOf<'on' | 'off'>('fd', v.fd, ['on', 'off'], 'on') === 'on'
    const backend = await useNodeBackend(v.backend)
    const set = await loadMnist()
    const scorer = withFd ? await createDigitScorer(new Uint8Array(readFileSync(CLASSIFIER)), heldOutDigits(set, config.heldOut)) : undefined
    const started = new Date().toISOString()
    const load = loadavg()[0]
    const laps: Array<{ lap: number; fd: number | null; classHistogram: number[] | null; completionPsnr: number; seconds: number; secondsMStep: number; secondsEStep: number; secondsWall: number; finalLoss: number | null }> = []
    let samples: number[][] = []
    const t0 = performance.now()
    let tLast = t0
    await runImageEm(config, (r) => {
      laps.push({ lap: r.lap, fd: r.fd ?? null, classHistogram: r.classHistogram ?? null, completionPsnr: r.completionPsnr, seconds: r.seconds, secondsMStep: r.secondsMStep, secondsEStep: r.secondsEStep, secondsWall: (performance.now() - tLast) / 1000, finalLoss: r.losses.at(-1) ?? null })
      tLast = performance.now()
      process.stderr.write(`lap ${r.lap}: ${r.fd !== undefined ? `FD ${r.fd.toFixed(2)}, ` : ''}completion PSNR ${r.completionPsnr.toFixed(2)} dB, ${r.seconds.toFixed(1)} s (M ${r.secondsMStep.toFixed(1)} s, E ${r.secondsEStep.toFixed(1)} s)${r.losses.length ? `, loss ${r.losses.at(-1)!.toFixed(4)}` : ''}\n`)
      if (r.lap === config.laps && r.weights && v['weights-out']) {
        writeFileSync(v['weights-out'], JSON.stringify(unetWeightsToFile(r.weights, { source: 'npm run cli -- em-images', preset, lap: r.lap, covariance, seed: config.seed, observations: config.observations, corruption: config.corruption, fd: r.fd ?? null, completionPsnr: r.completionPsnr, written: new Date().toISOString() })))
      }
      if (r.lap === config.laps && r.samples.length) {
        const px = toPixelSpace(r.samples)
        samples = Array.from({ length: px.length / DIGIT_PIXELS }, (_, i) => Array.from(px.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), (x) => Math.round(x * 1e4) / 1e4))
      }
    }, { onProgress: () => {}, wantSamples: (lap) => withFd || lap === config.laps }, set, undefined, scorer)
    scorer?.dispose()
    const out = JSON.stringify({
      config: { ...config, backend, description: describeImageEm(config) },
      machine: { cpus: cpus().length, loadAverage1mAtStart: load, loadAverage1mAtEnd: loadavg()[0], started, node: process.version, secondsTotal: (performance.now() - t0) / 1000 },
      laps,
      samples,
    })
    if (v.out) writeFileSync(v.out, out)
    else process.stdout.write(out + '\n')
  },
}
export default command
