// The image EM lab's page state. The worker computes (runImageEm, the CLI's code); this store keeps each
// finished lap in memory and in IndexedDB (RunKeeper, the manifold lab's) before the worker goes on, and a
// reload resumes an unfinished run from its last stored lap. Storage failures are said in the shared words
// (storageErrors.ts); the run goes on in memory and the export still holds it.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { ImageEmHeldOut, ImageEmProgress, ImageLap } from '../../workers/imageEmApi'
import type { ImageEmConfig } from '../../core/emImages/presets'
import { DIGIT_PIXELS } from '../../core/emImages/digits'
import { decodeImageRun, encodeImageRun, imageRuns, type ImageLapRow, type ImageRunRecord } from '../../app/persistence/imageEmRuns'
import { attemptStorage, storageNotice, type StorageFailure } from '../../app/persistence/storageErrors'
import { clearRunActive, markRunActive, takeInterruptedRun } from '../../app/persistence/activeRun'
import { useModelRegistry } from '../../app/modelRegistry'
import { RunKeeper } from '../manifold/runKeeper'
import { endedRun } from '../../app/persistence/runEnd'
import { buildConfig, COVARIANCE_LABEL, learnedModelName, urlOverrides, type ImageEmChoice } from './imageEmConfig'

/** Unconditional samples kept per lap for the grid. */
export const SHOWN_SAMPLES = 64

/** One run's curve over laps, for the overlay. */
export interface RunCurve {
  runId: string
  name: string
  covariance: ImageEmConfig['estep']['covariance']
  points: { lap: number; completionPsnr: number; fd?: number }[]
}

interface ImageEmState {
  runs: ImageRunRecord[]
  run?: ImageRunRecord
  laps: ImageLapRow[]
  curves: RunCurve[]
  heldOut?: ImageEmHeldOut
  selectedLap: number
  jobId?: string
  progress?: ImageEmProgress
  message?: string
  interrupted?: string
  storage?: string
  /** The studio model made from the shown run, with its id. */
  sent?: { id: string; name: string; problem?: string }
  urlMessages: string[]
  loaded: boolean
  load(): Promise<void>
  start(choice: ImageEmChoice): Promise<void>
  resume(): Promise<void>
  cancel(): Promise<void>
  open(runId: string): Promise<void>
  remove(runId: string): Promise<void>
  exportRun(): Promise<{ name: string; text: string } | undefined>
  importRun(text: string): Promise<void>
  sendToStudio(): Promise<void>
  selectLap(lap: number): void
  dismiss(what: 'storage' | 'interrupted'): void
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const RESCUE = 'export the run to a file with the button below'

const row = (runId: string, r: ImageLap): ImageLapRow => ({ ...r, runId, samples: r.samples.slice(0, SHOWN_SAMPLES * DIGIT_PIXELS) })

function curveOf(run: ImageRunRecord, laps: ImageLapRow[]): RunCurve {
  return { runId: run.id, name: `${run.name}`, covariance: run.config.estep.covariance, points: laps.map((l) => ({ lap: l.lap, completionPsnr: l.completionPsnr, fd: l.fd })) }
}

export const useImageEm = create<ImageEmState>((set, get) => {
  const keeper = new RunKeeper<ImageRunRecord, ImageLapRow>(imageRuns)
  const overrides = urlOverrides(typeof window === 'undefined' ? '' : window.location.search)

  const problem = (f: StorageFailure, what: string, consequence: string, rescue: string | undefined = RESCUE): void => {
    set({ storage: storageNotice(f, { what, consequence, rescue }) })
  }
  function afterWrite(f: StorageFailure | undefined, running: boolean): void {
    const run = keeper.run
    if (!run || !f) return
    const unsaved = keeper.unsavedLaps
    const what = unsaved.length ? `lap${unsaved.length > 1 ? 's' : ''} ${unsaved.join(', ')} of “${run.name}”` : `the ${run.status} status of “${run.name}”`
    problem(f, what, running ? 'the run continues in this tab but will not survive a reload' : 'the run is shown but will not survive a reload as it is')
  }

  function setCurve(run: ImageRunRecord, laps: ImageLapRow[]): void {
    const c = curveOf(run, laps)
    set({ curves: [...get().curves.filter((x) => x.runId !== run.id), c] })
  }

  /** Curves of every stored run (their laps read once), for the overlay. */
  async function loadCurves(runs: ImageRunRecord[]): Promise<void> {
    const curves: RunCurve[] = []
    for (const r of runs) {
      const laps = await attemptStorage(() => imageRuns.getLaps(r.id))
      if (laps.ok) curves.push(curveOf(r, laps.value))
    }
    set({ curves })
  }

  async function refreshRuns(): Promise<void> {
    const r = await attemptStorage(imageRuns.listRuns)
    const cur = get().run
    const stored = r.ok ? r.value : get().runs
    set({ runs: cur && !stored.some((x) => x.id === cur.id) ? [cur, ...stored] : stored.map((x) => (x.id === cur?.id ? cur : x)) })
  }

  async function loadHeldOut(config: ImageEmConfig): Promise<void> {
    set({ heldOut: undefined })
    try {
      set({ heldOut: await computeWorker().imageEmHeldOut(config, 8) })
    } catch (e) {
      set({ message: `The held-out digits could not be loaded: ${errText(e)}` })
    }
  }

  async function drive(run: ImageRunRecord, from: ImageLapRow | undefined): Promise<void> {
    const jobId = newJobId('image-em')
    set({ jobId, message: undefined, progress: undefined })
    const mark = { page: 'image-em', runId: run.id, name: run.name, startedAt: Date.now() } as const
    markRunActive({ ...mark, done: from ? from.lap + 1 : 0 })
    let final: ImageRunRecord = { ...run, status: 'running' }
    try {
      if (from && !from.eStepSamples) throw new Error(`lap ${from.lap} has no E-step samples to resume from`)
      afterWrite(await keeper.keepRun(final), true)
      await computeWorker().runImageEm(
        jobId,
        run.config,
        from && { lap: from.lap, samples: from.eStepSamples!, prior: from.prior, weights: from.weights },
        proxy(async (r: ImageLap) => {
          const lap = row(run.id, r)
          const laps = [...get().laps.filter((l) => l.lap !== r.lap), lap].sort((a, b) => a.lap - b.lap)
          set({ laps, selectedLap: r.lap })
          setCurve(run, laps)
          afterWrite(await keeper.keepLap(lap), true)
          markRunActive({ ...mark, done: r.lap + 1, progress: `lap ${r.lap} finished` })
        }),
        proxy((p: ImageEmProgress) => set({ progress: p })),
      )
      final = endedRun(run).run
    } catch (e) {
      const end = endedRun(run, e)
      final = end.run
      set({ message: end.message })
    } finally {
      clearRunActive('image-em')
      final = { ...final, lapsFinished: keeper.rows.length }
      set({ run: final, jobId: undefined, progress: undefined })
      afterWrite(await keeper.keepRun(final), false)
      await refreshRuns()
    }
  }

  return {
    runs: [],
    laps: [],
    curves: [],
    selectedLap: 0,
    urlMessages: overrides.messages,
    loaded: false,
    async load() {
      if (get().loaded) return
      set({ loaded: true })
      const r = await attemptStorage(imageRuns.listRuns)
      const mark = takeInterruptedRun('image-em')
      if (!r.ok) {
        problem(r.failure, 'the stored runs', 'earlier runs cannot be shown, and new runs last only as long as this tab')
        return
      }
      set({ runs: r.value })
      await loadCurves(r.value)
      const latest = r.value[0]
      if (!latest) return
      await get().open(latest.id)
      if (latest.status === 'running') {
        const from = keeper.rows.length ? `lap ${keeper.rows.length - 1}, the last stored lap` : 'the start'
        set({ interrupted: mark?.runId === latest.id ? `The page was reloaded while “${latest.name}” was running; it resumes from ${from}.` : `“${latest.name}” had not finished when this site was last open; it resumes from ${from}. Stop it if you do not want it.` })
        await get().resume()
      }
    },
    async start(choice) {
      if (get().jobId) return
      const config = buildConfig(choice, overrides.patch)
      const run: ImageRunRecord = {
        id: newJobId('image-run'), name: `${choice.preset} · ${COVARIANCE_LABEL[choice.covariance]} · ${choice.corruption} · seed ${choice.seed}`,
        createdAt: Date.now(), config, status: 'running',
      }
      keeper.begin(run)
      set({ run, laps: [], selectedLap: 0, runs: [run, ...get().runs], message: undefined, interrupted: undefined, sent: undefined })
      await loadHeldOut(config)
      await drive(run, undefined)
    },
    async resume() {
      const run = get().run
      if (!run || get().jobId || keeper.run?.id !== run.id) return
      const last = keeper.lastRow
      if (last && last.lap >= run.config.laps) {
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
      const run = get().runs.find((r) => r.id === runId)
      if (!run || get().jobId) return
      if (keeper.run?.id !== runId) {
        const r = await attemptStorage(() => imageRuns.getLaps(runId))
        if (!r.ok) {
          problem(r.failure, `the laps of “${run.name}”`, 'the run cannot be shown', undefined)
          return
        }
        keeper.show(run, r.value)
      }
      const rows = keeper.rows
      set({ run, laps: rows, selectedLap: Math.max(0, rows.length - 1), sent: undefined, message: run.error ? `The run failed: ${run.error}` : undefined })
      await loadHeldOut(run.config)
    },
    async remove(runId) {
      if (get().run?.id === runId && get().jobId) return
      const r = await attemptStorage(() => imageRuns.deleteRun(runId))
      if (!r.ok) {
        problem(r.failure, 'the deletion', 'the run is still stored', undefined)
        return
      }
      if (keeper.run?.id === runId) keeper.show(undefined, [])
      if (get().run?.id === runId) set({ run: undefined, laps: [], heldOut: undefined })
      set({ curves: get().curves.filter((c) => c.runId !== runId) })
      await refreshRuns()
      set({ runs: get().runs.filter((x) => x.id !== runId) })
    },
    async exportRun() {
      const run = get().run
      if (!run) return undefined
      return { name: `${run.name.replace(/[^a-z0-9]+/gi, '-')}.tweedie-image-em.json`, text: encodeImageRun(run, keeper.run?.id === run.id ? keeper.rows : get().laps) }
    },
    async importRun(text) {
      let parsed: ReturnType<typeof decodeImageRun>
      try {
        parsed = decodeImageRun(text)
        if (get().runs.some((r) => r.id === parsed.run.id)) throw new Error(`a run with id ${parsed.run.id} is already stored; delete it first`)
      } catch (e) {
        set({ message: `Import failed, nothing was changed: ${errText(e)}` })
        return
      }
      const { run, laps } = parsed
      const status = run.status === 'running' ? 'stopped' : run.status
      const r = await attemptStorage(() => imageRuns.putWholeRun({ ...run, status, lapsFinished: laps.length }, laps))
      if (!r.ok) {
        problem(r.failure, `the imported run “${run.name}”`, 'nothing was stored; the file is unchanged, import it again once there is room', undefined)
        return
      }
      await refreshRuns()
      setCurve(run, laps)
      await get().open(run.id)
      set({ message: `Imported “${run.name}” (${laps.length} laps).` })
    },
    async sendToStudio() {
      const run = get().run
      const last = [...get().laps].reverse().find((l) => l.weights)
      if (!run || !last?.weights) return
      const name = learnedModelName(run.config, last.lap)
      const id = `learned-${run.id.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-lap${last.lap}`
      const reg = useModelRegistry.getState()
      await reg.load()
      try {
        const r = await reg.addLearned({ id, name, addedAt: Date.now(), runId: run.id, lap: last.lap, weights: last.weights, schedule: run.config.schedule })
        set({ sent: { id, name, problem: r.problem } })
      } catch (e) {
        set({ message: `The model could not be sent to the studio: ${errText(e)}` })
      }
    },
    selectLap(lap) {
      set({ selectedLap: Math.max(0, Math.min(lap, get().laps.length - 1)) })
    },
    dismiss(what) {
      set(what === 'storage' ? { storage: undefined } : { interrupted: undefined })
    },
  }
})
