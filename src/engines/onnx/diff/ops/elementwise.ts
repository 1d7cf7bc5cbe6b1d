// Elementwise unary / binary / variadic ops, Where, Cast, comparisons. They run on the stored tensors of
// permuted (NHWC) inputs and keep that layout (../layout.ts): elementwise maths does not care about the order.
import * as tf from '@tensorflow/tfjs-core'
import { type Laid, laid } from '../layout'
import type { Arg, OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { alignedInputs, broadcastShapes, broadcastTo } from './util'

type Out = tf.Tensor | Laid

/** Elementwise in input 0 (other inputs are scalars/attributes): on the stored tensor, keeping its layout. */
const pointwise = (f: (x: tf.Tensor, c: OpCtx) => tf.Tensor) => (c: OpCtx): Out => {
  const a = c.input(0)
  return a.layout ? laid(f(a.physical(), c), a.layout) : f(a.tensor(), c)
}

const unary = (f: (x: tf.Tensor) => tf.Tensor) => pointwise((x) => f(x))

/** Make two operands the same dtype (ONNX requires it; folded constants may differ, e.g. bool vs int). */
function sameDtype(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (a.dtype === b.dtype) return [a, b]
  if (a.dtype === 'float32' || b.dtype === 'float32') return [tf.cast(a, 'float32'), tf.cast(b, 'float32')]
  return [tf.cast(a, 'int32'), tf.cast(b, 'int32')]
}

const binary = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (c: OpCtx): Out => {
  const { tensors, perm } = alignedInputs(c, [c.input(0), c.input(1)])
  const [a, b] = sameDtype(tensors[0] as tf.Tensor, tensors[1] as tf.Tensor)
  return laid(f(a, b), perm)
}

const variadic = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, finish: (acc: tf.Tensor, n: number) => tf.Tensor = (acc) => acc) => (c: OpCtx): Out => {
  const args: Arg[] = []
  for (let i = 0; i < c.numInputs; i++) {
    const arg = c.optional(i)
    if (arg) args.push(arg)
  }
  const { tensors, perm } = alignedInputs(c, args)
  let acc = tensors[0] as tf.Tensor
  for (let i = 1; i < tensors.length; i++) acc = f(acc, tensors[i] as tf.Tensor)
  // a single input handed back is cloned by the graph (it never aliases an input)
  return laid(finish(acc, c.numInputs), perm)
}

function pow(c: OpCtx): Out {
  const e = c.input(1)
  const eh = e.isConst && e.shape.reduce((a, b) => a * b, 1) === 1 ? e.host : null
  const ba = c.input(0)
  const perm = ba.layout
  const base = perm ? ba.physical() : ba.tensor()
  if (eh) {
    const v = eh.data[0] ?? 0
    if (v === 1) return laid(tf.clone(base), perm)
    if (v === 2) return laid(tf.square(base), perm)
    if (v === 3) return laid(tf.mul(tf.square(base), base), perm)
    if (v === 0.5) return laid(tf.sqrt(base), perm)
    if (v === -1) return laid(tf.reciprocal(base), perm)
  }
  const { tensors, perm: p2 } = alignedInputs(c, [ba, e])
  const [b, et] = tensors as [tf.Tensor, tf.Tensor]
  return laid(tf.pow(b, et.dtype === b.dtype ? et : tf.cast(et, b.dtype)), p2)
}

function clip(x: tf.Tensor, c: OpCtx): tf.Tensor {
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

function where(c: OpCtx): Out {
  const { tensors, perm } = alignedInputs(c, [c.input(0), c.input(1), c.input(2)])
  let [cond, a, b] = tensors as [tf.Tensor, tf.Tensor, tf.Tensor]
  if (a.dtype !== b.dtype) [a, b] = [tf.cast(a, 'float32'), tf.cast(b, 'float32')]
  if (cond.dtype !== 'bool') cond = tf.cast(cond, 'bool')
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
  return laid(tf.where(broadcastTo(cond, shape), broadcastTo(a, shape), broadcastTo(b, shape)), perm)
}

function cast(x: tf.Tensor, c: OpCtx): tf.Tensor {
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
  LeakyRelu: pointwise((x, c) => tf.leakyRelu(x, c.float('alpha', 0.01))),
  Elu: pointwise((x, c) => tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), c.float('alpha', 1)))),
  Selu: pointwise((x, c) => {
    const alpha = c.float('alpha', 1.67326319217681884765625)
    const gamma = c.float('gamma', 1.05070102214813232421875)
    return tf.mul(tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha)), gamma)
  }),
  HardSigmoid: pointwise((x, c) => tf.clipByValue(tf.add(tf.mul(x, c.float('alpha', 0.2)), c.float('beta', 0.5)), 0, 1)),
  HardSwish: pointwise((x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1))),
  Mish: unary((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  Gelu: pointwise((x, c) => gelu(x, c.string('approximate', 'none'))),
  Clip: pointwise(clip),
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
  Mean: variadic(tf.add, (acc, n) => tf.div(acc, n)),
  Equal: binary(tf.equal),
  Less: binary(tf.less),
  LessOrEqual: binary(tf.lessEqual),
  Greater: binary(tf.greater),
  GreaterOrEqual: binary(tf.greaterEqual),
  And: binary(tf.logicalAnd),
  Or: binary(tf.logicalOr),
  Xor: binary(tf.logicalXor),
  Where: where,
  Cast: pointwise(cast),
}
