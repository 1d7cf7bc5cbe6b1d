// Main-thread side of the compute worker: one Comlink proxy, created once.
import * as Comlink from 'comlink'
import type { ComputeApi } from './api'

let remote: Comlink.Remote<ComputeApi> | undefined

export function computeWorker(): Comlink.Remote<ComputeApi> {
  if (!remote) {
    const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' })
    remote = Comlink.wrap<ComputeApi>(worker)
  }
  return remote
}

export const proxy = Comlink.proxy

let counter = 0
export const newJobId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${++counter}`
