// Runs the image EM lab (issue 13): lap 0 = the Gaussian prior by Monte-Carlo EM (gaussianEm.ts), then laps
// k ≥ 1: M-step (train the U-Net on the previous lap's samples, warm start, Adam reset), E-step (one MMPS
// posterior sample per observation under the new U-Net). Shared by the CLI and (next) the page's worker.
// Each finished lap is handed to `onLap` with its metrics and samples.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor2D } from '@tensorflow/tfjs-core'
import { loadMnist } from '../../core/emImages/mnistLoad'
import { DIGIT_PIXELS, DIGIT_SIZE, emDigitSplit, toModelSpace, toPixelSpace, type DigitSet } from '../../core/emImages/digits'
import { corrupt, type ImageObservations } from '../../core/emImages/corruption'
import { fitGaussianEm, gaussianPosteriorDraws, type GaussianEmResult } from '../../core/emImages/gaussianEm'
import { sampleDplr, type DplrGaussian } from '../../core/emImages/dplr'
import { imageEStep, unconditionalSamples } from '../../core/emImages/estep'
import type { ImageEmConfig } from '../../core/emImages/presets'
import { mulberry32 } from '../../core/linalg/random'
import { psnr } from '../../core/metrics/image'
import { UnetModel } from './unetModel'
import type { UnetWeights } from './unet'
import type { DigitScore, DigitScorer } from './digitScorer'

export interface ImageEmTask {
  obs: ImageObservations
  /** Corrupted held-out digits and their truth (model space), for completion PSNR. */
  evalObs: ImageObservations
  evalTruth: Float32Array
}

export function makeImageEmTask(set: DigitSet, c: ImageEmConfig): ImageEmTask {
  // the fixed split (not c.seed): the FD classifier's training digits are never observations
  const split = emDigitSplit(set.count, c.heldOut)
  if (c.observations > split.observed.length) throw new Error(`at most ${split.observed.length} observations, asked for ${c.observations}`)
  if (c.evalCount > split.heldOut.length) throw new Error(`at most ${split.heldOut.length} held-out evaluations, asked for ${c.evalCount}`)
  const x = toModelSpace(set, split.observed.subarray(0, c.observations))
  const evalTruth = toModelSpace(set, split.heldOut.subarray(0, c.evalCount))
  return {
    obs: corrupt(x, c.observations, DIGIT_SIZE, DIGIT_SIZE, c.corruption, c.seed * 7919 + 1),
    evalObs: corrupt(evalTruth, c.evalCount, DIGIT_SIZE, DIGIT_SIZE, c.corruption, c.seed * 7919 + 2),
    evalTruth,
  }
}

/** Lap 0's Gaussian fit of a run (deterministic in the config): also what bench:em-studio uses as the Gaussian prior. */
export function fitLapZero(task: ImageEmTask, c: ImageEmConfig, onIteration?: (iteration: number) => void): GaussianEmResult {
  return fitGaussianEm(task.obs, c.gaussian, c.seed + 17, onIteration)
}

/** Mean PSNR (pixel space [0, 1]) of completions against the truth, both count × 784 in model space. */
export function completionPsnr(completions: Float32Array, truth: Float32Array): number {
  const count = truth.length / DIGIT_PIXELS
  let s = 0
  for (let i = 0; i < count; i++) {
    const a = toPixelSpace(completions.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS))
    const b = toPixelSpace(truth.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS))
    s += psnr(a, b)
  }
  return s / count
}

export interface ImageLapRecord {
  lap: number
  completionPsnr: number
  /** Wall time of the lap (lap 0: the whole Gaussian fit; its M/E split is reported as 0). */
  seconds: number
  secondsMStep: number
  secondsEStep: number
  /** M-step loss curve (empty at lap 0). */
  losses: number[]
  /** The first completions of held-out observations (model space), for the observation → completion → truth grid. */
  completions: Float32Array
  /** Unconditional samples of this lap's prior (sampleCount × 784, model space); empty unless requested. */
  samples: Float32Array
  /** This lap's E-step samples (observations × 784, model space): the next M-step's data, and what resume needs. */
  eStepSamples: Float32Array
  /** The lap-0 Gaussian (fixed across laps: sampler mean and the 'inverse' Σ_x). */
  prior: DplrGaussian
  weights?: UnetWeights
  /** FD of this lap's unconditional samples against the held-out clean digits (only with a scorer and samples). */
  fd?: number
  /** Class histogram (classes 0…9) of this lap's unconditional samples (only with a scorer and samples). */
  classHistogram?: number[]
}

/** What the runner needs of a scorer (digitScorer.ts createDigitScorer gives one). */
export type ImageSampleScorer = Pick<DigitScorer, 'score'>

/** FD and class histogram of model-space samples; {} without a scorer or samples. */
async function scoreSamples(scorer: ImageSampleScorer | undefined, samples: Float32Array): Promise<Partial<DigitScore>> {
  const n = samples.length / DIGIT_PIXELS
  if (!scorer || n < 2) return {}
  return scorer.score(toPixelSpace(samples), n)
}

export interface ImageEmCallbacks {
  onProgress(phase: 'gaussian' | 'train' | 'sample' | 'metrics', fraction: number, detail: string): void
  /** Which laps get unconditional samples (default: every lap). */
  wantSamples?: (lap: number) => boolean
  signal?: AbortSignal
}

const KEEP_COMPLETIONS = 16

/** What a stored lap needs to resume the run after it (the page keeps these in IndexedDB). */
export interface ImageEmResume {
  lap: number
  /** That lap's E-step samples (observations × 784, model space). */
  samples: Float32Array
  prior: DplrGaussian
  /** The U-Net after that lap's M-step (absent after lap 0). */
  weights?: UnetWeights
}

/**
 * Runs lap 0 (unless resuming) and laps up to c.laps. With `scorer`, every lap whose unconditional samples are
 * made (cb.wantSamples) also gets `fd` and `classHistogram` of those samples.
 */
export async function runImageEm(c: ImageEmConfig, onLap: (r: ImageLapRecord) => void | Promise<void>, cb: ImageEmCallbacks, set?: DigitSet, resume?: ImageEmResume, scorer?: ImageSampleScorer): Promise<void> {
  const task = makeImageEmTask(set ?? (await loadMnist()), c)
  const want = cb.wantSamples ?? (() => true)
  const keep = Math.min(KEEP_COMPLETIONS, c.evalCount) * DIGIT_PIXELS
  let t0 = performance.now()
  let prior: DplrGaussian
  let samples: Float32Array
  const first = resume ? resume.lap + 1 : 1
  if (resume) {
    if (resume.samples.length !== c.observations * DIGIT_PIXELS) throw new Error(`resume: lap ${resume.lap} has ${resume.samples.length / DIGIT_PIXELS} samples, the config has ${c.observations} observations`)
    prior = resume.prior
    samples = resume.samples
  } else {
    // lap 0
    cb.onProgress('gaussian', 0, 'lap 0: fitting the Gaussian prior (Monte-Carlo EM, low-rank PPCA)')
    const fit = fitLapZero(task, c, (it) => cb.onProgress('gaussian', it / c.gaussian.iterations, `lap 0: Gaussian EM iteration ${it}/${c.gaussian.iterations}`))
    prior = fit.prior
    samples = fit.samples
    const u = mulberry32(c.seed + 29)
    const evalDraws = gaussianPosteriorDraws(task.evalObs, prior, c.gaussian, u)
    const uncond0 = want(0) ? sampleDplr(prior, c.sampleCount, u) : new Float32Array(0)
    const seconds0 = (performance.now() - t0) / 1000
    cb.onProgress('metrics', 0, 'lap 0: FD of the Gaussian prior\'s samples')
    const score0 = await scoreSamples(scorer, uncond0)
    await onLap({
      lap: 0, completionPsnr: completionPsnr(evalDraws, task.evalTruth), seconds: seconds0, secondsMStep: 0, secondsEStep: 0, losses: [],
      completions: evalDraws.slice(0, keep), samples: uncond0, prior, eStepSamples: samples, ...score0,
    })
  }
  if (c.laps < first) return
  const model = new UnetModel(c.unet, c.schedule, resume?.weights ?? c.seed)
  try {
    for (let lap = first; lap <= c.laps; lap++) {
      cb.signal?.throwIfAborted()
      const before = tf.memory().numTensors
      t0 = performance.now()
      const data = tf.tensor2d(samples, [samples.length / DIGIT_PIXELS, DIGIT_PIXELS]) as Tensor2D
      let losses: number[]
      try {
        const train = lap === 1 && c.train.firstLapSteps ? { ...c.train, steps: c.train.firstLapSteps } : c.train
        losses = await model.train(data, train, c.seed * 1000 + lap, (f, loss) => cb.onProgress('train', f, `lap ${lap}: M-step, loss ${loss.toFixed(4)}`), cb.signal)
      } finally {
        data.dispose()
      }
      const t1 = performance.now()
      samples = await imageEStep(task.obs, model.denoiser, prior, c.estep, c.schedule, c.seed * 7919 + lap, (f, d) => cb.onProgress('sample', f, `lap ${lap}: ${d}`), cb.signal)
      const t2 = performance.now()
      cb.onProgress('metrics', 0, `lap ${lap}: completing held-out observations`)
      const completions = await imageEStep(task.evalObs, model.denoiser, prior, c.estep, c.schedule, c.seed * 104729 + lap, () => {}, cb.signal)
      const uncond = want(lap) ? await unconditionalSamples(model.denoiser, prior, c.sampleCount, c.sampleSteps, 'ddpm', c.schedule, c.seed * 31 + lap, cb.signal) : new Float32Array(0)
      const leaked = tf.memory().numTensors - before
      if (leaked > 0) throw new Error(`image EM lap ${lap} leaked ${leaked} tensors`)
      const seconds = (performance.now() - t0) / 1000
      // after the leak check: the classifier graph keeps per-batch-shape constants the first time it sees a shape
      cb.onProgress('metrics', 0.9, `lap ${lap}: FD of the unconditional samples`)
      const score = await scoreSamples(scorer, uncond)
      await onLap({
        lap, completionPsnr: completionPsnr(completions, task.evalTruth), seconds,
        secondsMStep: (t1 - t0) / 1000, secondsEStep: (t2 - t1) / 1000, losses, completions: completions.slice(0, keep), samples: uncond, prior,
        weights: await model.weights(), eStepSamples: samples, ...score,
      })
    }
  } finally {
    model.dispose()
  }
}
