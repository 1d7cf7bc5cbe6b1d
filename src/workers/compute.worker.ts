// The compute worker: every tensor in the app lives here. Exposed with Comlink (typed by ComputeApi).
import * as Comlink from 'comlink'
import { chooseBackend, type TfjsBackend } from '../engines/tfjs/backends'
import { createSession, ort, type OrtEp } from '../engines/onnx/ortWeb'
import type { BackendStatus, ComputeApi, ShellApi } from './api'
import { jobs, setBackendReady, tf } from './runtime'
import { manifoldApi } from './manifoldWorker'
import { modelsApi } from './modelsWorker'
import { studioApi } from './studioWorker'
import { byoApi } from './byoWorker'
import { toyApi } from './toyWorker'
import { pcsApi } from './pcsWorker'
import { onnxCacheSizes } from './onnxModels'
import { runDiagnostics, type OrtRunner } from './diagnosticsJob'
import { adapterInfo, type GpuDeviceLike } from './gpu'

let status: BackendStatus | undefined
let notify: ((s: BackendStatus) => void) | undefined
let lostWatch: GpuDeviceLike | undefined

function gpuDevice(): GpuDeviceLike | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined
  return (tf.backend() as unknown as { device?: GpuDeviceLike }).device
}

/** When the WebGPU device is lost, drop to the next rung and tell the page. */
function watchDevice(): void {
  const device = gpuDevice()
  if (!device || device === lostWatch) return
  lostWatch = device
  void device.lost.then(async (info) => {
    if (lostWatch !== device) return
    lostWatch = undefined
    tf.removeBackend('webgpu')
    const ladder = await chooseBackend(tf, undefined, ['webgpu'])
    status = {
      backend: ladder.chosen,
      probes: ladder.probes,
      notice: `The GPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}); now computing on ${ladder.chosen}.`,
    }
    notify?.(status)
  })
}

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
  async init(forced: TfjsBackend | undefined, onBackendChange) {
    notify = onBackendChange
    const ladder = await chooseBackend(tf, forced)
    status = {
      backend: ladder.chosen,
      probes: ladder.probes,
      notice: ladder.forcedFailure,
      adapter: ladder.chosen === 'webgpu' ? await adapterInfo() : undefined,
    }
    watchDevice()
    setBackendReady()
    return status
  },
  async status() {
    if (!status) throw new Error('the compute worker has not been initialised')
    return status
  },
  async runDiagnostics(jobId, onProgress) {
    const current = status?.backend ?? 'cpu'
    return jobs.run(jobId, (signal) => runDiagnostics(tf, ortRunner, signal, onProgress, current))
  },
  async cancel(jobId) {
    return jobs.cancel(jobId)
  },
  async memory() {
    const m = tf.memory()
    return { numTensors: m.numTensors, numBytes: m.numBytes, ...onnxCacheSizes() }
  },
  async loseGpuDevice() {
    const device = gpuDevice()
    if (!device) return false
    device.destroy()
    return true
  },
}

// One spread per feature module (see ComputeApi in ./api).
const api: ComputeApi = { ...shellApi, ...manifoldApi, ...modelsApi, ...studioApi, ...byoApi, ...toyApi, ...pcsApi }
Comlink.expose(api)
