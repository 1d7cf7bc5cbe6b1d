// 2-D convolution and its transpose, each with a custom gradient expressed as the other one — both computed with
// the forward conv2d kernel only. tfjs's Conv2DBackpropInput kernel (used by tf.conv2d's gradient and by
// tf.conv2dTranspose) is ~15× slower than Conv2D on tfjs-wasm; Conv2D is fast (XNNPACK) everywhere.
// Gradients are taken with respect to the activations only: the filter is a constant of the graph.
import * as tf from '@tensorflow/tfjs-core'

/** [top, left, bottom, right] */
export type Pads4 = readonly [number, number, number, number]

/** Insert (s-1) zeros between rows/columns: [N,H,W,C] → [N,(H-1)sh+1,(W-1)sw+1,C]. */
function zeroInsert(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  let y: tf.Tensor4D = x
  if (sh > 1) {
    y = tf.reshape(tf.pad(tf.reshape(y, [n, h, 1, w * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w, c])
    y = tf.slice(y, [0, 0, 0, 0], [n, (h - 1) * sh + 1, w, c])
  }
  const h2 = y.shape[1]
  if (sw > 1) {
    y = tf.reshape(tf.pad(tf.reshape(y, [n * h2, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h2, w * sw, c])
    y = tf.slice(y, [0, 0, 0, 0], [n, h2, (w - 1) * sw + 1, c])
  }
  return y
}

/** Pad (or crop, for negative amounts) the spatial dims of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, t: number, l: number, b: number, r: number): { y: tf.Tensor4D; pads: Pads4 } {
  let y = x
  if (t < 0 || l < 0 || b < 0 || r < 0) {
    const [n, h, w, c] = y.shape
    const ct = Math.max(0, -t)
    const cl = Math.max(0, -l)
    y = tf.slice(y, [0, ct, cl, 0], [n, h - ct - Math.max(0, -b), w - cl - Math.max(0, -r), c])
  }
  return { y, pads: [Math.max(0, t), Math.max(0, l), Math.max(0, b), Math.max(0, r)] }
}

function explicit(p: Pads4): tf.backend_util.ExplicitPadding | 'valid' {
  return p.some((v) => v !== 0) ? [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]] : 'valid'
}

/** The filter of the adjoint conv: rotated 180° with in/out channels swapped, [kh,kw,Ci,Co] → [kh,kw,Co,Ci]. */
export function rotateFilter(f: tf.Tensor): tf.Tensor4D {
  return tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D
}

/** A filter and (lazily) its rotated form; callers cache the rotation (tf.reverse is slow on tfjs-wasm). */
export interface ConvFilter {
  readonly f: tf.Tensor4D
  rot(): tf.Tensor4D
}

/** The adjoint of conv2d(·, f, strides, pads) applied to dy, for an input of spatial size [h, w]. */
function convAdjoint(dy: tf.Tensor4D, filter: ConvFilter, strides: readonly [number, number], pads: Pads4, h: number, w: number): tf.Tensor4D {
  const [kh, kw] = filter.f.shape
  const d = zeroInsert(dy, strides[0], strides[1])
  const top = kh - 1 - pads[0]
  const left = kw - 1 - pads[1]
  const bottom = h + kh - 1 - d.shape[1] - top
  const right = w + kw - 1 - d.shape[2] - left
  const { y, pads: p } = padOrCrop(d, top, left, bottom, right)
  return tf.conv2d(y, filter.rot(), 1, explicit(p))
}

/** y = conv2d(x, f, strides, pads) (+ bias) (NHWC, f HWIO); dx by a forward conv. */
export function conv2dFast(x: tf.Tensor4D, filter: ConvFilter, strides: readonly [number, number], pads: Pads4, bias?: tf.Tensor1D): tf.Tensor4D {
  const [h, w] = [x.shape[1], x.shape[2]]
  // filter.f must outlive the tape (callers pass cached constant filters). Not passed through `save`: on tfjs-wasm
  // save() clones into a new data id, which tfjs's IS_TEST leak check reports as a kernel leak.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor4D
    return {
      // a constant bias is fused into the kernel (its gradient w.r.t. x is the identity: nothing to add)
      value: bias ? tf.fused.conv2d({ x: xx, filter: filter.f, strides: [strides[0], strides[1]], pad: explicit(pads), bias }) : tf.conv2d(xx, filter.f, [strides[0], strides[1]], explicit(pads)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => convAdjoint((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D, filter, strides, pads, h, w),
    }
  })
  return op(x) as tf.Tensor4D
}

/**
 * Transposed convolution: the adjoint of conv2d(·, f, strides, pads) for an output of spatial size [h, w]
 * (f is HWIO of that forward conv: [kh, kw, outC, inC] from this op's point of view). Its gradient is the conv.
 */
export function conv2dTransposeFast(x: tf.Tensor4D, filter: ConvFilter, strides: readonly [number, number], pads: Pads4, h: number, w: number): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor4D
    return {
      value: convAdjoint(xx, filter, strides, pads, h, w),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.conv2d((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D, filter.f, [strides[0], strides[1]], explicit(pads)),
    }
  })
  return op(x) as tf.Tensor4D
}
