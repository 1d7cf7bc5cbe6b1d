// Worker-side caches of ONNX models: onnxruntime-web sessions (forward only) and tfjs-executed graphs
// (differentiable, exact VJPs). Bytes are fetched once per URL.
import { createSession, type OrtEp } from '../engines/onnx/ortWeb'
import { createOnnxDenoiser, type OnnxDenoiser } from '../engines/onnx/diff'
import { tf } from './runtime'
import type { Denoiser } from '../core/types'
import { evictLearned, isLearnedUrl, learnedDenoiser } from './learnedModels'

const bytesCache = new Map<string, Promise<Uint8Array>>()
const sessions = new Map<string, ReturnType<typeof createSession>>()
const denoisers = new Map<string, OnnxDenoiser>()

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

/** The tfjs-executed graph as a Denoiser on the worker's current tfjs backend (a learned:<id> URL: the learned U-Net). */
export async function onnxDenoiser(url: string, shape: readonly number[]): Promise<Denoiser & { dispose(): void }> {
  if (isLearnedUrl(url)) return learnedDenoiser(url, shape)
  const key = `${tf.getBackend()} ${shape.join('x')} ${url}`
  let d = denoisers.get(key)
  if (!d) {
    d = createOnnxDenoiser(await modelBytes(url), { name: url.split('/').pop() ?? 'onnx', sampleShape: shape })
    denoisers.set(key, d)
  }
  return d
}

/** Frees the tfjs-executed graphs (and their folded constants) held on `backend`: after a measurement that
 *  backend lost, or after its GPU device was lost. */
export function evictDenoisers(backend: string): number {
  evictLearned(backend)
  let n = 0
  for (const [key, d] of denoisers) {
    if (!key.startsWith(`${backend} `)) continue
    denoisers.delete(key)
    try {
      d.dispose()
    } catch {
      // a graph on a lost device: its tensors are gone with it
    }
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
