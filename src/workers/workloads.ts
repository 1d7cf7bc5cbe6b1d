// The measured workloads as the compute worker knows them: what the verdict is keyed by (Workload) and the
// recipe the measuring worker builds one step from (workloadSteps.ts).
import type { BackendTiming, Executor, Workload } from './backendChoice'
import type { WorkloadRecipe } from './workloadSteps'
import { getExecutorMode, modelBytes, modelHash, ortVjpCheap, ortVjpUnavailable, prepareOrtVjp, setExecutorChoice, timeOrtVjp } from './onnxModels'
import { isLearnedUrl, learnedRow } from './learnedModels'
import type { ManifoldConfig } from '../core/em/presets'
import type { ImageEmConfig } from '../core/emImages/presets'
import type { UnetConfig } from '../engines/tfjs/unet'
import type { VESchedule } from '../core/diffusion/schedule'

export interface WorkloadSpec {
  workload: Workload
  recipe(): Promise<WorkloadRecipe>
  /** An ONNX U-Net's executors on wasm: the ORT VJP executor as a candidate, and how to apply the chosen one. */
  executors?: ExecutorCandidates
}

export interface ExecutorCandidates {
  /** 'ort': forced by ?executor=ort (not timed; used on wasm); 'auto': timed next to tfjs-wasm. */
  mode: 'ort' | 'auto'
  /** Times the ORT VJP executor (init first, with progress; see timeOrtVjp). */
  timeOrt(): Promise<BackendTiming>
  /** Whether timing it now is cheap (initialised, or its graphs cached); else it is prepared after the run. */
  cheap(): Promise<boolean>
  /** Starts its first init in the background. */
  prepare(): void
  /** The verdict's executor for this model (what onnxDenoiser then builds on wasm). */
  use(e: Executor): void
}

export const startupWorkload: WorkloadSpec = {
  workload: { kind: 'general', label: 'the start-up check' },
  recipe: async () => ({ kind: 'general' }),
}

export async function unetWorkload(label: string, url: string, shape: [number, number, number], batch: number): Promise<WorkloadSpec> {
  if (isLearnedUrl(url)) {
    const row = await learnedRow(url)
    return tfjsUnetWorkload(label, row.weights.config, row.schedule, undefined, batch)
  }
  const mode = getExecutorMode()
  // the ORT VJP executor is a candidate where it can run (a shipped model, SharedArrayBuffer, its worker started)
  const ort = ortVjpUnavailable(url) === undefined && (mode === 'ort' || mode === 'auto')
  return {
    workload: { kind: 'unet', label, modelHash: await modelHash(url), shape, batch, ...(ort && mode === 'auto' ? { executors: ['tfjs', 'ort-vjp'] as const } : {}) },
    recipe: async () => ({ kind: 'unet', shape, batch, bytes: await modelBytes(url) }),
    ...(ort ? { executors: { mode: mode === 'ort' ? 'ort' : 'auto', timeOrt: () => timeOrtVjp(url, shape, batch), cheap: () => ortVjpCheap(url, shape), prepare: () => prepareOrtVjp(url, shape), use: (e: Executor) => setExecutorChoice(url, e) } } : {}),
  }
}

export function mlpWorkload(c: ManifoldConfig): WorkloadSpec {
  return {
    workload: { kind: 'mlp', label: `the manifold MLP (3×${c.hidden})`, hidden: c.hidden, trainBatch: c.train.batch, chunk: c.estep.chunk },
    recipe: async () => ({ kind: 'mlp', config: c }),
  }
}

/** The image EM lab's U-Net (one M-step step + one E-step step); trainBatch 0 for the studio (a denoiser at its batch). */
export function tfjsUnetWorkload(label: string, unet: UnetConfig, schedule: VESchedule, train: ImageEmConfig['train'] | undefined, chunk: number): WorkloadSpec {
  const trainBatch = train?.batch ?? 0
  return {
    workload: { kind: 'tfjs-unet', label, channels: unet.channels, trainBatch, chunk },
    recipe: async () => ({ kind: 'tfjs-unet', unet, schedule, train: { batch: trainBatch, lrInit: train?.lrInit ?? 1e-3, lrEnd: train?.lrEnd ?? 1e-3 }, chunk }),
  }
}

export function imageEmWorkload(c: ImageEmConfig): WorkloadSpec {
  return tfjsUnetWorkload(`the image EM U-Net (${c.unet.channels.join('/')} channels)`, c.unet, c.schedule, c.train, c.estep.chunk)
}
