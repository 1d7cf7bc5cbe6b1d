// Runs (or resumes) a DiEM manifold experiment: lap 0 = the initial Gaussian prior, then M/E laps with the
// MLP. Shared by the worker (the page), the CLI and the benchmark. Each finished lap is handed to `onLap`
// with everything needed to resume from it (weights, samples, the fixed Gaussian heuristic).
import * as tf from '@tensorflow/tfjs-core'
import { makeManifoldTask, MANIFOLD_DIM, type ManifoldTask } from '../../core/data/manifoldTask'
import { fitGaussianPrior } from '../../core/em/gaussianFit'
import { lapMetrics, runLap, type DiemCallbacks, type LapOutcome } from '../../core/em/diem'
import type { ManifoldConfig } from '../../core/em/presets'
import { mulberry32 } from '../../core/linalg/random'
import { MlpModel } from './mlpModel'
import type { MlpWeights } from './mlp'

export interface GaussianPriorState {
  mean: Float64Array
  cov: Float64Array
}

export interface LapRecord extends LapOutcome {
  /** The model after this lap's M-step (absent for lap 0). */
  weights?: MlpWeights
  prior: GaussianPriorState
}

export interface ResumeState {
  lap: number
  samples: Float32Array
  weights?: MlpWeights
  prior: GaussianPriorState
}

export function manifoldTask(c: ManifoldConfig): ManifoldTask {
  return makeManifoldTask({ count: c.observations, evalSize: c.evalSize, seed: c.seed, sigmaY: c.sigmaY })
}

export async function runManifold(
  c: ManifoldConfig,
  resume: ResumeState | undefined,
  onLap: (r: LapRecord) => void | Promise<void>,
  cb: DiemCallbacks,
): Promise<void> {
  const task = manifoldTask(c)
  let prior: GaussianPriorState
  let samples: Float32Array
  let first: number
  if (resume) {
    prior = resume.prior
    samples = resume.samples
    first = resume.lap + 1
  } else {
    const t0 = performance.now()
    cb.onProgress('sample', 0, 'fitting the initial Gaussian prior (Monte-Carlo EM)')
    const fit = fitGaussianPrior(task.obs, MANIFOLD_DIM, c.fitIterations, mulberry32(c.seed + 17))
    prior = { mean: fit.mean, cov: fit.cov }
    samples = Float32Array.from(fit.samples)
    const m = lapMetrics(task, samples, c.evalSize, c.seed)
    await onLap({ lap: 0, samples, kept: c.observations, discarded: 0, losses: [], seconds: (performance.now() - t0) / 1000, ...m, prior })
    first = 1
  }
  if (first >= c.laps) return
  const model = new MlpModel({ features: MANIFOLD_DIM, hidden: c.hidden, layers: 3, embedding: 64 }, c.schedule, resume?.weights ?? c.seed)
  try {
    for (let lap = first; lap < c.laps; lap++) {
      cb.signal?.throwIfAborted()
      const before = tf.memory().numTensors
      const out = await runLap(lap, task, model, prior, samples, c.train, c.estep, c.schedule, c.evalSize, c.seed, cb)
      const leaked = tf.memory().numTensors - before
      if (leaked > 0) throw new Error(`lap ${lap} leaked ${leaked} tensors`)
      samples = out.samples
      await onLap({ ...out, weights: await model.weights(), prior })
    }
  } finally {
    model.dispose()
  }
}
