// One interface for every posterior method (architecture.md "PosteriorMethod"). A method turns a Denoiser,
// an operator A, y and σ_y into a posterior denoiser D̃(x_t) ≈ E[x | x_t, y] (§3 "Common structure"):
// the sampler plugs D̃ into its update in place of D and knows nothing of the method.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser, Linearization, LinearOperator } from '../types'
import type { StepContext } from '../diffusion/sampler'
import type { SolverName } from '../linalg/krylov'

export type MethodName = 'dps' | 'pigdm' | 'tmpd' | 'diffpir' | 'mmps'

export interface PosteriorProblem {
  readonly denoiser: Denoiser
  readonly operator: LinearOperator
  /** Observation [1 or B, ...operator.outShape] (broadcast over the batch when the leading axis is 1). */
  readonly y: Tensor
  /** Observation noise std; Σ_y = σ_y² I. */
  readonly sigmaY: number
}

export interface MethodOptions {
  /** Krylov solver and iteration count (MMPS: defaults cg, 1; ΠGDM/TMPD/DiffPIR: [B]'s gmres, 5). */
  readonly solver?: SolverName
  readonly iters?: number
  /** DPS step ζ (default 0.5, §3.2). */
  readonly zeta?: number
  /** DiffPIR λ (default 8, §3.5). */
  readonly lambda?: number
  /** Clamp x̂ to this range before guidance (§9.2; images: [−2, 2]); null/undefined = no clamp. */
  readonly clamp?: readonly [number, number] | null
  /** MMPS only: false spends the extra VJP Jᵀ Aᵀ u like the reference code (for tests/comparison). */
  readonly reuseVjp?: boolean
}

export interface PosteriorMethod {
  readonly name: MethodName
  readonly label: string
  /** D̃(x_t) at ctx.sigma: a NEW tensor with x's shape. Must dispose everything else it creates. */
  guided(problem: PosteriorProblem, x: Tensor, ctx: StepContext, opts: MethodOptions): Tensor
}

/**
 * Linearise D at x, optionally composed with clamp(·, lo, hi) (§9.2): the clamped x̂ and Jᵀ of clamp∘D,
 * i.e. v ↦ Jᵀ(v ⊙ 1[lo < D < hi]) — the gradient flows only through unsaturated entries, as in [B].
 */
export function linearizeClamped(den: Denoiser, x: Tensor, sigma: number, clamp: MethodOptions['clamp']): Linearization {
  const lin = den.linearize(x, sigma)
  if (!clamp) return lin
  const [lo, hi] = clamp
  const denoised = tf.keep(tf.clipByValue(lin.denoised, lo, hi))
  // 1 where D was not clipped (equality test: 2 ops; bool logic is slow on tfjs-wasm)
  const mask = tf.keep(tf.tidy(() => tf.cast(tf.equal(denoised, lin.denoised), 'float32')))
  return {
    denoised,
    vjp: (v) => tf.tidy(() => lin.vjp(tf.mul(v, mask))),
    dispose: () => { lin.dispose(); denoised.dispose(); mask.dispose() },
  }
}

export function denoiseClamped(den: Denoiser, x: Tensor, sigma: number, clamp: MethodOptions['clamp']): Tensor {
  const d = den.denoise(x, sigma)
  if (!clamp) return d
  const c = tf.clipByValue(d, clamp[0], clamp[1])
  d.dispose()
  return c
}
