import { describe, expect, it } from 'vitest'
import { RunKeeper, type RunStorage } from './runKeeper'
import type { LapRow, RunRecord } from '../../app/persistence/runsDb'
import { MANIFOLD_PRESETS } from '../../core/em/presets'

/** A store with room for `room` writes, then QuotaExceededError until room is given back. */
class SmallStore implements RunStorage {
  runs = new Map<string, RunRecord>()
  laps = new Map<number, LapRow>()
  constructor(public room: number) {}
  private take(): void {
    if (this.room <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    this.room--
  }
  async putRun(run: RunRecord): Promise<void> { this.take(); this.runs.set(run.id, run) }
  async putLap(lap: LapRow): Promise<void> { this.take(); this.laps.set(lap.lap, lap) }
}

const run: RunRecord = { id: 'r1', name: 'tiny · seed 0', createdAt: 0, config: MANIFOLD_PRESETS.tiny, status: 'running' }
const lap = (k: number): LapRow => ({
  runId: 'r1', lap: k, samples: new Float32Array([k]), sinkhorn: 1 / (k + 1), slicedWasserstein: 0, losses: [], seconds: 1,
  kept: 1, discarded: 0, prior: { mean: new Float64Array(5), cov: new Float64Array(25) },
})

describe('RunKeeper', () => {
  it('stores the run and its laps while there is room', async () => {
    const s = new SmallStore(10)
    const k = new RunKeeper(s)
    k.begin(run)
    expect(await k.keepRun(run)).toBeUndefined()
    expect(await k.keepLap(lap(0))).toBeUndefined()
    expect(k.allStored).toBe(true)
    expect([...s.laps.keys()]).toEqual([0])
  })
  it('when storage is full the laps stay in memory, storage gets no gap, and freeing space stores them in order', async () => {
    const s = new SmallStore(2)
    const k = new RunKeeper(s)
    k.begin(run)
    await k.keepRun(run)
    await k.keepLap(lap(0))
    const f = await k.keepLap(lap(1))
    expect(f).toEqual({ kind: 'quota', name: 'QuotaExceededError', detail: 'The quota has been exceeded.' })
    s.room = 1 // room for one write: lap 2 must not be stored before lap 1
    expect((await k.keepLap(lap(2)))?.kind).toBe('quota')
    expect([...s.laps.keys()]).toEqual([0, 1])
    expect(k.unsavedLaps).toEqual([2])
    expect(k.rows.map((r) => r.lap)).toEqual([0, 1, 2])
    expect(k.lastRow?.lap).toBe(2)
    s.room = 5
    expect(await k.flush()).toBeUndefined()
    expect(k.allStored).toBe(true)
    expect([...s.laps.keys()]).toEqual([0, 1, 2])
  })
  it('a run record that could not be stored is retried before its laps', async () => {
    const s = new SmallStore(0)
    const k = new RunKeeper(s)
    k.begin(run)
    expect((await k.keepRun(run))?.kind).toBe('quota')
    expect(k.isRunStored).toBe(false)
    await k.keepLap(lap(0))
    s.room = 1
    await k.flush()
    expect(s.runs.has('r1')).toBe(true)
    expect(s.laps.size).toBe(0)
    expect(k.unsavedLaps).toEqual([0])
  })
  it('a run read back from storage counts as stored', () => {
    const k = new RunKeeper(new SmallStore(0))
    k.show(run, [lap(1), lap(0)])
    expect(k.allStored).toBe(true)
    expect(k.rows.map((r) => r.lap)).toEqual([0, 1])
  })
})
