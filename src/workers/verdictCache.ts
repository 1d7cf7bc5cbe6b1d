// Measured backend verdicts kept in IndexedDB (the worker has no localStorage), so a second visit measures
// nothing. Every failure (storage full, IndexedDB blocked, a private window) is caught and reported as a
// note next to the verdict; the choice itself never depends on the cache working.
import type { DBSchema } from 'idb'
import { lazyDb } from '../app/persistence/openDb'
import type { Verdict } from './backendChoice'

interface Schema extends DBSchema {
  verdicts: { key: string; value: Verdict }
}

const db = lazyDb<Schema>('tweedie-playground-backends', 1, (d) => { d.createObjectStore('verdicts', { keyPath: 'key' }) })

const errText = (e: unknown): string => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e))

export async function loadVerdict(key: string): Promise<Verdict | undefined> {
  try {
    return await (await db()).get('verdicts', key)
  } catch {
    return undefined
  }
}

/** Stores the verdict; returns why it could not be kept, or undefined when it was. */
export async function saveVerdict(v: Verdict): Promise<string | undefined> {
  try {
    await (await db()).put('verdicts', v)
    return undefined
  } catch (e) {
    return `not cached (${errText(e)}): the next visit measures again`
  }
}

/** Every stored verdict whose key starts with `prefix` (this browser and adapter). */
export async function listVerdicts(prefix: string): Promise<Verdict[]> {
  try {
    return (await (await db()).getAll('verdicts')).filter((v) => v.key.startsWith(prefix))
  } catch {
    return []
  }
}

/** Forgets the stored verdicts under `prefix`; returns why it could not, or undefined. */
export async function clearVerdicts(prefix: string): Promise<string | undefined> {
  try {
    const d = await db()
    const keys = (await d.getAllKeys('verdicts')).filter((k) => k.startsWith(prefix))
    const tx = d.transaction('verdicts', 'readwrite')
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done])
    return undefined
  } catch (e) {
    return `the stored verdicts could not be cleared (${errText(e)})`
  }
}
