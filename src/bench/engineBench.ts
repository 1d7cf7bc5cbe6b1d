// The workload timings of `npm run bench:engine`, the same code in Node and in the browser bench page
// (bench-engine.html): median forward and VJP of an ONNX denoiser run by the tfjs executor, and the manifold
// MLP's training step, on whatever tfjs backend is active. No assertions: it measures and reports.
import * as tf from '@tensorflow/tfjs-core'
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm'
import { createOnnxDenoiser } from '../engines/onnx/diff'
import { MANIFOLD_MLP, disposeParams, initMlp } from '../engines/tfjs/mlp'
import { trainMlp } from '../engines/tfjs/trainMlp'

export interface Reps {
  /** Untimed runs first. */
  warmup: number
  /** Timed runs (the median is reported). */
  reps: number
}

export interface ModelTiming {
  model: string
  batch: number
  forwardMs: number
  vjpMs: number
}

export interface EngineTimings {
  backend: string
  /** tfjs-wasm's thread count when the backend is wasm, else null. */
  threads: number | null
  models: ModelTiming[]
  /** One Adam step of the manifold MLP (hidden 256, batch 256), ms. */
  mlpStepMs: number | null
}

export interface BenchModel {
  id: string
  bytes: Uint8Array
  sampleShape: readonly number[]
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  if (n === 0) return NaN
  return n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2
}

async function timeIt(fn: () => Promise<void>, r: Reps): Promise<number> {
  for (let i = 0; i < r.warmup; i++) await fn()
  const ts: number[] = []
  for (let i = 0; i < r.reps; i++) {
    const t0 = performance.now()
    await fn()
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

/** The part of a Denoiser the timings use (lets the bench time another copy of the executor too). */
export interface TimedDenoiser {
  denoise(x: tf.Tensor, sigma: number): tf.Tensor
  linearize(x: tf.Tensor, sigma: number): { vjp(v: tf.Tensor): tf.Tensor; dispose(): void }
  dispose(): void
}

export type MakeDenoiser = (bytes: Uint8Array, opts: { sampleShape: readonly number[]; name: string }) => TimedDenoiser

/** Forward = denoise(x, σ=1) with read-back; VJP = one backward pass of a recorded linearisation, read back. */
export async function timeModel(m: BenchModel, batch: number, r: Reps, make: MakeDenoiser = createOnnxDenoiser): Promise<ModelTiming> {
  const d = make(m.bytes, { sampleShape: m.sampleShape, name: m.id })
  const shape = [batch, ...m.sampleShape]
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1)
  const v = tf.randomNormal(shape, 0, 1, 'float32', 2)
  try {
    const forwardMs = await timeIt(async () => {
      const y = d.denoise(x, 1)
      await y.data()
      y.dispose()
    }, r)
    const lin = d.linearize(x, 1)
    try {
      const vjpMs = await timeIt(async () => {
        const g = lin.vjp(v)
        await g.data()
        g.dispose()
      }, r)
      return { model: m.id, batch, forwardMs, vjpMs }
    } finally {
      lin.dispose()
    }
  } finally {
    x.dispose()
    v.dispose()
    d.dispose()
  }
}

/** Mean ms of one manifold-MLP Adam step (MANIFOLD_MLP, batch 256 as in the default preset). */
export async function timeMlpStep(steps: number): Promise<number> {
  const params = initMlp(MANIFOLD_MLP, 3)
  const data = tf.randomNormal([1024, MANIFOLD_MLP.features], 0, 1, 'float32', 4) as tf.Tensor2D
  const cfg = { batch: 256, lrInit: 1e-3, lrEnd: 1e-6, clip: 1, schedule: { a: 1e-3, b: 10 }, seed: 1 }
  try {
    await trainMlp(MANIFOLD_MLP, params, data, { ...cfg, steps: 2, readEvery: 2 }, () => {})
    const t0 = performance.now()
    await trainMlp(MANIFOLD_MLP, params, data, { ...cfg, steps, readEvery: steps }, () => {})
    return (performance.now() - t0) / steps
  } finally {
    disposeParams(params)
    data.dispose()
  }
}

/** tfjs-wasm's XNNPACK thread count (1 when single-threaded), null on other backends. */
export function wasmThreads(): number | null {
  return tf.getBackend() === 'wasm' ? getThreadsCount() : null
}

export async function benchEngine(models: readonly BenchModel[], batches: readonly number[], r: Reps, mlpSteps: number, log: (s: string) => void = () => {}): Promise<EngineTimings> {
  const out: ModelTiming[] = []
  for (const m of models) {
    for (const b of batches) {
      const t = await timeModel(m, b, r)
      log(`${tf.getBackend()} ${m.id} b${b}: fwd ${t.forwardMs.toFixed(1)} ms, vjp ${t.vjpMs.toFixed(1)} ms`)
      out.push(t)
    }
  }
  const mlpStepMs = mlpSteps > 0 ? await timeMlpStep(mlpSteps) : null
  return { backend: tf.getBackend(), threads: wasmThreads(), models: out, mlpStepMs }
}
