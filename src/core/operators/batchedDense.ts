// One dense matrix per sample: A_b (M×N) acting on x_b, [B, N] → [B, M] (the manifold experiment's
// per-observation projections, algorithms.md §5). Kept as A [B, M, N] and Aᵀ [B, N, M] so that neither
// product needs a transposed batched matMul.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'

export class BatchedDenseOperator implements LinearOperator {
  readonly name = 'batched-dense'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly a: Tensor3D
  private readonly at: Tensor3D

  /** `matrices`: B row-major M×N matrices, concatenated. */
  constructor(matrices: Float32Array | Float64Array, readonly batch: number, readonly m: number, readonly n: number) {
    if (matrices.length !== batch * m * n) {
      throw new Error(`batched dense operator: expected ${batch}×${m}×${n} entries, got ${matrices.length}`)
    }
    this.inShape = [n]
    this.outShape = [m]
    this.a = tf.keep(tf.tensor3d(Float32Array.from(matrices), [batch, m, n]))
    this.at = tf.keep(tf.transpose(this.a, [0, 2, 1]))
  }

  apply(x: Tensor): Tensor {
    return tf.tidy(() => tf.matMul(this.a, x.reshape([this.batch, this.n, 1])).reshape([this.batch, this.m]))
  }

  adjoint(y: Tensor): Tensor {
    return tf.tidy(() => tf.matMul(this.at, y.reshape([this.batch, this.m, 1])).reshape([this.batch, this.n]))
  }

  dispose(): void {
    this.a.dispose()
    this.at.dispose()
  }
}
