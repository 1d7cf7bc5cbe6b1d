// Normalisations: Instance, Batch (inference), Layer, Group (opset 18: scale/bias per group; 21: per channel).
import * as tf from '@tensorflow/tfjs-core'
import type { OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { normAxis } from './util'

/** [C] → [1, C, 1, ..., 1] for rank r. */
function chan(t: tf.Tensor, r: number): tf.Tensor {
  return tf.reshape(t, [1, t.size, ...Array<number>(Math.max(0, r - 2)).fill(1)])
}

function normalize(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true)
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)))
}

function instanceNorm(c: OpCtx): tf.Tensor {
  const x = c.input(0).tensor()
  const r = x.rank
  const axes = x.shape.map((_, i) => i).slice(2)
  const y = normalize(x, axes, c.float('epsilon', 1e-5))
  return tf.add(tf.mul(y, chan(c.input(1).tensor(), r)), chan(c.input(2).tensor(), r))
}

function batchNorm(c: OpCtx): tf.Tensor {
  if (c.int('training_mode', 0) === 1) throw new OpError('BatchNormalization training_mode=1 is not supported')
  const x = c.input(0).tensor()
  const r = x.rank
  const eps = c.float('epsilon', 1e-5)
  const [s, b, m, v] = [c.input(1), c.input(2), c.input(3), c.input(4)]
  const a = tf.mul(s.tensor(), tf.rsqrt(tf.add(v.tensor(), eps)))
  const shift = tf.sub(b.tensor(), tf.mul(m.tensor(), a))
  return tf.add(tf.mul(x, chan(a, r)), chan(shift, r))
}

function layerNorm(c: OpCtx): tf.Tensor[] {
  const x = c.input(0).tensor()
  const r = x.rank
  const axis = normAxis(c.int('axis', -1), r)
  const axes = x.shape.map((_, i) => i).slice(axis)
  const eps = c.float('epsilon', 1e-5)
  const { mean, variance } = tf.moments(x, axes, true)
  const inv = tf.rsqrt(tf.add(variance, eps))
  let y = tf.mul(tf.sub(x, mean), inv)
  y = tf.mul(y, c.input(1).tensor())
  const b = c.optional(2)
  if (b) y = tf.add(y, b.tensor())
  const outs = [y]
  if (c.numOutputs > 1) outs.push(mean)
  if (c.numOutputs > 2) outs.push(inv)
  return outs
}

function groupNorm(c: OpCtx): tf.Tensor {
  const x = c.input(0).tensor()
  const [n, ch] = [x.shape[0] ?? 1, x.shape[1] ?? 1]
  const g = c.int('num_groups', 1)
  if (ch % g !== 0) throw new OpError(`GroupNormalization: ${ch} channels not divisible by ${g} groups`)
  const eps = c.float('epsilon', 1e-5)
  const y = tf.reshape(normalize(tf.reshape(x, [n, g, -1]), [2], eps), x.shape)
  let s = c.input(1).tensor()
  let b = c.input(2).tensor()
  if (s.size === g && g !== ch) {
    // opset 18: one scale per group
    const rep = ch / g
    s = tf.reshape(tf.tile(tf.reshape(s, [g, 1]), [1, rep]), [ch])
    b = tf.reshape(tf.tile(tf.reshape(b, [g, 1]), [1, rep]), [ch])
  }
  return tf.add(tf.mul(y, chan(s, x.rank)), chan(b, x.rank))
}

export const normOps: OpRegistry = {
  InstanceNormalization: instanceNorm,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  GroupNormalization: groupNorm,
}
