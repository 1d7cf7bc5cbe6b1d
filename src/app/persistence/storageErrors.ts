// What went wrong when the browser would not keep something (IndexedDB or localStorage), in words a user can act
// on. Every page's persistence goes through here, so that a full disk, a blocked store and a bug each read the same
// way everywhere, and no write fails silently.

export type StorageFailureKind = 'quota' | 'unavailable' | 'other'

export interface StorageFailure {
  kind: StorageFailureKind
  /** The error's name (QuotaExceededError, SecurityError, …) or 'Error'. */
  name: string
  /** The browser's own message, for the curious and for bug reports. */
  detail: string
}

/** Thrown by our own code when there is no IndexedDB / localStorage at all, or it will not open in time. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError'
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED', 'NS_ERROR_FILE_NO_DEVICE_SPACE'])
// SecurityError: site data blocked (cookies off, sandboxed frame); InvalidStateError: Firefox private windows
// ("A mutation operation was attempted on a database that did not allow mutations"); UnknownError: Chromium's
// "Internal error opening backing store"; NotAllowedError: storage access denied.
const UNAVAILABLE_NAMES = new Set(['SecurityError', 'InvalidStateError', 'UnknownError', 'NotAllowedError', 'StorageUnavailableError'])
const QUOTA_TEXT = /quota|disk is full|no space|not enough space/i
const UNAVAILABLE_TEXT = /backing store|indexeddb (is )?(not available|unavailable|blocked|disabled)|access (to storage )?is (denied|not allowed)|storage is (disabled|blocked)/i

function fields(e: unknown): { name: string; message: string; code?: number } {
  if (typeof e === 'object' && e !== null) {
    const o = e as { name?: unknown; message?: unknown; code?: unknown }
    return {
      name: typeof o.name === 'string' && o.name ? o.name : 'Error',
      message: typeof o.message === 'string' ? o.message : String(e),
      code: typeof o.code === 'number' ? o.code : undefined,
    }
  }
  return { name: 'Error', message: String(e) }
}

/** Quota (full), unavailable (blocked, private window, no IndexedDB) or other (a bug, a corrupt record). */
export function classifyStorageError(e: unknown): StorageFailure {
  const { name, message, code } = fields(e)
  // DOMException code 22 is QUOTA_ERR (Safari and old engines report it under other names); 1014 is Firefox's.
  const quota = QUOTA_NAMES.has(name) || code === 22 || code === 1014 || (name !== 'SecurityError' && QUOTA_TEXT.test(message))
  if (quota) return { kind: 'quota', name, detail: message }
  if (UNAVAILABLE_NAMES.has(name) || UNAVAILABLE_TEXT.test(message)) return { kind: 'unavailable', name, detail: message }
  return { kind: 'other', name, detail: message }
}

export interface StorageContext {
  /** What could not be kept: "lap 3 of the run", "the studio's last run". */
  what: string
  /** What that means for the user now: "the run continues but will not survive a reload". */
  consequence: string
  /** The way to keep the data anyway, if the page has one: "export the run". */
  rescue?: string
}

/** One sentence (two at most) that says what was not kept, why, what happens now and what to do. */
export function storageNotice(f: StorageFailure, c: StorageContext): string {
  const rescue = c.rescue ? `, or ${c.rescue}` : ''
  switch (f.kind) {
    case 'quota':
      return `This browser's storage for the site is full, so ${c.what} could not be kept: ${c.consequence}. ` +
        `Free space (delete stored runs in the manifold lab or your own models on the Models page, or clear this site's data in the browser's settings)${rescue}.`
    case 'unavailable':
      return `This browser does not let the site store data (${f.name}: ${f.detail}; private windows and blocked site data do this), ` +
        `so ${c.what} could not be kept: ${c.consequence}. Allow site data for this page${rescue}.`
    case 'other':
      return `Saving ${c.what} failed (${f.name}: ${f.detail}): ${c.consequence}${c.rescue ? `. You can ${c.rescue}` : ''}.`
  }
}

/** Runs one storage operation; never throws. A failure comes back classified, for the caller to show. */
export async function attemptStorage<T>(op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; failure: StorageFailure }> {
  try {
    return { ok: true, value: await op() }
  } catch (e) {
    return { ok: false, failure: classifyStorageError(e) }
  }
}

/** Resolves with p, or rejects with StorageUnavailableError after ms (an IndexedDB open that never answers). */
export function withStorageTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new StorageUnavailableError(`${what} did not open within ${(ms / 1000).toFixed(0)} s`)), ms)
    p.then(
      (v) => { clearTimeout(t); resolve(v) },
      (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))) },
    )
  })
}

/** The IndexedDB factory, or a StorageUnavailableError saying there is none. */
export function requireIndexedDb(): IDBFactory {
  let f: IDBFactory | undefined
  try {
    f = typeof indexedDB === 'undefined' ? undefined : indexedDB
  } catch (e) {
    throw new StorageUnavailableError(`IndexedDB is blocked (${fields(e).message})`)
  }
  if (!f) throw new StorageUnavailableError('IndexedDB is not available in this browser')
  return f
}

/** localStorage or sessionStorage, or undefined where reading the property itself throws (site data blocked). */
export function webStorage(kind: 'local' | 'session'): Storage | undefined {
  try {
    if (kind === 'local') return typeof localStorage === 'undefined' ? undefined : localStorage
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage
  } catch {
    return undefined
  }
}
