// A manifold run as one portable file (export / import). Typed arrays travel as base64 of their bytes.
// Import validates everything BEFORE anything is written, so a corrupt or mismatched file changes nothing.
import type { ManifoldConfig } from '../../core/em/presets'
import { layerSizes, type MlpWeights } from '../../engines/tfjs/mlp'
import type { LapRow, RunRecord } from './runsDb'

export const RUN_FILE_FORMAT = 'tweedie-playground.manifold-run'
export const RUN_FILE_VERSION = 1

interface WireWeights { config: MlpWeights['config']; shapes: number[][]; data: string[] }
interface WireLap extends Omit<LapRow, 'samples' | 'weights' | 'prior'> {
  samples: string
  weights?: WireWeights
  prior: { mean: number[]; cov: number[] }
}
export interface RunFile {
  format: typeof RUN_FILE_FORMAT
  version: number
  run: RunRecord
  laps: WireLap[]
}

/** A run file that cannot be imported; the message says which field and why. */
export class RunFileError extends Error {}

export function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

export function fromBase64(s: unknown, what: string): Float32Array {
  if (typeof s !== 'string') throw new RunFileError(`${what} is missing or not base64 text`)
  let bin: string
  try {
    bin = atob(s)
  } catch {
    throw new RunFileError(`${what} is not valid base64`)
  }
  if (bin.length % 4 !== 0) throw new RunFileError(`${what} has ${bin.length} bytes, not a whole number of float32 values`)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  const out = new Float32Array(bytes.buffer)
  if (!out.every(Number.isFinite)) throw new RunFileError(`${what} contains NaN or infinite values`)
  return out
}

export function encodeRun(run: RunRecord, laps: LapRow[]): string {
  const file: RunFile = {
    format: RUN_FILE_FORMAT,
    version: RUN_FILE_VERSION,
    run,
    laps: laps.map((l) => ({
      ...l,
      samples: toBase64(l.samples),
      weights: l.weights && { config: l.weights.config, shapes: l.weights.shapes, data: l.weights.data.map(toBase64) },
      prior: { mean: Array.from(l.prior.mean), cov: Array.from(l.prior.cov) },
    })),
  }
  return JSON.stringify(file)
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
export function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RunFileError(`${where}.${key} must be a finite number`)
  return v
}

function checkConfig(c: unknown): ManifoldConfig {
  if (!isObj(c)) throw new RunFileError('run.config is missing')
  for (const k of ['observations', 'evalSize', 'fitIterations', 'laps', 'hidden', 'sigmaY', 'seed']) num(c, k, 'run.config')
  for (const k of ['train', 'estep', 'schedule']) if (!isObj(c[k])) throw new RunFileError(`run.config.${k} is missing`)
  return c as unknown as ManifoldConfig
}

/** Parses and fully validates a run file; throws RunFileError with a specific message. */
export function decodeRun(text: string): { run: RunRecord; laps: LapRow[] } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new RunFileError('The file is not JSON: is it a Tweedie Playground run export?')
  }
  if (!isObj(raw) || raw.format !== RUN_FILE_FORMAT) throw new RunFileError(`Not a manifold run file (expected format "${RUN_FILE_FORMAT}")`)
  if (raw.version !== RUN_FILE_VERSION) throw new RunFileError(`Unsupported run file version ${String(raw.version)} (this app reads version ${RUN_FILE_VERSION})`)
  if (!isObj(raw.run) || typeof raw.run.id !== 'string') throw new RunFileError('run.id is missing')
  const config = checkConfig(raw.run.config)
  const run = { ...(raw.run as unknown as RunRecord), config }
  if (!Array.isArray(raw.laps) || raw.laps.length === 0) throw new RunFileError('the file holds no laps')
  const expected = layerSizes({ features: 5, hidden: config.hidden, layers: 3, embedding: 64 })
  const laps: LapRow[] = raw.laps.map((l: unknown, i: number) => {
    const where = `laps[${i}]`
    if (!isObj(l)) throw new RunFileError(`${where} is not an object`)
    if (l.lap !== i) throw new RunFileError(`${where}.lap is ${String(l.lap)}; laps must run 0, 1, 2, … without gaps`)
    const samples = fromBase64(l.samples, `${where}.samples`)
    if (samples.length % 5 !== 0) throw new RunFileError(`${where}.samples is not a list of 5-D points`)
    const prior = l.prior
    if (!isObj(prior) || !Array.isArray(prior.mean) || prior.mean.length !== 5 || !Array.isArray(prior.cov) || prior.cov.length !== 25) {
      throw new RunFileError(`${where}.prior must hold a 5-D mean and a 5×5 covariance`)
    }
    let weights: MlpWeights | undefined
    if (l.weights !== undefined) {
      const w = l.weights
      if (!isObj(w) || !Array.isArray(w.data) || !Array.isArray(w.shapes) || !isObj(w.config)) throw new RunFileError(`${where}.weights is malformed`)
      const data = (w.data as unknown[]).map((d, j) => fromBase64(d, `${where}.weights.data[${j}]`))
      const shapes = w.shapes as number[][]
      for (let j = 0; j + 1 < expected.length; j++) {
        const s = shapes[j]
        if (!s || s[0] !== expected[j] || s[1] !== expected[j + 1] || data[j]?.length !== expected[j]! * expected[j + 1]!) {
          throw new RunFileError(`${where}.weights layer ${j} does not match the run's MLP (hidden ${config.hidden})`)
        }
      }
      weights = { config: w.config as unknown as MlpWeights['config'], shapes, data }
    } else if (i > 0) {
      throw new RunFileError(`${where} has no weights (only lap 0, the Gaussian prior, may omit them)`)
    }
    return {
      runId: run.id,
      lap: i,
      samples,
      kept: num(l, 'kept', where),
      discarded: num(l, 'discarded', where),
      losses: Array.isArray(l.losses) ? (l.losses as number[]) : [],
      seconds: num(l, 'seconds', where),
      sinkhorn: num(l, 'sinkhorn', where),
      slicedWasserstein: num(l, 'slicedWasserstein', where),
      weights,
      prior: { mean: Float64Array.from(prior.mean as number[]), cov: Float64Array.from(prior.cov as number[]) },
    }
  })
  return { run, laps }
}
