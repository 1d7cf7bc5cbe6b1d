// Elementwise unary / binary / variadic ops, Where, Cast, comparisons.
import * as tf from '@tensorflow/tfjs-core'
import type { OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { broadcastShapes, broadcastTo } from './util'

const unary = (f: (x: tf.Tensor) => tf.Tensor) => (c: OpCtx): tf.Tensor => f(c.input(0).tensor())

/** Make two operands the same dtype (ONNX requires it; folded constants may differ, e.g. bool vs int). */
function pair(c: OpCtx): [tf.Tensor, tf.Tensor] {
  const a = c.input(0).tensor()
  const b = c.input(1).tensor()
  if (a.dtype === b.dtype) return [a, b]
  if (a.dtype === 'float32' || b.dtype === 'float32') return [tf.cast(a, 'float32'), tf.cast(b, 'float32')]
  return [tf.cast(a, 'int32'), tf.cast(b, 'int32')]
}

const binary = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (c: OpCtx): tf.Tensor => {
  const [a, b] = pair(c)
  return f(a, b)
}

const variadic = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (c: OpCtx): tf.Tensor => {
  let acc = c.input(0).tensor()
  for (let i = 1; i < c.numInputs; i++) {
    const arg = c.optional(i)
    if (arg) acc = f(acc, arg.tensor())
  }
  return c.numInputs === 1 ? tf.clone(acc) : acc
}

function pow(c: OpCtx): tf.Tensor {
  const base = c.input(0).tensor()
  const e = c.input(1)
  const eh = e.isConst && e.shape.reduce((a, b) => a * b, 1) === 1 ? e.host : null
  if (eh) {
    const v = eh.data[0] ?? 0
    if (v === 1) return tf.clone(base)
    if (v === 2) return tf.square(base)
    if (v === 3) return tf.mul(tf.square(base), base)
    if (v === 0.5) return tf.sqrt(base)
    if (v === -1) return tf.reciprocal(base)
  }
  const et = e.tensor()
  return tf.pow(base, et.dtype === base.dtype ? et : tf.cast(et, base.dtype))
}

function clip(c: OpCtx): tf.Tensor {
  const x = c.input(0).tensor()
  let lo = -Infinity
  let hi = Infinity
  if (c.opset < 11) {
    lo = c.float('min', -3.4028234663852886e38)
    hi = c.float('max', 3.4028234663852886e38)
  } else {
    const a = c.optional(1)
    const b = c.optional(2)
    if (a) lo = a.values()[0] ?? lo
    if (b) hi = b.values()[0] ?? hi
  }
  return tf.clipByValue(x, Math.max(lo, -3.4e38), Math.min(hi, 3.4e38))
}

function where(c: OpCtx): tf.Tensor {
  let cond = c.input(0).tensor()
  let [a, b] = [c.input(1).tensor(), c.input(2).tensor()]
  if (a.dtype !== b.dtype) [a, b] = [tf.cast(a, 'float32'), tf.cast(b, 'float32')]
  if (cond.dtype !== 'bool') cond = tf.cast(cond, 'bool')
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
  return tf.where(broadcastTo(cond, shape), broadcastTo(a, shape), broadcastTo(b, shape))
}

function cast(c: OpCtx): tf.Tensor {
  const x = c.input(0).tensor()
  const to = c.int('to', 1)
  const target = to === 1 || to === 10 || to === 11 || to === 16 ? 'float32' : to === 9 ? 'bool' : to === 8 ? null : 'int32'
  if (target === null) throw new OpError('Cast to STRING is not supported')
  if (target === x.dtype) return tf.clone(x)
  if (target === 'int32' && x.dtype === 'float32') return tf.cast(tf.mul(tf.sign(x), tf.floor(tf.abs(x))), 'int32') // truncate toward 0
  return tf.cast(x, target)
}

function gelu(x: tf.Tensor, approximate: string): tf.Tensor {
  if (approximate === 'tanh') {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, tf.scalar(3)), 0.044715)), Math.sqrt(2 / Math.PI))
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1))
  }
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))
}

function dropout(c: OpCtx): tf.Tensor[] {
  const x = c.input(0).tensor()
  const out = [tf.clone(x)]
  if (c.numOutputs > 1) out.push(tf.cast(tf.onesLike(x), 'bool'))
  return out
}

export const elementwiseOps: OpRegistry = {
  Identity: unary((x) => tf.clone(x)),
  Dropout: dropout,
  Sqrt: unary(tf.sqrt),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Sin: unary(tf.sin),
  Cos: unary(tf.cos),
  Tan: unary(tf.tan),
  Neg: unary(tf.neg),
  Abs: unary(tf.abs),
  Sign: unary(tf.sign),
  Floor: unary(tf.floor),
  Ceil: unary(tf.ceil),
  Round: unary(tf.round),
  Reciprocal: unary(tf.reciprocal),
  Sigmoid: unary(tf.sigmoid),
  Relu: unary(tf.relu),
  Tanh: unary(tf.tanh),
  Erf: unary(tf.erf),
  Softplus: unary(tf.softplus),
  Softsign: unary((x) => tf.div(x, tf.add(tf.abs(x), 1))),
  Not: unary(tf.logicalNot),
  IsNaN: unary(tf.isNaN),
  LeakyRelu: (c) => tf.leakyRelu(c.input(0).tensor(), c.float('alpha', 0.01)),
  Elu: (c) => {
    const x = c.input(0).tensor()
    return tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), c.float('alpha', 1)))
  },
  Selu: (c) => {
    const x = c.input(0).tensor()
    const alpha = c.float('alpha', 1.67326319217681884765625)
    const gamma = c.float('gamma', 1.05070102214813232421875)
    return tf.mul(tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha)), gamma)
  },
  HardSigmoid: (c) => tf.clipByValue(tf.add(tf.mul(c.input(0).tensor(), c.float('alpha', 0.2)), c.float('beta', 0.5)), 0, 1),
  HardSwish: (c) => {
    const x = c.input(0).tensor()
    return tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1))
  },
  Mish: unary((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  Gelu: (c) => gelu(c.input(0).tensor(), c.string('approximate', 'none')),
  Clip: clip,
  Add: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  Div: binary((a, b) => {
    if (a.dtype !== 'int32') return tf.div(a, b)
    const q = tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')) // integer division truncates toward 0
    return tf.cast(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), 'int32')
  }),
  Pow: pow,
  Max: variadic(tf.maximum),
  Min: variadic(tf.minimum),
  Sum: variadic(tf.add),
  Mean: (c) => tf.div(variadic(tf.add)(c), c.numInputs),
  Equal: binary(tf.equal),
  Less: binary(tf.less),
  LessOrEqual: binary(tf.lessEqual),
  Greater: binary(tf.greater),
  GreaterOrEqual: binary(tf.greaterEqual),
  And: binary(tf.logicalAnd),
  Or: binary(tf.logicalOr),
  Xor: binary(tf.logicalXor),
  Where: where,
  Cast: cast,
}
