// The studio's last finished run (with its trajectories) and the last uploaded image, kept in IndexedDB so that
// a reload loses neither.
import type { DBSchema } from 'idb'
import { lazyDb } from './openDb'
import { attemptStorage, storageNotice } from './storageErrors'
import type { StudioConfig } from '../../core/studio/config'
import type { MethodResult, StudioObservation } from '../../core/studio/run'
import type { Trajectory } from '../../core/studio/trajectory'
import type { ImageData3 } from '../images'

export interface StoredStudioRun {
  config: StudioConfig
  image: ImageData3
  observation?: StudioObservation
  results: Record<number, MethodResult>
  /** Per method (index = method): x_t and E[x | x_t, y] per kept step and the per-step metrics. */
  trajectories?: Trajectory[]
  backend?: string
  savedAt: number
}

export interface StoredUpload {
  name: string
  /** Already cropped and resized to the model it was uploaded for (its source size inside). */
  image: ImageData3
  model: string
  savedAt: number
}

type Stored = StoredStudioRun | StoredUpload

interface Schema extends DBSchema {
  runs: { key: string; value: Stored }
}

const db = lazyDb<Schema>('tweedie-playground-studio', 1, (d) => { d.createObjectStore('runs') })

export async function saveLastRun(run: StoredStudioRun): Promise<void> {
  await (await db()).put('runs', run, 'last')
}

export async function loadLastRun(): Promise<StoredStudioRun | undefined> {
  const v = await (await db()).get('runs', 'last')
  return v && 'results' in v ? v : undefined
}

export async function saveUpload(u: StoredUpload): Promise<void> {
  await (await db()).put('runs', u, 'upload')
}

export async function loadUpload(): Promise<StoredUpload | undefined> {
  const v = await (await db()).get('runs', 'upload')
  return v && 'name' in v && 'model' in v ? v : undefined
}

/** Saves the last run; never throws. Returns what to tell the user when it could not be kept, else undefined. */
export async function keepLastRun(run: StoredStudioRun): Promise<string | undefined> {
  const r = await attemptStorage(() => saveLastRun(run))
  return r.ok ? undefined : storageNotice(r.failure, { what: "this run's results", consequence: 'they are shown here but will not survive a reload' })
}

/** The last run, or what to tell the user when storage cannot be read (nothing shown is then restored). */
export async function readLastRun(): Promise<{ run?: StoredStudioRun; problem?: string }> {
  const r = await attemptStorage(loadLastRun)
  if (r.ok) return { run: r.value }
  return { problem: storageNotice(r.failure, { what: 'the last run', consequence: 'it cannot be restored, and new results will not survive a reload' }) }
}
