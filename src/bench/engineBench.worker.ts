// The browser half of `npm run bench:engine`: a module worker (as the app's compute worker) that switches tfjs
// to the asked backend and runs the same timings as Node (src/bench/engineBench.ts).
import { tf } from '../engines/tfjs/registerBrowser'
import { benchEngine, type BenchModel, type EngineTimings, type Reps } from './engineBench'

export interface EngineBenchRequest {
  backend: string
  models: { id: string; url: string; sampleShape: number[] }[]
  batches: number[]
  reps: Reps
  mlpSteps: number
}

export type EngineBenchReply = { ok: true; result: EngineTimings; log: string[] } | { ok: false; error: string; log: string[] }

self.onmessage = async (ev: MessageEvent<EngineBenchRequest>) => {
  const req = ev.data
  const log: string[] = []
  try {
    if (!(await tf.setBackend(req.backend))) throw new Error(`tfjs backend ${req.backend} failed to initialise`)
    await tf.ready()
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')
    log.push(`${req.backend}: crossOriginIsolated ${String(self.crossOriginIsolated)}, hardwareConcurrency ${navigator.hardwareConcurrency}, WASM_HAS_MULTITHREAD_SUPPORT ${String(mt)}`)
    const models: BenchModel[] = []
    for (const m of req.models) {
      const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer())
      models.push({ id: m.id, bytes, sampleShape: m.sampleShape })
    }
    const result = await benchEngine(models, req.batches, req.reps, req.mlpSteps, (s) => log.push(s))
    self.postMessage({ ok: true, result, log } satisfies EngineBenchReply)
  } catch (e) {
    self.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), log } satisfies EngineBenchReply)
  }
}
