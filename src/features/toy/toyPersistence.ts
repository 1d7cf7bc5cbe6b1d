// The analytic toy's saved state in localStorage: the last run's rows (saved as they arrive, so a reload
// keeps everything that finished), its settings, and the last helix illustration. Small: ≤ 64 seeds × 40 rows
// and 5 × 1500 points. Anything malformed is dropped with a notice instead of crashing the page.
import { COVARIANCES, type Covariance } from '../../core/toy/observation'
import { TOY_PRESET_NAMES, type ToyPresetName, type ToyRow } from '../../core/toy/experiment'
import { classifyStorageError, storageNotice } from '../../app/persistence/storageErrors'

export const TOY_STORAGE_KEY = 'tweedie-playground.toy.v1'
/** The helix points live under their own key, so that saving rows as they stream in does not re-encode them. */
export const TOY_HELIX_KEY = 'tweedie-playground.toy-helix.v1'

export interface StoredRun {
  preset: ToyPresetName
  seeds: number
  priorSamples: number
  setSize: number
  rows: ToyRow[]
  /** false while running, or when a reload interrupted the run. */
  complete: boolean
  seconds?: number
  startedAt: string
}

export interface StoredHelix {
  sigmaT: number
  samples: number
  prior: number[]
  truth: number[]
  approximations: Record<Covariance, number[]>
  ess: Record<Covariance, number>
}

export interface StoredToy {
  preset: ToyPresetName
  seeds: number
  helixSigma: number
  run?: StoredRun
  helix?: StoredHelix
}

export const TOY_DEFAULTS: StoredToy = { preset: 'browser', seeds: 3, helixSigma: 0.25 }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isNums = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum)
const isPreset = (v: unknown): v is ToyPresetName => typeof v === 'string' && (TOY_PRESET_NAMES as readonly string[]).includes(v)

function parseRow(v: unknown): ToyRow | undefined {
  if (!isObj(v) || !isNum(v.sigma_t) || !isNum(v.seed) || !isNum(v.sinkhorn)) return undefined
  if (typeof v.covariance !== 'string' || !(COVARIANCES as readonly string[]).includes(v.covariance)) return undefined
  return { sigma_t: v.sigma_t, covariance: v.covariance as Covariance, seed: v.seed, sinkhorn: v.sinkhorn }
}

function parseRun(v: unknown): StoredRun | undefined {
  if (!isObj(v) || !isPreset(v.preset) || !isNum(v.seeds) || !isNum(v.priorSamples) || !isNum(v.setSize) || !Array.isArray(v.rows)) return undefined
  const rows = v.rows.map(parseRow)
  if (rows.some((r) => r === undefined)) return undefined
  return {
    preset: v.preset,
    seeds: v.seeds,
    priorSamples: v.priorSamples,
    setSize: v.setSize,
    rows: rows as ToyRow[],
    complete: v.complete === true,
    seconds: isNum(v.seconds) ? v.seconds : undefined,
    startedAt: typeof v.startedAt === 'string' ? v.startedAt : '',
  }
}

function parseHelix(v: unknown): StoredHelix | undefined {
  if (!isObj(v) || !isNum(v.sigmaT) || !isNum(v.samples) || !isNums(v.prior) || !isNums(v.truth)) return undefined
  const a = v.approximations, e = v.ess
  if (!isObj(a) || !isObj(e) || !COVARIANCES.every((k) => isNums(a[k]) && isNum(e[k]))) return undefined
  return {
    sigmaT: v.sigmaT,
    samples: v.samples,
    prior: v.prior,
    truth: v.truth,
    approximations: a as Record<Covariance, number[]>,
    ess: e as Record<Covariance, number>,
  }
}

let savedHelix: StoredHelix | undefined

/** The saved state, or the defaults; `problem` says what was dropped. */
export function loadToy(storage: Pick<Storage, 'getItem'> | undefined): { state: StoredToy; problem?: string } {
  let text: string | null = null, helixText: string | null = null
  try {
    text = storage?.getItem(TOY_STORAGE_KEY) ?? null
    helixText = storage?.getItem(TOY_HELIX_KEY) ?? null
  } catch {
    return { state: { ...TOY_DEFAULTS } }
  }
  const dropped: string[] = []
  let helix: StoredHelix | undefined
  if (helixText !== null) {
    try {
      helix = parseHelix(JSON.parse(helixText))
    } catch {
      helix = undefined
    }
    if (!helix) dropped.push('the helix illustration')
  }
  savedHelix = helix
  if (text === null) return { state: { ...TOY_DEFAULTS, helix }, problem: dropped.length ? `Saved toy data was malformed and was discarded (${dropped.join(', ')}).` : undefined }
  try {
    const v: unknown = JSON.parse(text)
    if (!isObj(v)) throw new Error('not an object')
    const state: StoredToy = {
      preset: isPreset(v.preset) ? v.preset : TOY_DEFAULTS.preset,
      seeds: isNum(v.seeds) && v.seeds >= 1 ? Math.round(v.seeds) : TOY_DEFAULTS.seeds,
      helixSigma: isNum(v.helixSigma) && v.helixSigma > 0 ? v.helixSigma : TOY_DEFAULTS.helixSigma,
      run: v.run === undefined ? undefined : parseRun(v.run),
      helix,
    }
    if (v.run !== undefined && !state.run) dropped.unshift('the last run')
    return { state, problem: dropped.length ? `Saved toy data was malformed and was discarded (${dropped.join(', ')}).` : undefined }
  } catch (err) {
    return { state: { ...TOY_DEFAULTS, helix }, problem: `Saved toy data could not be read and was discarded (${err instanceof Error ? err.message : String(err)}).` }
  }
}

export function saveToy(storage: Pick<Storage, 'setItem'> | undefined, state: StoredToy): string | undefined {
  try {
    const { helix, ...rest } = state
    storage?.setItem(TOY_STORAGE_KEY, JSON.stringify(rest))
    if (helix && helix !== savedHelix) {
      storage?.setItem(TOY_HELIX_KEY, JSON.stringify(helix))
      savedHelix = helix
    }
    return undefined
  } catch (err) {
    return storageNotice(classifyStorageError(err), { what: 'the toy results', consequence: 'they are shown here but will not survive a reload' })
  }
}

/** Row-major float arrays → plain numbers rounded to 1e-4 (plenty for drawing; keeps the saved JSON small). */
export const compactPoints = (a: ArrayLike<number>): number[] => Array.from(a, (v) => Math.round(v * 1e4) / 1e4)
