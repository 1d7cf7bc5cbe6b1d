// Pixel masks: random inpainting and box inpainting (§7, §8.1). The mask is shared across channels and the
// observation keeps the image shape (masked entries are zero in A x; y keeps its noise there, §9.7).
// A = Aᵀ = diag(mask): self-adjoint.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import { mulberry32 } from '../linalg/random'

export class MaskOperator implements LinearOperator {
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly m: Tensor // [1, 1, H, W]

  /** mask: H×W entries in {0, 1} (row-major), applied to every channel of [B, C, H, W]. */
  constructor(readonly name: string, readonly mask: Float32Array, channels: number, readonly h: number, readonly w: number) {
    if (mask.length !== h * w) throw new Error(`mask: expected ${h}×${w} entries`)
    this.inShape = [channels, h, w]
    this.outShape = [channels, h, w]
    this.m = tf.keep(tf.tensor4d(mask, [1, 1, h, w]))
  }

  apply(x: Tensor): Tensor { return tf.mul(x, this.m) }
  adjoint(y: Tensor): Tensor { return tf.mul(y, this.m) }
  dispose(): void { this.m.dispose() }
}

/**
 * Random inpainting mask: exactly floor(H·W·missing) pixels deleted, chosen without replacement ([B]:
 * `int(256²·0.98)`, §7), seeded (mulberry32 Fisher–Yates).
 */
export function randomPixelMask(h: number, w: number, missing: number, seed: number): Float32Array {
  const n = h * w
  const idx = Array.from({ length: n }, (_, i) => i)
  const u = mulberry32(seed)
  const del = Math.floor(n * missing)
  for (let i = 0; i < del; i++) {
    const j = i + Math.floor(u() * (n - i))
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t
  }
  const mask = new Float32Array(n).fill(1)
  for (let i = 0; i < del; i++) mask[idx[i]] = 0
  return mask
}

/** Box mask: ones except a boxH×boxW block of zeros at (top, left). */
export function boxMask(h: number, w: number, boxH: number, boxW: number, top: number, left: number): Float32Array {
  const mask = new Float32Array(h * w).fill(1)
  for (let i = top; i < Math.min(h, top + boxH); i++) for (let j = left; j < Math.min(w, left + boxW); j++) mask[i * w + j] = 0
  return mask
}

/** [B]'s random box (§7): top, left uniform in [margin, size − box − margin), here scaled to any size. */
export function randomBoxMask(h: number, w: number, box: number, margin: number, seed: number): Float32Array {
  const u = mulberry32(seed)
  const top = margin + Math.floor(u() * Math.max(1, h - box - 2 * margin))
  const left = margin + Math.floor(u() * Math.max(1, w - box - 2 * margin))
  return boxMask(h, w, box, box, top, left)
}

export const pixelMaskOperator = (mask: Float32Array, c: number, h: number, w: number): MaskOperator => new MaskOperator('random-inpainting', mask, c, h, w)
export const boxOperator = (mask: Float32Array, c: number, h: number, w: number): MaskOperator => new MaskOperator('box-inpainting', mask, c, h, w)
