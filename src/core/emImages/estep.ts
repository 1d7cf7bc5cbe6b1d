// The E-step of image EM laps ≥ 1 (algorithms.md §3.1, §4.2, §12.2): one posterior sample per observation by
// MMPS inside a DDPM/DDIM sampler, q(y | x_t) = N(y | A x̂, σ_y² I + A V Aᵀ), with a selectable covariance V
// (the paper's Table 1 comparison):
//   'tweedie': V v = σ_t² Jᵀ v, VJPs of the denoiser (posterior/mmps.ts, the studio's MMPS, VJP reuse);
//   'sigma_t': V = Σ_t = σ_t² I                              ([D] heuristic 'cov_t': Σ_x → ∞);
//   'inverse': V = (Σ_x⁻¹ + Σ_t⁻¹)⁻¹ with the lap-0 DPLR Σ_x  ([D] heuristic 'cov_x').
// Every variant solves with `cgIters` CG iterations (default 1, as [D]'s CIFAR) and returns
// D̃ = x̂ + σ_t² Jᵀ Aᵀ u (one VJP for the heuristics, as posterior/mmpsHeuristic.ts does for the manifold).
// For the heuristics (Σ_x + σ²I)⁻¹ is Woodbury on the DPLR: (D'I + UUᵀ)⁻¹ = (I − U W⁻¹ Uᵀ)/D', D' = D + σ²,
// W = D'I_r + UᵀU (r×r on the host, once per σ).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser, LinearOperator } from '../types'
import { krylov } from '../linalg/krylov'
import { mmps } from '../posterior/mmps'
import { linearizeClamped } from '../posterior/method'
import type { PosteriorProblem } from '../posterior/method'
import { sample, type PosteriorDenoiserFn, type SamplerName, type StepContext } from '../diffusion/sampler'
import type { VESchedule } from '../diffusion/schedule'
import { DplrTensors, type DplrGaussian } from './dplr'
import { operatorFor, type ImageObservations } from './corruption'

export type CovarianceChoice = 'tweedie' | 'sigma_t' | 'inverse'
export const COVARIANCE_CHOICES: readonly CovarianceChoice[] = ['tweedie', 'sigma_t', 'inverse']

export interface ImageEStepSettings {
  steps: number
  sampler: Extract<SamplerName, 'ddpm' | 'ddim'>
  cgIters: number
  /** Observations per sampler batch (CG is per sample; chunking only bounds memory). */
  chunk: number
  covariance: CovarianceChoice
  /** Clamp x̂ = D(x_t) (`denoised`) and/or the posterior denoiser D̃ (`posterior`) to the data range [−1, 1]. */
  clamp?: { denoised?: boolean; posterior?: boolean }
}

/** v ↦ (Σ_x⁻¹ + σ⁻² I)⁻¹ v = σ² v − σ⁴ (Σ_x + σ² I)⁻¹ v for a DPLR Σ_x (Woodbury, DplrTensors.resolvent). */
export class InverseHeuristic {
  constructor(private readonly t: DplrTensors) {}
  /** Returns the operator and a dispose for its per-σ tensor. */
  at(sigma: number): { apply: (v: Tensor) => Tensor; dispose: () => void } {
    const s2 = sigma * sigma
    const r = this.t.resolvent(sigma)
    return { apply: (v) => tf.tidy(() => tf.sub(tf.mul(v, s2), tf.mul(r.apply(v), s2 * s2))), dispose: r.dispose }
  }
}

/** MMPS with a fixed covariance operator V (one VJP): D̃ = x̂ + σ² Jᵀ Aᵀ u, (σ_y² I + A V Aᵀ) u ≈ y − A x̂. */
export function mmpsWithCovariance(problem: PosteriorProblem, cov: (v: Tensor) => Tensor, x: Tensor, ctx: StepContext, cgIters: number, clamp?: [number, number]): Tensor {
  const { denoiser, operator: A, y, sigmaY } = problem
  const s2 = ctx.sigma * ctx.sigma
  const lin = linearizeClamped(denoiser, x, ctx.sigma, clamp)
  try {
    const r = tf.tidy(() => tf.sub(y, A.apply(lin.denoised)))
    const res = krylov('cg', (v) => [tf.tidy(() => tf.add(tf.mul(v, sigmaY * sigmaY), A.apply(cov(A.adjoint(v)))))], r, cgIters)
    const out = tf.tidy(() => tf.add(lin.denoised, tf.mul(lin.vjp(A.adjoint(res.x)), s2)))
    tf.dispose([r, res.x, ...res.aux])
    return out
  } finally {
    lin.dispose()
  }
}

/** The posterior denoiser D̃ for one batch of observations under the chosen covariance. */
export function imagePosteriorDenoiser(
  choice: CovarianceChoice,
  problem: PosteriorProblem,
  cgIters: number,
  inverse?: InverseHeuristic,
  clamp: ImageEStepSettings['clamp'] = {},
): PosteriorDenoiserFn {
  const fn = unclampedPosteriorDenoiser(choice, problem, cgIters, inverse, clamp.denoised ? DATA_RANGE : undefined)
  if (!clamp.posterior) return fn
  return (x, ctx) => {
    const d = fn(x, ctx)
    const c = tf.clipByValue(d, DATA_RANGE[0], DATA_RANGE[1])
    d.dispose()
    return c
  }
}

/** Model space of the digits: every pixel, and so E[x | x_t] and E[x | x_t, y], lies in [−1, 1]. */
const DATA_RANGE: [number, number] = [-1, 1]

function unclampedPosteriorDenoiser(choice: CovarianceChoice, problem: PosteriorProblem, cgIters: number, inverse: InverseHeuristic | undefined, clamp: [number, number] | undefined): PosteriorDenoiserFn {
  if (!(Number.isInteger(cgIters) && cgIters >= 1)) throw new Error(`CG iterations must be a positive integer, got ${cgIters}`)
  if (choice === 'tweedie') return (x, ctx) => mmps.guided(problem, x, ctx, { solver: 'cg', iters: cgIters, clamp })
  if (choice === 'sigma_t') return (x, ctx) => mmpsWithCovariance(problem, (v) => tf.mul(v, ctx.sigma * ctx.sigma), x, ctx, cgIters, clamp)
  if (choice === 'inverse') {
    if (!inverse) throw new Error("the 'inverse' covariance (Σ_x⁻¹ + Σ_t⁻¹)⁻¹ needs the lap-0 Gaussian Σ_x")
    return (x, ctx) => {
      const v = inverse.at(ctx.sigma)
      try { return mmpsWithCovariance(problem, v.apply, x, ctx, cgIters, clamp) } finally { v.dispose() }
    }
  }
  throw new Error(`covariance must be one of ${COVARIANCE_CHOICES.join(', ')}, got "${String(choice)}"`)
}

export interface EStepProgress { (fraction: number, detail: string): void }

/**
 * One posterior sample per observation (count × n), batches of `chunk` with their own operators. The sampler
 * starts at x_1 = μ + σ_max z with μ the lap-0 mean (§2.1, [D] attaches the PPCA mean to every network).
 */
export async function imageEStep(
  obs: ImageObservations,
  denoiser: Denoiser,
  prior: DplrGaussian,
  settings: ImageEStepSettings,
  schedule: VESchedule,
  seed: number,
  onProgress: EStepProgress = () => {},
  signal?: AbortSignal,
): Promise<Float32Array> {
  const n = obs.h * obs.w
  const out = new Float32Array(obs.count * n)
  const t = new DplrTensors(prior)
  const inverse = settings.covariance === 'inverse' ? new InverseHeuristic(t) : undefined
  try {
    for (let start = 0; start < obs.count; start += settings.chunk) {
      const b = Math.min(settings.chunk, obs.count - start)
      const op: LinearOperator & { dispose(): void } = operatorFor(obs, start, b)
      const y = tf.tensor2d(obs.y.subarray(start * n, (start + b) * n), [b, n])
      try {
        const fn = imagePosteriorDenoiser(settings.covariance, { denoiser, operator: op, y, sigmaY: obs.sigmaY }, settings.cgIters, inverse, settings.clamp)
        const x = await sample(fn, [b, n], {
          steps: settings.steps, sampler: settings.sampler, schedule, seed: seed + start, mean: t.mean, signal,
          callbackEvery: Math.max(1, Math.floor(settings.steps / 4)),
          onStep: (info) => onProgress((start + (b * info.step) / info.steps) / obs.count, `E-step: observations ${start + 1}–${start + b} of ${obs.count}, step ${info.step}/${info.steps}`),
        })
        out.set(await x.data(), start * n)
        x.dispose()
      } finally {
        op.dispose()
        y.dispose()
      }
    }
  } finally {
    t.dispose()
  }
  return out
}

/** `count` unconditional samples of the denoiser's prior (count × n). */
export async function unconditionalSamples(denoiser: Denoiser, prior: DplrGaussian, count: number, steps: number, sampler: ImageEStepSettings['sampler'], schedule: VESchedule, seed: number, signal?: AbortSignal): Promise<Float32Array> {
  const t = new DplrTensors(prior)
  try {
    const x = await sample((xt, ctx) => denoiser.denoise(xt, ctx.sigma), [count, prior.n], { steps, sampler, schedule, seed, mean: t.mean, signal })
    const v = Float32Array.from(await x.data())
    x.dispose()
    return v
  } finally {
    t.dispose()
  }
}
