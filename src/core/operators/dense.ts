// Dense matrix operator A (M×N) on vectors: [B, N] → [B, M]. Keeps A and Aᵀ as tensors so neither product
// needs a transposed matMul (slow on tfjs-wasm, stack-notes §4).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'

export class DenseOperator implements LinearOperator {
  readonly name = 'dense'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly at: Tensor // Aᵀ, N×M:  (A x)ᵀ = xᵀ Aᵀ
  private readonly a: Tensor // A, M×N:   (Aᵀ y)ᵀ = yᵀ A

  /** A given row-major (M×N). */
  constructor(readonly matrix: Float64Array | Float32Array, readonly m: number, readonly n: number) {
    if (matrix.length !== m * n) throw new Error(`dense operator: expected ${m}×${n} entries, got ${matrix.length}`)
    this.inShape = [n]
    this.outShape = [m]
    this.a = tf.keep(tf.tensor2d(Float32Array.from(matrix), [m, n]))
    this.at = tf.keep(tf.transpose(this.a))
  }

  apply(x: Tensor): Tensor { return tf.matMul(x, this.at) }
  adjoint(y: Tensor): Tensor { return tf.matMul(y, this.a) }
  dispose(): void { this.a.dispose(); this.at.dispose() }
}
