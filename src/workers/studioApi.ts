// The inverse-problem studio's part of the worker API.
import type { StudioConfig } from '../core/studio/config'
import type { MethodResult, MethodSnapshot, StudioObservation } from '../core/studio/run'

export type { MethodResult, MethodSnapshot, StudioObservation, StudioConfig }

export interface StudioRequest {
  config: StudioConfig
  onnxUrl: string
  /** The clean image, C×H×W in [−2, 2]. */
  image: Float32Array
  shape: [number, number, number]
}

export interface StudioApi {
  /** The observation y and the simple baseline for a configuration, without running any method (fast). */
  previewStudio(req: Omit<StudioRequest, 'onnxUrl'>): Promise<StudioObservation>
  runStudio(
    jobId: string,
    req: StudioRequest,
    onObservation: (o: StudioObservation) => void,
    onSnapshot: (s: MethodSnapshot) => void,
    onMethodDone: (r: MethodResult) => void,
  ): Promise<{ backend: string }>
}
