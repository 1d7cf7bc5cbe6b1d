import * as tf from '@tensorflow/tfjs-core'
import { OpError } from './types'

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a >= Math.max(rank, 1)) throw new OpError(`axis ${axis} out of range for rank ${rank}`)
  return a
}

export function prod(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1)
}

/** Numpy-style broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1
    const db = b[b.length - n + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) throw new OpError(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`)
    out.push(da === 1 ? db : da)
  }
  return out
}

export function broadcastTo(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x
  let y = x
  if (y.rank < shape.length) y = tf.reshape(y, [...Array<number>(shape.length - y.rank).fill(1), ...y.shape])
  if (y.shape.every((d, i) => d === shape[i])) return y
  return tf.broadcastTo(y, [...shape])
}

export const toNHWC = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 2, 3, 1])
export const toNCHW = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 3, 1, 2])

export function intTensor(values: readonly number[], shape?: readonly number[]): tf.Tensor {
  return tf.tensor(Int32Array.from(values), shape ? [...shape] : [values.length], 'int32')
}

/** Gather along `axis` with host indices (a differentiable way to express slices, pads, nearest resizes). */
export function gatherHost(x: tf.Tensor, idx: readonly number[], axis: number): tf.Tensor {
  const dim = x.shape[axis] ?? 0
  if (idx.length === dim && idx.every((v, i) => v === i)) return x
  const t = intTensor(idx)
  const y = tf.gather(x, t, axis)
  t.dispose()
  return y
}

export function isFloat(x: tf.Tensor): boolean {
  return x.dtype === 'float32'
}
