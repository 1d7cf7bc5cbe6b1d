// Bicubic down-sampling ×f with antialiasing, separable, mirror boundaries: [B]'s `util/resizer.py` (§7).
// Each axis is a dense out×in matrix W (tiny for 32–256 px), so A x = W_H X W_Wᵀ and Aᵀ y = W_Hᵀ Y W_W.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'

/** Keys cubic, a = −0.5 (§7). */
export function cubic(x: number): number {
  const a = Math.abs(x)
  if (a <= 1) return 1.5 * a ** 3 - 2.5 * a ** 2 + 1
  if (a <= 2) return -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2
  return 0
}

/** Per-axis resize matrix (out×in, row-major) for scale s = out/in ≤ 1, following `contributions()` (§7). */
export function resizeMatrix(inLen: number, outLen: number): Float64Array {
  const s = outLen / inLen
  const width = 4 / s // antialiasing: k(x) = s·cubic(s·x), width 4/s
  const k = (x: number): number => s * cubic(s * x)
  const taps = Math.ceil(width) + 2
  const mirror = [...Array.from({ length: inLen }, (_, i) => i), ...Array.from({ length: inLen }, (_, i) => inLen - 1 - i)]
  const W = new Float64Array(outLen * inLen)
  for (let o = 1; o <= outLen; o++) {
    const shifted = o - (outLen - inLen * s) / 2
    const match = shifted / s + 0.5 * (1 - 1 / s)
    const left = Math.floor(match - width / 2)
    const ws: number[] = [], idx: number[] = []
    for (let j = 0; j < taps; j++) {
      const fov = left + j - 1
      ws.push(k(match - fov - 1))
      idx.push(mirror[((fov % (2 * inLen)) + 2 * inLen) % (2 * inLen)])
    }
    const sum = ws.reduce((a, b) => a + b, 0) || 1
    ws.forEach((v, j) => { W[(o - 1) * inLen + idx[j]] += v / sum })
  }
  return W
}

export class BicubicDownsample implements LinearOperator {
  readonly name: string
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly wh: Tensor // [h, H]
  private readonly whT: Tensor
  private readonly ww: Tensor // [w, W]
  private readonly wwT: Tensor

  constructor(channels: number, readonly h: number, readonly w: number, readonly factor: number) {
    if (h % factor || w % factor) throw new Error(`bicubic: ${h}×${w} is not divisible by ${factor}`)
    const oh = h / factor, ow = w / factor
    this.name = `bicubic-x${factor}`
    this.inShape = [channels, h, w]
    this.outShape = [channels, oh, ow]
    this.wh = tf.keep(tf.tensor2d(Float32Array.from(resizeMatrix(h, oh)), [oh, h]))
    this.ww = tf.keep(tf.tensor2d(Float32Array.from(resizeMatrix(w, ow)), [ow, w]))
    this.whT = tf.keep(tf.transpose(this.wh))
    this.wwT = tf.keep(tf.transpose(this.ww))
  }

  /** X [B,C,H,W] → M_H X M_Wᵀ per channel, with M_H: [h', H], M_W: [w', W] (plain matMuls, no transposed flags). */
  private sep(x: Tensor, mh: Tensor, mwT: Tensor, outH: number, outW: number): Tensor {
    return tf.tidy(() => {
      const [b, c, H, W] = x.shape
      const rows = tf.matMul(tf.reshape(x, [b * c * H, W]), mwT) // [.., outW]
      const t = tf.transpose(tf.reshape(rows, [b * c, H, outW]), [0, 2, 1]) // [bc, outW, H]
      const cols = tf.matMul(tf.reshape(t, [b * c * outW, H]), tf.transpose(mh)) // [.., outH]
      return tf.transpose(tf.reshape(cols, [b, c, outW, outH]), [0, 1, 3, 2])
    })
  }

  apply(x: Tensor): Tensor { return this.sep(x, this.wh, this.wwT, this.outShape[1], this.outShape[2]) }
  adjoint(y: Tensor): Tensor { return this.sep(y, this.whT, this.ww, this.h, this.w) }
  dispose(): void { tf.dispose([this.wh, this.ww, this.whT, this.wwT]) }
}
