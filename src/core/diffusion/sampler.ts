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
export function macrotask(): Promise<void> {
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
 * One sampling run, advanced a step at a time, so that a caller can interleave several runs (the studio's
 * lockstep: every method makes step k before any makes step k + 1). `sample` below is this loop run to the end;
 * both give the same numbers. Call `dispose` when done (also after an error or an abandoned run).
 */
export class Sampling {
  readonly steps: number
  private readonly grid: ReturnType<typeof timeGrid>
  private readonly kind: SamplerName
  private readonly tau: number
  private readonly corrections: number
  private readonly every: number
  private readonly schedule: VESchedule
  private readonly noise: () => Tensor
  private x: Tensor
  private k = 0

  constructor(private readonly denoise: PosteriorDenoiserFn, shape: readonly number[], private readonly opts: SampleOptions) {
    this.schedule = opts.schedule ?? defaultSchedule
    this.grid = timeGrid(opts.steps, this.schedule)
    this.steps = this.grid.length
    this.kind = opts.sampler ?? 'ddpm'
    this.tau = opts.tau ?? 0.1
    this.corrections = opts.corrections ?? 1
    this.every = Math.max(1, opts.callbackEvery ?? 1)
    // seeded noise: one mulberry32 stream per run (linalg/random.ts), the same numbers on every backend
    const uniform = mulberry32(opts.seed ?? 0)
    const size = shape.reduce((a, b) => a * b, 1)
    this.noise = () => tf.tensor(fillNormal(new Float32Array(size), uniform), [...shape])
    const b = this.schedule.b
    this.x = tf.tidy(() => {
      const z = tf.mul(this.noise(), b) // §2.1: x_1 = μ + σ(1) z
      return opts.mean ? tf.add(z, opts.mean) : z
    })
  }

  /** Steps taken so far (0 … steps). */
  get step(): number { return this.k }
  get done(): boolean { return this.k >= this.grid.length }

  private check(): void { if (this.opts.signal?.aborted) throw new SamplingAborted() }

  /** One step of the grid (and its corrector steps), with onStep when due. */
  async next(): Promise<void> {
    if (this.done) throw new Error('the sampling run has no steps left')
    this.check()
    const k = this.k
    const { sigmaT: st, sigmaS: ss } = this.grid[k]
    const kind = this.kind, x = this.x
    const coef = kind === 'ddpm' ? 1 - (ss * ss) / (st * st) : 1 - ss / st
    const d = this.denoise(x, { sigma: st, sigmaNext: ss, coef })
    try {
      if (this.opts.onStep && k % this.every === 0) await this.opts.onStep({ step: k, steps: this.grid.length, sigma: st, x, denoised: d })
    } catch (e) {
      d.dispose()
      throw e
    }
    const xs = tf.tidy(() => {
      if (kind === 'ddpm') {
        // §2.2, η = 1: x_s = x_t − τ(x_t − D̃) + σ_s √τ ε
        return tf.add(tf.sub(x, tf.mul(tf.sub(x, d), coef)), tf.mul(this.noise(), ss * Math.sqrt(coef)))
      }
      // §2.2, η = 0 (DDIM; also the PC predictor): x_s = x_t − (1 − σ_s/σ_t)(x_t − D̃)
      return tf.sub(x, tf.mul(tf.sub(x, d), coef))
    })
    d.dispose(); x.dispose(); this.x = xs
    if (kind === 'pc') {
      for (let c = 0; c < this.corrections; c++) {
        this.check()
        // §2.3 corrector: x ← x − τ(x − D̃(x, σ_s)) + σ_s √(2τ) ε
        const cur = this.x, tau = this.tau
        const dc = this.denoise(cur, { sigma: ss, sigmaNext: ss, coef: tau })
        const xc = tf.tidy(() => tf.add(tf.sub(cur, tf.mul(tf.sub(cur, dc), tau)), tf.mul(this.noise(), ss * Math.sqrt(2 * tau))))
        dc.dispose(); cur.dispose(); this.x = xc
      }
    }
    this.k++
  }

  /** §2.1: the extra denoiser call at σ(0) = a that returns the sample (a NEW tensor; onStep sees it). */
  async finish(): Promise<Tensor> {
    if (!this.done) throw new Error(`the sampling run is at step ${this.k} of ${this.grid.length}`)
    this.check()
    const out = this.denoise(this.x, { sigma: this.schedule.a, sigmaNext: 0, coef: 1 })
    try {
      if (this.opts.onStep) await this.opts.onStep({ step: this.grid.length, steps: this.grid.length, sigma: this.schedule.a, x: this.x, denoised: out })
    } catch (e) {
      out.dispose()
      throw e
    }
    return out
  }

  dispose(): void {
    this.x.dispose()
  }
}

/**
 * Draws posterior (or prior) samples of the given batch shape [B, ...sampleShape]. Returns D̃(x_0, σ(0)), the
 * final denoiser call of §2.1. All per-step tensors are disposed; no read-back happens unless onStep reads.
 */
export async function sample(denoise: PosteriorDenoiserFn, shape: readonly number[], opts: SampleOptions): Promise<Tensor> {
  const run = new Sampling(denoise, shape, opts)
  try {
    while (!run.done) {
      if (opts.signal) await macrotask()
      await run.next()
    }
    return await run.finish()
  } finally {
    run.dispose()
  }
}
