// The manifold lab's part of the worker API.
import type { ManifoldConfig } from '../core/em/presets'
import type { DiemPhase } from '../core/em/diem'
import type { LapRecord, ResumeState } from '../engines/tfjs/manifoldRunner'

export type { LapRecord, ResumeState, ManifoldConfig }

export interface ManifoldProgress {
  lap: number
  phase: DiemPhase
  /** Fraction of the running lap, 0..1. */
  fraction: number
  detail: string
  /** Seconds since the lap started. */
  elapsed: number
}

export interface ManifoldApi {
  /** Up to `max` points of the ground-truth manifold of this configuration (for display). */
  manifoldTruth(config: ManifoldConfig, max: number): Promise<Float32Array>
  /**
   * Runs laps (from `resume.lap + 1`, or from lap 0) until config.laps; awaits `onLap` after every lap so the
   * page can persist it before the next one starts.
   */
  runManifold(
    jobId: string,
    config: ManifoldConfig,
    resume: ResumeState | undefined,
    onLap: (lap: LapRecord) => Promise<void>,
    onProgress: (p: ManifoldProgress) => void,
  ): Promise<void>
}
