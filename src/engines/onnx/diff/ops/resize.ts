// Resize (opset 10–19) and Upsample (≤ 9): nearest and (bi/n-)linear, every coordinate_transformation_mode,
// as separable per-axis gathers with host-computed indices and weights (exact and differentiable on any backend).
import * as tf from '@tensorflow/tfjs-core'
import type { OpCtx, OpRegistry } from './types'
import { OpError } from './types'
import { gatherHost } from './util'
import { type Laid, laid, physicalAxis } from '../layout'

export function sourceCoord(mode: string, xo: number, scale: number, inLen: number, outLen: number): number {
  switch (mode) {
    case 'half_pixel': return (xo + 0.5) / scale - 0.5
    case 'pytorch_half_pixel': return outLen > 1 ? (xo + 0.5) / scale - 0.5 : 0
    case 'align_corners': return outLen === 1 ? 0 : (xo * (inLen - 1)) / (outLen - 1)
    case 'asymmetric': return xo / scale
    case 'tf_half_pixel_for_nn': return (xo + 0.5) / scale
    default: throw new OpError(`Resize coordinate_transformation_mode ${mode} is not supported`)
  }
}

export function nearestIndex(mode: string, v: number): number {
  switch (mode) {
    case 'floor': return Math.floor(v)
    case 'ceil': return Math.ceil(v)
    case 'round_prefer_ceil': return Math.round(v)
    default: return v === Math.floor(v) + 0.5 ? Math.floor(v) : Math.round(v) // round_prefer_floor
  }
}

function resizeAxis(x: tf.Tensor, axis: number, outLen: number, scale: number, mode: string, coord: string, nearest: string): tf.Tensor {
  const inLen = x.shape[axis] ?? 1
  if (outLen === inLen && scale === 1) return x
  if (mode === 'nearest') {
    const idx = Array.from({ length: outLen }, (_, o) => Math.max(0, Math.min(inLen - 1, nearestIndex(nearest, sourceCoord(coord, o, scale, inLen, outLen)))))
    return gatherHost(x, idx, axis)
  }
  const i0: number[] = []
  const i1: number[] = []
  const w1: number[] = []
  for (let o = 0; o < outLen; o++) {
    const s = Math.max(0, Math.min(inLen - 1, sourceCoord(coord, o, scale, inLen, outLen)))
    const f = Math.floor(s)
    i0.push(f)
    i1.push(Math.min(f + 1, inLen - 1))
    w1.push(s - f)
  }
  const wShape = x.shape.map((_, i) => (i === axis ? outLen : 1))
  const wt = tf.tensor(Float32Array.from(w1), wShape)
  const a = gatherHost(x, i0, axis)
  const b = gatherHost(x, i1, axis)
  return tf.add(a, tf.mul(tf.sub(b, a), wt))
}

function resize(c: OpCtx, upsample: boolean): tf.Tensor | Laid {
  const xa = c.input(0)
  const r = xa.shape.length
  const modeRaw = c.string('mode', 'nearest')
  const mode = modeRaw === 'bilinear' || modeRaw === 'trilinear' ? 'linear' : modeRaw
  if (mode !== 'nearest' && mode !== 'linear') throw new OpError(`Resize mode ${modeRaw} is not supported (nearest, linear only)`)
  if (c.int('antialias', 0) === 1) throw new OpError('Resize antialias=1 is not supported')
  const legacy = upsample || c.opset < 11
  const coord = legacy ? 'asymmetric' : c.string('coordinate_transformation_mode', 'half_pixel')
  const nearest = legacy ? 'floor' : c.string('nearest_mode', 'round_prefer_floor')
  let scales: number[] | null = null
  let sizes: number[] | null = null
  if (upsample && c.opset < 9) scales = c.ints('scales', null)
  else if (legacy) scales = c.input(1).values()
  else {
    const s = c.optional(2)
    const z = c.optional(3)
    if (s && s.shape.reduce((a, b) => a * b, 1) > 0) scales = s.values()
    else if (z) sizes = z.values()
  }
  const axesAttr = c.opset >= 18 ? c.ints('axes', null) : null
  const axes = axesAttr ? axesAttr.map((a) => (a < 0 ? a + r : a)) : xa.shape.map((_, i) => i)
  const policy = c.opset >= 18 ? c.string('keep_aspect_ratio_policy', 'stretch') : 'stretch'
  if (policy !== 'stretch' && sizes) throw new OpError(`Resize keep_aspect_ratio_policy ${policy} is not supported`)
  // per-axis gathers on the stored tensor (axes mapped through its layout)
  const q = xa.layout
  const x0 = q ? xa.physical() : xa.tensor()
  let y = x0
  axes.forEach((a, i) => {
    const inLen = xa.shape[a] ?? 1
    let scale: number
    let outLen: number
    if (scales) {
      scale = scales[i] ?? 1
      outLen = Math.floor(inLen * scale)
    } else if (sizes) {
      outLen = sizes[i] ?? inLen
      scale = outLen / inLen
    } else throw new OpError('Resize needs scales or sizes')
    y = resizeAxis(y, physicalAxis(q, a), outLen, scale, mode, coord, nearest)
  })
  return laid(y === x0 ? tf.clone(y) : y, q)
}

export const resizeOps: OpRegistry = {
  Resize: (c) => resize(c, false),
  Upsample: (c) => resize(c, true),
}
