// IndexedDB persistence of lab runs (idb): one record per run, one row per finished lap. The manifold lab and
// the image EM lab each have their own database of the same shape (runStore).
import type { DBSchema } from 'idb'
import { lazyDb } from './openDb'
import type { ManifoldConfig } from '../../core/em/presets'
import type { MlpWeights } from '../../engines/tfjs/mlp'
import type { LapOutcome } from '../../core/em/diem'

export type RunStatus = 'running' | 'stopped' | 'done' | 'failed'

/** A lab run's record; C is the lab's configuration. */
export interface LabRunRecord<C> {
  id: string
  name: string
  createdAt: number
  config: C
  status: RunStatus
  /** Why the run stopped, when it failed. */
  error?: string
  /** Laps finished when the record was last written; more than the stored laps means some were not kept. */
  lapsFinished?: number
}

export type RunRecord = LabRunRecord<ManifoldConfig>

/** A finished lap as stored: the loop's outcome plus its run, the model after it and the fixed Gaussian. */
export interface LapRow extends LapOutcome {
  runId: string
  weights?: MlpWeights
  prior: { mean: Float64Array; cov: Float64Array }
}

interface Schema<R, L> extends DBSchema {
  runs: { key: string; value: R }
  laps: { key: [string, number]; value: L; indexes: { byRun: string } }
}

export interface RunStore<R, L> {
  listRuns(): Promise<R[]>
  putRun(run: R): Promise<void>
  putLap(lap: L): Promise<void>
  getLaps(runId: string): Promise<L[]>
  deleteRun(runId: string): Promise<void>
  /** Writes a whole run in one transaction (import): all or nothing. */
  putWholeRun(run: R, laps: L[]): Promise<void>
}

/** The runs and laps of one lab, in the IndexedDB database `name`. */
export function runStore<R extends { id: string; createdAt: number }, L extends { runId: string; lap: number }>(name: string): RunStore<R, L> {
  const db = lazyDb<Schema<R, L>>(name, 1, (d) => {
    d.createObjectStore('runs', { keyPath: 'id' })
    d.createObjectStore('laps', { keyPath: ['runId', 'lap'] }).createIndex('byRun', 'runId')
  })
  return {
    async listRuns() {
      return (await (await db()).getAll('runs')).sort((a, b) => b.createdAt - a.createdAt)
    },
    async putRun(run) {
      await (await db()).put('runs', run)
    },
    async putLap(lap) {
      await (await db()).put('laps', lap)
    },
    async getLaps(runId) {
      return (await (await db()).getAllFromIndex('laps', 'byRun', runId)).sort((a, b) => a.lap - b.lap)
    },
    async deleteRun(runId) {
      const d = await db()
      const tx = d.transaction(['runs', 'laps'], 'readwrite')
      const keys = await tx.objectStore('laps').index('byRun').getAllKeys(runId)
      await Promise.all([...keys.map((k) => tx.objectStore('laps').delete(k)), tx.objectStore('runs').delete(runId), tx.done])
    },
    async putWholeRun(run, laps) {
      const d = await db()
      const tx = d.transaction(['runs', 'laps'], 'readwrite')
      await Promise.all([tx.objectStore('runs').put(run), ...laps.map((l) => tx.objectStore('laps').put(l)), tx.done])
    },
  }
}

const manifold = runStore<RunRecord, LapRow>('tweedie-playground-manifold')
export const { listRuns, putRun, putLap, getLaps, deleteRun, putWholeRun } = manifold
