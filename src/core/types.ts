// The three interfaces everything meets at (../shared/docs/architecture.md).
// Tensors are tfjs tensors with a leading batch axis: x has shape [B, ...sampleShape].
// All functions here return NEW tensors that the caller owns and must dispose.
import type { Tensor } from '@tensorflow/tfjs-core'

/** How Jacobian products of a denoiser are obtained; recorded with every result. */
export type JacobianMode = 'exact' | 'autodiff' | 'finite-difference'

/** Work counters: one network forward pass, one vector–Jacobian product (backward pass). */
export interface Cost {
  forward: number
  vjp: number
}

/** D(x_t, σ) ≈ E[x | x_t] at a linearisation point, with a reusable v ↦ Jᵀv (like jax.vjp). */
export interface Linearization {
  /** E[x | x_t], shape [B, ...sampleShape]. Owned by the Linearization; disposed by dispose(). */
  readonly denoised: Tensor
  /** Jᵀ v with J = ∂D/∂x_t at this x_t; v has x's shape. Returns a new tensor (caller disposes). */
  vjp(v: Tensor): Tensor
  dispose(): void
}

export interface Denoiser {
  readonly name: string
  /** Per-sample shape, e.g. [5] for vectors or [C, H, W] for images (NCHW). */
  readonly sampleShape: readonly number[]
  readonly jacobian: JacobianMode
  /** Counts network work since creation (or the last resetCost). */
  readonly cost: Cost
  resetCost(): void
  /** E[x | x_t] for a batch x_t at noise level σ (same σ for the whole batch). */
  denoise(x: Tensor, sigma: number): Tensor
  /** One forward pass plus a closure for Jᵀv products (each call counts one VJP). */
  linearize(x: Tensor, sigma: number): Linearization
}

/** A linear forward operator A acting per sample on [B, ...inShape] → [B, ...outShape]. */
export interface LinearOperator {
  readonly name: string
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  apply(x: Tensor): Tensor
  adjoint(y: Tensor): Tensor
}
