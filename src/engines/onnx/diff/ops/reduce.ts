// Reductions and softmax. ReduceSum takes axes as an input from opset 13, the others from opset 18.
// On a permuted (NHWC) input they reduce the stored tensor over the mapped axes and keep the layout.
import * as tf from '@tensorflow/tfjs-core'
import { dropAxes, type Laid, laid, physicalAxis } from '../layout'
import type { OpCtx, OpRegistry } from './types'
import { normAxis, prod } from './util'

function reduce(f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor, inputSince: number) {
  return (c: OpCtx): tf.Tensor | Laid => {
    const xa = c.input(0)
    const r = xa.shape.length
    let axes: number[] | null = c.opset < inputSince ? c.ints('axes', null) : (c.optional(1)?.values() ?? null)
    const keep = c.int('keepdims', 1) === 1
    if (!axes || axes.length === 0) {
      if (c.int('noop_with_empty_axes', 0) === 1) return laid(tf.clone(xa.physical()), xa.layout)
      axes = xa.shape.map((_, i) => i)
    }
    const ax = axes.map((a) => normAxis(a, r))
    const q = xa.layout
    if (!q) return f(xa.tensor(), ax, keep)
    return laid(f(xa.physical(), ax.map((a) => physicalAxis(q, a)), keep), keep ? q : dropAxes(q, ax))
  }
}

function softmax(log: boolean) {
  return (c: OpCtx): tf.Tensor | Laid => {
    const xa = c.input(0)
    const r = xa.shape.length
    // log-softmax as x − logsumexp(x): tf.logSoftmax's custom gradient trips tfjs's IS_TEST leak check on wasm
    const sm = (t: tf.Tensor): tf.Tensor => (log ? tf.sub(t, tf.logSumExp(t, -1, true)) : tf.softmax(t))
    if (c.opset < 13) {
      const x = xa.tensor()
      const axis = normAxis(c.int('axis', 1), r)
      const y = sm(tf.reshape(x, [prod(xa.shape.slice(0, axis)), prod(xa.shape.slice(axis))]))
      return tf.reshape(y, [...xa.shape])
    }
    const axis = normAxis(c.int('axis', -1), r)
    // stored permuted with the softmax axis last: on the stored tensor
    if (xa.layout && physicalAxis(xa.layout, axis) === r - 1) return laid(sm(xa.physical()), xa.layout)
    const x = xa.tensor()
    if (axis === r - 1) return sm(x)
    const perm = xa.shape.map((_, i) => i)
    perm[axis] = r - 1
    perm[r - 1] = axis
    return tf.transpose(sm(tf.transpose(x, perm)), perm)
  }
}

export const reduceOps: OpRegistry = {
  ReduceMean: reduce((x, a, k) => tf.mean(x, a, k), 18),
  ReduceSum: reduce((x, a, k) => tf.sum(x, a, k), 13),
  ReduceMax: reduce((x, a, k) => tf.max(x, a, k), 18),
  ReduceMin: reduce((x, a, k) => tf.min(x, a, k), 18),
  ReduceProd: reduce((x, a, k) => tf.prod(x, a, k), 18),
  ReduceSumSquare: reduce((x, a, k) => tf.sum(tf.square(x), a, k), 18),
  ReduceL2: reduce((x, a, k) => tf.sqrt(tf.sum(tf.square(x), a, k)), 18),
  ReduceLogSumExp: reduce((x, a, k) => tf.logSumExp(x, a, k), 18),
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
}
