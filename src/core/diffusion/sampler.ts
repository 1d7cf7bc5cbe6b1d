// DDPM (η = 1), DDIM (η = 0) and predictor–corrector samplers on the VE schedule (§2). The loop knows nothing
// of posterior methods: it calls a "posterior denoiser" D̃(x_t) ≈ E[x | x_t, y] (or the plain denoiser).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import { defaultSchedule, timeGrid, type VESchedule } from './schedule'
import { fillNormal, mulberry32 } from '../linalg/random'

/**
 * What the sampler tells the posterior denoiser about the update it will plug D̃ into. Methods that act on
 * x_s directly ([B]'s DPS and ΠGDM) translate their increment Δx_s into D̃ = D̂ + Δx_s / coef, which gives
 * exactly the same x_s (the update is linear in D̃ with coefficient `coef`).
 */
export interface StepContext {
  /** σ_t, the noise level of x. */
  readonly sigma: number
  /** σ_s of the level the update goes to (= sigma for a corrector step, 0 for the final call). */
  readonly sigmaNext: number
  /** ∂x_s/∂D̃ of the update: 1 − σ_s²/σ_t² (DDPM), 1 − σ_s/σ_t (DDIM), τ (corrector), 1 (final call). */
  readonly coef: number
}

/** Returns a NEW tensor D̃(x) of x's shape; must not dispose x. */
export type PosteriorDenoiserFn = (x: Tensor, ctx: StepContext) => Tensor

export type SamplerName = 'ddpm' | 'ddim' | 'pc'

export interface StepInfo {
  /** 0-based step index; `steps` for the final denoiser call. */
  readonly step: number
  readonly steps: number
  readonly sigma: number
  /** x_t before the step; valid only during the callback (read it with .data()/.array() there if needed). */
  readonly x: Tensor
  /** The (posterior) Tweedie estimate D̃(x_t); valid only during the callback. */
  readonly denoised: Tensor
}

export interface SampleOptions {
  readonly steps: number
  readonly sampler?: SamplerName
  readonly schedule?: VESchedule
  readonly seed?: number
  /** Initial mean μ (§2.1: x_1 = μ + σ(1) z); a tensor broadcastable to the sample shape, or 0. */
  readonly mean?: Tensor
  /** Predictor–corrector: Langevin step τ (default 0.1) and corrections per step (default 1), §2.3. */
  readonly tau?: number
  readonly corrections?: number
  /** Checked before every denoiser call. With a signal, the loop also yields a macrotask every step, so that a
   * cancel message (worker postMessage, timer) can arrive while sampling. */
  readonly signal?: AbortSignal
  /** Called every `callbackEvery` steps (default 1) and for the final call; awaited. */
  readonly onStep?: (info: StepInfo) => void | Promise<void>
  readonly callbackEvery?: number
}

/** Let queued macrotasks (messages, timers) run: MessageChannel where available (no 4 ms timer clamp). */
function macrotask(): Promise<void> {
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel()
      ch.port1.onmessage = () => { ch.port1.close(); resolve() }
      ch.port2.postMessage(null)
    })
  }
  return new Promise((resolve) => setTimeout(resolve, 0))
}

export class SamplingAborted extends Error {
  constructor() { super('sampling aborted'); this.name = 'AbortError' }
}

/**
 * Draws posterior (or prior) samples of the given batch shape [B, ...sampleShape]. Returns D̃(x_0, σ(0)), the
 * final denoiser call of §2.1. All per-step tensors are disposed; no read-back happens unless onStep reads.
 */
export async function sample(denoise: PosteriorDenoiserFn, shape: readonly number[], opts: SampleOptions): Promise<Tensor> {
  const schedule = opts.schedule ?? defaultSchedule
  const grid = timeGrid(opts.steps, schedule)
  const kind = opts.sampler ?? 'ddpm'
  const tau = opts.tau ?? 0.1
  const corrections = opts.corrections ?? 1
  const every = Math.max(1, opts.callbackEvery ?? 1)
  // seeded noise: one mulberry32 stream per run (linalg/random.ts), the same numbers on every backend
  const uniform = mulberry32(opts.seed ?? 0)
  const size = shape.reduce((a, b) => a * b, 1)
  const noise = (): Tensor => tf.tensor(fillNormal(new Float32Array(size), uniform), [...shape])
  const check = (): void => { if (opts.signal?.aborted) throw new SamplingAborted() }

  let x = tf.tidy(() => {
    const z = tf.mul(noise(), schedule.b) // §2.1: x_1 = μ + σ(1) z
    return opts.mean ? tf.add(z, opts.mean) : z
  })
  try {
    for (let k = 0; k < grid.length; k++) {
      if (opts.signal) await macrotask()
      check()
      const { sigmaT: st, sigmaS: ss } = grid[k]
      const coef = kind === 'ddpm' ? 1 - (ss * ss) / (st * st) : 1 - ss / st
      const d = denoise(x, { sigma: st, sigmaNext: ss, coef })
      if (opts.onStep && k % every === 0) {
        // a failing callback (e.g. a read-back on a lost GPU) must not leak this step's estimate
        try {
          await opts.onStep({ step: k, steps: grid.length, sigma: st, x, denoised: d })
        } catch (e) {
          d.dispose()
          throw e
        }
      }
      const xs = tf.tidy(() => {
        if (kind === 'ddpm') {
          // §2.2, η = 1: x_s = x_t − τ(x_t − D̃) + σ_s √τ ε
          return tf.add(tf.sub(x, tf.mul(tf.sub(x, d), coef)), tf.mul(noise(), ss * Math.sqrt(coef)))
        }
        // §2.2, η = 0 (DDIM; also the PC predictor): x_s = x_t − (1 − σ_s/σ_t)(x_t − D̃)
        return tf.sub(x, tf.mul(tf.sub(x, d), coef))
      })
      d.dispose(); x.dispose(); x = xs
      if (kind === 'pc') {
        for (let c = 0; c < corrections; c++) {
          check()
          // §2.3 corrector: x ← x − τ(x − D̃(x, σ_s)) + σ_s √(2τ) ε
          const dc = denoise(x, { sigma: ss, sigmaNext: ss, coef: tau })
          const xc = tf.tidy(() => tf.add(tf.sub(x, tf.mul(tf.sub(x, dc), tau)), tf.mul(noise(), ss * Math.sqrt(2 * tau))))
          dc.dispose(); x.dispose(); x = xc
        }
      }
    }
    check()
    // §2.1: one extra denoiser call at σ(0) = a returns the sample
    const out = denoise(x, { sigma: schedule.a, sigmaNext: 0, coef: 1 })
    if (opts.onStep) {
      try {
        await opts.onStep({ step: grid.length, steps: grid.length, sigma: schedule.a, x, denoised: out })
      } catch (e) {
        out.dispose()
        throw e
      }
    }
    return out
  } finally {
    x.dispose()
  }
}
