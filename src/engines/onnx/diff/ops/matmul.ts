// MatMul (numpy semantics, broadcast batch dims) and Gemm. Explicit transposes instead of matMul's transpose
// flags: tfjs-wasm's transposed matMul is several times slower (stack notes §4).
import * as tf from '@tensorflow/tfjs-core'
import type { OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { broadcastShapes, broadcastTo, prod } from './util'

export function matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 0 || b.rank === 0) throw new OpError('MatMul operands must have rank >= 1')
  const aVec = a.rank === 1
  const bVec = b.rank === 1
  const A = aVec ? tf.reshape(a, [1, a.shape[0] ?? 1]) : a
  const B = bVec ? tf.reshape(b, [b.shape[0] ?? 1, 1]) : b
  const [m, k] = A.shape.slice(-2) as [number, number]
  const [k2, n] = B.shape.slice(-2) as [number, number]
  if (k !== k2) throw new OpError(`MatMul: inner dims ${k} and ${k2} differ`)
  let out: tf.Tensor
  if (B.rank === 2) {
    // [..., m, k] @ [k, n]: one 2-D matmul
    const lead = A.shape.slice(0, -2)
    out = tf.reshape(tf.matMul(tf.reshape(A, [prod(lead) * m, k]) as tf.Tensor2D, B as tf.Tensor2D), [...lead, m, n])
  } else {
    const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2))
    const nb = prod(batch)
    const Ab = tf.reshape(broadcastTo(A, [...batch, m, k]), [nb, m, k]) as tf.Tensor3D
    const Bb = tf.reshape(broadcastTo(B, [...batch, k, n]), [nb, k, n]) as tf.Tensor3D
    out = tf.reshape(tf.matMul(Ab, Bb), [...batch, m, n])
  }
  if (aVec) out = tf.squeeze(out, [out.rank - 2])
  if (bVec) out = tf.squeeze(out, [out.rank - 1])
  return out
}

function gemm(c: OpCtx): tf.Tensor {
  const aArg = c.input(0)
  const bArg = c.input(1)
  let a = aArg.tensor()
  if (c.int('transA', 0)) a = tf.transpose(a)
  const b = c.int('transB', 0) ? c.derived(bArg, 'T', (t) => tf.transpose(t)) : bArg.tensor()
  let y = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)
  const alpha = c.float('alpha', 1)
  if (alpha !== 1) y = tf.mul(y, alpha)
  const cArg = c.optional(2)
  if (cArg) {
    const beta = c.float('beta', 1)
    y = tf.add(y, beta === 1 ? cArg.tensor() : tf.mul(cArg.tensor(), beta))
  }
  return y
}

export const matmulOps: OpRegistry = {
  MatMul: (c) => matmul(c.input(0).tensor(), c.input(1).tensor()),
  Gemm: gemm,
}
