// Main-thread side of the compute worker: one Comlink proxy, created once.
import * as Comlink from 'comlink'
import type { ComputeApi } from './api'

let remote: Comlink.Remote<ComputeApi> | undefined

export function computeWorker(): Comlink.Remote<ComputeApi> {
  if (!remote) {
    const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' })
    // The ORT VJP executor's worker (src/workers/onnxModels.ts), reached by the compute worker through this port:
    // on wasm it is a measured candidate for the shipped ONNX models (?executor=ort forces it, ?executor=tfjs
    // leaves it out). It needs SharedArrayBuffer (a cross-origin isolated page); it loads onnxruntime only when a
    // model is first prepared on it.
    // NOT the default yet (2026-12-01): on a second visit, timing it inline (graphs from the IndexedDB cache) stalled
    // the run until the bridge's 120 s timeout in headless Chromium — see docs/bench-engine.md; ?executor=auto opts in.
    const asked = new URLSearchParams(globalThis.location?.search ?? '').get('executor')
    const mode = asked === 'ort' || asked === 'tfjs' || asked === 'auto' ? asked : 'off'
    if (asked !== null && mode === 'off') console.warn(`?executor=${asked} is not an executor (auto, ort or tfjs): the tfjs executor is used`)
    if ((mode === 'ort' || mode === 'auto') && globalThis.crossOriginIsolated) {
      const ortVjp = new Worker(new URL('./ortVjpServer.worker.ts', import.meta.url), { type: 'module', name: 'ort-vjp' })
      const ch = new MessageChannel()
      ortVjp.postMessage({ control: ch.port1 }, [ch.port1])
      worker.postMessage({ ortVjpControl: ch.port2, executorMode: mode }, [ch.port2])
    } else worker.postMessage({ executorMode: mode })
    remote = Comlink.wrap<ComputeApi>(worker)
  }
  return remote
}

export const proxy = Comlink.proxy

let counter = 0
export const newJobId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${++counter}`
