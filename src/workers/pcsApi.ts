// The Posterior-PCs page's part of the worker API (algorithms.md §12.1; src/core/pcs).
import type { PcJacobian } from '../core/pcs/products'
import type { MarginalMoments } from '../core/pcs/moments'
import type { MaxEntFit } from '../core/pcs/maxent'

export type { PcJacobian, MarginalMoments, MaxEntFit }

export interface PcRect { x0: number; y0: number; x1: number; y1: number }

export interface PcsObservationRequest {
  onnxUrl: string
  /** The clean image x, C×H×W in [−2, 2]. */
  image: Float32Array
  shape: [number, number, number]
  sigma: number
  /** Seed of z in x_t = x + σz (mulberry32 + Box–Muller, as the `pcs` CLI command). */
  seed: number
}

export interface PcsObservation {
  xt: Float32Array
  denoised: Float32Array
  ms: number
}

export interface PcsRequest extends PcsObservationRequest {
  k: number
  iters: number
  jacobian: PcJacobian
  rect: PcRect
}

export interface PcsProgress {
  iteration: number
  iterations: number
  /** Posterior-covariance eigenvalues σ²θ_i so far, descending. */
  eigenvalues: number[]
  residuals: number[]
}

export interface PcMarginal {
  moments: MarginalMoments
  fit: MaxEntFit
}

export interface PcsResult {
  xt: Float32Array
  denoised: Float32Array
  eigenvalues: number[]
  theta: number[]
  /** k unit vectors, each C×H×W, zero outside the patch. */
  vectors: Float32Array[]
  residuals: number[]
  /** Largest relative residual after each iteration. */
  residualHistory: number[]
  iterations: number
  marginals: PcMarginal[]
  jacobian: PcJacobian
  /** Forward-difference step along a unit vector (fd mode), else null. */
  fdStep: number | null
  seconds: number
  backend: string
  cost: { forward: number; vjp: number }
}

/** PCs of σ²∂D/∂x_t at a given x_t (e.g. a sampler's x_t at one step): the Gaussian approximation
 *  q(x | x_t) = N(D(x_t), σ_t² ∂D/∂x_t) that MMPS uses. No marginals. */
export interface TweediePcsRequest {
  onnxUrl: string
  shape: [number, number, number]
  xt: Float32Array
  sigma: number
  k: number
  iters: number
  jacobian: PcJacobian
  seed: number
}

export interface PcsApi {
  /** x_t = x + σz and x̂ = D(x_t): one forward pass. */
  pcsObservation(req: PcsObservationRequest): Promise<PcsObservation>
  /** Top-k PCs of the patch by subspace iteration, then the four moments along each PC and their max-ent fit. */
  runPcs(jobId: string, req: PcsRequest, onProgress: (p: PcsProgress) => void): Promise<PcsResult>
  tweediePcs(jobId: string, req: TweediePcsRequest, onProgress: (p: PcsProgress) => void): Promise<PcsResult>
}
