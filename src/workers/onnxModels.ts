// Worker-side caches of ONNX models: onnxruntime-web sessions (forward only) and differentiable denoisers (exact
// VJPs): on the wasm backend, for shipped models, when the page started the ORT VJP worker (?executor=ort forces it,
// ?executor=auto makes it a measured candidate: src/workers/client.ts, backendService.ts), the ORT VJP executor
// (src/engines/onnx/ortvjp: the model's forward and backward as ONNX graphs run by onnxruntime-web in a second
// worker, reached synchronously through SharedArrayBuffer + Atomics.wait); otherwise, or when that executor cannot
// take the model, the tfjs-executed graph. Bytes are fetched once per URL.
import type { Denoiser } from '../core/types'
import { createSession, type OrtEp } from '../engines/onnx/ortWeb'
import { checkModel, createOnnxDenoiser } from '../engines/onnx/diff'
import { OrtBridgeDenoiser } from '../engines/onnx/ortvjp/syncBridge'
import { tf } from './runtime'
import type { BackendTiming, Executor } from './backendChoice'
import { graphCacheKey, hasGraphs, sha256Hex } from './ortVjpGraphCache'
import type { OrtVjpServerMessage } from './ortVjpServer.worker'
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

/** Why the ORT VJP executor cannot serve this model here (undefined: it can, on the wasm backend). */
export function ortVjpUnavailable(url: string): string | undefined {
  if (executorMode === 'tfjs') return 'the tfjs executor is forced by ?executor=tfjs'
  if (executorMode === 'off') return 'the ORT executor is opt-in (?executor=auto measures it, ?executor=ort forces it)'
  if (url.startsWith('blob:') || isLearnedUrl(url)) return 'not for an uploaded or learned model'
  if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated !== true) return 'no SharedArrayBuffer (the page is not cross-origin isolated)'
  if (ortVjpControl === null) return 'the ORT worker was not started'
  return undefined
}

/** How the page asked for the executor: ?executor=ort forces it, ?executor=auto measures it, else (tfjs, off) tfjs. */
export type ExecutorMode = 'ort' | 'tfjs' | 'auto' | 'off'
let executorMode: ExecutorMode = 'off'
export function setExecutorMode(m: ExecutorMode): void {
  executorMode = m
}
export const getExecutorMode = (): ExecutorMode => executorMode

/** The measured executor per model URL (backendService sets it from the verdict); 'tfjs' until one says otherwise. */
const executorChoice = new Map<string, Executor>()
export function setExecutorChoice(url: string, e: Executor): void {
  executorChoice.set(url, e)
  // the ORT executor lost (or is not wanted any more): free its sessions
  if (e !== 'ort-vjp') evictOrtVjp(url)
}

/** Whether this model's forward and VJP go to the ORT VJP executor on the current backend. */
function wantOrtVjp(url: string): boolean {
  if (tf.getBackend() !== 'wasm' || ortVjpUnavailable(url) !== undefined) return false
  return executorMode === 'ort' || executorChoice.get(url) === 'ort-vjp'
}

export type OrtVjpEvent = { preparing: string | undefined } | { model: string; fallback: string }
let ortProgress: ((e: OrtVjpEvent) => void) | undefined
/** Told each ORT executor init stage as it begins (a sentence; undefined once ready), and a fallback to tfjs. */
export function onOrtVjpProgress(f: ((e: OrtVjpEvent) => void) | undefined): void {
  ortProgress = f
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
    const t0 = performance.now()
    const stages: string[] = []
    const inited = new Promise<void>((resolve, reject) => {
      port.onmessage = (e: MessageEvent<OrtVjpServerMessage>) => {
        const m = e.data
        if (typeof m === 'object' && 'stage' in m) {
          if (m.ms !== undefined) stages.push(`${m.stage} ${Math.round(m.ms)} ms`)
          if (m.ms === undefined) ortProgress?.({ preparing: `preparing the ORT executor for ${name}: ${m.stage} (${((performance.now() - t0) / 1000).toFixed(0)} s so far)` })
          return
        }
        if (typeof m === 'object' && 'note' in m) {
          console.warn(`[ort-vjp] ${name}: ${m.note}`)
          return
        }
        if (typeof m === 'object' && m.init === null) resolve()
        else reject(new Error(String(typeof m === 'object' && 'init' in m ? m.init : m)))
      }
    })
    const den = new OrtBridgeDenoiser(port, name, shape, bytes, { x: io.x, sigma: io.sigma }, 'async')
    await inited.finally(() => ortProgress?.({ preparing: undefined }))
    console.info(`[ort-vjp] ${name}: init ${Math.round(performance.now() - t0)} ms (${stages.join(', ')})`)
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

const ortKey = (url: string, shape: readonly number[]): string => `wasm ort-vjp ${shape.join('x')} ${url}`
/** ORT executors initialised in this session (by ortKey). */
const ortReady = new Set<string>()

/**
 * Whether the ORT VJP executor can be timed for this model without a long wait: it is initialised in this session,
 * or its graphs are cached (a later visit: init is then the sessions only). Otherwise its first init (probe,
 * transform: tens of seconds on a loaded 2-core machine) would hold up the run it is measured for.
 */
export async function ortVjpCheap(url: string, shape: readonly number[]): Promise<boolean> {
  if (ortReady.has(ortKey(url, shape))) return true
  try {
    const bytes = await modelBytes(url)
    const io = checkModel(bytes).io
    return !!io && (await hasGraphs(graphCacheKey(await sha256Hex(bytes), { x: io.x, sigma: io.sigma, sampleShape: shape })))
  } catch {
    return false
  }
}

/** Starts the ORT executor's first init in the background (after a run; progress on the badge). */
export function prepareOrtVjp(url: string, shape: readonly number[]): void {
  ortCached(url, shape).catch(() => undefined)
}
/** Models the ORT VJP executor could not take in this session (the reason): they stay on tfjs. */
const ortFailed = new Map<string, string>()

/** The model on the ORT VJP executor (init once per model and shape; rejects with the reason it cannot). */
function ortCached(url: string, shape: readonly number[]): Promise<CachedDenoiser> {
  const key = ortKey(url, shape)
  const failed = ortFailed.get(key)
  if (failed) return Promise.reject(new Error(failed))
  let d = denoisers.get(key)
  if (!d) {
    d = (async (): Promise<CachedDenoiser> => {
      const bytes = await modelBytes(url)
      const c = await ortVjpDenoiser(bytes, url.split('/').pop() ?? 'onnx', shape)
      ortReady.add(key)
      console.info(`[onnx] ${url.split('/').pop() ?? 'onnx'}: exact VJPs on the ORT VJP executor (onnxruntime-web)`)
      return c
    })()
    denoisers.set(key, d)
    d.catch((err: unknown) => {
      denoisers.delete(key)
      ortFailed.set(key, err instanceof Error ? err.message : String(err))
    })
  }
  return d
}

function evictOrtVjp(url: string): void {
  for (const [key, d] of denoisers) {
    // only initialised ones: one still preparing in the background is for the next run's measurement
    if (!key.startsWith('wasm ort-vjp ') || !key.endsWith(` ${url}`) || !ortReady.has(key)) continue
    denoisers.delete(key)
    ortReady.delete(key)
    d.then((c) => c.dispose(), () => undefined)
  }
}

function cachedDenoiser(url: string, shape: readonly number[]): Promise<CachedDenoiser> {
  if (wantOrtVjp(url)) {
    return ortCached(url, shape).catch((err: unknown) => {
      const why = ` (ORT VJP executor not used: ${err instanceof Error ? err.message : String(err)})`
      console.warn(`[onnx] ${url.split('/').pop() ?? 'onnx'}: tfjs executor${why}`)
      ortProgress?.({ model: url.split('/').pop() ?? 'onnx', fallback: err instanceof Error ? err.message : String(err) })
      return tfjsCached(url, shape, why)
    })
  }
  return tfjsCached(url, shape, '')
}

function tfjsCached(url: string, shape: readonly number[], why: string): Promise<CachedDenoiser> {
  const key = `${tf.getBackend()} ${shape.join('x')} ${url}`
  let d = denoisers.get(key)
  if (!d) {
    d = (async (): Promise<CachedDenoiser> => {
      const bytes = await modelBytes(url)
      const name = url.split('/').pop() ?? 'onnx'
      const den = createOnnxDenoiser(bytes, { name, sampleShape: shape })
      return { den, executor: `tfjs${why}`, dispose: () => den.dispose() }
    })()
    denoisers.set(key, d)
    d.catch(() => denoisers.delete(key))
  }
  return d
}

/**
 * The ORT VJP executor as a measured candidate: its init (progress reported through onOrtVjpProgress; not part
 * of the time, it is cached per model), then one forward + one VJP at `batch`, twice — the same step the tfjs
 * backends are timed on (workloadSteps.ts). A failure (an op without a rule, an init error) is a 'failed' timing.
 */
export async function timeOrtVjp(url: string, shape: readonly number[], batch: number): Promise<BackendTiming> {
  const base = { backend: 'wasm', executor: 'ort-vjp' } as const
  const unavailable = ortVjpUnavailable(url)
  if (unavailable) return { ...base, status: 'skipped', reason: unavailable }
  let c: CachedDenoiser
  try {
    c = await ortCached(url, shape)
  } catch (err) {
    return { ...base, status: 'failed', reason: err instanceof Error ? err.message : String(err) }
  }
  // on wasm, as the job will run (the caller holds the worker exclusively: the probes may have left tfjs elsewhere)
  if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) return { ...base, status: 'failed', reason: 'tfjs could not switch to wasm' }
  const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 1)
  const step = (): number => {
    const t0 = performance.now()
    const lin = c.den.linearize(x, 1)
    try {
      const g = lin.vjp(lin.denoised)
      g.dataSync()
      g.dispose()
    } finally {
      lin.dispose()
    }
    return performance.now() - t0
  }
  try {
    const firstMs = step()
    const ms = step()
    return { ...base, status: 'timed', ms, firstMs, totalMs: firstMs + ms }
  } catch (err) {
    return { ...base, status: 'failed', reason: err instanceof Error ? err.message : String(err) }
  } finally {
    x.dispose()
  }
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
