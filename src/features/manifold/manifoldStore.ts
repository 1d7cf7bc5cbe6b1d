// The manifold lab's page state. The worker computes; this store keeps each finished lap in memory and in
// IndexedDB before the worker goes on, and a reload resumes an unfinished run from its last stored lap. When
// storage refuses a write (full, blocked) the run goes on in memory, the page says what was not kept and why,
// and the export still saves the whole run.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { LapRecord, ManifoldProgress } from '../../workers/manifoldApi'
import { MANIFOLD_PRESETS, type ManifoldConfig, type ManifoldPreset } from '../../core/em/presets'
import { deleteRun, getLaps, listRuns, putLap, putRun, putWholeRun, type LapRow, type RunRecord } from '../../app/persistence/runsDb'
import { decodeRun, encodeRun } from '../../app/persistence/runFile'
import { attemptStorage, storageNotice, type StorageFailure, type StorageFailureKind } from '../../app/persistence/storageErrors'
import { clearRunActive, markRunActive, takeInterruptedRun } from '../../app/persistence/activeRun'
import { RunKeeper } from './runKeeper'

/** What the page draws of a lap (weights stay in the keeper and IndexedDB). */
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

/** A storage problem the page shows until it is solved or dismissed. */
export interface StorageProblem {
  kind: StorageFailureKind
  text: string
  /** How many times "try saving again" has failed since the problem was first shown. */
  retries: number
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
  /** Said once after a reload that interrupted a run. */
  interrupted?: string
  storage?: StorageProblem
  /** Ids of runs (shown in the list) whose record storage does not have. */
  unstored: string[]
  loaded: boolean
  load(): Promise<void>
  start(preset: ManifoldPreset, seed: number): Promise<void>
  resume(): Promise<void>
  cancel(): Promise<void>
  open(runId: string): Promise<void>
  remove(runId: string): Promise<void>
  exportRun(): Promise<{ name: string; text: string } | undefined>
  importRun(text: string): Promise<void>
  retrySave(): Promise<void>
  dismiss(what: 'storage' | 'interrupted'): void
  selectLap(lap: number): void
  setPlaying(p: boolean): void
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const view = (l: LapRow | LapRecord): LapView => ({
  lap: l.lap, samples: l.samples, sinkhorn: l.sinkhorn, slicedWasserstein: l.slicedWasserstein,
  losses: l.losses, seconds: l.seconds, kept: l.kept, discarded: l.discarded,
})
/** "lap 3", "laps 3–7", "laps 2, 5, 6" */
function lapList(laps: number[]): string {
  if (laps.length === 1) return `lap ${laps[0]}`
  const contiguous = laps.every((l, i) => i === 0 || l === laps[i - 1] + 1)
  return contiguous ? `laps ${laps[0]}–${laps.at(-1)}` : `laps ${laps.join(', ')}`
}
const RESCUE = 'export the run to a file with the button below'

export const useManifold = create<ManifoldState>((set, get) => {
  const keeper = new RunKeeper({ putRun, putLap })

  // a notice the user dismissed stays away for that run (the run list still says "not stored")
  let dismissedFor: string | undefined
  const problem = (f: StorageFailure, what: string, consequence: string, rescue: string | undefined = RESCUE): void => {
    if (dismissedFor !== undefined && dismissedFor === keeper.run?.id) return
    set({ storage: { kind: f.kind, text: storageNotice(f, { what, consequence, rescue }), retries: get().storage?.retries ?? 0 } })
  }

  /** After a write: a failure says what is not stored and what that means; success after one says all is stored now. */
  function afterWrite(f: StorageFailure | undefined, running: boolean): void {
    const run = keeper.run
    if (!run) return
    if (f) {
      const unsaved = keeper.unsavedLaps
      const they = unsaved.length > 1 ? 'they' : 'it'
      const what = unsaved.length ? `${lapList(unsaved)} of “${run.name}”` : `the ${run.status} status of “${run.name}”`
      const unfinished = !keeper.isRunStored && run.status !== 'running'
      const consequence = running
        ? `the run continues in this tab, but ${unsaved.length ? they : 'the run'} will not survive a reload`
        : unsaved.length
          ? `the run is shown, but ${they} will not survive a reload${unfinished ? ', and after a reload the run will look unfinished and resume' : ''}`
          : 'after a reload the run will look unfinished and resume from its last stored lap'
      problem(f, what, consequence)
    } else if (get().storage && keeper.allStored) {
      set({ storage: undefined, message: `Storage works again: “${run.name}” and all its ${keeper.rows.length} laps are stored.` })
    }
    const unstored = get().unstored.filter((id) => id !== run.id)
    set({ unstored: keeper.isRunStored ? unstored : [...unstored, run.id] })
  }

  async function refreshRuns(): Promise<void> {
    const r = await attemptStorage(listRuns)
    const cur = get().run
    const stored = r.ok ? r.value : get().runs
    set({ runs: cur && !stored.some((x) => x.id === cur.id) ? [cur, ...stored] : stored.map((x) => (x.id === cur?.id ? cur : x)) })
  }

  async function loadTruth(config: ManifoldConfig): Promise<void> {
    set({ truth: await computeWorker().manifoldTruth(config, 4096) })
  }

  async function drive(run: RunRecord, from: LapRow | undefined): Promise<void> {
    const jobId = newJobId('manifold')
    set({ jobId, message: undefined, progress: undefined })
    const mark = { page: 'manifold', runId: run.id, name: run.name, startedAt: Date.now() } as const
    markRunActive({ ...mark, done: from ? from.lap + 1 : 0 })
    let final: RunRecord = { ...run, status: 'running' }
    try {
      afterWrite(await keeper.keepRun(final), true)
      await computeWorker().runManifold(
        jobId,
        run.config,
        from && { lap: from.lap, samples: from.samples, weights: from.weights, prior: from.prior },
        proxy(async (r: LapRecord) => {
          const laps = [...get().laps.filter((l) => l.lap !== r.lap), view(r)].sort((a, b) => a.lap - b.lap)
          set({ laps, selectedLap: r.lap })
          afterWrite(await keeper.keepLap({ ...r, runId: run.id }), true)
          markRunActive({ ...mark, done: r.lap + 1, progress: `lap ${r.lap} finished` })
        }),
        proxy((p: ManifoldProgress) => set({ progress: p })),
      )
      final = { ...run, status: 'done' }
    } catch (e) {
      const msg = errText(e)
      const cancelled = /cancelled/.test(msg)
      final = { ...run, status: cancelled ? 'stopped' : 'failed', error: cancelled ? undefined : msg }
      set({ message: cancelled ? 'Run stopped; resume continues from the last finished lap.' : `The run failed: ${msg}` })
    } finally {
      clearRunActive('manifold')
      final = { ...final, lapsFinished: keeper.rows.length }
      set({ run: final, jobId: undefined, progress: undefined })
      afterWrite(await keeper.keepRun(final), false)
      await refreshRuns()
    }
  }

  /**
   * Says, once, that the last load of this tab went away in the middle of a run (the per-tab flag), or that the
   * newest stored run is still marked running (another visit ended mid-run, or its stop could not be stored),
   * and what becomes of it.
   */
  function interruptedNotice(runs: RunRecord[], storedLaps: number): void {
    const mark = takeInterruptedRun('manifold')
    const latest = runs[0]
    const resumes = latest?.status === 'running'
    const from = storedLaps ? `lap ${storedLaps - 1}, the last stored lap` : 'the start'
    if (mark && resumes && mark.runId === latest.id) {
      const lost = (mark.done ?? 0) - storedLaps
      const again = lost > 0 ? ` ${lost} finished lap${lost > 1 ? 's were' : ' was'} not stored and will be computed again.` : ''
      set({ interrupted: `The page was reloaded while “${mark.name}” was running; it resumes from ${from}.${again}` })
    } else if (mark && !runs.some((r) => r.id === mark.runId)) {
      set({ interrupted: `The page was reloaded while “${mark.name}” was running (${mark.done ?? 0} laps finished); storage had not kept it, so it is gone. Start it again; while storage is full or blocked, export runs before leaving the page.` })
    } else if (resumes) {
      set({ interrupted: `“${latest.name}” had not finished when this site was last open (or its stop could not be stored); it resumes from ${from}. Stop it if you do not want it.` })
    }
  }

  return {
    runs: [],
    laps: [],
    selectedLap: 0,
    playing: false,
    loaded: false,
    unstored: [],
    async load() {
      if (get().loaded) return
      set({ loaded: true })
      const r = await attemptStorage(listRuns)
      if (!r.ok) {
        problem(r.failure, 'the stored runs', 'earlier runs cannot be shown, and new runs will last only as long as this tab')
        interruptedNotice([], 0)
        return
      }
      const runs = r.value
      set({ runs })
      const latest = runs[0]
      if (latest) await get().open(latest.id)
      interruptedNotice(runs, latest ? keeper.rows.length : 0)
      // a run that was going when the page went away resumes from its last finished lap
      if (latest?.status === 'running') await get().resume()
    },
    async start(preset, seed) {
      if (get().jobId) return
      const config = { ...MANIFOLD_PRESETS[preset], seed }
      const run: RunRecord = { id: newJobId('run'), name: `${preset} · seed ${seed}`, createdAt: Date.now(), config, status: 'running' }
      keeper.begin(run)
      set({ run, laps: [], selectedLap: 0, runs: [run, ...get().runs], message: undefined, interrupted: undefined })
      try {
        await loadTruth(config)
      } catch (e) {
        set({ message: `The run could not start: ${errText(e)}` })
        return
      }
      await drive(run, undefined)
    },
    async resume() {
      const run = get().run
      if (!run || get().jobId || keeper.run?.id !== run.id) return
      const last = keeper.lastRow
      if (last && last.lap + 1 >= run.config.laps) {
        const done = { ...run, status: 'done' as const }
        set({ run: done })
        afterWrite(await keeper.keepRun(done), false)
        return
      }
      await drive(run, last)
    },
    async cancel() {
      const id = get().jobId
      if (id) await computeWorker().cancel(id)
    },
    async open(runId) {
      let run = get().runs.find((r) => r.id === runId)
      if (!run || get().jobId) return
      if (keeper.run?.id !== runId) {
        const r = await attemptStorage(() => getLaps(runId))
        if (!r.ok) {
          problem(r.failure, `the laps of “${run.name}”`, 'the run cannot be shown', undefined)
          return
        }
        keeper.show(run, r.value)
      }
      const rows = keeper.rows
      const lost = run.status !== 'running' ? (run.lapsFinished ?? 0) - rows.length : 0
      const unkept = lost > 0 ? `${lost} of the ${run.lapsFinished} finished laps of “${run.name}” were not stored (storage was full or blocked when they finished); resume computes them again.` : ''
      // storage holds laps from 0 without gaps, so the lost ones are the last: a "done" run is then unfinished
      if (lost > 0 && run.status === 'done') run = { ...run, status: 'stopped' }
      set({ run, laps: rows.map(view), selectedLap: Math.max(0, rows.length - 1), message: [run.error ? `The run failed: ${run.error}` : '', unkept].filter(Boolean).join(' ') || undefined })
      await loadTruth(run.config)
    },
    async remove(runId) {
      if (get().run?.id === runId && get().jobId) return
      const r = await attemptStorage(() => deleteRun(runId))
      if (!r.ok) {
        problem(r.failure, 'the deletion', 'the run is still stored', undefined)
        return
      }
      if (keeper.run?.id === runId) keeper.show(undefined, [])
      set({ unstored: get().unstored.filter((id) => id !== runId) })
      if (get().run?.id === runId) set({ run: undefined, laps: [], truth: undefined })
      await refreshRuns()
      set({ runs: get().runs.filter((x) => x.id !== runId) })
    },
    async exportRun() {
      const run = get().run
      if (!run) return undefined
      let laps: LapRow[]
      if (keeper.run?.id === run.id) laps = keeper.rows
      else {
        const r = await attemptStorage(() => getLaps(run.id))
        if (!r.ok) {
          problem(r.failure, 'the export', 'the laps could not be read back', undefined)
          return undefined
        }
        laps = r.value
      }
      return { name: `${run.name.replace(/[^a-z0-9]+/gi, '-')}.tweedie-run.json`, text: encodeRun(run, laps) }
    },
    async importRun(text) {
      let parsed: ReturnType<typeof decodeRun>
      try {
        parsed = decodeRun(text)
        if (get().runs.some((r) => r.id === parsed.run.id)) throw new Error(`a run with id ${parsed.run.id} is already stored; delete it first`)
      } catch (e) {
        set({ message: `Import failed, nothing was changed: ${errText(e)}` })
        return
      }
      const { run, laps } = parsed
      const status = run.status === 'running' ? 'stopped' : run.status
      const r = await attemptStorage(() => putWholeRun({ ...run, status, lapsFinished: laps.length }, laps))
      if (!r.ok) {
        problem(r.failure, `the imported run “${run.name}”`, 'nothing was stored; the file is unchanged, import it again once there is room', undefined)
        return
      }
      await refreshRuns()
      set({ message: `Imported "${run.name}" (${laps.length} laps).` })
      await get().open(run.id)
    },
    async retrySave() {
      const run = keeper.run
      if (!run) return
      dismissedFor = undefined
      const f = await keeper.flush()
      afterWrite(f, !!get().jobId)
      const st = get().storage
      if (f && st) set({ storage: { ...st, retries: st.retries + 1 } })
      if (!get().jobId) await refreshRuns()
    },
    dismiss(what) {
      if (what === 'storage') dismissedFor = keeper.run?.id ?? ''
      set(what === 'storage' ? { storage: undefined } : { interrupted: undefined })
    },
    selectLap(lap) {
      set({ selectedLap: Math.max(0, Math.min(lap, get().laps.length - 1)) })
    },
    setPlaying(playing) {
      set({ playing })
    },
  }
})
