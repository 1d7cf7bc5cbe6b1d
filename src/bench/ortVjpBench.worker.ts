// The browser half of bench:engine for the ORT-VJP executor: a module worker (as the app's ORT VJP worker) that
// runs the executor on onnxruntime-web's wasm build (SIMD; threads when cross-origin isolated) with the asked
// thread count, and reports what ort.env.wasm says after initialisation (ORT drops to 1 thread when it cannot).
import { ort } from '../engines/onnx/ortWeb'
import { type BenchModel, type Reps } from './engineBench'
import { type OrtVjpTiming, timeOrtVjp } from './ortVjpTiming'

export interface OrtVjpBenchRequest {
  models: { id: string; url: string; sampleShape: number[] }[]
  batches: number[]
  reps: Reps
  /** ort.env.wasm.numThreads; 0 = navigator.hardwareConcurrency (or 2 when it is unknown). */
  threads: number
  /** Warm up each batch for at least this long as well (ms). */
  minWarmupMs?: number
}

export interface OrtWebEnv {
  /** ort.env.wasm after the first session: numThreads, simd, proxy, and the ORT versions. */
  wasm: { numThreads: number | undefined; simd: string | boolean | undefined; proxy: boolean | undefined; asked: number }
  versions: Record<string, string | undefined>
  crossOriginIsolated: boolean
  hardwareConcurrency: number
}

export type OrtVjpBenchReply = { ok: true; result: OrtVjpTiming[]; env: OrtWebEnv; log: string[] } | { ok: false; error: string; log: string[] }

const rt = {
  createSession: (b: Uint8Array, hint?: { graphOptimizationLevel: 'disabled' }) => ort.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: hint?.graphOptimizationLevel ?? 'all' }),
  tensor: (d: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', d, [...dims]),
}

self.onmessage = async (ev: MessageEvent<OrtVjpBenchRequest>) => {
  const req = ev.data
  const log: string[] = []
  try {
    const asked = req.threads > 0 ? req.threads : navigator.hardwareConcurrency || 2
    ort.env.wasm.numThreads = asked
    const models: BenchModel[] = []
    for (const m of req.models) models.push({ id: m.id, bytes: new Uint8Array(await (await fetch(m.url)).arrayBuffer()), sampleShape: m.sampleShape })
    const result = await timeOrtVjp(rt, models, req.batches, req.reps, {}, (s) => log.push(`ort-web (${asked} thr) ${s}`), req.minWarmupMs ?? 0)
    const w = ort.env.wasm
    const env: OrtWebEnv = {
      wasm: { numThreads: w.numThreads, simd: w.simd, proxy: w.proxy, asked },
      versions: { ...ort.env.versions },
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
    }
    self.postMessage({ ok: true, result, env, log } satisfies OrtVjpBenchReply)
  } catch (e) {
    self.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), log } satisfies OrtVjpBenchReply)
  }
}
