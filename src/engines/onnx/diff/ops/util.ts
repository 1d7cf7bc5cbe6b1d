import * as tf from '@tensorflow/tfjs-core'
import { type Arg, type OpCtx, OpError } from './types'
import { type Perm, samePerm, toPhysical } from '../layout'

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
  // float: multiply by ones (its gradient is a plain sum; tfjs's BroadcastTo gradient goes through Tile, whose
  // gradient is limited to rank ≤ 4)
  if (y.dtype === 'float32') return tf.mul(y, tf.ones([...shape]))
  return tf.broadcastTo(y, [...shape])
}

export const toNHWC = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 2, 3, 1])
export const toNCHW = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 3, 1, 2])

export function intTensor(values: readonly number[], shape?: readonly number[]): tf.Tensor {
  return tf.tensor(Int32Array.from(values), shape ? [...shape] : [values.length], 'int32')
}

/** dy [..., out (at axis), ...] → [..., dim, ...]: adds dy entries into the positions idx (gather's adjoint), as a
 * matMul with a one-hot matrix — available on every backend (tfjs's gather gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks). */
function scatterAddHost(dy: tf.Tensor, idx: readonly number[], axis: number, dim: number): tf.Tensor {
  const r = dy.rank
  const out = idx.length
  const perm = [...Array(r).keys()].filter((i) => i !== axis).concat([axis])
  const inv: number[] = []
  perm.forEach((p, i) => { inv[p] = i })
  const moved = axis === r - 1 ? dy : tf.transpose(dy, perm)
  const lead = moved.shape.slice(0, -1)
  const m = new Float32Array(out * dim)
  idx.forEach((j, o) => { m[o * dim + j] = 1 })
  const res = tf.reshape(tf.matMul(tf.reshape(moved, [-1, out]) as tf.Tensor2D, tf.tensor2d(m, [out, dim])), [...lead, dim])
  return axis === r - 1 ? res : tf.transpose(res, inv)
}

/** Repeat every entry along `axis` s times (nearest upsampling by an integer factor): broadcast + reshape. */
function repeatAxis(x: tf.Tensor, axis: number, s: number): tf.Tensor {
  const shape = [...x.shape]
  const e = tf.expandDims(x, axis + 1)
  const b = broadcastTo(e, [...shape.slice(0, axis + 1), s, ...shape.slice(axis + 1)])
  shape[axis] = (shape[axis] ?? 1) * s
  return tf.reshape(b, shape)
}

/** Gather along `axis` with host indices (a differentiable way to express slices, pads, nearest resizes) that
 * works on every backend, with gradients. */
export function gatherHost(x: tf.Tensor, idx: readonly number[], axis: number): tf.Tensor {
  const dim = x.shape[axis] ?? 0
  if (idx.length === dim && idx.every((v, i) => v === i)) return x
  if (dim > 0 && idx.length % dim === 0) {
    const s = idx.length / dim
    if (s > 1 && idx.every((v, o) => v === Math.floor(o / s))) return repeatAxis(x, axis, s)
  }
  const g = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const xx = args[0] as tf.Tensor
    const t = intTensor(idx)
    const value = tf.gather(xx, t, axis)
    t.dispose()
    return { value, gradFunc: (dy: tf.Tensor | tf.Tensor[]) => scatterAddHost(Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy, idx, axis, dim) }
  })
  return g(x)
}

export function isFloat(x: tf.Tensor): boolean {
  return x.dtype === 'float32'
}

/**
 * The inputs of a broadcasting elementwise op in one common stored layout: that of a permuted input of the
 * highest rank (its stored tensor is used as is), the others broadcast-padded and permuted to match (constants
 * once, cached). With no permuted input of that rank: the logical tensors and layout null.
 */
export function alignedInputs(c: OpCtx, args: readonly Arg[]): { tensors: tf.Tensor[]; perm: Perm | null } {
  const rank = Math.max(...args.map((a) => a.shape.length))
  const lead = args.find((a) => a.layout && a.shape.length === rank)
  const perm = lead?.layout ?? null
  if (!perm) return { tensors: args.map((a) => a.tensor()), perm: null }
  const key = `perm:${perm.join(',')}:${rank}`
  const convert = (t: tf.Tensor): tf.Tensor => {
    if (t.size === 1) return t // a scalar broadcasts in any layout
    const padded = t.rank < rank ? tf.reshape(t, [...Array<number>(rank - t.rank).fill(1), ...t.shape]) : t
    return toPhysical(padded, perm)
  }
  const tensors = args.map((a) => {
    if (a.layout && samePerm(a.layout, perm)) return a.physical()
    return a.isConst ? c.derived(a, key, convert) : convert(a.tensor())
  })
  return { tensors, perm }
}
