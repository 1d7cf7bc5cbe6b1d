// Parity and gradient check of an OnnxDenoiser against a reference runtime (onnxruntime-node in the CLI and tests,
// onnxruntime-web in the browser): the caller passes the reference as a function, so this module stays free of
// Node-only APIs.
import * as tf from '@tensorflow/tfjs-core'
import type { OnnxDenoiser } from './denoiser'
import { mulberry32 as rng } from '../../../core/linalg/random'

export interface RefFeed {
  readonly data: Float32Array
  readonly shape: readonly number[]
}
/** Runs the model in the reference runtime; returns the (single) output, flattened. */
export type ReferenceRun = (feeds: Record<string, RefFeed>) => Promise<Float32Array>

export interface ValidateOptions {
  batch?: number
  sigmas?: readonly number[]
  /** Random directions per σ for the gradient check. */
  directions?: number
  seed?: number
  /** Finite-difference step in units of the network's input scale sqrt(σ² + 0.25). */
  relStep?: number
  /** Timed repetitions. */
  reps?: number
  /** Check the gradient at these σ only (default: every σ). */
  gradSigmas?: readonly number[]
}

export interface SigmaReport {
  readonly sigma: number
  readonly parity_max_abs: number
  readonly gradcheck_rel: number
}

export interface ValidationResult {
  readonly parity_max_abs: number
  readonly gradcheck_rel: number
  readonly ms_forward_ref: number
  readonly ms_forward_tfjs: number
  readonly ms_vjp_tfjs: number
  readonly per_sigma: readonly SigmaReport[]
}


function randn(r: () => number, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r())
  return out
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0)
  return s
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now())

export async function validateDenoiser(d: OnnxDenoiser, reference: ReferenceRun, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const batch = opts.batch ?? 2
  const sigmas = opts.sigmas ?? [0.02, 0.2, 1, 5, 40]
  const r = rng(opts.seed ?? 0)
  const shape = [batch, ...d.sampleShape]
  const n = shape.reduce((a, b) => a * b, 1)
  const feedsFor = (x: Float32Array, sigma: number): Record<string, RefFeed> => ({
    [d.io.x]: { data: x, shape },
    [d.io.sigma]: { data: new Float32Array(batch).fill(sigma), shape: [batch] },
  })
  const per: SigmaReport[] = []
  let xLast = new Float32Array(n)
  for (const sigma of sigmas) {
    // x = clean-ish image in [-1, 1] plus σ-noise
    const clean = Float32Array.from({ length: n }, () => 2 * r() - 1)
    const noise = randn(r, n)
    const x = clean.map((c, i) => c + sigma * (noise[i] ?? 0))
    xLast = x
    const ref = await reference(feedsFor(x, sigma))
    const xt = tf.tensor(x, shape)
    const lin = d.linearize(xt, sigma)
    const got = (await lin.denoised.data()) as Float32Array
    let parity = got.length === ref.length ? 0 : Infinity
    for (let i = 0; i < got.length && parity !== Infinity; i++) parity = Math.max(parity, Math.abs((got[i] ?? 0) - (ref[i] ?? 0)))
    let grad = 0
    if (!opts.gradSigmas || opts.gradSigmas.includes(sigma)) {
      const h = (opts.relStep ?? 5e-3) * Math.sqrt(sigma * sigma + 0.25)
      for (let k = 0; k < (opts.directions ?? 3); k++) {
        const u = randn(r, n)
        const v = randn(r, n)
        const vt = tf.tensor(v, shape)
        const g = lin.vjp(vt)
        const ad = dot((await g.data()) as Float32Array, u)
        g.dispose()
        vt.dispose()
        const fp = await reference(feedsFor(x.map((xi, i) => xi + h * (u[i] ?? 0)), sigma))
        const fm = await reference(feedsFor(x.map((xi, i) => xi - h * (u[i] ?? 0)), sigma))
        const fd = (dot(v, fp) - dot(v, fm)) / (2 * h)
        grad = Math.max(grad, Math.abs(fd - ad) / Math.max(Math.abs(fd), Math.abs(ad), 1e-3))
      }
    }
    lin.dispose()
    xt.dispose()
    per.push({ sigma, parity_max_abs: parity, gradcheck_rel: grad })
  }
  // timings (after warm-up above), σ = 1
  const reps = opts.reps ?? 5
  const feeds = feedsFor(xLast, 1)
  let t0 = now()
  for (let i = 0; i < reps; i++) await reference(feeds)
  const msRef = (now() - t0) / reps
  const xt = tf.tensor(xLast, shape)
  t0 = now()
  for (let i = 0; i < reps; i++) {
    const y = d.denoise(xt, 1)
    await y.data()
    y.dispose()
  }
  const msFwd = (now() - t0) / reps
  const lin = d.linearize(xt, 1)
  const vt = tf.randomNormal(shape)
  let msVjp = 0
  for (let i = 0; i < reps; i++) {
    t0 = now()
    const g = lin.vjp(vt)
    await g.data()
    msVjp += now() - t0
    g.dispose()
  }
  lin.dispose()
  vt.dispose()
  xt.dispose()
  return {
    parity_max_abs: Math.max(...per.map((p) => p.parity_max_abs)),
    gradcheck_rel: Math.max(...per.map((p) => p.gradcheck_rel)),
    ms_forward_ref: msRef,
    ms_forward_tfjs: msFwd,
    ms_vjp_tfjs: msVjp / reps,
    per_sigma: per,
  }
}
