// The inverse-problem studio's part of the worker API.
import type { StudioConfig } from '../core/studio/config'
import type { MethodResult, RoundInfo, StepFrame, StudioObservation } from '../core/studio/run'
import type { PcsProgress, PcsResult } from './pcsApi'

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

/** Tweedie PCs at the exact x_t the worker kept for (runId, method, step) of the last studio run. */
export interface StudioTweedieRequest {
  runId: string
  method: number
  step: number
  k: number
  iters: number
  seed: number
  /** Condition on y: MMPS's Σ_t − Σ_t Aᵀ(σ_y²I + AΣ_tAᵀ)⁻¹AΣ_t with `solverIters` iterations of the row's own solver (CG or GMRES) per product; else Σ_t = σ_t²J. */
  condition: boolean
  solverIters: number
}

export interface StudioTweedieResult extends PcsResult {
  step: number
  /** σ_t of that step. */
  sigma: number
  condition: boolean
  solverIters: number
  /** The inner solver (the MMPS row's own). */
  solver: 'cg' | 'gmres'
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
  /** PCs of σ_t²·∂D/∂x_t at the first sample's exact x_t of an MMPS row of the last run, at one step. */
  studioTweediePcs(jobId: string, req: StudioTweedieRequest, onProgress: (p: PcsProgress) => void): Promise<StudioTweedieResult>
}
