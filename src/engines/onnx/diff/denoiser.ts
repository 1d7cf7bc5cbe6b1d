// A Denoiser (src/core/types.ts) backed by an ONNX graph executed op by op in tfjs: exact VJPs by tfjs autodiff.
import * as tf from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, JacobianMode, Linearization } from '../../../core/types'
import { type CheckReport, checkModel, type DenoiserIO } from './check'
import { OnnxGraph } from './graph'
import { recordVjp } from './tape'

export class OnnxDenoiserError extends Error {
  constructor(message: string, readonly report: CheckReport | null = null) {
    super(message)
  }
}

export interface OnnxDenoiserOptions {
  name?: string
  /** [C, H, W]; required when the model's x input has symbolic C/H/W. */
  sampleShape?: readonly number[]
}

export class OnnxDenoiser implements Denoiser {
  readonly name: string
  readonly sampleShape: readonly number[]
  readonly jacobian: JacobianMode = 'autodiff'
  readonly cost: Cost = { forward: 0, vjp: 0 }
  readonly graph: OnnxGraph
  readonly io: DenoiserIO

  constructor(graph: OnnxGraph, io: DenoiserIO, opts: OnnxDenoiserOptions = {}) {
    this.graph = graph
    this.io = io
    this.name = opts.name ?? 'onnx'
    const declared = io.xShape.slice(1)
    const shape = opts.sampleShape ?? declared
    if (shape.length !== 3 || shape.some((d) => typeof d !== 'number' || !(d > 0))) {
      throw new OnnxDenoiserError(`sampleShape [C,H,W] is needed (the model declares x as [${io.xShape.map((d) => d ?? '?').join(',')}])`)
    }
    declared.forEach((d, i) => {
      if (typeof d === 'number' && d !== shape[i]) throw new OnnxDenoiserError(`sampleShape [${shape.join(',')}] does not match the model's x [${io.xShape.join(',')}]`)
    })
    this.sampleShape = shape as number[]
  }

  resetCost(): void {
    this.cost.forward = 0
    this.cost.vjp = 0
  }

  private feeds(x: tf.Tensor, sigmaT: tf.Tensor): Record<string, tf.Tensor> {
    return { [this.io.x]: x, [this.io.sigma]: sigmaT }
  }

  private checkX(x: tf.Tensor): void {
    const ok = x.rank === 4 && this.sampleShape.every((d, i) => x.shape[i + 1] === d)
    if (!ok) throw new OnnxDenoiserError(`x has shape [${x.shape.join(',')}], expected [B,${this.sampleShape.join(',')}]`)
  }

  private forward(x: tf.Tensor, sigma: number): tf.Tensor {
    const s = tf.fill([x.shape[0] ?? 1], sigma, 'float32')
    try {
      const y = this.graph.run(this.feeds(x, s))[0] as tf.Tensor
      if (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i])) {
        y.dispose()
        throw new OnnxDenoiserError(`the model's output has shape [${y.shape.join(',')}], expected x's shape [${x.shape.join(',')}]`)
      }
      return y
    } finally {
      s.dispose()
    }
  }

  denoise(x: tf.Tensor, sigma: number): tf.Tensor {
    this.checkX(x)
    this.cost.forward++
    return tf.tidy(() => this.forward(x, sigma))
  }

  linearize(x: tf.Tensor, sigma: number): Linearization {
    this.checkX(x)
    this.cost.forward++
    const xin = x.dtype === 'float32' ? x : tf.cast(x, 'float32')
    const rec = recordVjp((xx) => this.forward(xx, sigma), xin)
    const cost = this.cost
    let done = false
    return {
      denoised: rec.y,
      vjp: (v: tf.Tensor): tf.Tensor => {
        if (done) throw new OnnxDenoiserError('vjp called after dispose()')
        cost.vjp++
        if (!rec.reusesForward) cost.forward++
        return rec.vjp(v)
      },
      dispose: () => {
        if (done) return
        done = true
        rec.dispose()
        if (xin !== x) xin.dispose()
      },
    }
  }

  dispose(): void {
    this.graph.dispose()
  }
}

/** Check and build a Denoiser from ONNX bytes; throws OnnxDenoiserError (with the report) if unusable. */
export function createOnnxDenoiser(bytes: Uint8Array, opts: OnnxDenoiserOptions = {}): OnnxDenoiser {
  const report = checkModel(bytes)
  if (!report.ok || !report.io || !report.model) throw new OnnxDenoiserError(report.errors.join('; ') || 'unusable model', report)
  return new OnnxDenoiser(new OnnxGraph(report.model), report.io, opts)
}
