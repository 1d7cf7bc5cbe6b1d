// The inverse-problem studio's part of the worker API.
import type { StudioConfig } from '../core/studio/config'
import type { MethodResult, RoundInfo, StepFrame, StudioObservation } from '../core/studio/run'

export type { MethodResult, RoundInfo, StepFrame, StudioObservation, StudioConfig }

export interface StudioRequest {
  config: StudioConfig
  onnxUrl: string
  /** The clean image, C×H×W in [−2, 2]. */
  image: Float32Array
  shape: [number, number, number]
  /** false: rounds carry metrics but no images (a sweep). Default true. */
  images?: boolean
}

export interface StudioApi {
  /** The observation y and the simple baseline for a configuration, without running any method (fast). */
  previewStudio(req: Omit<StudioRequest, 'onnxUrl'>): Promise<StudioObservation>
  /** All methods in lockstep: one onRound per step with a frame per method. */
  runStudio(
    jobId: string,
    req: StudioRequest,
    onObservation: (o: StudioObservation) => void,
    onRound: (r: RoundInfo) => void,
    onMethodDone: (r: MethodResult) => void,
  ): Promise<{ backend: string }>
}
