// bench-engine.html: a page with no UI that `npm run bench:engine` drives through Playwright. Each call runs
// the engine timings in a fresh module worker on one tfjs backend (the shipped models come from the build).
import { SHIPPED_MODELS } from '../app/models'
import type { EngineBenchReply, EngineBenchRequest } from './engineBench.worker'

export type RunEngineBench = (opts: Omit<EngineBenchRequest, 'models'>) => Promise<EngineBenchReply>

const run: RunEngineBench = (opts) => new Promise((resolve) => {
  const w = new Worker(new URL('./engineBench.worker.ts', import.meta.url), { type: 'module' })
  const models = SHIPPED_MODELS.map((m) => ({ id: m.id, url: m.onnxUrl, sampleShape: [m.card.input.channels, m.card.input.height, m.card.input.width] }))
  w.onmessage = (ev: MessageEvent<EngineBenchReply>) => {
    w.terminate()
    resolve(ev.data)
  }
  w.onerror = (ev) => {
    w.terminate()
    resolve({ ok: false, error: `worker error: ${ev.message}`, log: [] })
  }
  w.postMessage({ ...opts, models } satisfies EngineBenchRequest)
})

;(window as unknown as { runEngineBench: RunEngineBench }).runEngineBench = run
document.body.dataset.ready = 'true'
