// The toy experiment (algorithms.md §6.1, compare.py) and the helix illustration (§6.2), as async drivers
// that the CLI and the compute worker share. `checkpoint` is awaited often (throttled to every ~40 ms): the
// worker uses it to throw on cancel and to let messages in; the CLI passes nothing.
//
// Per seed, in compare.py's order: manifold centres → W → y → prior samples → Σ_x → true posterior by
// importance resampling; then per σ_t: x_t = x + σ_t ε for every prior sample, log q(y | x_t) for each
// heuristic, q(x_t | y) by resampling, and S(u1, u2, v) with u1, u2 two independent true-posterior sets plus
// σ_t noise and v the resampled x_t (§6.3). Like compare.py, whose four heuristics are separate runs with the
// same seed, the four heuristics share everything random (x_t, u1, u2 and the resampling uniforms), so
// OT(u1, u2) is computed once per (seed, σ_t).
// Drawing 2·setSize posterior samples (u1, u2) and setSize q samples (v) instead of `samples` and then slicing
// [:16384] / [−16384:] is the same law: multinomial draws are i.i.d.
import { mulberry32, normals } from '../linalg/random'
import type { Mat } from '../linalg/dense'
import { DIVERGENCE_FLOOR, SINKHORN_DEFAULTS, sinkhornCostAsync, type SinkhornOptions } from '../metrics/sinkhorn'
import { helixPrior, manifoldPrior, samplePrior, scoreBuffers, type IsotropicGmm } from './prior'
import {
  approximateLogLikelihoods,
  COVARIANCES,
  empiricalCovariance,
  logLikelihoods,
  randomObservation,
  type Covariance,
  type Observation,
} from './observation'
import { effectiveSampleSize, gatherRows, resampleIndices } from './resample'

/** σ_t grid of compare.py. */
export const SIGMA_GRID: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]

export const TOY_PRESET_NAMES = ['tiny', 'browser', 'paper'] as const
export type ToyPresetName = (typeof TOY_PRESET_NAMES)[number]

export interface ToyPreset {
  readonly name: ToyPresetName
  /** Prior samples per seed (compare.py: 2²⁰). */
  readonly priorSamples: number
  /** Points in each Sinkhorn set u1, u2, v (compare.py: 16384). */
  readonly setSize: number
  readonly description: string
}

export const TOY_PRESETS: Record<ToyPresetName, ToyPreset> = {
  tiny: { name: 'tiny', priorSamples: 2 ** 11, setSize: 64, description: 'for tests: 2¹¹ prior samples, 64-point Sinkhorn sets' },
  browser: { name: 'browser', priorSamples: 2 ** 14, setSize: 256, description: '2¹⁴ prior samples, 256-point Sinkhorn sets' },
  paper: { name: 'paper', priorSamples: 2 ** 20, setSize: 16384, description: "the paper's 2²⁰ prior samples and 16384-point Sinkhorn sets (days per seed in JS)" },
}

/** Fixed settings of §6.1 (compare.py CONFIG). */
export const TOY_CONFIG = { m: 1, n: 3, alpha: 3, components: 256, thickness: 1e-2, p: 1, noise: 1e-2 } as const

export interface ToyRow {
  sigma_t: number
  covariance: Covariance
  seed: number
  sinkhorn: number
}

export interface ToyExperimentConfig {
  preset: ToyPresetName
  /** Seeds 0 … seeds−1, unless `seedList` is given. */
  seeds: number
  seedList?: readonly number[]
  sigmas?: readonly number[]
  covariances?: readonly Covariance[]
  /** Overrides of the preset's sizes (tests). */
  priorSamples?: number
  setSize?: number
  sinkhorn?: SinkhornOptions
}

export interface ToyHooks {
  /** Awaited between units of work; may throw to cancel. Throttled by the driver. */
  checkpoint?: () => Promise<void>
  onProgress?: (fraction: number, message: string) => void
  onRow?: (row: ToyRow) => void
}

export interface ToyExperimentResult {
  results: ToyRow[]
  preset: ToyPresetName
  priorSamples: number
  setSize: number
  seeds: number[]
  seconds: number
}

/** Decorrelates small consecutive seeds before they seed mulberry32 (splitmix32-style finaliser). */
export function seedStream(seed: number, salt = 0): () => number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0
  return mulberry32((h ^ (h >>> 15)) >>> 0)
}

function throttle(checkpoint: (() => Promise<void>) | undefined, ms = 40): () => Promise<void> {
  if (!checkpoint) return () => Promise.resolve()
  let last = Date.now()
  return async () => {
    const now = Date.now()
    if (now - last < ms) return
    await checkpoint()
    last = Date.now()
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/** The per-seed problem: prior, observation, prior samples, Σ_x and the true-posterior sets. */
export interface ToyProblem {
  prior: IsotropicGmm
  obs: Observation
  xs: Float64Array
  covX: Mat
  /** 2·setSize true-posterior samples (first half → u1, second half → u2). */
  posterior: Float64Array
}

export function makeToyProblem(seed: number, priorSamples: number, setSize: number): { problem: ToyProblem; rand: () => number } {
  const rand = seedStream(seed)
  const prior = manifoldPrior(rand, { components: TOY_CONFIG.components, d: TOY_CONFIG.n, thickness: TOY_CONFIG.thickness, alpha: TOY_CONFIG.alpha })
  const d = prior.d
  const obs = randomObservation(rand, prior.means.slice(0, d), { p: TOY_CONFIG.p, noise: TOY_CONFIG.noise })
  const xs = samplePrior(prior, priorSamples, rand)
  const covX = empiricalCovariance(xs, d)
  const us = new Float64Array(2 * setSize).map(() => rand())
  const posterior = gatherRows(xs, d, resampleIndices(logLikelihoods(obs, xs), us))
  return { problem: { prior, obs, xs, covX, posterior }, rand }
}

/** x + σ ε, row-major. */
function addNoise(x: Float64Array, sigma: number, rand: () => number): Float64Array {
  const eps = normals(x.length, rand)
  return x.map((v, i) => v + sigma * eps[i])
}

/** log q(y|x_t) for all rows in chunks, awaiting the checkpoint between chunks. */
async function logQAll(
  problem: ToyProblem,
  sigmaT: number,
  xt: Float64Array,
  kinds: readonly Covariance[],
  tick: () => Promise<void>,
): Promise<Record<Covariance, Float64Array>> {
  const { prior, obs, covX } = problem
  const N = xt.length / prior.d
  const out = Object.fromEntries(kinds.map((k) => [k, new Float64Array(N)])) as Record<Covariance, Float64Array>
  const buf = scoreBuffers(prior)
  const chunk = 1024
  for (let from = 0; from < N; from += chunk) {
    approximateLogLikelihoods(prior, obs, sigmaT, xt, kinds, covX, out, from, Math.min(N, from + chunk), buf)
    await tick()
  }
  return out
}

/** The sets of one (seed, σ_t): u1, u2 and v per heuristic (also used by the illustration). */
export interface NoisyPosteriorSets {
  u1: Float64Array
  u2: Float64Array
  v: Record<Covariance, Float64Array>
  /** Effective sample size of the q(y|x_t) weights per heuristic. */
  ess: Record<Covariance, number>
}

export async function noisyPosteriorSets(
  problem: ToyProblem,
  sigmaT: number,
  setSize: number,
  kinds: readonly Covariance[],
  rand: () => number,
  tick: () => Promise<void> = () => Promise.resolve(),
): Promise<NoisyPosteriorSets> {
  const d = problem.prior.d
  const xt = addNoise(problem.xs, sigmaT, rand)
  const logq = await logQAll(problem, sigmaT, xt, kinds, tick)
  const us = new Float64Array(setSize).map(() => rand())
  const v = {} as Record<Covariance, Float64Array>
  const ess = {} as Record<Covariance, number>
  for (const kind of kinds) {
    v[kind] = gatherRows(xt, d, resampleIndices(logq[kind], us))
    ess[kind] = effectiveSampleSize(logq[kind])
  }
  const half = problem.posterior.length / 2
  const u1 = addNoise(problem.posterior.subarray(0, half), sigmaT, rand)
  const u2 = addNoise(problem.posterior.subarray(half), sigmaT, rand)
  return { u1, u2, v, ess }
}

/** Runs the whole grid (§6.1): every seed × σ_t × heuristic → one row with S(u1, u2, v). */
export async function runToyExperiment(config: ToyExperimentConfig, hooks: ToyHooks = {}): Promise<ToyExperimentResult> {
  const preset = TOY_PRESETS[config.preset]
  if (!preset) throw new Error(`unknown toy preset ${JSON.stringify(config.preset)}`)
  const priorSamples = config.priorSamples ?? preset.priorSamples
  const setSize = config.setSize ?? preset.setSize
  if (setSize < 1 || priorSamples < 1) throw new Error('toy: sizes must be positive')
  const seeds = config.seedList ? [...config.seedList] : Array.from({ length: config.seeds }, (_, i) => i)
  const sigmas = config.sigmas ?? SIGMA_GRID
  const kinds = config.covariances ?? COVARIANCES
  const sk: SinkhornOptions = { ...SINKHORN_DEFAULTS, ...config.sinkhorn }
  const tick = throttle(hooks.checkpoint)
  const t0 = now()
  const results: ToyRow[] = []
  const units = seeds.length * sigmas.length
  let done = 0
  const progress = (msg: string, within = 0): void => hooks.onProgress?.(Math.min(1, (done + within) / units), msg)
  for (const seed of seeds) {
    progress(`seed ${seed}: prior and true posterior`)
    const { problem, rand } = makeToyProblem(seed, priorSamples, setSize)
    await tick()
    for (const sigmaT of sigmas) {
      const label = `seed ${seed}, σ_t = ${sigmaT}`
      progress(`${label}: log q(y | x_t)`)
      const sets = await noisyPosteriorSets(problem, sigmaT, setSize, kinds, rand, tick)
      const d = problem.prior.d
      progress(`${label}: Sinkhorn OT(u1, u2)`, 0.2)
      const ref = (await sinkhornCostAsync(sets.u1, sets.u2, d, sk, tick)).cost
      let k = 0
      for (const kind of kinds) {
        progress(`${label}: Sinkhorn for ${kind}`, 0.2 + (0.8 * k++) / kinds.length)
        const ot = (await sinkhornCostAsync(sets.u1, sets.v[kind], d, sk, tick)).cost
        const row: ToyRow = { sigma_t: sigmaT, covariance: kind, seed, sinkhorn: Math.max(ot - ref, DIVERGENCE_FLOOR) }
        results.push(row)
        hooks.onRow?.(row)
      }
      done++
      progress(`${label}: done`)
      await tick()
    }
  }
  return { results, preset: preset.name, priorSamples, setSize, seeds, seconds: (now() - t0) / 1000 }
}

export interface BandPoint {
  sigma_t: number
  median: number
  q25: number
  q75: number
  n: number
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos), hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** Median and 25–75 % band over seeds, per heuristic and σ_t (stats.ipynb). */
export function summarizeToy(rows: readonly ToyRow[]): Record<Covariance, BandPoint[]> {
  const out = {} as Record<Covariance, BandPoint[]>
  for (const kind of COVARIANCES) {
    const bySigma = new Map<number, number[]>()
    for (const r of rows) if (r.covariance === kind) {
      const list = bySigma.get(r.sigma_t) ?? []
      list.push(r.sinkhorn)
      bySigma.set(r.sigma_t, list)
    }
    out[kind] = [...bySigma.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([sigma_t, vals]) => {
        const s = [...vals].sort((a, b) => a - b)
        return { sigma_t, median: quantileSorted(s, 0.5), q25: quantileSorted(s, 0.25), q75: quantileSorted(s, 0.75), n: s.length }
      })
  }
  return out
}

// ---- §6.2: the helix illustration ----------------------------------------------------------------------

export interface HelixConfig {
  sigmaT: number
  /** Prior samples (coil.ipynb: 65536). */
  samples: number
  /** Points returned per set for drawing. */
  shown: number
  seed: number
}

export const HELIX_DEFAULTS: HelixConfig = { sigmaT: 0.25, samples: 2 ** 14, shown: 1500, seed: 0 }

export interface HelixResult {
  sigmaT: number
  samples: number
  /** Row-major shown × 3: the helix centres' prior samples, true p(x_t | y), and q(x_t | y) per heuristic. */
  prior: Float64Array
  truth: Float64Array
  approximations: Record<Covariance, Float64Array>
  ess: Record<Covariance, number>
}

/** §6.2: W = [[1, 0, 2]], Σ_y = 1e-4, y = 0, the helix prior; true p(x_t|y) vs q(x_t|y) per heuristic. */
export async function runHelix(config: HelixConfig, hooks: ToyHooks = {}): Promise<HelixResult> {
  const tick = throttle(hooks.checkpoint)
  const rand = seedStream(config.seed, 1)
  const prior = helixPrior()
  const d = 3
  const obs: Observation = { p: 1, d, W: Float64Array.of(1, 0, 2), covY: Float64Array.of(1e-4), y: Float64Array.of(0) }
  hooks.onProgress?.(0, 'helix: prior and true posterior')
  const xs = samplePrior(prior, config.samples, rand)
  const covX = empiricalCovariance(xs, d)
  const us = new Float64Array(2 * config.shown).map(() => rand())
  const posterior = gatherRows(xs, d, resampleIndices(logLikelihoods(obs, xs), us))
  const problem: ToyProblem = { prior, obs, xs, covX, posterior }
  await tick()
  hooks.onProgress?.(0.2, `helix: q(x_t | y) at σ_t = ${config.sigmaT}`)
  const sets = await noisyPosteriorSets(problem, config.sigmaT, config.shown, COVARIANCES, rand, tick)
  hooks.onProgress?.(1, 'helix: done')
  return { sigmaT: config.sigmaT, samples: config.samples, prior: xs.slice(0, config.shown * d), truth: sets.u1, approximations: sets.v, ess: sets.ess }
}
