// Runs every selected posterior method on ONE studio problem (same operator, observation and seed), in
// lockstep: every method makes step k before any makes step k + 1, so all rows form together. Each round
// reports one frame per method (x_t, E[x | x_t, y] of the first sample and the per-step metrics). Engine-agnostic: the denoiser is injected
// (the page: the ONNX graph in tfjs; the benchmark: the same in Node). A method that produces NaN/Inf stops
// with status "diverged" and the others go on.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser, JacobianMode } from '../types'
import { macrotask, Sampling } from '../diffusion/sampler'
import { posteriorDenoiser } from '../posterior/registry'
import { methods as registry } from '../posterior/registry'
import { FiniteDifferenceDenoiser } from '../denoisers/finiteDifference'
import { psnr, ssim, toUnit } from '../metrics/image'
import { problemSeed, type Corruption, type MethodSpec, type StudioConfig } from './config'
import { baseline, buildOperator, observe, type DisposableOperator, type ImageShape } from './problem'
import { quantise, stepPsnr, type StepFrame } from './trajectory'

export type { StepFrame } from './trajectory'

export interface StudioObservation {
  /** y as the operator returns it ([outShape]); for display. */
  y: Float32Array
  yShape: number[]
  /** The simple baseline in image space. */
  baseline: Float32Array
  baselinePsnr: number
  baselineSsim: number
}

export type MethodStatus = 'done' | 'diverged' | 'failed' | 'cancelled'

export interface MethodResult {
  method: number
  spec: MethodSpec
  label: string
  status: MethodStatus
  error?: string
  jacobian: JacobianMode
  /** S×C×H×W final samples, their mean and per-pixel standard deviation (C×H×W). */
  samples?: Float32Array
  mean?: Float32Array
  std?: Float32Array
  /** Metrics of the posterior mean, and the average over individual samples. */
  psnrMean?: number
  ssimMean?: number
  psnrSample?: number
  ssimSample?: number
  /** RMS of y − A·mean over the observation's entries. */
  consistency?: number
  forward: number
  vjp: number
  calls: number
  /** This method's own compute time (s): the sum of its steps, not the run's wall time. */
  seconds: number
  /** Grid steps of the run, and how many this method completed (the final call counts as one more). */
  steps: number
  reached: number
}

export interface RoundInfo {
  /** The step every live method just made (0 … steps; steps = the final call). */
  step: number
  steps: number
  frames: StepFrame[]
}

export interface StudioCallbacks {
  onObservation(o: StudioObservation): void
  onRound(r: RoundInfo): void | Promise<void>
  onMethodDone(r: MethodResult): void | Promise<void>
  signal?: AbortSignal
  /** false: no images in the frames (a sweep needs only the metrics). Default true. */
  images?: boolean
  /** The exact float x_t (C×H×W) of the first sample of a method at a step, and σ_t (e.g. for the studio's Tweedie PCs). */
  onExactStep?(method: number, step: number, sigma: number, xt: Float32Array): void
}

export class Diverged extends Error {}

const finite = (a: Float32Array): boolean => a.every(Number.isFinite)

export function methodLabel(m: MethodSpec): string {
  const base = registry[m.name].label
  return m.name === 'dps' ? base : `${base} (${m.solver.toUpperCase()} ${m.iters})`
}

/** The operator, the clean image as a batch of one, and its seeded noisy observation. */
function poseProblem(clean: Float32Array, [c, h, w]: ImageShape, config: StudioConfig): { A: DisposableOperator; x: Tensor; y: Tensor } {
  const seed = problemSeed(config)
  const A = buildOperator(config.corruption, [c, h, w], seed)
  const x = tf.tensor4d(clean, [1, c, h, w])
  return { A, x, y: observe(A, x, config.sigmaY, seed + 101) }
}

async function describeObservation(A: DisposableOperator, y: Tensor, clean: Float32Array, [c, h, w]: ImageShape, kind: Corruption['kind']): Promise<StudioObservation> {
  const b = baseline(A, kind, y, [1, c, h, w])
  const baseArr = (await b.data()) as Float32Array
  b.dispose()
  return {
    y: (await y.data()) as Float32Array,
    yShape: y.shape.slice(1),
    baseline: baseArr,
    baselinePsnr: psnr(toUnit(clean), toUnit(baseArr)),
    baselineSsim: ssim(toUnit(clean), toUnit(baseArr), c, h, w),
  }
}

/** The observation and baseline a run with this configuration would see, without running any method. */
export async function previewProblem(clean: Float32Array, shape: ImageShape, config: StudioConfig): Promise<StudioObservation> {
  const { A, x, y } = poseProblem(clean, shape, config)
  try {
    return await describeObservation(A, y, clean, shape, config.corruption.kind)
  } finally {
    tf.dispose([x, y])
    A.dispose()
  }
}

interface Lane {
  index: number
  spec: MethodSpec
  post: ReturnType<typeof posteriorDenoiser>
  run: Sampling
  result: MethodResult
  frame?: StepFrame
  live: boolean
}

export async function runStudio(
  base: Denoiser,
  clean: Float32Array,
  shape: ImageShape,
  config: StudioConfig,
  cb: StudioCallbacks,
): Promise<MethodResult[]> {
  const [c, h, w] = shape
  const n = c * h * w
  const { A, x, y } = poseProblem(clean, shape, config)
  const den: Denoiser = config.jacobian === 'fd' ? new FiniteDifferenceDenoiser(base) : base
  const images = cb.images ?? true
  const lanes: Lane[] = []
  const unitClean = toUnit(clean)
  try {
    cb.onObservation(await describeObservation(A, y, clean, shape, config.corruption.kind))
    config.methods.forEach((spec, i) => {
      const post = posteriorDenoiser(spec.name, { denoiser: den, operator: A, y, sigmaY: config.sigmaY }, {
        solver: spec.solver,
        iters: spec.iters || undefined,
        clamp: [-2, 2],
      })
      const result: MethodResult = { method: i, spec, label: methodLabel(spec), status: 'done', jacobian: den.jacobian, forward: 0, vjp: 0, calls: 0, seconds: 0, steps: 0, reached: 0 }
      const lane: Lane = { index: i, spec, post, result, live: true, run: undefined as unknown as Sampling }
      lane.run = new Sampling(post.fn, [config.samples, c, h, w], {
        steps: config.steps,
        sampler: config.sampler,
        seed: config.seed,
        signal: cb.signal,
        onStep: async (info) => {
          const firsts = tf.tidy(() => {
            const d0 = info.denoised.slice([0], [1])
            const resid = tf.sqrt(tf.mean(tf.square(tf.sub(y, A.apply(d0)))))
            return [info.x.slice([0], [1]), d0, resid]
          })
          // freed also when the read-back fails (a lost GPU)
          const [xt, dn, res] = (await Promise.all(firsts.map((t) => t.data())).finally(() => tf.dispose(firsts))) as Float32Array[]
          if (!finite(xt!) || !finite(dn!)) throw new Diverged(`NaN or infinite values at step ${info.step} (σ = ${info.sigma.toPrecision(3)})`)
          cb.onExactStep?.(i, info.step, info.sigma, xt!)
          const cost = post.cost()
          lane.frame = {
            method: i, step: info.step, steps: info.steps, sigma: info.sigma,
            xt: images ? quantise(xt!) : undefined, denoised: images ? quantise(dn!) : undefined,
            psnr: stepPsnr(clean, dn!), residual: res![0]!, seconds: result.seconds, forward: cost.forward, vjp: cost.vjp,
          }
        },
      })
      result.steps = lane.run.steps
      lanes.push(lane)
    })
    const steps = lanes[0]?.run.steps ?? config.steps
    const close = async (lane: Lane): Promise<void> => {
      lane.live = false
      const cost = lane.post.cost()
      Object.assign(lane.result, { forward: cost.forward, vjp: cost.vjp, calls: cost.calls })
      await cb.onMethodDone(lane.result)
    }
    let rounds = 0
    for (let k = 0; k <= steps; k++) {
      // one macrotask per round lets a cancel message in (the sampler's own yield is per run)
      await macrotask()
      if (cb.signal?.aborted) break
      const frames: StepFrame[] = []
      for (const lane of lanes) {
        if (!lane.live) continue
        const t0 = performance.now()
        const r = lane.result
        try {
          if (k < steps) {
            await lane.run.next()
            r.reached = k + 1
            if (lane.frame) frames.push({ ...lane.frame, seconds: r.seconds + (performance.now() - t0) / 1000 })
          } else {
            const out = await lane.run.finish()
            try {
              await finalStats(out, r)
            } finally {
              out.dispose()
            }
            r.reached = steps + 1
            if (lane.frame) frames.push({ ...lane.frame, seconds: r.seconds + (performance.now() - t0) / 1000 })
          }
        } catch (e) {
          if (cb.signal?.aborted) break
          r.status = e instanceof Diverged ? 'diverged' : 'failed'
          r.error = e instanceof Error ? e.message : String(e)
        }
        r.seconds += (performance.now() - t0) / 1000
        if (r.status !== 'done' || k === steps) await close(lane)
      }
      if (cb.signal?.aborted) break
      await cb.onRound({ step: k, steps, frames })
      rounds = k + 1
    }
    // cancelled: every method still running ends the same way, at the last round all of them reported
    for (const lane of lanes) {
      if (!lane.live) continue
      lane.result.status = 'cancelled'
      lane.result.reached = rounds
      await close(lane)
    }
    return lanes.map((l) => l.result)
  } finally {
    for (const l of lanes) l.run.dispose()
    tf.dispose([x, y])
    A.dispose()
  }

  async function finalStats(out: Tensor, result: MethodResult): Promise<void> {
    const samples = (await out.data()) as Float32Array
    if (!finite(samples)) throw new Diverged('the final samples contain NaN or infinite values')
    const stats = tf.tidy(() => {
      const { mean, variance } = tf.moments(out, 0)
      const resid = tf.sub(y, A.apply(mean.reshape([1, c, h, w])))
      return [mean, tf.sqrt(variance), tf.sqrt(tf.mean(tf.square(resid)))]
    })
    const [mean, std, cons] = (await Promise.all(stats.map((t) => t.data())).finally(() => tf.dispose(stats))) as Float32Array[]
    let ps = 0, ss = 0
    for (let s = 0; s < config.samples; s++) {
      const u = toUnit(samples.subarray(s * n, (s + 1) * n))
      ps += psnr(unitClean, u) / config.samples
      ss += ssim(unitClean, u, c, h, w) / config.samples
    }
    Object.assign(result, {
      samples, mean, std, consistency: cons![0],
      psnrMean: psnr(unitClean, toUnit(mean!)), ssimMean: ssim(unitClean, toUnit(mean!), c, h, w),
      psnrSample: ps, ssimSample: ss,
    })
  }
}
