// bench-engine.html: a page with no UI that `npm run bench:engine` drives through Playwright. Each call runs
// the engine timings in a fresh module worker: runEngineBench on one tfjs backend, runOrtVjpBench the ORT-VJP
// executor on onnxruntime-web (the shipped models come from the build).
import { SHIPPED_MODELS } from '../app/models'
import type { EngineBenchReply, EngineBenchRequest } from './engineBench.worker'
import type { OrtVjpBenchReply, OrtVjpBenchRequest } from './ortVjpBench.worker'

export type RunEngineBench = (opts: Omit<EngineBenchRequest, 'models'> & { modelIds?: string[] }) => Promise<EngineBenchReply>
export type RunOrtVjpBench = (opts: Omit<OrtVjpBenchRequest, 'models'> & { modelIds?: string[] }) => Promise<OrtVjpBenchReply>

function shipped(ids: string[] | undefined): EngineBenchRequest['models'] {
  return SHIPPED_MODELS.filter((m) => !ids || ids.includes(m.id)).map((m) => ({ id: m.id, url: m.onnxUrl, sampleShape: [m.card.input.channels, m.card.input.height, m.card.input.width] }))
}

function ask<Req, Reply>(w: Worker, req: Req): Promise<Reply | { ok: false; error: string; log: string[] }> {
  return new Promise((resolve) => {
    w.onmessage = (ev: MessageEvent<Reply>) => {
      w.terminate()
      resolve(ev.data)
    }
    w.onerror = (ev) => {
      w.terminate()
      resolve({ ok: false, error: `worker error: ${ev.message}`, log: [] })
    }
    w.postMessage(req)
  })
}

const run: RunEngineBench = ({ modelIds, ...opts }) =>
  ask<EngineBenchRequest, EngineBenchReply>(new Worker(new URL('./engineBench.worker.ts', import.meta.url), { type: 'module' }), { ...opts, models: shipped(modelIds) })

const runOrt: RunOrtVjpBench = ({ modelIds, ...opts }) =>
  ask<OrtVjpBenchRequest, OrtVjpBenchReply>(new Worker(new URL('./ortVjpBench.worker.ts', import.meta.url), { type: 'module' }), { ...opts, models: shipped(modelIds) })

;(window as unknown as { runEngineBench: RunEngineBench; runOrtVjpBench: RunOrtVjpBench }).runEngineBench = run
;(window as unknown as { runOrtVjpBench: RunOrtVjpBench }).runOrtVjpBench = runOrt
document.body.dataset.ready = 'true'
