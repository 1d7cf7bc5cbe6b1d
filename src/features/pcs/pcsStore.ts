// Posterior-PCs page state: settings (mirrored in the URL), the image, x_t / x̂, the PC job and its result.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import { DEMO_IMAGES } from '../../app/models'
import { findModel, useModelRegistry } from '../../app/modelRegistry'
import { decodeImage, type ImageData3 } from '../../app/images'
import { clampRect, parsePcsParams, pcsParams, PCS_DEFAULTS, type PcsConfig } from '../../core/pcs/config'
import type { PcsObservation, PcsProgress, PcsResult } from '../../workers/pcsApi'

export interface PcsRun extends PcsResult {
  config: PcsConfig
  shape: [number, number, number]
}

interface PcsState {
  config: PcsConfig
  urlMessages: string[]
  image?: ImageData3
  obs?: PcsObservation
  obsBusy: boolean
  job?: string
  progress?: PcsProgress
  result?: PcsRun
  /** α per PC for x̂ + α √λ_i v_i. */
  alphas: number[]
  message?: string
  initialised: boolean
  init(): Promise<void>
  update(patch: Partial<PcsConfig>): void
  loadImage(source: string | File): Promise<void>
  observe(): Promise<void>
  run(): Promise<void>
  cancel(): Promise<void>
  setAlpha(i: number, a: number): void
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function writeUrl(c: PcsConfig): void {
  const url = new URL(window.location.href)
  const q = pcsParams(c)
  const backend = url.searchParams.get('backend') // the shell's parameter stays
  if (backend !== null) q.set('backend', backend)
  url.search = `?${q.toString()}`
  window.history.replaceState(null, '', url)
}

let obsSeq = 0

export const usePcs = create<PcsState>((set, get) => ({
  config: PCS_DEFAULTS,
  urlMessages: [],
  obsBusy: false,
  alphas: [],
  initialised: false,
  async init() {
    if (get().initialised) return
    set({ initialised: true })
    await useModelRegistry.getState().load()
    const models = useModelRegistry.getState().models.map((m) => m.id)
    const { config, messages } = parsePcsParams(window.location.search, models)
    const m = findModel(config.model)
    const image = config.image === 'upload' || (m && !config.image.startsWith(`demo/${m.demoKind}/`)) ? (DEMO_IMAGES[m?.demoKind ?? 'cifar'][0] ?? PCS_DEFAULTS.image) : config.image
    if (image !== config.image && config.image !== 'upload') messages.push(`The image ${config.image} does not fit the model ${config.model}; using ${image}.`)
    if (config.image === 'upload') messages.push('An uploaded image is not kept in the URL; using a demo image. Upload it again.')
    const c = { ...config, image }
    set({ config: c, urlMessages: messages })
    writeUrl(c)
    await get().loadImage(c.image)
  },
  update(patch) {
    if (get().job) return
    const prev = get().config
    let config = { ...prev, ...patch }
    if (patch.k !== undefined && config.pc >= config.k) config.pc = 0
    const m = findModel(config.model)
    const modelChanged = patch.model !== undefined && patch.model !== prev.model
    if (modelChanged && m) config = { ...config, image: DEMO_IMAGES[m.demoKind][0] ?? config.image, rect: null }
    set({ config })
    writeUrl(config)
    const onlyView = Object.keys(patch).every((key) => key === 'pc')
    if (!onlyView) set({ result: undefined, progress: undefined, alphas: [] })
    if (modelChanged) void get().loadImage(config.image)
    else if (patch.sigma !== undefined || patch.seed !== undefined) void get().observe()
  },
  async loadImage(source) {
    const m = findModel(get().config.model)
    if (!m) {
      set({ message: `Unknown model "${get().config.model}".` })
      return
    }
    const [c, h, w] = m.shape
    try {
      let blob: Blob
      if (typeof source === 'string') {
        const res = await fetch(source)
        if (!res.ok) throw new Error(`HTTP ${res.status} for ${source}`)
        blob = await res.blob()
      } else blob = source
      const image = await decodeImage(blob, c, h, w)
      const config = { ...get().config, image: typeof source === 'string' ? source : 'upload', rect: clampRect(get().config.rect, h, w) }
      set({ image, config, result: undefined, progress: undefined, alphas: [], message: undefined, obs: undefined })
      writeUrl(config)
      await get().observe()
    } catch (e) {
      set({ message: `Could not load the image: ${errText(e)}` })
    }
  },
  async observe() {
    const { image, config } = get()
    const m = findModel(config.model)
    if (!image || !m) return
    const seq = ++obsSeq
    set({ obsBusy: true })
    try {
      const obs = await computeWorker().pcsObservation({ onnxUrl: m.onnxUrl, image: image.data, shape: m.shape, sigma: config.sigma, seed: config.seed })
      if (seq === obsSeq) set({ obs, message: undefined })
    } catch (e) {
      if (seq === obsSeq) set({ message: `Denoising failed: ${errText(e)}` })
    } finally {
      if (seq === obsSeq) set({ obsBusy: false })
    }
  },
  async run() {
    const { image, config, job } = get()
    const m = findModel(config.model)
    if (!image || !m || job) return
    const [, h, w] = m.shape
    const rect = config.rect ?? { x0: 0, y0: 0, x1: w, y1: h }
    const id = newJobId('pcs')
    set({ job: id, progress: undefined, result: undefined, message: undefined, alphas: [] })
    try {
      const r = await computeWorker().runPcs(
        id,
        { onnxUrl: m.onnxUrl, image: image.data, shape: m.shape, sigma: config.sigma, seed: config.seed, k: config.k, iters: config.iters, jacobian: config.jacobian, rect },
        proxy((p: PcsProgress) => set({ progress: p })),
      )
      set({ result: { ...r, config, shape: m.shape }, alphas: r.eigenvalues.map(() => 0) })
    } catch (e) {
      const msg = errText(e)
      set({ message: /cancelled/.test(msg) ? 'Cancelled.' : `Computing the PCs failed: ${msg}` })
    } finally {
      set({ job: undefined })
    }
  },
  async cancel() {
    const id = get().job
    if (id) await computeWorker().cancel(id)
  },
  setAlpha(i, a) {
    const alphas = [...get().alphas]
    alphas[i] = a
    set({ alphas })
  },
}))
