// Shape-manipulating ops: Shape, Reshape, Flatten, Transpose, (Un)Squeeze, Concat, Split, Slice, Gather, Expand,
// Tile, Constant, ConstantOfShape, Range, Pad. Axes/shape arguments follow the opset (attribute before, input after).
import * as tf from '@tensorflow/tfjs-core'
import type { HostTensor } from '../model'
import { composeTranspose, type Laid, laid, physicalAxis, physicalShape, reshapePerm } from '../layout'
import type { Arg, OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { alignedInputs, broadcastShapes, broadcastTo, gatherHost, intTensor, normAxis, prod } from './util'

/** reshape(a, out): on the stored tensor when the reshape keeps its layout expressible, else on the logical one. */
function reshapeArg(a: Arg, out: readonly number[]): tf.Tensor | Laid {
  if (a.layout) {
    const q = reshapePerm(a.shape, a.layout, out)
    if (q) return laid(tf.reshape(a.physical(), physicalShape(out, q)), q)
  }
  return tf.reshape(a.tensor(), [...out])
}

export function hostToTensor(h: HostTensor): tf.Tensor {
  return tf.tensor(h.data, [...h.shape], h.dtype)
}

/** axes from attribute (opset < sinceInput) or from input `inputIndex`. */
function axesOf(c: OpCtx, sinceInput: number, inputIndex: number): number[] | null {
  if (c.opset < sinceInput) return c.ints('axes', null)
  const a = c.optional(inputIndex)
  return a ? a.values() : null
}

function shape(c: OpCtx): tf.Tensor {
  const s = c.input(0).shape
  const r = s.length
  const clampIdx = (v: number): number => Math.max(0, Math.min(r, v < 0 ? v + r : v))
  const start = clampIdx(c.int('start', 0))
  const end = clampIdx(c.int('end', r))
  return intTensor(s.slice(start, Math.max(start, end)))
}

function reshape(c: OpCtx): tf.Tensor | Laid {
  const x = c.input(0)
  const spec = c.opset < 5 ? (c.ints('shape', []) ?? []) : c.input(1).values()
  const allowZero = c.int('allowzero', 0) === 1
  const out = spec.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? 0) : d))
  const known = prod(out.filter((d) => d !== -1))
  const total = prod(x.shape)
  const infer = out.indexOf(-1)
  if (infer >= 0) out[infer] = known === 0 ? 0 : total / known
  if (prod(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new OpError(`cannot reshape [${x.shape.join(',')}] to [${spec.join(',')}]`)
  }
  return reshapeArg(x, out)
}

function flatten(c: OpCtx): tf.Tensor | Laid {
  const x = c.input(0)
  const r = x.shape.length
  const axis = c.int('axis', 1)
  const a = axis < 0 ? axis + r : axis
  return reshapeArg(x, [prod(x.shape.slice(0, a)), prod(x.shape.slice(a))])
}

/** Lazy: the stored tensor is kept and only its layout changes (a consumer that needs it transposes it once). */
function transpose(c: OpCtx): tf.Tensor | Laid {
  const x = c.input(0)
  const perm = c.ints('perm', null) ?? x.shape.map((_, i) => x.shape.length - 1 - i)
  if (perm.length !== x.shape.length || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) throw new OpError(`Transpose: perm [${perm.join(',')}] is not a permutation of rank ${x.shape.length}`)
  return laid(x.physical(), composeTranspose(x.layout, perm))
}

function squeeze(c: OpCtx): tf.Tensor | Laid {
  const x = c.input(0)
  const r = x.shape.length
  const axes = axesOf(c, 13, 1)
  const drop = axes ? axes.map((a) => normAxis(a, r)) : x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
  return reshapeArg(x, x.shape.filter((_, i) => !drop.includes(i)))
}

function unsqueeze(c: OpCtx): tf.Tensor | Laid {
  const x = c.input(0)
  const axes = axesOf(c, 13, 1)
  if (!axes) throw new OpError('Unsqueeze needs axes')
  const r = x.shape.length + axes.length
  const norm = axes.map((a) => normAxis(a, r))
  const out: number[] = []
  let j = 0
  for (let i = 0; i < r; i++) out.push(norm.includes(i) ? 1 : (x.shape[j++] ?? 1))
  return reshapeArg(x, out)
}

function concat(c: OpCtx): tf.Tensor | Laid {
  const args: Arg[] = []
  for (let i = 0; i < c.numInputs; i++) {
    const a = c.optional(i)
    if (a) args.push(a)
  }
  const first = args[0]
  if (!first) throw new OpError('Concat needs inputs')
  const axis = normAxis(c.int('axis', 0), first.shape.length)
  if (args.some((a) => a.shape.length !== first.shape.length)) throw new OpError('Concat inputs must have the same rank')
  // all parts in the layout of a permuted part (see alignedInputs); the axis follows the layout
  const { tensors: parts, perm } = alignedInputs(c, args)
  const pAxis = physicalAxis(perm, axis)
  const nonEmpty = parts.filter((_, i) => ((args[i] as Arg).shape[axis] ?? 0) > 0 || parts.length === 1)
  const dtype = nonEmpty.some((p) => p.dtype === 'float32') ? 'float32' : ((parts[0] as tf.Tensor).dtype)
  const same = nonEmpty.map((p) => (p.dtype === dtype ? p : tf.cast(p, dtype)))
  if (same.length === 1) return laid(tf.clone(same[0] as tf.Tensor), perm)
  return laid(tf.concat(same, pAxis), perm)
}

function split(c: OpCtx): tf.Tensor[] {
  const x = c.input(0)
  const axis = normAxis(c.int('axis', 0), x.shape.length)
  const dim = x.shape[axis] ?? 0
  let sizes: number[] | null = c.opset < 13 ? c.ints('split', null) : (c.optional(1)?.values() ?? null)
  if (!sizes) {
    const n = c.opset >= 18 ? c.int('num_outputs', c.numOutputs) : c.numOutputs
    const each = Math.ceil(dim / n)
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(each, dim - i * each)))
  }
  return tf.split(x.tensor(), sizes, axis)
}

function sliceParams(dim: number, start: number, end: number, step: number): number[] {
  let s = start < 0 ? start + dim : start
  let e = end < 0 ? end + dim : end
  const idx: number[] = []
  if (step > 0) {
    s = Math.max(0, Math.min(dim, s))
    e = Math.max(0, Math.min(dim, e))
    for (let i = s; i < e; i += step) idx.push(i)
  } else {
    s = Math.max(-1, Math.min(dim - 1, s))
    e = Math.max(-1, Math.min(dim - 1, e))
    for (let i = s; i > e; i += step) idx.push(i)
  }
  return idx
}

function slice(c: OpCtx): tf.Tensor | Laid {
  const xa = c.input(0)
  const r = xa.shape.length
  let starts: number[]
  let ends: number[]
  let axes: number[]
  let steps: number[]
  if (c.opset < 10) {
    starts = c.ints('starts', []) ?? []
    ends = c.ints('ends', []) ?? []
    axes = c.ints('axes', null) ?? starts.map((_, i) => i)
    steps = starts.map(() => 1)
  } else {
    starts = c.input(1).values()
    ends = c.input(2).values()
    axes = c.optional(3)?.values() ?? starts.map((_, i) => i)
    steps = c.optional(4)?.values() ?? starts.map(() => 1)
  }
  const begin = xa.shape.map(() => 0)
  const size = [...xa.shape]
  const gathers: [number, number[]][] = []
  axes.forEach((ax, i) => {
    const a = normAxis(ax, r)
    const step = steps[i] ?? 1
    if (step === 0) throw new OpError('Slice step 0')
    const idx = sliceParams(xa.shape[a] ?? 0, starts[i] ?? 0, ends[i] ?? 0, step)
    if (step === 1) {
      begin[a] = idx[0] ?? 0
      size[a] = idx.length
    } else {
      gathers.push([a, idx])
    }
  })
  // on the stored tensor (axes mapped through its layout)
  const q = xa.layout
  let y = q ? xa.physical() : xa.tensor()
  const pBegin = q ? q.map((a) => begin[a] ?? 0) : begin
  const pSize = q ? q.map((a) => size[a] ?? 0) : size
  if (size.some((s, i) => s !== xa.shape[i])) y = tf.slice(y, pBegin, pSize)
  else if (gathers.length === 0) y = tf.clone(y)
  for (const [la, idx] of gathers) {
    const a = physicalAxis(q, la)
    y = idx.length === 0 ? tf.slice(y, y.shape.map(() => 0), y.shape.map((d, i) => (i === a ? 0 : d))) : gatherHost(y, idx, a)
  }
  return laid(y, q)
}

function gather(c: OpCtx): tf.Tensor {
  const xa = c.input(0)
  const ia = c.input(1)
  const axis = normAxis(c.int('axis', 0), xa.shape.length)
  const dim = xa.shape[axis] ?? 0
  let idx: tf.Tensor
  const ih = ia.isConst ? ia.host : null
  if (ih) {
    const v = Array.from(ih.data, (i) => (i < 0 ? i + dim : i))
    if (ia.shape.length === 1) return gatherHost(xa.tensor(), v, axis)
    if (ia.shape.length === 0) return tf.squeeze(gatherHost(xa.tensor(), v, axis), [axis])
    idx = intTensor(v, ia.shape)
  } else {
    const t = ia.tensor()
    const ti = t.dtype === 'int32' ? t : tf.cast(t, 'int32')
    idx = tf.where(tf.less(ti, 0), tf.add(ti, dim), ti)
  }
  return tf.gather(xa.tensor(), idx, axis)
}

function expand(c: OpCtx): tf.Tensor {
  const x = c.input(0)
  const target = broadcastShapes(x.shape, c.input(1).values())
  const y = broadcastTo(x.tensor(), target)
  return y === x.tensor() ? tf.clone(y) : y
}

function tile(c: OpCtx): tf.Tensor {
  return tf.tile(c.input(0).tensor(), c.input(1).values())
}

function constant(c: OpCtx): tf.Tensor {
  const v = c.attr('value')
  if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) return hostToTensor(v)
  const vf = c.attr('value_float')
  if (typeof vf === 'number') return tf.scalar(vf, 'float32')
  const vfs = c.attr('value_floats')
  if (Array.isArray(vfs)) return tf.tensor1d(vfs.map(Number), 'float32')
  const vi = c.attr('value_int')
  if (typeof vi === 'number') return tf.scalar(vi, 'int32')
  const vis = c.attr('value_ints')
  if (Array.isArray(vis)) return intTensor(vis.map(Number))
  throw new OpError('Constant: unsupported value attribute (sparse or string)')
}

function constantOfShape(c: OpCtx): tf.Tensor {
  const s = c.input(0).values()
  const v = c.attr('value')
  if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) return tf.fill(s, v.data[0] ?? 0, v.dtype === 'bool' ? 'bool' : v.dtype)
  return tf.fill(s, 0, 'float32')
}

function range(c: OpCtx): tf.Tensor {
  const [s, l, d] = [c.input(0), c.input(1), c.input(2)]
  const start = s.values()[0] ?? 0
  const limit = l.values()[0] ?? 0
  const delta = d.values()[0] ?? 1
  const n = Math.max(0, Math.ceil((limit - start) / delta))
  const vals = Array.from({ length: n }, (_, i) => start + i * delta)
  return s.dtype === 'float32' ? tf.tensor1d(vals, 'float32') : intTensor(vals)
}

function pad(c: OpCtx): tf.Tensor {
  const xa = c.input(0)
  const r = xa.shape.length
  const mode = c.string('mode', 'constant')
  let pads: number[]
  let value = 0
  if (c.opset < 11) {
    pads = c.ints('pads', null) ?? []
    value = c.float('value', 0)
  } else {
    pads = c.input(1).values()
    const cv = c.optional(2)
    if (cv) value = cv.values()[0] ?? 0
    const axesArg = c.optional(3)
    if (axesArg) {
      const axes = axesArg.values().map((a) => normAxis(a, r))
      const full = Array<number>(2 * r).fill(0)
      axes.forEach((a, i) => {
        full[a] = pads[i] ?? 0
        full[a + r] = pads[i + axes.length] ?? 0
      })
      pads = full
    }
  }
  if (pads.length !== 2 * r) throw new OpError(`Pad: pads has ${pads.length} values for rank ${r}`)
  let y = xa.tensor()
  // negative pads crop first
  const begin = xa.shape.map((_, i) => Math.max(0, -(pads[i] ?? 0)))
  const size = xa.shape.map((d, i) => d - (begin[i] ?? 0) - Math.max(0, -(pads[i + r] ?? 0)))
  if (begin.some((b) => b > 0) || size.some((s, i) => s !== xa.shape[i])) y = tf.slice(y, begin, size)
  const before = xa.shape.map((_, i) => Math.max(0, pads[i] ?? 0))
  const after = xa.shape.map((_, i) => Math.max(0, pads[i + r] ?? 0))
  if (mode === 'constant') {
    if (before.every((p) => p === 0) && after.every((p) => p === 0)) return tf.clone(y)
    return tf.pad(y, before.map((b, i) => [b, after[i] ?? 0] as [number, number]), value)
  }
  if (mode !== 'reflect' && mode !== 'edge' && mode !== 'wrap') throw new OpError(`Pad mode ${mode} is not supported`)
  for (let a = 0; a < r; a++) {
    const b = before[a] ?? 0
    const e = after[a] ?? 0
    if (!b && !e) continue
    const dim = y.shape[a] ?? 0
    const idx: number[] = []
    for (let i = -b; i < dim + e; i++) {
      let j = i
      if (mode === 'edge') j = Math.max(0, Math.min(dim - 1, i))
      else if (mode === 'wrap') j = ((i % dim) + dim) % dim
      else {
        const period = 2 * (dim - 1)
        j = period === 0 ? 0 : ((i % period) + period) % period
        if (j >= dim) j = period - j
      }
      idx.push(j)
    }
    y = gatherHost(y, idx, a)
  }
  return y
}

export const shapeOps: OpRegistry = {
  Shape: shape,
  Size: (c) => tf.scalar(prod(c.input(0).shape), 'int32'),
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Expand: expand,
  Tile: tile,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  Pad: pad,
}
