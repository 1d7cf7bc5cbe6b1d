// The image EM lab's runs in IndexedDB (its own database, the manifold lab's shape: runStore) and as one
// portable file. Import validates everything BEFORE anything is written, so a corrupt or mismatched file
// changes nothing. Typed arrays travel as base64 of their bytes (runFile.ts).
import { runStore, type LabRunRecord } from './runsDb'
import { fromBase64, isObj, num, RunFileError, toBase64 } from './runFile'
import { IMAGE_EM_PRESETS_LIST, type ImageEmConfig } from '../../core/emImages/presets'
import type { DplrGaussian } from '../../core/emImages/dplr'
import type { ImageLap } from '../../workers/imageEmApi'
import { parameterShapes, PIXELS, type UnetWeights } from '../../engines/tfjs/unet'
import { COVARIANCE_CHOICES } from '../../core/emImages/estep'
import { CORRUPTION_KINDS } from '../../core/emImages/corruption'

export type ImageRunRecord = LabRunRecord<ImageEmConfig>

/**
 * A finished lap as stored: the runner's record with its run, the first SHOWN samples only, and `eStepSamples`
 * (what a resume needs) optional: the export keeps it on the last lap only.
 */
export type ImageLapRow = Omit<ImageLap, 'eStepSamples'> & { runId: string; eStepSamples?: Float32Array }

export const imageRuns = runStore<ImageRunRecord, ImageLapRow>('tweedie-playground-image-em')

export const IMAGE_RUN_FORMAT = 'tweedie-playground.image-em-run'
export const IMAGE_RUN_VERSION = 1

const b64 = (a: Float32Array | undefined): string | undefined => (a ? toBase64(a) : undefined)

export function encodeImageRun(run: ImageRunRecord, laps: ImageLapRow[]): string {
  const last = laps.at(-1)?.lap
  return JSON.stringify({
    format: IMAGE_RUN_FORMAT,
    version: IMAGE_RUN_VERSION,
    run,
    laps: laps.map((l) => ({
      ...l,
      completions: toBase64(l.completions),
      samples: toBase64(l.samples),
      eStepSamples: l.lap === last ? b64(l.eStepSamples) : undefined,
      prior: { ...l.prior, mean: toBase64(l.prior.mean), u: toBase64(l.prior.u) },
      weights: l.weights && { ...l.weights, data: l.weights.data.map(toBase64) },
    })),
  })
}

function checkConfig(c: unknown): ImageEmConfig {
  if (!isObj(c)) throw new RunFileError('run.config is missing')
  for (const k of ['observations', 'heldOut', 'evalCount', 'laps', 'sampleCount', 'sampleSteps', 'seed']) num(c, k, 'run.config')
  for (const k of ['corruption', 'gaussian', 'unet', 'train', 'estep', 'schedule']) if (!isObj(c[k])) throw new RunFileError(`run.config.${k} is missing`)
  if (!IMAGE_EM_PRESETS_LIST.includes(c.preset as ImageEmConfig['preset'])) throw new RunFileError(`run.config.preset must be one of ${IMAGE_EM_PRESETS_LIST.join(', ')}`)
  const e = c.estep as Record<string, unknown>
  if (!COVARIANCE_CHOICES.includes(e.covariance as never)) throw new RunFileError(`run.config.estep.covariance must be one of ${COVARIANCE_CHOICES.join(', ')}`)
  const k = c.corruption as Record<string, unknown>
  if (!CORRUPTION_KINDS.includes(k.kind as never)) throw new RunFileError(`run.config.corruption.kind must be one of ${CORRUPTION_KINDS.join(', ')}`)
  const u = c.unet as Record<string, unknown>
  if (!Array.isArray(u.channels) || u.channels.length !== 2 || !u.channels.every((x) => Number.isInteger(x) && x > 0)) throw new RunFileError('run.config.unet.channels must be two positive integers')
  num(u, 'blocks', 'run.config.unet')
  num(u, 'embedding', 'run.config.unet')
  return c as unknown as ImageEmConfig
}

function images(v: unknown, what: string): Float32Array {
  const a = fromBase64(v, what)
  if (a.length % PIXELS !== 0) throw new RunFileError(`${what} is not a list of 28×28 images`)
  return a
}

function checkWeights(w: unknown, config: ImageEmConfig, where: string): UnetWeights {
  if (!isObj(w) || !Array.isArray(w.data) || !Array.isArray(w.names) || !Array.isArray(w.shapes)) throw new RunFileError(`${where}.weights is malformed`)
  const expected = parameterShapes(config.unet)
  const names = w.names as unknown[]
  if (names.length !== expected.length) throw new RunFileError(`${where}.weights has ${names.length} tensors; the run's U-Net (${config.unet.channels.join('/')} channels) has ${expected.length}`)
  const data = (w.data as unknown[]).map((d, j) => fromBase64(d, `${where}.weights.data[${j}]`))
  expected.forEach(([name, shape], j) => {
    const size = shape.reduce((a, b) => a * b, 1)
    if (names[j] !== name || data[j]?.length !== size) throw new RunFileError(`${where}.weights tensor ${j} (${String(names[j])}) does not match the run's U-Net (${name}, ${size} values)`)
  })
  return { config: config.unet, names: expected.map(([n]) => n), shapes: expected.map(([, s]) => s), data }
}

/** Parses and fully validates an image EM run file; throws RunFileError with a specific message. */
export function decodeImageRun(text: string): { run: ImageRunRecord; laps: ImageLapRow[] } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new RunFileError('The file is not JSON: is it a Tweedie Playground run export?')
  }
  if (!isObj(raw) || raw.format !== IMAGE_RUN_FORMAT) throw new RunFileError(`Not an image EM run file (expected format "${IMAGE_RUN_FORMAT}")`)
  if (raw.version !== IMAGE_RUN_VERSION) throw new RunFileError(`Unsupported run file version ${String(raw.version)} (this app reads version ${IMAGE_RUN_VERSION})`)
  if (!isObj(raw.run) || typeof raw.run.id !== 'string' || typeof raw.run.name !== 'string') throw new RunFileError('run.id or run.name is missing')
  const config = checkConfig(raw.run.config)
  const run = { ...(raw.run as unknown as ImageRunRecord), config }
  if (!Array.isArray(raw.laps) || raw.laps.length === 0) throw new RunFileError('the file holds no laps')
  const n = raw.laps.length
  const laps: ImageLapRow[] = raw.laps.map((l: unknown, i: number) => {
    const where = `laps[${i}]`
    if (!isObj(l)) throw new RunFileError(`${where} is not an object`)
    if (l.lap !== i) throw new RunFileError(`${where}.lap is ${String(l.lap)}; laps must run 0, 1, 2, … without gaps`)
    const p = l.prior
    if (!isObj(p)) throw new RunFileError(`${where}.prior is missing`)
    const rank = num(p, 'rank', `${where}.prior`)
    const prior: DplrGaussian = { n: PIXELS, rank, noise: num(p, 'noise', `${where}.prior`), mean: fromBase64(p.mean, `${where}.prior.mean`), u: fromBase64(p.u, `${where}.prior.u`) }
    if (prior.mean.length !== PIXELS || prior.u.length !== PIXELS * rank) throw new RunFileError(`${where}.prior must hold a 784-value mean and 784 × ${rank} loadings`)
    const eStepSamples = l.eStepSamples === undefined ? undefined : images(l.eStepSamples, `${where}.eStepSamples`)
    if (eStepSamples && eStepSamples.length !== config.observations * PIXELS) throw new RunFileError(`${where}.eStepSamples holds ${eStepSamples.length / PIXELS} samples; the run has ${config.observations} observations`)
    if (i === n - 1 && !eStepSamples && run.status !== 'done') throw new RunFileError(`${where}, the last lap of an unfinished run, has no E-step samples to resume from`)
    if (i > 0 && l.weights === undefined) throw new RunFileError(`${where} has no weights (only lap 0, the Gaussian prior, may omit them)`)
    const fd = l.fd === undefined ? undefined : num(l, 'fd', where)
    const hist = l.classHistogram
    if (hist !== undefined && (!Array.isArray(hist) || hist.length !== 10 || !hist.every((x) => typeof x === 'number' && Number.isFinite(x)))) throw new RunFileError(`${where}.classHistogram must be 10 finite numbers`)
    return {
      runId: run.id, lap: i,
      completionPsnr: num(l, 'completionPsnr', where), seconds: num(l, 'seconds', where), secondsMStep: num(l, 'secondsMStep', where), secondsEStep: num(l, 'secondsEStep', where),
      losses: Array.isArray(l.losses) ? (l.losses as unknown[]).filter((x): x is number => typeof x === 'number') : [],
      completions: images(l.completions, `${where}.completions`), samples: images(l.samples, `${where}.samples`), eStepSamples, prior,
      weights: l.weights === undefined ? undefined : checkWeights(l.weights, config, where), fd, classHistogram: hist as number[] | undefined,
    }
  })
  return { run, laps }
}
