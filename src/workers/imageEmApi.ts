// The image EM lab's part of the worker API (issue 13).
import type { ImageEmConfig } from '../core/emImages/presets'
import type { ImageEmResume, ImageLapRecord } from '../engines/tfjs/imageEmRunner'
import type { LearnedModelRow } from '../app/persistence/learnedModels'

export type { ImageEmConfig, ImageEmResume }

/**
 * A finished lap as the page receives it. `fd` and `classHistogram` are filled by the runner once the FD
 * metric lands (another part of issue 13); until then they are absent and the page says "not computed".
 */
export type ImageLap = ImageLapRecord & { fd?: number; classHistogram?: number[] }

export type ImageEmPhase = 'gaussian' | 'train' | 'sample' | 'metrics'

export interface ImageEmProgress {
  lap: number
  phase: ImageEmPhase
  /** Fraction of the running phase, 0..1. */
  fraction: number
  detail: string
  /** Seconds since the phase started, and since the lap started. */
  phaseElapsed: number
  lapElapsed: number
}

/** The first held-out observations of a configuration and their truth (model space, k × 784). */
export interface ImageEmHeldOut {
  y: Float32Array
  /** 'pixels' / 'box': 1 = observed; absent for blur. */
  masks?: Float32Array
  truth: Float32Array
}

export interface ImageEmApi {
  imageEmHeldOut(config: ImageEmConfig, count: number): Promise<ImageEmHeldOut>
  /** Hands the worker a learned model for the studio (it also reads them from IndexedDB). */
  registerLearnedModel(row: LearnedModelRow): Promise<void>
  /**
   * Runs laps (from `resume.lap + 1`, or lap 0) to config.laps on the backend the U-Net measured fastest;
   * awaits `onLap` after every lap so the page stores it before the next one starts.
   */
  runImageEm(
    jobId: string,
    config: ImageEmConfig,
    resume: ImageEmResume | undefined,
    onLap: (lap: ImageLap) => Promise<void>,
    onProgress: (p: ImageEmProgress) => void,
  ): Promise<void>
}
