// IndexedDB persistence of manifold runs (idb): one record per run, one row per finished lap.
import type { DBSchema } from 'idb'
import { lazyDb } from './openDb'
import type { ManifoldConfig } from '../../core/em/presets'
import type { MlpWeights } from '../../engines/tfjs/mlp'
import type { LapOutcome } from '../../core/em/diem'

export type RunStatus = 'running' | 'stopped' | 'done' | 'failed'

export interface RunRecord {
  id: string
  name: string
  createdAt: number
  config: ManifoldConfig
  status: RunStatus
  /** Why the run stopped, when it failed. */
  error?: string
  /** Laps finished when the record was last written; more than the stored laps means some were not kept. */
  lapsFinished?: number
}

/** A finished lap as stored: the loop's outcome plus its run, the model after it and the fixed Gaussian. */
export interface LapRow extends LapOutcome {
  runId: string
  weights?: MlpWeights
  prior: { mean: Float64Array; cov: Float64Array }
}

interface Schema extends DBSchema {
  runs: { key: string; value: RunRecord }
  laps: { key: [string, number]; value: LapRow; indexes: { byRun: string } }
}

const db = lazyDb<Schema>('tweedie-playground-manifold', 1, (d) => {
  d.createObjectStore('runs', { keyPath: 'id' })
  d.createObjectStore('laps', { keyPath: ['runId', 'lap'] }).createIndex('byRun', 'runId')
})

export async function listRuns(): Promise<RunRecord[]> {
  return (await (await db()).getAll('runs')).sort((a, b) => b.createdAt - a.createdAt)
}

export async function putRun(run: RunRecord): Promise<void> {
  await (await db()).put('runs', run)
}

export async function putLap(lap: LapRow): Promise<void> {
  await (await db()).put('laps', lap)
}

export async function getLaps(runId: string): Promise<LapRow[]> {
  return (await (await db()).getAllFromIndex('laps', 'byRun', runId)).sort((a, b) => a.lap - b.lap)
}

export async function deleteRun(runId: string): Promise<void> {
  const d = await db()
  const tx = d.transaction(['runs', 'laps'], 'readwrite')
  const keys = await tx.objectStore('laps').index('byRun').getAllKeys(runId)
  await Promise.all([...keys.map((k) => tx.objectStore('laps').delete(k)), tx.objectStore('runs').delete(runId), tx.done])
}

/** Writes a whole run in one transaction (import): all or nothing. */
export async function putWholeRun(run: RunRecord, laps: LapRow[]): Promise<void> {
  const d = await db()
  const tx = d.transaction(['runs', 'laps'], 'readwrite')
  await Promise.all([tx.objectStore('runs').put(run), ...laps.map((l) => tx.objectStore('laps').put(l)), tx.done])
}
