// The manifold lab's page state. The worker computes; this store persists each finished lap in IndexedDB
// before the worker goes on, and a reload resumes an unfinished run from its last finished lap.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { LapRecord, ManifoldProgress } from '../../workers/manifoldApi'
import { MANIFOLD_PRESETS, type ManifoldConfig, type ManifoldPreset } from '../../core/em/presets'
import { deleteRun, getLaps, listRuns, putLap, putRun, putWholeRun, type LapRow, type RunRecord } from '../../app/persistence/runsDb'
import { decodeRun, encodeRun } from '../../app/persistence/runFile'

/** What the page draws of a lap (weights stay in IndexedDB). */
export interface LapView {
  lap: number
  samples: Float32Array
  sinkhorn: number
  slicedWasserstein: number
  losses: number[]
  seconds: number
  kept: number
  discarded: number
}

interface ManifoldState {
  runs: RunRecord[]
  run?: RunRecord
  laps: LapView[]
  truth?: Float32Array
  selectedLap: number
  playing: boolean
  jobId?: string
  progress?: ManifoldProgress
  message?: string
  loaded: boolean
  load(): Promise<void>
  start(preset: ManifoldPreset, seed: number): Promise<void>
  resume(): Promise<void>
  cancel(): Promise<void>
  open(runId: string): Promise<void>
  remove(runId: string): Promise<void>
  exportRun(): Promise<{ name: string; text: string } | undefined>
  importRun(text: string): Promise<void>
  selectLap(lap: number): void
  setPlaying(p: boolean): void
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const view = (l: LapRow | LapRecord): LapView => ({
  lap: l.lap, samples: l.samples, sinkhorn: l.sinkhorn, slicedWasserstein: l.slicedWasserstein,
  losses: l.losses, seconds: l.seconds, kept: l.kept, discarded: l.discarded,
})

export const useManifold = create<ManifoldState>((set, get) => {
  async function loadTruth(config: ManifoldConfig): Promise<void> {
    set({ truth: await computeWorker().manifoldTruth(config, 4096) })
  }

  async function drive(run: RunRecord, from: LapRow | undefined): Promise<void> {
    const jobId = newJobId('manifold')
    set({ jobId, message: undefined, progress: undefined })
    await putRun({ ...run, status: 'running' })
    try {
      await computeWorker().runManifold(
        jobId,
        run.config,
        from && { lap: from.lap, samples: from.samples, weights: from.weights, prior: from.prior },
        proxy(async (r: LapRecord) => {
          await putLap({ ...r, runId: run.id })
          const laps = [...get().laps.filter((l) => l.lap !== r.lap), view(r)].sort((a, b) => a.lap - b.lap)
          set({ laps, selectedLap: r.lap })
        }),
        proxy((p: ManifoldProgress) => set({ progress: p })),
      )
      const done = { ...run, status: 'done' as const }
      await putRun(done)
      set({ run: done })
    } catch (e) {
      const msg = errText(e)
      const cancelled = /cancelled/.test(msg)
      const stopped: RunRecord = { ...run, status: cancelled ? 'stopped' : 'failed', error: cancelled ? undefined : msg }
      await putRun(stopped)
      set({ run: stopped, message: cancelled ? 'Run stopped; resume continues from the last finished lap.' : `The run failed: ${msg}` })
    } finally {
      set({ jobId: undefined, progress: undefined, runs: await listRuns() })
    }
  }

  return {
    runs: [],
    laps: [],
    selectedLap: 0,
    playing: false,
    loaded: false,
    async load() {
      if (get().loaded) return
      set({ loaded: true })
      const runs = await listRuns()
      set({ runs })
      const latest = runs[0]
      if (!latest) return
      await get().open(latest.id)
      // a run that was going when the page went away resumes from its last finished lap
      if (latest.status === 'running') await get().resume()
    },
    async start(preset, seed) {
      if (get().jobId) return
      const config = { ...MANIFOLD_PRESETS[preset], seed }
      const run: RunRecord = { id: newJobId('run'), name: `${preset} · seed ${seed}`, createdAt: Date.now(), config, status: 'running' }
      set({ run, laps: [], selectedLap: 0, runs: [run, ...get().runs] })
      await loadTruth(config)
      await drive(run, undefined)
    },
    async resume() {
      const run = get().run
      if (!run || get().jobId) return
      const rows = await getLaps(run.id)
      const last = rows.at(-1)
      if (last && last.lap + 1 >= run.config.laps) {
        await putRun({ ...run, status: 'done' })
        set({ run: { ...run, status: 'done' } })
        return
      }
      await drive(run, last)
    },
    async cancel() {
      const id = get().jobId
      if (id) await computeWorker().cancel(id)
    },
    async open(runId) {
      const run = get().runs.find((r) => r.id === runId)
      if (!run || get().jobId) return
      const rows = await getLaps(runId)
      set({ run, laps: rows.map(view), selectedLap: Math.max(0, rows.length - 1), message: run.error ? `The run failed: ${run.error}` : undefined })
      await loadTruth(run.config)
    },
    async remove(runId) {
      if (get().run?.id === runId && get().jobId) return
      await deleteRun(runId)
      const runs = await listRuns()
      set(get().run?.id === runId ? { runs, run: undefined, laps: [], truth: undefined } : { runs })
    },
    async exportRun() {
      const run = get().run
      if (!run) return undefined
      return { name: `${run.name.replace(/[^a-z0-9]+/gi, '-')}.tweedie-run.json`, text: encodeRun(run, await getLaps(run.id)) }
    },
    async importRun(text) {
      try {
        const { run, laps } = decodeRun(text)
        if (get().runs.some((r) => r.id === run.id)) throw new Error(`a run with id ${run.id} is already stored; delete it first`)
        const status = run.status === 'running' ? 'stopped' : run.status
        await putWholeRun({ ...run, status }, laps)
        set({ runs: await listRuns(), message: `Imported "${run.name}" (${laps.length} laps).` })
        await get().open(run.id)
      } catch (e) {
        set({ message: `Import failed, nothing was changed: ${errText(e)}` })
      }
    },
    selectLap(lap) {
      set({ selectedLap: Math.max(0, Math.min(lap, get().laps.length - 1)) })
    },
    setPlaying(playing) {
      set({ playing })
    },
  }
})
