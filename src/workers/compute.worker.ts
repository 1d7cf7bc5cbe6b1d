// The compute worker: every tensor in the app lives here. Exposed with Comlink (typed by ComputeApi).
import * as Comlink from 'comlink'
import { type ExecutorMode, setExecutorMode, setOrtVjpControl } from './onnxModels'
import { createSession, ort, type OrtEp } from '../engines/onnx/ortWeb'
import type { ComputeApi, ShellApi } from './api'
import { jobs, tf } from './runtime'
import { manifoldApi } from './manifoldWorker'
import { modelsApi } from './modelsWorker'
import { studioApi } from './studioWorker'
import { byoApi } from './byoWorker'
import { toyApi } from './toyWorker'
import { pcsApi } from './pcsWorker'
import { imageEmApi } from './imageEmWorker'
import { onnxCacheSizes } from './onnxModels'
import { runDiagnostics, type OrtRunner } from './diagnosticsJob'
import { guardedProbe, initBackends, knownVerdicts, loseGpuDevice, remeasure, runJob, status } from './backendService'

let initialised = false
const ortSessions = new Map<OrtEp, Awaited<ReturnType<typeof createSession>>>()
const ortRunner: OrtRunner = {
  async run(ep, x, dims) {
    let session = ortSessions.get(ep)
    if (!session) {
      const res = await fetch(`${import.meta.env.BASE_URL}diagnostics/tiny.onnx`)
      if (!res.ok) throw new Error(`could not load diagnostics/tiny.onnx: HTTP ${res.status}`)
      session = await createSession(new Uint8Array(await res.arrayBuffer()), ep)
      ortSessions.set(ep, session)
    }
    const feeds = { x: new ort.Tensor('float32', x, dims) }
    const t0 = performance.now()
    const first = await session.run(feeds)
    const firstMs = performance.now() - t0
    first.y?.dispose()
    const t1 = performance.now()
    const out = await session.run(feeds)
    const ms = performance.now() - t1
    const y = out.y
    if (!y) throw new Error('the diagnostic graph returned no output "y"')
    const data = (await y.getData()) as Float32Array
    y.dispose()
    return { y: data, firstMs, ms }
  },
}

const shellApi: ShellApi = {
  async init(forced, onBackendChange) {
    if (initialised) return status()
    initialised = true
    return initBackends(forced, onBackendChange)
  },
  async status() {
    if (!initialised) throw new Error('the compute worker has not been initialised')
    return status()
  },
  async runDiagnostics(jobId, onProgress) {
    // Diagnostics switches backends: it waits until no other job holds one, and says so meanwhile
    const onWait = (message: string): void => onProgress({ fraction: 0, message })
    return runJob(jobId, { label: 'Diagnostics', exclusive: true, onWait }, (signal) =>
      runDiagnostics(tf, ortRunner, signal, onProgress, status().verdict?.chosen ?? status().backend, guardedProbe),
    )
  },
  remeasure: (jobId, onProgress) => remeasure(jobId, onProgress),
  knownVerdicts: () => knownVerdicts(),
  async cancel(jobId) {
    return jobs.cancel(jobId)
  },
  async memory() {
    // the engine's own counters: tf.memory() would initialise a backend if none were set (mid-recovery)
    const state = (tf.engine() as unknown as { state: { numTensors: number; numBytes: number } }).state
    return { numTensors: state.numTensors, numBytes: state.numBytes, ortSessions: onnxCacheSizes().ortSessions + ortSessions.size, onnxGraphs: onnxCacheSizes().onnxGraphs }
  },
  async loseGpuDevice() {
    return loseGpuDevice()
  },
}

// One spread per feature module (see ComputeApi in ./api).
const api: ComputeApi = { ...shellApi, ...manifoldApi, ...modelsApi, ...studioApi, ...byoApi, ...toyApi, ...pcsApi, ...imageEmApi }
Comlink.expose(api)
// the page's control port to the ORT VJP worker and the executor mode (src/workers/client.ts); Comlink ignores these
self.addEventListener('message', (e: MessageEvent<{ ortVjpControl?: MessagePort; executorMode?: ExecutorMode }>) => {
  const p = e.data?.ortVjpControl
  if (p instanceof MessagePort) setOrtVjpControl(p)
  const m = e.data?.executorMode
  if (m === 'ort' || m === 'tfjs' || m === 'auto' || m === 'off') setExecutorMode(m)
})
