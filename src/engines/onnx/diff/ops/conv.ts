// Conv / ConvTranspose (1-D and 2-D, stride, pads, auto_pad, groups, dilations), pooling. ONNX (NCHW) semantics;
// tfjs convolutions run NHWC, so 2-D outputs are returned stored NHWC (../layout.ts) and an input already stored
// NHWC goes in as is: a chain of convs and elementwise ops never transposes. A constant bias is fused into the
// conv kernel. Dilated kernels are expanded with zeros (tfjs conv gradients do not support dilation rates > 1),
// which keeps the VJP exact.
import * as tf from '@tensorflow/tfjs-core'
import type { Arg, OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { conv2dFast, conv2dTransposeFast, type ConvFilter, type Pads4, rotateFilter } from './convfast'
import { gatherHost, toNCHW, toNHWC } from './util'
import { type Laid, laid, NHWC, samePerm } from '../layout'

/** A rank-4 input as an NHWC tensor: the stored tensor when it is kept NHWC, else one transpose. */
function nhwcInput(a: Arg): tf.Tensor4D {
  return (samePerm(a.layout, NHWC) ? a.physical() : toNHWC(a.tensor())) as tf.Tensor4D
}

/** Insert (d-1) zeros between taps along axis `axis` of a kernel. */
function dilateAxis(w: tf.Tensor, axis: number, d: number): tf.Tensor {
  if (d === 1) return w
  const k = w.shape[axis] ?? 1
  if (k === 1) return w
  const moved = axis === 0 ? w : tf.transpose(w, [axis, ...w.shape.map((_, i) => i).filter((i) => i !== axis)])
  const rest = moved.shape.slice(1)
  const e = tf.expandDims(moved, 1) // [k,1,...]
  const z = tf.zeros([k, d - 1, ...rest])
  const inter = tf.reshape(tf.concat([e, z], 1), [k * d, ...rest])
  const cut = tf.slice(inter, 0, (k - 1) * d + 1)
  if (axis === 0) return cut
  const inv: number[] = []
  const perm = [axis, ...w.shape.map((_, i) => i).filter((i) => i !== axis)]
  perm.forEach((p, i) => { inv[p] = i })
  return tf.transpose(cut, inv)
}

interface Geometry {
  strides: [number, number]
  dilations: [number, number]
  /** [top, left, bottom, right] */
  pads: [number, number, number, number]
  group: number
  is1d: boolean
}

function geometry(c: OpCtx, inH: number, inW: number, kh: number, kw: number, is1d: boolean, transpose: boolean): Geometry {
  const nd = is1d ? 1 : 2
  const lift = (v: number[] | null, def: number): [number, number] => {
    if (!v) return [def, def]
    if (v.length !== nd) throw new OpError(`expected ${nd} values, got [${v.join(',')}]`)
    return is1d ? [1, v[0] ?? def] : [v[0] ?? def, v[1] ?? def]
  }
  const strides = lift(c.ints('strides', null), 1)
  const dilations = lift(c.ints('dilations', null), 1)
  const group = c.int('group', 1)
  let pads: [number, number, number, number] = [0, 0, 0, 0]
  const p = c.ints('pads', null)
  if (p) {
    if (p.length !== 2 * nd) throw new OpError(`pads must have ${2 * nd} values`)
    pads = is1d ? [0, p[0] ?? 0, 0, p[1] ?? 0] : [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 0]
  }
  const autoPad = c.string('auto_pad', 'NOTSET')
  if (!transpose && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) {
    const one = (inp: number, k: number, s: number, d: number): [number, number] => {
      const out = Math.ceil(inp / s)
      const total = Math.max(0, (out - 1) * s + (k - 1) * d + 1 - inp)
      const small = Math.floor(total / 2)
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small]
    }
    const [t, b] = one(inH, kh, strides[0], dilations[0])
    const [l, r] = one(inW, kw, strides[1], dilations[1])
    pads = [t, l, b, r]
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0]
  }
  return { strides, dilations, pads, group, is1d }
}

/** Conv weight [O, I/g, kh, kw] → HWIO (dilated), cached for constant weights. */
function convFilter(c: OpCtx, w: Arg, is1d: boolean, d: [number, number], depthwise: boolean): tf.Tensor {
  return c.derived(w, `conv:${d.join('x')}:${depthwise ? 'dw' : 'std'}`, (t) => {
    let k = is1d ? tf.expandDims(t, 2) : t // [O, I, kh, kw]
    let perm = [2, 3, 1, 0] // → [kh, kw, I, O]
    if (depthwise) {
      const [o, , kh, kw] = k.shape as [number, number, number, number]
      const ci = c.input(0).shape[1] ?? 1
      k = tf.reshape(k, [ci, o / ci, kh, kw]) // [C, m, kh, kw]; output channel g*m + j
      perm = [2, 3, 0, 1] // → [kh, kw, C, m]
    }
    let hwio = tf.transpose(k, perm)
    hwio = dilateAxis(dilateAxis(hwio, 0, d[0]), 1, d[1])
    return hwio
  })
}

/** Kernel and input sizes of a 1-D (rank 3, treated as H = 1) or 2-D (rank 4) convolution. */
function spatial(xs: readonly number[], ws: readonly number[]): { is1d: boolean; kh: number; kw: number; inH: number; inW: number } {
  const is1d = xs.length === 3
  return {
    is1d,
    kh: is1d ? 1 : (ws[2] ?? 1),
    kw: is1d ? (ws[2] ?? 1) : (ws[3] ?? 1),
    inH: is1d ? 1 : (xs[2] ?? 1),
    inW: is1d ? (xs[2] ?? 1) : (xs[3] ?? 1),
  }
}

function conv(c: OpCtx): tf.Tensor | Laid {
  const xa = c.input(0)
  const wa = c.input(1)
  const rank = xa.shape.length
  if (rank !== 3 && rank !== 4) throw new OpError(`Conv supports 1-D and 2-D inputs (rank 3 or 4), got rank ${rank}`)
  const ws = wa.shape
  const { is1d, kh, kw, inH, inW } = spatial(xa.shape, ws)
  const g = geometry(c, inH, inW, kh, kw, is1d, false)
  const cin = xa.shape[1] ?? 1
  const cout = ws[0] ?? 1
  const xh = is1d ? toNHWC(tf.expandDims(xa.tensor(), 2)) : nhwcInput(xa)
  const [t, l, b, r] = g.pads
  // explicit padding inside the conv (a separate tf.pad is slow on tfjs-wasm); gradients support it
  const pad: tf.backend_util.ExplicitPadding | 'valid' = t || l || b || r ? [[0, 0], [t, b], [l, r], [0, 0]] : 'valid'
  const pads4: Pads4 = [t, l, b, r]
  const wConst = wa.isConst
  // constant weights (the usual case): conv whose input-gradient is also a forward conv (fast on wasm)
  // the rotated filter of the backward conv is cached with the weights
  const fast = (fi: tf.Tensor4D, key: string): ConvFilter => ({ f: fi, rot: () => c.derived(wa, `${key}:rot`, () => rotateFilter(fi)) as tf.Tensor4D })
  const conv2 = (xi: tf.Tensor4D, fi: tf.Tensor4D, key: string, bias?: tf.Tensor1D): tf.Tensor4D => (wConst ? conv2dFast(xi, fast(fi, key), g.strides, pads4, bias) : tf.conv2d(xi, fi, g.strides, pad))
  let y: tf.Tensor4D
  const x4 = xh as tf.Tensor4D
  let bias = c.optional(2)
  if (g.group === 1) {
    // a constant bias goes into the conv kernel (tf.fused.conv2d): one kernel instead of two
    const fuse = wConst && bias !== null && bias.isConst && bias.shape.length === 1
    y = conv2(x4, convFilter(c, wa, is1d, g.dilations, false) as tf.Tensor4D, `conv:${g.dilations.join('x')}`, fuse ? (bias?.tensor() as tf.Tensor1D) : undefined)
    if (fuse) bias = null
  } else if (g.group === cin && (ws[1] ?? 0) === 1 && tf.getKernel('DepthwiseConv2dNativeBackpropInput', tf.getBackend()) !== undefined) {
    // depthwise (its backward kernel is missing on tfjs-wasm: the grouped path below is used there)
    y = tf.depthwiseConv2d(x4, convFilter(c, wa, is1d, g.dilations, true) as tf.Tensor4D, g.strides, pad)
  } else {
    const f = convFilter(c, wa, is1d, g.dilations, false) // [kh,kw,I/g,O]
    const og = (f.shape[3] ?? 1) / g.group
    // per-group filters are cached (kept) like the full filter: the custom gradient closes over them
    const fs = Array.from({ length: g.group }, (_, i) => (wConst ? c.derived(wa, `conv:${g.dilations.join('x')}:g${i}/${g.group}`, () => tf.slice(f, [0, 0, 0, i * og], [-1, -1, -1, og])) : tf.slice(f, [0, 0, 0, i * og], [-1, -1, -1, og])))
    const xs = tf.split(x4, g.group, 3)
    y = tf.concat(xs.map((xi, i) => conv2(xi as tf.Tensor4D, fs[i] as tf.Tensor4D, `conv:${g.dilations.join('x')}:g${i}/${g.group}`)), 3)
  }
  if (bias) y = tf.add(y, bias.tensor())
  if ((y.shape[3] ?? 0) !== cout) throw new OpError('Conv: output channel mismatch')
  // 2-D: the output stays NHWC (see ../layout.ts); 1-D: back to [N, C, W]
  return is1d ? tf.squeeze(toNCHW(y), [2]) : laid(y, NHWC)
}

function convTranspose(c: OpCtx): tf.Tensor | Laid {
  const xa = c.input(0)
  const wa = c.input(1) // [C_in, C_out/g, kh, kw]
  const rank = xa.shape.length
  if (rank !== 3 && rank !== 4) throw new OpError(`ConvTranspose supports 1-D and 2-D inputs, got rank ${rank}`)
  const ws = wa.shape
  const { is1d, kh, kw, inH, inW } = spatial(xa.shape, ws)
  const g = geometry(c, inH, inW, kh, kw, is1d, true)
  const op = c.ints('output_padding', null)
  const outPad: [number, number] = op ? (is1d ? [0, op[0] ?? 0] : [op[0] ?? 0, op[1] ?? 0]) : [0, 0]
  const khd = (kh - 1) * g.dilations[0] + 1
  const kwd = (kw - 1) * g.dilations[1] + 1
  const fullH = (inH - 1) * g.strides[0] + khd
  const fullW = (inW - 1) * g.strides[1] + kwd
  let [pt, pl, pb, pr] = g.pads
  const outShape = c.ints('output_shape', null)
  const autoPad = c.string('auto_pad', 'NOTSET')
  if (outShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target: [number, number] = outShape
      ? (is1d ? [1, outShape[outShape.length - 1] ?? 1] : [outShape[outShape.length - 2] ?? 1, outShape[outShape.length - 1] ?? 1])
      : [inH * g.strides[0], inW * g.strides[1]]
    const split = (total: number): [number, number] => {
      const half = Math.floor(total / 2)
      return autoPad === 'SAME_UPPER' ? [total - half, half] : [half, total - half]
    }
    ;[pt, pb] = split(fullH + outPad[0] - target[0])
    ;[pl, pr] = split(fullW + outPad[1] - target[1])
  }
  const outH = fullH + outPad[0] - pt - pb
  const outW = fullW + outPad[1] - pl - pr
  const n = xa.shape[0] ?? 1
  const coutG = ws[1] ?? 1
  // filter for tfjs conv2dTranspose: [kh, kw, outC, inC]
  const f = c.derived(wa, `convT:${g.dilations.join('x')}`, (t) => {
    const k = is1d ? tf.expandDims(t, 2) : t
    const hwoi = tf.transpose(k, [2, 3, 1, 0])
    return dilateAxis(dilateAxis(hwoi, 0, g.dilations[0]), 1, g.dilations[1])
  })
  const xh = (is1d ? toNHWC(tf.expandDims(xa.tensor(), 2)) : nhwcInput(xa)) as tf.Tensor4D
  let y: tf.Tensor4D
  const convT = (xi: tf.Tensor4D, fi: tf.Tensor4D, key: string): tf.Tensor4D => {
    if (!wa.isConst) return tf.conv2dTranspose(xi, fi, [n, fullH, fullW, coutG], g.strides, 'valid')
    // the forward pass needs the rotated filter: make (and cache) it outside the custom-gradient kernel
    const rot = c.derived(wa, `${key}:rot`, () => rotateFilter(fi)) as tf.Tensor4D
    return conv2dTransposeFast(xi, { f: fi, rot: () => rot }, g.strides, [0, 0, 0, 0], fullH, fullW)
  }
  if (g.group === 1) {
    y = convT(xh, f as tf.Tensor4D, `convT:${g.dilations.join('x')}`)
  } else {
    const xs = tf.split(xh, g.group, 3)
    const ig = (f.shape[3] ?? 1) / g.group
    const fs = Array.from({ length: g.group }, (_, i) => (wa.isConst ? c.derived(wa, `convT:${g.dilations.join('x')}:g${i}/${g.group}`, () => tf.slice(f, [0, 0, 0, i * ig], [-1, -1, -1, ig])) : tf.slice(f, [0, 0, 0, i * ig], [-1, -1, -1, ig])))
    y = tf.concat(xs.map((xi, i) => convT(xi as tf.Tensor4D, fs[i] as tf.Tensor4D, `convT:${g.dilations.join('x')}:g${i}/${g.group}`)), 3)
  }
  // crop pads (begin) and extend with output_padding zeros (end) where needed
  const extH = Math.max(0, pt + outH - fullH)
  const extW = Math.max(0, pl + outW - fullW)
  if (extH || extW) y = tf.pad(y, [[0, 0], [0, extH], [0, extW], [0, 0]])
  if (pt || pl || outH !== y.shape[1] || outW !== y.shape[2]) y = tf.slice(y, [0, pt, pl, 0], [n, outH, outW, y.shape[3] ?? 1])
  const bias = c.optional(2)
  if (bias) y = tf.add(y, bias.tensor())
  return is1d ? tf.squeeze(toNCHW(y), [2]) : laid(y, NHWC)
}

function pool(kind: 'avg' | 'max') {
  return (c: OpCtx): tf.Tensor | Laid => {
    const xa = c.input(0)
    if (xa.shape.length !== 4) throw new OpError(`${kind === 'avg' ? 'AveragePool' : 'MaxPool'} supports 2-D (rank 4) inputs only`)
    const k = c.ints('kernel_shape', null) ?? [1, 1]
    const s = c.ints('strides', null) ?? [1, 1]
    const p = c.ints('pads', null) ?? [0, 0, 0, 0]
    if ((c.ints('dilations', null) ?? [1, 1]).some((d) => d !== 1)) throw new OpError('pool dilations are not supported')
    if (c.int('ceil_mode', 0) !== 0) throw new OpError('pool ceil_mode=1 is not supported')
    if (c.string('auto_pad', 'NOTSET') !== 'NOTSET' && c.string('auto_pad', 'NOTSET') !== 'VALID') throw new OpError('pool auto_pad SAME is not supported')
    let xh = nhwcInput(xa)
    const padded = p.some((v) => v !== 0)
    if (padded) {
      if (kind === 'avg' && c.int('count_include_pad', 0) === 0) throw new OpError('AveragePool with pads needs count_include_pad=1')
      xh = tf.pad(xh, [[0, 0], [p[0] ?? 0, p[2] ?? 0], [p[1] ?? 0, p[3] ?? 0], [0, 0]], kind === 'max' ? -3.4e38 : 0)
    }
    const win: [number, number] = [k[0] ?? 1, k[1] ?? 1]
    const st: [number, number] = [s[0] ?? 1, s[1] ?? 1]
    if (kind === 'avg') return laid(tf.avgPool(xh, win, st, 'valid'), NHWC)
    // max: the max over the k·k strided views (gradient through tfjs's Max reduction). tfjs-wasm's MaxPool
    // gradient is wrong for windows whose values are all negative.
    const [, hp, wp] = xh.shape
    const oh = Math.floor((hp - win[0]) / st[0]) + 1
    const ow = Math.floor((wp - win[1]) / st[1]) + 1
    const views: tf.Tensor[] = []
    for (let a = 0; a < win[0]; a++) {
      const rows = Array.from({ length: oh }, (_, i) => a + i * st[0])
      const byRow = gatherHost(xh, rows, 1)
      for (let b = 0; b < win[1]; b++) views.push(gatherHost(byRow, Array.from({ length: ow }, (_, j) => b + j * st[1]), 2))
    }
    return laid(tf.max(tf.stack(views, 0), 0), NHWC)
  }
}

/** Reduce over the spatial axes (2, 3, …) with keepdims; on the stored tensor when it is kept NHWC. */
function globalPool(c: OpCtx, f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): tf.Tensor | Laid {
  const a = c.input(0)
  if (a.layout && samePerm(a.layout, NHWC)) return laid(f(a.physical(), [1, 2], true), NHWC)
  const x = a.tensor()
  return f(x, x.shape.map((_, i) => i).slice(2), true)
}

export const convOps: OpRegistry = {
  Conv: conv,
  ConvTranspose: convTranspose,
  AveragePool: pool('avg'),
  MaxPool: (c) => {
    if (c.numOutputs > 1) throw new OpError('MaxPool with an Indices output is not supported')
    return pool('max')(c)
  },
  GlobalAveragePool: (c) => globalPool(c, tf.mean),
  GlobalMaxPool: (c) => globalPool(c, tf.max),
}
