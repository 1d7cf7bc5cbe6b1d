// Studio page state. The configuration lives in the URL (shareable); results stream in from the worker, all
// methods in lockstep, one round (a frame per method) per step; trajectories are recorded for the scrubber.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { MethodResult, RoundInfo, StepFrame, StudioObservation } from '../../workers/studioApi'
import { DEFAULT_CONFIG, applyPreset, sameProblem, parseStudioParams, studioParams, type StudioConfig } from '../../core/studio/config'
import { framesPerMethod, TrajectoryRecorder, type Trajectory } from '../../core/studio/trajectory'
import { DEMO_IMAGES } from '../../app/models'
import { findModel, useModelRegistry } from '../../app/modelRegistry'
import { decodeImage, ImageInputError, resizeNote, type ImageData3 } from '../../app/images'
import { keepLastRun, loadUpload, readLastRun, saveUpload } from '../../app/persistence/studioDb'
import { clearRunActive, markRunActive, takeInterruptedRun } from '../../app/persistence/activeRun'
import { costPoint, parseSweepSteps, type CostPoint } from './costPoints'

export { parseSweepSteps } from './costPoints'

export interface RunClock {
  /** performance.now() at the start of the run's first round, and after the last round so far. */
  started: number
  now: number
  /** Rounds done (each = one step of every method) and rounds in all (steps + the final call). */
  rounds: number
  total: number
}

export interface SweepState {
  /** Step counts to run, in order; the one running; points so far. */
  steps: number[]
  current?: number
  points: CostPoint[]
  error?: string
}
import { useCompute } from '../../app/computeStore'

interface StudioState {
  config: StudioConfig
  urlMessages: string[]
  image?: ImageData3
  /** Where the image came from when it is an upload: its name and what decoding did to its size. */
  imageNote?: string
  imageError?: string
  /** y and the baseline for the current configuration and image (before any run). */
  preview?: StudioObservation
  previewError?: string
  observation?: StudioObservation
  /** The latest frame of each method (index = method). */
  frames: Record<number, StepFrame>
  trajectories: Trajectory[]
  results: Record<number, MethodResult>
  clock?: RunClock
  jobId?: string
  runError?: string
  /** The run was cancelled: rows show where they stopped; there is no posterior mean. */
  cancelled?: boolean
  /** Why the last results could not be kept (storage full or blocked), from app/persistence. */
  saveError?: string
  backend?: string
  /** The config and clean image the shown results belong to. */
  ranConfig?: StudioConfig
  ranImage?: ImageData3
  /** When the shown results were restored from a previous session. */
  restoredAt?: number
  /** The worker job id of the shown run (undefined when restored): the worker keeps its exact x_t under it. */
  runId?: string
  /** Scrubber position (a step, 0 … steps); undefined = the last step reached. */
  scrub?: number
  sweep?: SweepState
  sweepSteps: string
  init(): Promise<void>
  update(patch: Partial<StudioConfig>): void
  preset(key: string): void
  loadImage(source: string | File): Promise<void>
  /** Draws a fresh unconditional sample from the model (DDPM, 32 steps) and uses it as the clean image. */
  sampleImage(): Promise<void>
  imageBusy: boolean
  run(): Promise<void>
  cancel(): Promise<void>
  setScrub(k: number | undefined): void
  setSweepSteps(s: string): void
  runSweep(): Promise<void>
}

/** Sweeps asked to stop (by page job id). */
const sweepCancel = new Set<string>()

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function writeUrl(c: StudioConfig): void {
  const url = new URL(window.location.href)
  const q = studioParams(c)
  const backend = url.searchParams.get('backend') // the shell's parameter stays
  if (backend !== null) q.set('backend', backend)
  url.search = `?${q.toString()}`
  window.history.replaceState(null, '', url)
}

export function modelOf(c: StudioConfig) {
  return findModel(c.model)
}

export const useStudio = create<StudioState>((set, get) => ({
  config: DEFAULT_CONFIG,
  urlMessages: [],
  frames: {},
  trajectories: [],
  results: {},
  imageBusy: false,
  sweepSteps: '4, 8, 16, 32, 64',
  async sampleImage() {
    const m = modelOf(get().config)
    if (!m || get().jobId || get().imageBusy) return
    set({ imageBusy: true, imageError: undefined })
    try {
      const r = await computeWorker().sampleModel(newJobId('studio-sample'), { onnxUrl: m.onnxUrl, model: m.id, shape: m.shape, count: 1, steps: 32, sampler: 'ddpm', seed: get().config.seed }, proxy(() => {}))
      const [c, h, w] = m.shape
      set({ image: { data: r.samples.map((v) => Math.max(-2, Math.min(2, v))), c, h, w }, imageNote: undefined, config: { ...get().config, image: 'sample' } })
      writeUrl(get().config)
    } catch (e) {
      set({ imageError: `Could not draw a model sample: ${errText(e)}` })
    } finally {
      set({ imageBusy: false })
    }
  },
  async init() {
    await useModelRegistry.getState().load()
    const modelIds = useModelRegistry.getState().models.map((m) => m.id)
    const { config, messages } = parseStudioParams(window.location.search, modelIds)
    set({ config, urlMessages: messages })
    writeUrl(config)
    const interrupted = takeInterruptedRun('studio')
    if (interrupted) {
      set({ runError: `A reload interrupted the previous run (${interrupted.name}, ${interrupted.progress ?? 'before its first step'}); its results were not kept. Press Run to start it again.` })
    }
    const { run: last, problem } = await readLastRun()
    if (problem) set({ saveError: problem })
    if (last && !get().ranConfig) {
      const frames: Record<number, StepFrame> = {}
      set({ ranConfig: last.config, ranImage: last.image, observation: last.observation, results: last.results, trajectories: last.trajectories ?? [], frames, backend: last.backend, restoredAt: last.savedAt })
    }
    if (config.image === 'sample') await get().sampleImage()
    else if (config.image === 'upload') {
      const up = await loadUpload().catch(() => undefined)
      const m = modelOf(config)
      const fallback = DEMO_IMAGES[m?.demoKind ?? 'cifar'][0] ?? ''
      if (up && up.model === config.model) {
        set({ image: up.image, imageNote: `Your upload ${up.name}${resizeNote(up.image) ? ` (${resizeNote(up.image)})` : ''}, kept in this browser since ${new Date(up.savedAt).toLocaleString()}.` })
      } else {
        await get().loadImage(fallback)
        set({
          urlMessages: [...get().urlMessages, up
            ? `image=upload: the upload kept in this browser (${up.name}) was for ${up.model}, not ${config.model}; showing ${fallback} instead. Upload an image again to use your own.`
            : `image=upload: no uploaded image is kept in this browser (uploads never leave it, so a shared link cannot carry one); showing ${fallback} instead. Upload an image to use your own.`],
        })
      }
    } else await get().loadImage(config.image)
  },
  update(patch) {
    const prev = get().config
    let config = { ...prev, ...patch }
    const m = modelOf(config)
    // a model change brings that model's demo images and a compatible task
    if (patch.model && patch.model !== prev.model && m) {
      const kind = m.demoKind === 'mri' ? 'mri' : prev.corruption.kind === 'mri' ? 'box' : prev.corruption.kind
      config = { ...config, image: DEMO_IMAGES[m.demoKind][0] ?? config.image, corruption: { ...config.corruption, kind } }
      set({ config })
      writeUrl(config)
      void get().loadImage(config.image)
      return
    }
    set({ config })
    writeUrl(config)
  },
  preset(key) {
    const prev = get().config
    const config = applyPreset(prev, key)
    set({ config })
    writeUrl(config)
    if (config.image !== prev.image || config.model !== prev.model) void get().loadImage(config.image)
  },
  async loadImage(source) {
    const m = modelOf(get().config)
    if (!m) {
      set({ imageError: `No model "${get().config.model}" is bundled with this build.` })
      return
    }
    const [channels, height, width] = m.shape
    try {
      let blob: Blob
      if (typeof source === 'string') {
        const res = await fetch(source)
        if (!res.ok) throw new ImageInputError(`could not load ${source} (HTTP ${res.status})`)
        blob = await res.blob()
      } else {
        if (source.size > 20e6) throw new ImageInputError(`${source.name} is ${(source.size / 1e6).toFixed(0)} MB; use an image under 20 MB.`)
        blob = source
      }
      const image = await decodeImage(blob, channels, height, width)
      const name = typeof source === 'string' ? source : 'upload'
      let imageNote: string | undefined
      if (typeof source !== 'string') {
        const note = resizeNote(image)
        imageNote = `Using your upload ${source.name}: ${note ? `${note} for ${m.id}` : `${image.w}×${image.h}, as the model needs`}.`
        await saveUpload({ name: source.name, image, model: m.id, savedAt: Date.now() }).catch((e: unknown) => {
          imageNote += ` It could not be kept for a reload (${errText(e)}).`
        })
      }
      set({ image, imageNote, imageError: undefined, config: { ...get().config, image: name } })
      writeUrl(get().config)
    } catch (e) {
      set({ imageError: `Image not used: ${errText(e)}` })
    }
  },
  async run() {
    const { config, image, jobId } = get()
    const m = modelOf(config)
    if (jobId || !image || !m) return
    const id = newJobId('studio')
    const pixels = image.c * image.h * image.w
    const cap = framesPerMethod(config.methods.length, pixels)
    let recorders: TrajectoryRecorder[] = []
    set({
      jobId: id, runError: undefined, saveError: undefined, cancelled: false, observation: undefined, frames: {}, trajectories: [], results: {},
      ranConfig: config, ranImage: image, restoredAt: undefined, scrub: undefined, clock: undefined, sweep: undefined, runId: id,
    })
    const mark = { page: 'studio', runId: id, name: `${config.methods.length} methods, ${config.steps} steps`, startedAt: Date.now() }
    markRunActive(mark)
    try {
      const r = await computeWorker().runStudio(
        id,
        { config, onnxUrl: m.onnxUrl, image: image.data, shape: [image.c, image.h, image.w] },
        proxy((o: StudioObservation) => set({ observation: o })),
        proxy((round: RoundInfo) => {
          const now = performance.now()
          if (recorders.length === 0) recorders = config.methods.map((_, i) => new TrajectoryRecorder(i, round.steps, pixels, cap))
          const frames = { ...get().frames }
          for (const f of round.frames) {
            frames[f.method] = f
            recorders[f.method]?.add(f)
          }
          const prev = get().clock
          // the clock starts when the first round arrives minus that round's own time (the model load is not a step)
          const firstRound = Math.max(0, ...round.frames.map((f) => f.seconds)) * 1000
          const clock: RunClock = { started: prev?.started ?? now - firstRound, now, rounds: round.step + 1, total: round.steps + 1 }
          // the trajectories go to the page state once, when the run ends: a per-round copy would redraw the charts every step
          set({ frames, clock })
          markRunActive({ ...mark, progress: `step ${round.step} of ${round.steps}`, done: round.step })
        }),
        proxy((res: MethodResult) => set({ results: { ...get().results, [res.method]: res } })),
      )
      set({ backend: r.backend, trajectories: recorders.map((rec) => rec.t) })
      const st = get()
      const cancelled = Object.values(st.results).some((x) => x.status === 'cancelled')
      if (cancelled) {
        set({ cancelled: true, runError: `Run cancelled ${(st.clock?.rounds ?? 0) === 0 ? 'before its first step' : `after step ${(st.clock?.rounds ?? 0) - 1} of ${config.steps}`}: every method stopped there. The rows keep their trajectories so far; there is no posterior mean, and the previous run stays kept for a reload.` })
      } else {
        set({ saveError: await keepLastRun({ config, image, observation: st.observation, results: st.results, trajectories: st.trajectories, backend: r.backend, savedAt: Date.now() }) })
      }
    } catch (e) {
      const msg = errText(e)
      set({ trajectories: recorders.map((rec) => rec.t), runError: /cancelled/.test(msg) ? 'Run cancelled before the first step.' : msg.startsWith('The GPU was lost') ? msg : `The run failed: ${msg}` })
      if (/cancelled/.test(msg)) set({ cancelled: true })
    } finally {
      clearRunActive('studio')
      set({ jobId: undefined })
    }
  },
  async cancel() {
    const id = get().jobId
    if (!id) return
    if (id.startsWith('studio-sweep')) {
      // a sweep is one worker job per step count under one page id: stop the running one and start no more
      sweepCancel.add(id)
      const cur = get().sweep?.current
      if (cur !== undefined) await computeWorker().cancel(`${id}-${cur}`)
      return
    }
    await computeWorker().cancel(id)
  },
  setScrub(k) {
    set({ scrub: k })
  },
  setSweepSteps(s) {
    set({ sweepSteps: s })
  },
  async runSweep() {
    const { ranConfig, ranImage, jobId, sweepSteps } = get()
    const m = ranConfig && modelOf(ranConfig)
    if (jobId || !ranConfig || !ranImage || !m) return
    const list = parseSweepSteps(sweepSteps)
    if (typeof list === 'string') {
      set({ sweep: { steps: [], points: [], error: list } })
      return
    }
    const id = newJobId('studio-sweep')
    set({ jobId: id, sweep: { steps: list, points: [] } })
    try {
      for (const steps of list) {
        set({ sweep: { ...get().sweep!, current: steps } })
        const config = { ...ranConfig, steps, samples: 1 }
        const done: MethodResult[] = []
        await computeWorker().runStudio(
          `${id}-${steps}`,
          { config, onnxUrl: m.onnxUrl, image: ranImage.data, shape: [ranImage.c, ranImage.h, ranImage.w], images: false },
          proxy(() => {}),
          proxy(() => {}),
          proxy((res: MethodResult) => { done.push(res) }),
        )
        if (done.some((d) => d.status === 'cancelled')) throw new Error('cancelled')
        const pts = done.filter((d) => d.status === 'done').map((d) => costPoint(d, 1, 'sweep'))
        set({ sweep: { ...get().sweep!, points: [...get().sweep!.points, ...pts] } })
        if (sweepCancel.has(id)) throw new Error('cancelled')
      }
      set({ sweep: { ...get().sweep!, current: undefined } })
    } catch (e) {
      const msg = errText(e)
      set({ sweep: { ...get().sweep!, current: undefined, error: /cancelled/.test(msg) ? 'Sweep cancelled; the points so far stay.' : `The sweep failed: ${msg}` } })
    } finally {
      sweepCancel.delete(id)
      set({ jobId: undefined })
    }
  },
}))


// The preview follows the configuration and the image, a moment after the last change; a stale answer
// (the user changed something meanwhile) is dropped.
let previewTimer: ReturnType<typeof setTimeout> | undefined
let previewSerial = 0
function schedulePreview(): void {
  clearTimeout(previewTimer)
  previewTimer = setTimeout(() => {
    const { config, image } = useStudio.getState()
    if (!image) return
    const serial = ++previewSerial
    computeWorker()
      .previewStudio({ config, image: image.data, shape: [image.c, image.h, image.w] })
      .then((preview) => { if (serial === previewSerial) useStudio.setState({ preview, previewError: undefined }) })
      .catch((e: unknown) => { if (serial === previewSerial) useStudio.setState({ preview: undefined, previewError: `No preview of the observation: ${errText(e)}` }) })
  }, 120)
}
useStudio.subscribe((s, prev) => {
  if (s.image !== prev.image || !sameProblem(s.config, prev.config)) schedulePreview()
})
// a new backend (e.g. after a lost GPU) redraws the problem panel: its last preview may have failed on the old one
useCompute.subscribe((s, prev) => {
  if (prev.status && s.status && s.status.backend !== prev.status.backend) schedulePreview()
})
