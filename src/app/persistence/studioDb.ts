// The studio's last finished run, kept in IndexedDB so that a reload does not lose it.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { StudioConfig } from '../../core/studio/config'
import type { MethodResult, StudioObservation } from '../../core/studio/run'
import type { ImageData3 } from '../images'

export interface StoredStudioRun {
  config: StudioConfig
  image: ImageData3
  observation?: StudioObservation
  results: Record<number, MethodResult>
  backend?: string
  savedAt: number
}

interface Schema extends DBSchema {
  runs: { key: string; value: StoredStudioRun }
}

let dbp: Promise<IDBPDatabase<Schema>> | undefined
const db = (): Promise<IDBPDatabase<Schema>> =>
  (dbp ??= openDB<Schema>('tweedie-playground-studio', 1, { upgrade: (d) => { d.createObjectStore('runs') } }))

export async function saveLastRun(run: StoredStudioRun): Promise<void> {
  await (await db()).put('runs', run, 'last')
}

export async function loadLastRun(): Promise<StoredStudioRun | undefined> {
  return (await db()).get('runs', 'last')
}
