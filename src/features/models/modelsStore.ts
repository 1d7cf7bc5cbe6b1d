// Models page state: which model, the denoising demo and the unconditional-sampling job.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../../workers/client'
import { DEMO_IMAGES } from '../../app/models'
import { findModel, useModelRegistry, type ModelEntry } from '../../app/modelRegistry'
import { decodeImage, type ImageData3 } from '../../app/images'
import { useCompute } from '../../app/computeStore'
import type { DemoEngine, DenoiseDemoResult, SampleProgress, SampleResult } from '../../workers/modelsApi'

interface ModelsState {
  modelId: string
  image?: ImageData3
  imageUrl?: string
  sigma: number
  engine: DemoEngine
  demo?: DenoiseDemoResult & { modelId: string }
  demoBusy: boolean
  sampleSteps: number
  sampler: 'ddpm' | 'ddim'
  sampleCount: number
  sampleJob?: string
  sampleProgress?: SampleProgress
  sampleResult?: SampleResult
  message?: string
  selectModel(id: string): Promise<void>
  selectImage(url: string): Promise<void>
  setSigma(s: number): void
  setEngine(e: DemoEngine): void
  runDemo(): Promise<void>
  setSampling(p: Partial<Pick<ModelsState, 'sampleSteps' | 'sampler' | 'sampleCount'>>): void
  sample(): Promise<void>
  cancelSample(): Promise<void>
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export function currentModel(id: string): ModelEntry | undefined {
  return findModel(id)
}

let demoSeq = 0

export const useModels = create<ModelsState>((set, get) => ({
  modelId: useModelRegistry.getState().models[0]?.id ?? '',
  sigma: 0.5,
  engine: 'onnxruntime-web',
  demoBusy: false,
  sampleSteps: 32,
  sampler: 'ddpm',
  sampleCount: 4,
  async selectModel(id) {
    if (get().sampleJob) return
    set({ modelId: id, demo: undefined, sampleResult: undefined, sampleProgress: undefined, image: undefined, imageUrl: undefined })
    const m = currentModel(id)
    const first = m && DEMO_IMAGES[m.demoKind][0]
    if (first) await get().selectImage(first)
  },
  async selectImage(url) {
    const m = currentModel(get().modelId)
    if (!m) return
    try {
      const res = await fetch(url)
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`)
      const [channels, height, width] = m.shape
      set({ image: await decodeImage(await res.blob(), channels, height, width), imageUrl: url, demo: undefined, message: undefined })
      await get().runDemo()
    } catch (e) {
      set({ message: `Could not load the image: ${errText(e)}` })
    }
  },
  setSigma(sigma) {
    set({ sigma })
  },
  setEngine(engine) {
    set({ engine })
  },
  async runDemo() {
    const { image, sigma, engine, modelId } = get()
    const m = currentModel(modelId)
    if (!image || !m) return
    // the latest request wins: a result for an older model/image/σ/engine is dropped
    const seq = ++demoSeq
    set({ demoBusy: true })
    try {
      const demo = await computeWorker().denoiseDemo({ onnxUrl: m.onnxUrl, image: image.data, shape: [image.c, image.h, image.w], sigma, seed: 1, engine })
      if (seq === demoSeq) set({ demo: { ...demo, modelId }, message: undefined })
    } catch (e) {
      if (seq === demoSeq) set({ message: `Denoising failed: ${errText(e)}` })
    } finally {
      if (seq === demoSeq) set({ demoBusy: false })
    }
  },
  setSampling(p) {
    set(p)
  },
  async sample() {
    const m = currentModel(get().modelId)
    if (!m || get().sampleJob) return
    const id = newJobId('sample')
    const [channels, height, width] = m.shape
    set({ sampleJob: id, sampleProgress: undefined, sampleResult: undefined, message: undefined })
    try {
      const r = await computeWorker().sampleModel(
        id,
        { onnxUrl: m.onnxUrl, model: m.id, shape: [channels, height, width], count: get().sampleCount, steps: get().sampleSteps, sampler: get().sampler, seed: 0 },
        proxy((p: SampleProgress) => set({ sampleProgress: p })),
      )
      set({ sampleResult: r })
    } catch (e) {
      const msg = errText(e)
      set({ message: /cancelled/.test(msg) ? 'Sampling cancelled.' : msg.startsWith('The GPU was lost') ? msg : `Sampling failed: ${msg}` })
    } finally {
      set({ sampleJob: undefined })
    }
  },
  async cancelSample() {
    const id = get().sampleJob
    if (id) await computeWorker().cancel(id)
  },
}))

// a new backend (e.g. after a lost GPU) redraws the denoising demo on it
useCompute.subscribe((s, prev) => {
  if (prev.status && s.status && s.status.backend !== prev.status.backend && useModels.getState().image) void useModels.getState().runDemo()
})
