// Opening an IndexedDB database the same way for every store: a clear StorageUnavailableError when there is no
// IndexedDB or it never answers (a blocked upgrade, a hung backing store), and no cached failure, so a later
// attempt (after the user allowed site data or freed space) can succeed.
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb'
import { requireIndexedDb, StorageUnavailableError, withStorageTimeout } from './storageErrors'

const OPEN_TIMEOUT_MS = 10_000

/** A lazily opened database; call the result to get it (the same connection each time once open). */
export function lazyDb<S extends DBSchema>(name: string, version: number, upgrade: OpenDBCallbacks<S>['upgrade']): () => Promise<IDBPDatabase<S>> {
  let p: Promise<IDBPDatabase<S>> | undefined
  return () => {
    p ??= (async () => {
      requireIndexedDb()
      const open = openDB<S>(name, version, {
        upgrade,
        blocked: () => undefined,
        terminated: () => { p = undefined },
      })
      return withStorageTimeout(open, OPEN_TIMEOUT_MS, `the ${name} database`)
    })().catch((e: unknown) => {
      p = undefined
      throw e instanceof Error ? e : new StorageUnavailableError(String(e))
    })
    return p
  }
}
