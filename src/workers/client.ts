// Main-thread side of the compute worker: one Comlink proxy, created once.
import * as Comlink from 'comlink'
import type { ComputeApi } from './api'

let remote: Comlink.Remote<ComputeApi> | undefined

export function computeWorker(): Comlink.Remote<ComputeApi> {
  if (!remote) {
    const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' })
    // opt-in (?executor=ort): the ORT VJP executor's worker (src/workers/onnxModels.ts), reached by the compute
    // worker through this port. Not the default yet: building its graphs and sessions takes tens of seconds on a
    // loaded 2-core VM (docs/bench-engine.md), which a short studio run does not win back.
    const wantOrt = new URLSearchParams(globalThis.location?.search ?? '').get('executor') === 'ort'
    if (wantOrt && globalThis.crossOriginIsolated) {
      const ortVjp = new Worker(new URL('./ortVjpServer.worker.ts', import.meta.url), { type: 'module', name: 'ort-vjp' })
      const ch = new MessageChannel()
      ortVjp.postMessage({ control: ch.port1 }, [ch.port1])
      worker.postMessage({ ortVjpControl: ch.port2 }, [ch.port2])
    }
    remote = Comlink.wrap<ComputeApi>(worker)
  }
  return remote
}

export const proxy = Comlink.proxy

let counter = 0
export const newJobId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${++counter}`
