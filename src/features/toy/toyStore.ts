// Main-thread state of the analytic toy page: settings, the running job's progress, and results that
// survive reload (toyPersistence). All computing happens in the compute worker (ToyApi).
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { Progress } from '../../workers/api'
import type { ToyRow } from '../../workers/toyApi'
import { TOY_PRESETS, type ToyPresetName } from '../../core/toy/experiment'
import { COVARIANCES } from '../../core/toy/observation'
import { webStorage } from '../../app/persistence/storageErrors'
import { compactPoints, loadToy, saveToy, type StoredHelix, type StoredRun, type StoredToy } from './toyPersistence'

/** Illustration sizes per preset (coil.ipynb uses 65 536 prior samples). */
export const HELIX_SIZES: Record<ToyPresetName, { samples: number; shown: number }> = {
  tiny: { samples: 2 ** 12, shown: 400 },
  browser: { samples: 2 ** 14, shown: 1500 },
  paper: { samples: 2 ** 16, shown: 1500 },
}

interface ToyState extends StoredToy {
  job?: string
  progress?: Progress
  error?: string
  helixJob?: string
  helixProgress?: Progress
  helixError?: string
  notice?: string
  setPreset(p: ToyPresetName): void
  setSeeds(n: number): void
  setHelixSigma(s: number): void
  start(): Promise<void>
  cancel(): Promise<void>
  runHelix(): Promise<void>
  cancelHelix(): Promise<void>
}

const storage = (): Storage | undefined => webStorage('local')
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const cancelled = (e: unknown): boolean => /cancelled|abort/i.test(errText(e))

const initial = loadToy(storage())
// A run that was still going when the page went away is shown as interrupted (its finished rows are kept).
const restoredRun: StoredRun | undefined = initial.state.run
const interrupted = restoredRun !== undefined && !restoredRun.complete

export const useToy = create<ToyState>((set, get) => {
  const persist = (): void => {
    const { preset, seeds, helixSigma, run, helix } = get()
    const problem = saveToy(storage(), { preset, seeds, helixSigma, run, helix })
    if (problem) set({ notice: problem })
  }
  return {
    ...initial.state,
    notice: [initial.problem, interrupted ? `The last run was interrupted by a reload; its ${restoredRun?.rows.length ?? 0} finished rows are shown.` : undefined]
      .filter(Boolean)
      .join(' ') || undefined,
    setPreset(preset) {
      set({ preset })
      persist()
    },
    setSeeds(n) {
      if (!Number.isInteger(n) || n < 1 || n > 64) return
      set({ seeds: n })
      persist()
    },
    setHelixSigma(s) {
      if (!(s > 0) || !Number.isFinite(s)) return
      set({ helixSigma: s })
      persist()
    },
    async start() {
      if (get().job) return
      const { preset, seeds } = get()
      const p = TOY_PRESETS[preset]
      const id = newJobId('toy')
      const run: StoredRun = { preset, seeds, priorSamples: p.priorSamples, setSize: p.setSize, rows: [], complete: false, startedAt: new Date().toISOString() }
      set({ job: id, run, error: undefined, notice: undefined, progress: { fraction: 0, message: 'starting' } })
      persist()
      try {
        const result = await computeWorker().runToy(
          id,
          { preset, seeds },
          proxy((pr: Progress) => set({ progress: pr })),
          proxy((rows: ToyRow[]) => {
            // Callbacks travel on their own port: a late batch must not touch a finished or newer run.
            const cur = get().run
            if (!cur || cur.complete || cur.startedAt !== run.startedAt) return
            set({ run: { ...cur, rows: [...cur.rows, ...rows] } })
            persist()
          }),
        )
        set({ run: { ...run, rows: result.results, complete: true, seconds: result.seconds } })
        persist()
      } catch (e) {
        set({ error: cancelled(e) ? 'Run cancelled; the finished rows are kept.' : `The toy run failed: ${errText(e)}` })
      } finally {
        set({ job: undefined, progress: undefined })
      }
    },
    async cancel() {
      const id = get().job
      if (id) await computeWorker().cancel(id)
    },
    async runHelix() {
      if (get().helixJob) return
      const { helixSigma, preset } = get()
      const id = newJobId('helix')
      set({ helixJob: id, helixError: undefined, helixProgress: { fraction: 0, message: 'starting' } })
      try {
        const r = await computeWorker().runHelix(id, { sigmaT: helixSigma, seed: 0, ...HELIX_SIZES[preset] }, proxy((pr: Progress) => set({ helixProgress: pr })))
        // Leave the worker's message task before converting, drawing and saving (each its own task).
        await nextTask()
        const helix: StoredHelix = {
          sigmaT: r.sigmaT,
          samples: r.samples,
          prior: compactPoints(r.prior),
          truth: compactPoints(r.truth),
          approximations: Object.fromEntries(COVARIANCES.map((k) => [k, compactPoints(r.approximations[k])])) as StoredHelix['approximations'],
          ess: r.ess,
        }
        set({ helix })
        await nextTask()
        persist()
      } catch (e) {
        set({ helixError: cancelled(e) ? 'Illustration cancelled.' : `The illustration failed: ${errText(e)}` })
      } finally {
        set({ helixJob: undefined, helixProgress: undefined })
      }
    },
    async cancelHelix() {
      const id = get().helixJob
      if (id) await computeWorker().cancel(id)
    },
  }
})
