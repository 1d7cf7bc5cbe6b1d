// Runs every selected posterior method on ONE studio problem (same operator, observation and seed),
// one after another, with live snapshots and per-method metrics. Engine-agnostic: the denoiser is injected
// (the page: the ONNX graph in tfjs; the benchmark: the same in Node). A method that produces NaN/Inf stops
// with status "diverged" and the others go on.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser, JacobianMode } from '../types'
import { sample } from '../diffusion/sampler'
import { posteriorDenoiser } from '../posterior/registry'
import { methods as registry } from '../posterior/registry'
import { FiniteDifferenceDenoiser } from '../denoisers/finiteDifference'
import { psnr, ssim, toUnit } from '../metrics/image'
import { problemSeed, type Corruption, type MethodSpec, type StudioConfig } from './config'
import { baseline, buildOperator, observe, type DisposableOperator, type ImageShape } from './problem'

export interface StudioObservation {
  /** y as the operator returns it ([outShape]); for display. */
  y: Float32Array
  yShape: number[]
  /** The simple baseline in image space. */
  baseline: Float32Array
  baselinePsnr: number
  baselineSsim: number
}

export interface MethodSnapshot {
  method: number
  step: number
  steps: number
  sigma: number
  /** x_t and E[x | x_t, y] of the first sample, C×H×W. */
  xt: Float32Array
  denoised: Float32Array
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
  seconds: number
}

export interface StudioCallbacks {
  onObservation(o: StudioObservation): void
  onSnapshot(s: MethodSnapshot): void | Promise<void>
  onMethodDone(r: MethodResult): void | Promise<void>
  signal?: AbortSignal
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
  const results: MethodResult[] = []
  try {
    cb.onObservation(await describeObservation(A, y, clean, shape, config.corruption.kind))
    for (let i = 0; i < config.methods.length; i++) {
      const spec = config.methods[i]!
      const t0 = performance.now()
      const post = posteriorDenoiser(spec.name, { denoiser: den, operator: A, y, sigmaY: config.sigmaY }, {
        solver: spec.solver,
        iters: spec.iters || undefined,
        clamp: [-2, 2],
      })
      const result: MethodResult = { method: i, spec, label: methodLabel(spec), status: 'done', jacobian: den.jacobian, forward: 0, vjp: 0, calls: 0, seconds: 0 }
      let out: Tensor | undefined
      try {
        out = await sample(post.fn, [config.samples, c, h, w], {
          steps: config.steps,
          sampler: config.sampler,
          seed: config.seed,
          signal: cb.signal,
          callbackEvery: Math.max(1, Math.round(config.steps / 16)),
          onStep: async (info) => {
            const firsts = tf.tidy(() => [info.x.slice([0], [1]), info.denoised.slice([0], [1])])
            // freed also when the read-back fails (a lost GPU)
            const [xt, dn] = await Promise.all(firsts.map((t) => t.data())).finally(() => tf.dispose(firsts))
            const snap = { method: i, step: info.step, steps: info.steps, sigma: info.sigma, xt: xt as Float32Array, denoised: dn as Float32Array }
            if (!finite(snap.xt) || !finite(snap.denoised)) throw new Diverged(`NaN or infinite values at step ${info.step} (σ = ${info.sigma.toPrecision(3)})`)
            await cb.onSnapshot(snap)
          },
        })
        const samples = (await out.data()) as Float32Array
        if (!finite(samples)) throw new Diverged('the final samples contain NaN or infinite values')
        const stats = tf.tidy(() => {
          const { mean, variance } = tf.moments(out!, 0)
          const resid = tf.sub(y, A.apply(mean.reshape([1, c, h, w])))
          return [mean, tf.sqrt(variance), tf.sqrt(tf.mean(tf.square(resid)))]
        })
        const [mean, std, cons] = (await Promise.all(stats.map((t) => t.data()))) as Float32Array[]
        tf.dispose(stats)
        const unitClean = toUnit(clean)
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
      } catch (e) {
        if (cb.signal?.aborted) {
          result.status = 'cancelled'
        } else {
          result.status = e instanceof Diverged ? 'diverged' : 'failed'
          result.error = e instanceof Error ? e.message : String(e)
        }
      } finally {
        out?.dispose()
        const cost = post.cost()
        Object.assign(result, { forward: cost.forward, vjp: cost.vjp, calls: cost.calls, seconds: (performance.now() - t0) / 1000 })
      }
      results.push(result)
      await cb.onMethodDone(result)
      if (result.status === 'cancelled') break
    }
    return results
  } finally {
    tf.dispose([x, y])
    A.dispose()
  }
}
