// The ORT VJP executor as a denoiser on tfjs tensors. onnxruntime's run() is asynchronous (in Node and in the
// browser), so this cannot implement the synchronous Denoiser of src/core/types.ts: it is the same contract with
// promises (AsyncDenoiser). Tensors cross between tfjs and ORT through host typed arrays, one read-back per call.
import * as tf from '@tensorflow/tfjs-core'
import type { Cost, JacobianMode } from '../../../core/types'
import { checkModel } from '../diff/check'
import { type OrtRuntime, OrtVjpExecutor } from './executor'

/** Linearization with an asynchronous Jᵀv (see src/core/types.ts Linearization). */
export interface AsyncLinearization {
  /** E[x | x_t], owned by the linearization (disposed by dispose()). */
  readonly denoised: tf.Tensor
  /** Jᵀv; v has x's shape; the caller owns the result. */
  vjp(v: tf.Tensor): Promise<tf.Tensor>
  dispose(): void
}

/** src/core/types.ts Denoiser with promises. */
export interface AsyncDenoiser {
  readonly name: string
  readonly sampleShape: readonly number[]
  readonly jacobian: JacobianMode
  readonly cost: Cost
  resetCost(): void
  denoise(x: tf.Tensor, sigma: number): Promise<tf.Tensor>
  linearize(x: tf.Tensor, sigma: number): Promise<AsyncLinearization>
}

export class OrtVjpDenoiserError extends Error {}

async function hostFloats(t: tf.Tensor): Promise<Float32Array> {
  const d = await t.data()
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>)
}

export class OrtVjpDenoiser implements AsyncDenoiser {
  readonly jacobian: JacobianMode = 'autodiff'
  readonly cost: Cost = { forward: 0, vjp: 0 }

  constructor(readonly name: string, readonly sampleShape: readonly number[], readonly executor: OrtVjpExecutor) {}

  resetCost(): void {
    this.cost.forward = 0
    this.cost.vjp = 0
  }

  private checkX(x: tf.Tensor): void {
    const ok = x.rank === this.sampleShape.length + 1 && this.sampleShape.every((d, i) => x.shape[i + 1] === d)
    if (!ok) throw new OrtVjpDenoiserError(`x has shape [${x.shape.join(',')}], expected [B,${this.sampleShape.join(',')}]`)
  }

  async denoise(x: tf.Tensor, sigma: number): Promise<tf.Tensor> {
    this.checkX(x)
    this.cost.forward++
    const y = await this.executor.forward(await hostFloats(x), sigma)
    return tf.tensor(y, x.shape, 'float32')
  }

  async linearize(x: tf.Tensor, sigma: number): Promise<AsyncLinearization> {
    this.checkX(x)
    this.cost.forward++
    const shape = [...x.shape]
    const lin = await this.executor.linearize(await hostFloats(x), sigma)
    const denoised = tf.tensor(lin.denoised, shape, 'float32')
    const cost = this.cost
    let done = false
    return {
      denoised,
      vjp: async (v: tf.Tensor): Promise<tf.Tensor> => {
        if (done) throw new OrtVjpDenoiserError('vjp called after dispose()')
        if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
          throw new OrtVjpDenoiserError(`vjp: v has shape [${v.shape.join(',')}], expected [${shape.join(',')}]`)
        }
        cost.vjp++
        return tf.tensor(await lin.vjp(await hostFloats(v)), shape, 'float32')
      },
      dispose: () => {
        if (done) return
        done = true
        lin.dispose()
        denoised.dispose()
      },
    }
  }

  dispose(): Promise<void> {
    return this.executor.dispose()
  }
}

/**
 * Check the model (inputs x [N,C,H,W] and σ [N]), build its forward and backward graphs and open the sessions.
 * Throws OrtVjpUnsupportedError (naming the ops) when an op on the path from x has no backward rule: the caller then
 * keeps the tfjs executor for this model.
 */
export async function createOrtVjpDenoiser(rt: OrtRuntime, bytes: Uint8Array, opts: { name?: string; sampleShape: readonly number[] }): Promise<OrtVjpDenoiser> {
  const report = checkModel(bytes)
  if (!report.ok || !report.io) throw new OrtVjpDenoiserError(report.errors.join('; ') || 'unusable model')
  const ex = await OrtVjpExecutor.create(rt, bytes, { x: report.io.x, sigma: report.io.sigma, sampleShape: opts.sampleShape })
  return new OrtVjpDenoiser(opts.name ?? 'onnx-ort-vjp', opts.sampleShape, ex)
}
