// The ORT VJP executor's emitted graphs (forward with saved activations, backward) kept in IndexedDB, so that a
// second visit skips the probe and the transform (seconds in the browser; docs/bench-engine.md). Keyed by the
// model's SHA-256, the transform's version, the sample shape and the input names: another model, or a newer
// transform, never reads a stale entry. Every failure (storage full, blocked, a private window) is caught: the
// cache is only ever a shortcut, and the caller says why it could not keep the graphs.
import type { DBSchema } from 'idb'
import { lazyDb } from '../app/persistence/openDb'
import { TRANSFORM_VERSION, type VjpModels } from '../engines/onnx/ortvjp/transform'
import type { OrtVjpOptions } from '../engines/onnx/ortvjp/executor'

interface Entry {
  key: string
  models: VjpModels
  savedAt: number
}
interface Schema extends DBSchema {
  graphs: { key: string; value: Entry }
}

/** The cache key of one model's graphs: transform version, model hash, sample shape, x and σ input names. */
export function graphCacheKey(modelSha256: string, opts: OrtVjpOptions, version = TRANSFORM_VERSION): string {
  return `t${version}|${modelSha256}|${opts.sampleShape.join('x')}|${opts.x}|${opts.sigma}`
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('')
}

const db = lazyDb<Schema>('tweedie-playground-ortvjp', 1, (d) => { d.createObjectStore('graphs', { keyPath: 'key' }) })

function isModels(m: unknown): m is VjpModels {
  const v = m as Partial<VjpModels> | undefined
  return !!v && v.forward instanceof Uint8Array && v.backward instanceof Uint8Array && Array.isArray(v.saved) && typeof v.output === 'string' && typeof v.cotangent === 'string' && typeof v.gradient === 'string'
}

export async function loadGraphs(key: string): Promise<VjpModels | undefined> {
  try {
    const e = await (await db()).get('graphs', key)
    return e && isModels(e.models) ? e.models : undefined
  } catch {
    return undefined
  }
}

/** Whether graphs are stored under `key` (without reading them). */
export async function hasGraphs(key: string): Promise<boolean> {
  try {
    return (await (await db()).getKey('graphs', key)) !== undefined
  } catch {
    return false
  }
}

/** Stores the graphs (and drops the entries of older transform versions); returns why it could not, or undefined. */
export async function saveGraphs(key: string, models: VjpModels): Promise<string | undefined> {
  try {
    const d = await db()
    const stale = (await d.getAllKeys('graphs')).filter((k) => !k.startsWith(`t${TRANSFORM_VERSION}|`))
    const tx = d.transaction('graphs', 'readwrite')
    await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.store.put({ key, models, savedAt: Date.now() }), tx.done])
    return undefined
  } catch (e) {
    return `the ORT executor's graphs were not cached (${e instanceof Error ? e.message : String(e)}): the next visit builds them again`
  }
}
