// Keeps the shown manifold run in memory next to IndexedDB, so a run goes on when storage refuses a lap (full,
// blocked) and its export still has every lap. Laps that could not be stored are retried, in order, at the next
// lap and on request; storage is only ever written from lap 0 upwards without gaps, so a resume after a reload
// always continues from a lap whose predecessors are all there.
import type { LapRow, RunRecord } from '../../app/persistence/runsDb'
import { attemptStorage, type StorageFailure } from '../../app/persistence/storageErrors'

export interface RunStorage<R = RunRecord, L = LapRow> {
  putRun(run: R): Promise<void>
  putLap(lap: L): Promise<void>
}

/** R, L: the lab's run record and lap row (the manifold lab's by default; the image EM lab uses its own). */
export class RunKeeper<R extends { id: string } = RunRecord, L extends { lap: number } = LapRow> {
  run?: R
  /** Every lap of the shown run, in lap order. */
  rows: L[] = []
  private runStored = true
  private unsaved = new Set<number>()

  constructor(private readonly io: RunStorage<R, L>) {}

  /** A run read back from storage: everything in it is stored. */
  show(run: R | undefined, rows: L[]): void {
    this.run = run
    this.rows = [...rows].sort((a, b) => a.lap - b.lap)
    this.runStored = true
    this.unsaved.clear()
  }

  /** A new run: nothing stored yet. */
  begin(run: R): void {
    this.run = run
    this.rows = []
    this.runStored = false
    this.unsaved.clear()
  }

  /** The run record changed (status); stores it, with any laps still waiting. */
  async keepRun(run: R): Promise<StorageFailure | undefined> {
    this.run = run
    this.runStored = false
    return this.flush()
  }

  /** A finished lap: kept in memory at once, then stored with any laps still waiting. */
  async keepLap(row: L): Promise<StorageFailure | undefined> {
    this.rows = [...this.rows.filter((l) => l.lap !== row.lap), row].sort((a, b) => a.lap - b.lap)
    this.unsaved.add(row.lap)
    return this.flush()
  }

  /** Writes what is waiting, lowest lap first; stops at the first failure and returns it. */
  async flush(): Promise<StorageFailure | undefined> {
    const run = this.run
    if (!run) return undefined
    if (!this.runStored) {
      const r = await attemptStorage(() => this.io.putRun(run))
      if (!r.ok) return r.failure
      if (this.run === run) this.runStored = true
    }
    for (const lap of [...this.unsaved].sort((a, b) => a - b)) {
      const row = this.rows.find((l) => l.lap === lap)
      if (row) {
        const r = await attemptStorage(() => this.io.putLap(row))
        if (!r.ok) return r.failure
      }
      this.unsaved.delete(lap)
    }
    return undefined
  }

  /** Whether the run record and all its laps are in storage. */
  get allStored(): boolean {
    return this.runStored && this.unsaved.size === 0
  }

  get isRunStored(): boolean {
    return this.runStored
  }

  /** Laps in memory that storage does not have. */
  get unsavedLaps(): number[] {
    return [...this.unsaved].sort((a, b) => a - b)
  }

  /** The last lap a resume can start from: the last one in memory (memory has every lap storage has). */
  get lastRow(): L | undefined {
    return this.rows.at(-1)
  }
}
