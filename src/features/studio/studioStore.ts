// Studio page state. The configuration lives in the URL (shareable); results stream in from the worker.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import type { MethodResult, MethodSnapshot, StudioObservation } from '../../workers/studioApi'
import { DEFAULT_CONFIG, applyPreset, sameProblem, parseStudioParams, studioParams, type StudioConfig } from '../../core/studio/config'
import { DEMO_IMAGES } from '../../app/models'
import { findModel, useModelRegistry } from '../../app/modelRegistry'
import { decodeImage, ImageInputError, type ImageData3 } from '../../app/images'
import { loadLastRun, saveLastRun } from '../../app/persistence/studioDb'
import { useCompute } from '../../app/computeStore'

interface StudioState {
  config: StudioConfig
  urlMessages: string[]
  image?: ImageData3
  imageError?: string
  /** y and the baseline for the current configuration and image (before any run). */
  preview?: StudioObservation
  previewError?: string
  observation?: StudioObservation
  snapshots: Record<number, MethodSnapshot>
  results: Record<number, MethodResult>
  jobId?: string
  runError?: string
  backend?: string
  /** The config and clean image the shown results belong to. */
  ranConfig?: StudioConfig
  ranImage?: ImageData3
  /** When the shown results were restored from a previous session. */
  restoredAt?: number
  init(): Promise<void>
  update(patch: Partial<StudioConfig>): void
  preset(key: string): void
  loadImage(source: string | File): Promise<void>
  /** Draws a fresh unconditional sample from the model (DDPM, 32 steps) and uses it as the clean image. */
  sampleImage(): Promise<void>
  imageBusy: boolean
  run(): Promise<void>
  cancel(): Promise<void>
}

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
  snapshots: {},
  results: {},
  imageBusy: false,
  async sampleImage() {
    const m = modelOf(get().config)
    if (!m || get().jobId || get().imageBusy) return
    set({ imageBusy: true, imageError: undefined })
    try {
      const r = await computeWorker().sampleModel(newJobId('studio-sample'), { onnxUrl: m.onnxUrl, model: m.id, shape: m.shape, count: 1, steps: 32, sampler: 'ddpm', seed: get().config.seed }, proxy(() => {}))
      const [c, h, w] = m.shape
      set({ image: { data: r.samples.map((v) => Math.max(-2, Math.min(2, v))), c, h, w }, config: { ...get().config, image: 'sample' } })
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
    const last = await loadLastRun().catch(() => undefined)
    if (last && !get().ranConfig) {
      set({ ranConfig: last.config, ranImage: last.image, observation: last.observation, results: last.results, backend: last.backend, restoredAt: last.savedAt })
    }
    if (config.image === 'sample') await get().sampleImage()
    else await get().loadImage(config.image === 'upload' ? (DEMO_IMAGES[modelOf(config)?.demoKind ?? 'cifar'][0] ?? '') : config.image)
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
      set({ image, imageError: undefined, config: { ...get().config, image: name } })
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
    set({ jobId: id, runError: undefined, observation: undefined, snapshots: {}, results: {}, ranConfig: config, ranImage: image, restoredAt: undefined })
    try {
      const r = await computeWorker().runStudio(
        id,
        { config, onnxUrl: m.onnxUrl, image: image.data, shape: [image.c, image.h, image.w] },
        proxy((o: StudioObservation) => set({ observation: o })),
        proxy((s: MethodSnapshot) => set({ snapshots: { ...get().snapshots, [s.method]: s } })),
        proxy((r: MethodResult) => set({ results: { ...get().results, [r.method]: r } })),
      )
      set({ backend: r.backend })
      const st = get()
      await saveLastRun({ config, image, observation: st.observation, results: st.results, backend: r.backend, savedAt: Date.now() }).catch(() => {})
    } catch (e) {
      const msg = errText(e)
      // a lost GPU comes with its own complete sentence (where the run stopped, what to do)
      set({ runError: /cancelled/.test(msg) ? 'Run cancelled.' : msg.startsWith('The GPU was lost') ? msg : `The run failed: ${msg}` })
    } finally {
      set({ jobId: undefined })
    }
  },
  async cancel() {
    const id = get().jobId
    if (id) await computeWorker().cancel(id)
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
