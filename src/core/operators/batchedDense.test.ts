import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { BatchedDenseOperator } from './batchedDense'

beforeAll(async () => { await tf.setBackend('cpu') })

describe('BatchedDenseOperator', () => {
  it('passes the adjoint identity and applies each sample its own matrix', () => {
    const B = 7, M = 2, N = 5
    const mats = Float32Array.from({ length: B * M * N }, (_, i) => Math.sin(1.3 * i))
    const A = new BatchedDenseOperator(mats, B, M, N)
    const x = tf.randomNormal([B, N], 0, 1, 'float32', 1)
    const y = tf.randomNormal([B, M], 0, 1, 'float32', 2)
    const lhs = tf.sum(tf.mul(A.apply(x), y)).dataSync()[0]!
    const rhs = tf.sum(tf.mul(x, A.adjoint(y))).dataSync()[0]!
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)))
    // sample 3 by hand
    const xs = x.arraySync() as number[][]
    const ax = A.apply(x).arraySync() as number[][]
    for (let i = 0; i < M; i++) {
      let s = 0
      for (let j = 0; j < N; j++) s += mats[3 * M * N + i * N + j]! * xs[3]![j]!
      expect(ax[3]![i]).toBeCloseTo(s, 4)
    }
    A.dispose()
  })

  it('rejects a wrong number of entries', () => {
    expect(() => new BatchedDenseOperator(new Float32Array(9), 2, 2, 2)).toThrow(/expected 2×2×2/)
  })
})
