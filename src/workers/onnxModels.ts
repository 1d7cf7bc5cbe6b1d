// Worker-side caches of ONNX models: onnxruntime-web sessions (forward only) and differentiable denoisers (exact
// VJPs): on the wasm backend, for shipped models, when the page started the ORT VJP worker (?executor=ort,
// src/workers/client.ts), the ORT VJP executor (src/engines/onnx/ortvjp: the model's forward
// and backward as ONNX graphs run by onnxruntime-web in a second worker, reached synchronously through
// SharedArrayBuffer + Atomics.wait); otherwise, or when that executor cannot take the model, the tfjs-executed
// graph. Bytes are fetched once per URL.
import type { Denoiser } from '../core/types'
import { createSession, type OrtEp } from '../engines/onnx/ortWeb'
import { checkModel, createOnnxDenoiser } from '../engines/onnx/diff'
import { OrtBridgeDenoiser } from '../engines/onnx/ortvjp/syncBridge'
import { tf } from './runtime'
import { evictLearned, isLearnedUrl, learnedDenoiser } from './learnedModels'

const bytesCache = new Map<string, Promise<Uint8Array>>()
const sessions = new Map<string, ReturnType<typeof createSession>>()

interface CachedDenoiser {
  readonly den: Denoiser
  /** 'ort-vjp' or 'tfjs' (and why the ORT VJP executor was not used, when it was tried). */
  readonly executor: string
  dispose(): void
}
const denoisers = new Map<string, Promise<CachedDenoiser>>()

export async function modelBytes(url: string): Promise<Uint8Array> {
  let p = bytesCache.get(url)
  if (!p) {
    p = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`could not load the model ${url}: HTTP ${r.status}`)
      return new Uint8Array(await r.arrayBuffer())
    })
    bytesCache.set(url, p)
    p.catch(() => bytesCache.delete(url))
  }
  return p
}

let ortQueue: Promise<unknown> = Promise.resolve()
/** onnxruntime-web sessions must not run concurrently ("Session mismatch"): one run at a time, in order. */
export function ortExclusive<T>(f: () => Promise<T>): Promise<T> {
  const run = ortQueue.then(f, f)
  ortQueue = run.catch(() => undefined)
  return run
}

export async function ortSession(url: string, ep: OrtEp): ReturnType<typeof createSession> {
  const key = `${ep} ${url}`
  let s = sessions.get(key)
  if (!s) {
    s = modelBytes(url).then((b) => createSession(b, ep))
    sessions.set(key, s)
    s.catch(() => sessions.delete(key))
  }
  return s
}

/** How many onnxruntime sessions and tfjs-executed graphs the worker holds (a leak check for tests). */
export function onnxCacheSizes(): { ortSessions: number; onnxGraphs: number } {
  return { ortSessions: sessions.size, onnxGraphs: denoisers.size }
}

/** Whether the ORT VJP executor may be used here: wasm backend, SharedArrayBuffer, a shipped model (not a blob:). */
function ortVjpEligible(url: string): boolean {
  return ortVjpControl !== null && tf.getBackend() === 'wasm' && typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true && !url.startsWith('blob:')
}

let ortVjpControl: MessagePort | null = null
/** The page's control port to the ORT VJP worker (compute.worker.ts receives it from client.ts). */
export function setOrtVjpControl(p: MessagePort): void {
  ortVjpControl = p
}

async function ortVjpDenoiser(bytes: Uint8Array, name: string, shape: readonly number[]): Promise<CachedDenoiser> {
  const io = checkModel(bytes).io
  if (!io) throw new Error('not a denoiser graph')
  const control = ortVjpControl
  if (!control) throw new Error('no ORT VJP worker')
  const ch = new MessageChannel()
  const port = ch.port2
  try {
    // the server must be listening before this worker blocks on it
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the ORT VJP worker did not answer within 30 s')), 30_000)
      port.onmessage = (e) => {
        clearTimeout(t)
        port.onmessage = null
        if (e.data === 'ready') resolve()
        else reject(new Error(String(e.data)))
      }
      control.postMessage({ port: ch.port1 }, [ch.port1])
    })
    // init (probe, transform, three sessions: seconds) is awaited, not blocked on: the worker stays responsive
    const inited = new Promise<void>((resolve, reject) => {
      port.onmessage = (e: MessageEvent<{ init?: string | null }>) => {
        port.onmessage = null
        if (e.data?.init === null) resolve()
        else reject(new Error(String(e.data?.init)))
      }
    })
    const den = new OrtBridgeDenoiser(port, name, shape, bytes, { x: io.x, sigma: io.sigma }, 'async')
    await inited
    return { den, executor: 'ort-vjp', dispose: () => { den.close(); port.close() } }
  } catch (err) {
    port.postMessage({ kind: 'close' })
    port.close()
    throw err
  }
}

/** A differentiable Denoiser for the model on the worker's current tfjs backend (see the header). */
export async function onnxDenoiser(url: string, shape: readonly number[]): Promise<Denoiser> {
  if (isLearnedUrl(url)) return learnedDenoiser(url, shape)
  return (await cachedDenoiser(url, shape)).den
}

/** Which executor serves this model on the current backend ('ort-vjp', or 'tfjs' with the reason). */
export async function onnxExecutor(url: string, shape: readonly number[]): Promise<string> {
  if (isLearnedUrl(url)) return 'tfjs (a U-Net learned in this browser)'
  return (await cachedDenoiser(url, shape)).executor
}

function cachedDenoiser(url: string, shape: readonly number[]): Promise<CachedDenoiser> {
  const key = `${tf.getBackend()} ${shape.join('x')} ${url}`
  let d = denoisers.get(key)
  if (!d) {
    d = (async (): Promise<CachedDenoiser> => {
      const bytes = await modelBytes(url)
      const name = url.split('/').pop() ?? 'onnx'
      let why = ''
      if (ortVjpEligible(url)) {
        try {
          const d = await ortVjpDenoiser(bytes, name, shape)
          console.info(`[onnx] ${name}: exact VJPs on the ORT VJP executor (onnxruntime-web)`)
          return d
        } catch (err) {
          why = ` (ORT VJP executor not used: ${err instanceof Error ? err.message : String(err)})`
          console.info(`[onnx] ${name}: tfjs executor${why}`)
        }
      }
      const den = createOnnxDenoiser(bytes, { name, sampleShape: shape })
      return { den, executor: `tfjs${why}`, dispose: () => den.dispose() }
    })()
    denoisers.set(key, d)
    d.catch(() => denoisers.delete(key))
  }
  return d
}

/** Frees the denoisers (tfjs graphs and their folded constants, ORT VJP workers) held on `backend`: after a
 *  measurement that backend lost, or after its GPU device was lost. */
export function evictDenoisers(backend: string): number {
  evictLearned(backend)
  let n = 0
  for (const [key, d] of denoisers) {
    if (!key.startsWith(`${backend} `)) continue
    denoisers.delete(key)
    d.then((c) => {
      try {
        c.dispose()
      } catch {
        // a graph on a lost device: its tensors are gone with it
      }
    }, () => undefined)
    n++
  }
  return n
}

const hashes = new Map<string, Promise<string>>()
/** SHA-256 of the model's bytes (hex, 16 digits): the measured backend verdict is kept per model. */
export function modelHash(url: string): Promise<string> {
  let h = hashes.get(url)
  if (!h && isLearnedUrl(url)) h = Promise.resolve(url)
  if (!h) {
    h = modelBytes(url).then(async (b) => {
      const d = new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>))
      return Array.from(d.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('')
    })
    hashes.set(url, h)
    h.catch(() => hashes.delete(url))
  }
  return h
}
