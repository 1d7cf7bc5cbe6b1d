// The DiEM loop for the manifold experiment (algorithms.md §4.2, §5), engine-agnostic: the trainable
// denoiser is injected. Lap 0 is the initial Gaussian prior (§4.1); each later lap k runs
//   M-step: train the denoiser on the previous lap's samples (fine-tuned across laps, Adam reset each lap);
//   E-step: one MMPS posterior sample per observation — predictor–corrector sampler (1 corrector, τ = 0.1),
//           Gaussian-heuristic covariance from the fixed initial Σ_x (§5 "'cov_x' heuristic, fixed"),
//           CG on the 2×2 systems; samples with any coordinate outside (−3, 3) are discarded (§5 step 3).
// Metrics per lap: S(u1, u2, v) (§6.3) and the sliced Wasserstein distance against held-out truth.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor2D } from '@tensorflow/tfjs-core'
import type { Denoiser } from '../types'
import { sample } from '../diffusion/sampler'
import type { VESchedule } from '../diffusion/schedule'
import { BatchedDenseOperator } from '../operators/batchedDense'
import { mmpsHeuristicGuided } from '../posterior/mmpsHeuristic'
import type { Mat } from '../linalg/dense'
import type { ManifoldTask } from '../data/manifoldTask'
import { MANIFOLD_DIM } from '../data/manifoldTask'
import { sinkhornCost, sinkhornDivergence } from '../metrics/sinkhorn'
import { slicedWasserstein } from '../metrics/slicedWasserstein'
import { eStepStepsAt } from './presets'

export interface TrainSettings {
  steps: number
  batch: number
  lrInit: number
  lrEnd: number
}

export interface EStepSettings {
  /** Sampler steps (from lap `rampLaps` on, when a ramp is set). */
  steps: number
  /** Optional step schedule over laps: `firstSteps` at lap 1, rising geometrically to `steps` at lap `rampLaps`
   * (few steps while the prior's own blur dominates, many once it is sharp). Absent: `steps` every lap. */
  firstSteps?: number
  rampLaps?: number
  /** Observations per sampler batch (CG is per sample, so chunking only bounds memory). */
  chunk: number
  cgIters: number
}

export interface TrainableDenoiser {
  readonly denoiser: Denoiser
  /** One M-step on `data` [N, d]; returns the loss curve (one value per read-back window). */
  train(data: Tensor2D, settings: TrainSettings, seed: number, onProgress: (fraction: number, loss: number) => void, signal?: AbortSignal): Promise<number[]>
}

export interface LapMetrics {
  sinkhorn: number
  slicedWasserstein: number
}

export interface LapOutcome extends LapMetrics {
  lap: number
  /** Kept samples (kept × 5). */
  samples: Float32Array
  kept: number
  discarded: number
  losses: number[]
  seconds: number
}

export type DiemPhase = 'train' | 'sample' | 'metrics'

export interface DiemCallbacks {
  onProgress(phase: DiemPhase, fraction: number, detail: string): void
  signal?: AbortSignal
}

const RANGE = 3

/** Yields to the event loop (a macrotask), so that messages such as "cancel" can be handled mid-run. */
export const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** Keeps rows with every coordinate in (−3, 3). */
export function keepInRange(x: Float32Array, d: number): { kept: Float32Array; count: number } {
  const rows = x.length / d
  const out = new Float32Array(x.length)
  let k = 0
  for (let i = 0; i < rows; i++) {
    let ok = true
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!
      if (!(v > -RANGE && v < RANGE)) { ok = false; break }
    }
    if (ok) { out.set(x.subarray(i * d, (i + 1) * d), k * d); k++ }
  }
  return { kept: out.slice(0, k * d), count: k }
}

/** OT(u1, u2) of the first n points of the two truth sets: the same every lap, so computed once per task and n. */
const references = new WeakMap<ManifoldTask, Map<number, number>>()
function truthReference(task: ManifoldTask, n: number): number {
  let byN = references.get(task)
  if (!byN) references.set(task, (byN = new Map()))
  let ref = byN.get(n)
  if (ref === undefined) {
    ref = sinkhornCost(task.evalA.subarray(0, n * MANIFOLD_DIM), task.evalB.subarray(0, n * MANIFOLD_DIM), MANIFOLD_DIM).cost
    byN.set(n, ref)
  }
  return ref
}

export function lapMetrics(task: ManifoldTask, samples: Float32Array, evalSize: number, seed: number): LapMetrics {
  const d = MANIFOLD_DIM
  const n = Math.min(evalSize, samples.length / d)
  const v = Float64Array.from(samples.subarray(0, n * d))
  return {
    sinkhorn: sinkhornDivergence(task.evalA.subarray(0, n * d), task.evalB.subarray(0, n * d), v, d, { reference: truthReference(task, n) }),
    slicedWasserstein: slicedWasserstein(task.evalA, v, d, { projections: 64, seed }),
  }
}

/** The E-step: one posterior sample per observation under `model`, range-filtered. */
export async function eStep(
  task: ManifoldTask,
  model: Denoiser,
  prior: { mean: Float64Array; cov: Mat },
  settings: EStepSettings,
  schedule: VESchedule,
  seed: number,
  cb: DiemCallbacks,
): Promise<{ samples: Float32Array; kept: number; discarded: number }> {
  const { obs } = task
  const d = obs.n
  const chunks: Float32Array[] = []
  const mean = tf.tensor2d(Float32Array.from(prior.mean), [1, d])
  try {
    for (let start = 0; start < obs.count; start += settings.chunk) {
      const b = Math.min(settings.chunk, obs.count - start)
      const op = new BatchedDenseOperator(obs.a.subarray(start * obs.m * d, (start + b) * obs.m * d), b, obs.m, d)
      const y = tf.tensor2d(Float32Array.from(obs.y.subarray(start * obs.m, (start + b) * obs.m)), [b, obs.m])
      try {
        const problem = { denoiser: model, operator: op, y, sigmaY: obs.sigmaY }
        const x = await sample((xt, ctx) => mmpsHeuristicGuided(problem, prior.cov, xt, ctx, settings.cgIters), [b, d], {
          steps: settings.steps,
          sampler: 'pc',
          schedule,
          seed: seed + start,
          mean,
          signal: cb.signal,
          callbackEvery: Math.max(1, Math.floor(settings.steps / 8)),
          onStep: async (info) => {
            cb.onProgress('sample', (start + (b * info.step) / info.steps) / obs.count, `E-step: observations ${start + 1}–${start + b} of ${obs.count}, step ${info.step}/${info.steps}`)
            await macrotask() // lets a cancel message reach the worker
          },
        })
        chunks.push((await x.data()) as Float32Array)
        x.dispose()
      } finally {
        op.dispose()
        y.dispose()
      }
    }
  } finally {
    mean.dispose()
  }
  const all = new Float32Array(obs.count * d)
  let off = 0
  for (const c of chunks) { all.set(c, off); off += c.length }
  const { kept, count } = keepInRange(all, d)
  return { samples: kept, kept: count, discarded: obs.count - count }
}

/** One full lap k ≥ 1: M-step on `previous`, then E-step. */
export async function runLap(
  lap: number,
  task: ManifoldTask,
  model: TrainableDenoiser,
  prior: { mean: Float64Array; cov: Mat },
  previous: Float32Array,
  train: TrainSettings,
  estep: EStepSettings,
  schedule: VESchedule,
  evalSize: number,
  seed: number,
  cb: DiemCallbacks,
): Promise<LapOutcome> {
  const t0 = performance.now()
  const d = MANIFOLD_DIM
  const rows = previous.length / d
  if (rows === 0) throw new Error(`lap ${lap}: the previous lap kept no samples inside (−3, 3); the prior diverged`)
  const data = tf.tensor2d(previous, [rows, d])
  let losses: number[]
  try {
    losses = await model.train(data, train, seed * 1000 + lap, (f, loss) => cb.onProgress('train', f, `M-step: training, loss ${loss.toFixed(4)}`), cb.signal)
  } finally {
    data.dispose()
  }
  const e = await eStep(task, model.denoiser, prior, { ...estep, steps: eStepStepsAt(estep, lap) }, schedule, seed * 7919 + lap, cb)
  if (e.kept === 0) throw new Error(`lap ${lap}: every E-step sample left (−3, 3); the learned prior diverged`)
  cb.onProgress('metrics', 1, 'computing Sinkhorn and sliced Wasserstein')
  const metrics = lapMetrics(task, e.samples, evalSize, seed + lap)
  return { lap, samples: e.samples, kept: e.kept, discarded: e.discarded, losses, seconds: (performance.now() - t0) / 1000, ...metrics }
}
