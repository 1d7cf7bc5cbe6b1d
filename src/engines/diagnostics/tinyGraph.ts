// The tiny graph the Diagnostics page runs on every engine: c = Conv3×3(x; W, B, pad 1), y = c·sigmoid(c) + b2.
// Its weights come from a closed formula so the ONNX file (scripts/make-diagnostic-onnx.ts) and the tfjs
// reference compute the same function without shipping weights twice.
import type * as tfType from '@tensorflow/tfjs-core'

export const TINY = { inChannels: 4, outChannels: 8, size: 8, batch: 2, kernel: 3 } as const

function formula(n: number, scale: number, phase: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = scale * Math.sin(0.731 * i + phase)
  return out
}

/** Conv weight in ONNX layout [out, in, kh, kw]. */
export const tinyWeight = (): Float32Array =>
  formula(TINY.outChannels * TINY.inChannels * TINY.kernel * TINY.kernel, 0.25, 0.1)
export const tinyBias = (): Float32Array => formula(TINY.outChannels, 0.1, 1.3)
export const tinyB2 = (): Float32Array => formula(TINY.outChannels * TINY.size * TINY.size, 0.05, 2.1)

/** Deterministic input [batch, in, size, size] (NCHW). */
export function tinyInput(): Float32Array {
  const { batch, inChannels, size } = TINY
  return formula(batch * inChannels * size * size, 1.5, 0.4)
}

/** The same function in tfjs (NCHW in and out), for agreement checks against ORT. */
export function tinyGraphTf(tf: typeof tfType, xNchw: tfType.Tensor4D): tfType.Tensor4D {
  return tf.tidy(() => {
    const { inChannels, outChannels, kernel, size } = TINY
    const w = tf.tensor4d(tinyWeight(), [outChannels, inChannels, kernel, kernel]).transpose([2, 3, 1, 0]) as tfType.Tensor4D
    const x = tf.transpose(xNchw, [0, 2, 3, 1]) as tfType.Tensor4D
    const c = tf.add(tf.conv2d(x, w, 1, 'same'), tf.tensor1d(tinyBias()))
    const y = tf.transpose(tf.mul(c, tf.sigmoid(c)), [0, 3, 1, 2])
    return tf.add(y, tf.tensor3d(tinyB2(), [outChannels, size, size])) as tfType.Tensor4D
  })
}
