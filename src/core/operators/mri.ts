// Accelerated MRI (§8.2): y = complex2real(M ⊙ fft2c(x)), with fft2c = fftshift ∘ fft2 ∘ ifftshift,
// orthonormal, over (H, W); M selects columns. Input [B, 1, H, W] → output [B, 2, H, W] (real, imag).
// The centred DFT is a dense symmetric matrix C[k][n] = e^{−2πi (k−⌊N/2⌋)(n−⌊N/2⌋)/N}/√N, so
// fft2c(X) = C_H X C_W (matMuls: GPU-friendly, exact adjoint); Aᵀ y = Re(C̄_H (M ⊙ Y) C̄_W).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import { mulberry32 } from '../linalg/random'

function centredDft(n: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(n * n), im = new Float32Array(n * n)
  const c = Math.floor(n / 2), s = 1 / Math.sqrt(n)
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) {
    const ph = (-2 * Math.PI * (((k - c) * (j - c)) % n)) / n
    re[k * n + j] = Math.cos(ph) * s
    im[k * n + j] = Math.sin(ph) * s
  }
  return { re, im }
}

export class MriOperator implements LinearOperator {
  readonly name = 'mri'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly hr: Tensor; private readonly hi: Tensor; private readonly wr: Tensor; private readonly wi: Tensor
  private readonly m: Tensor // [1, 1, 1, W]

  constructor(readonly columnMask: Float32Array, readonly h: number, readonly w: number) {
    if (columnMask.length !== w) throw new Error(`mri: mask must have ${w} columns`)
    this.inShape = [1, h, w]
    this.outShape = [2, h, w]
    const H = centredDft(h), W = centredDft(w)
    this.hr = tf.keep(tf.tensor2d(H.re, [h, h])); this.hi = tf.keep(tf.tensor2d(H.im, [h, h]))
    this.wr = tf.keep(tf.tensor2d(W.re, [w, w])); this.wi = tf.keep(tf.tensor2d(W.im, [w, w]))
    this.m = tf.keep(tf.tensor4d(columnMask, [1, 1, 1, w]))
  }

  /** (Zr + iZi) ← (Ar + iAi)·(Xr + iXi) per image, batched over the leading axis, with sign ±1 on Ai. */
  private left(ar: Tensor, ai: Tensor, xr: Tensor, xi: Tensor | null, conj: boolean): [Tensor, Tensor] {
    const sg = conj ? -1 : 1
    const [b, h, w] = xr.shape as [number, number, number]
    // A·X_b for every b as one 2-D matMul: [h, h] × [h, b·w] (no broadcastTo: slow on tfjs-wasm)
    const L = (a: Tensor, x: Tensor): Tensor =>
      tf.transpose(tf.reshape(tf.matMul(a, tf.reshape(tf.transpose(x, [1, 0, 2]), [h, b * w])), [h, b, w]), [1, 0, 2])
    if (!xi) return [L(ar, xr), tf.mul(L(ai, xr), sg)]
    return [tf.sub(L(ar, xr), tf.mul(L(ai, xi), sg)), tf.add(tf.mul(L(ai, xr), sg), L(ar, xi))]
  }
  private right(zr: Tensor, zi: Tensor, br: Tensor, bi: Tensor, conj: boolean): [Tensor, Tensor] {
    const sg = conj ? -1 : 1
    const [b, h, w] = zr.shape
    const R = (z: Tensor, m: Tensor): Tensor => tf.reshape(tf.matMul(tf.reshape(z, [b * h, w]), m), [b, h, -1])
    return [tf.sub(R(zr, br), tf.mul(R(zi, bi), sg)), tf.add(tf.mul(R(zr, bi), sg), R(zi, br))]
  }

  apply(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [b, , h, w] = x.shape
      const X = tf.reshape(x, [b, h, w])
      const [zr, zi] = this.left(this.hr, this.hi, X, null, false)
      const [yr, yi] = this.right(zr, zi, this.wr, this.wi, false)
      return tf.mul(tf.stack([yr, yi], 1), this.m)
    })
  }

  adjoint(y: Tensor): Tensor {
    return tf.tidy(() => {
      const [b, , h, w] = y.shape
      const my = tf.mul(y, this.m)
      const yr = tf.reshape(tf.slice(my, [0, 0, 0, 0], [-1, 1, -1, -1]), [b, h, w])
      const yi = tf.reshape(tf.slice(my, [0, 1, 0, 0], [-1, 1, -1, -1]), [b, h, w])
      const [zr, zi] = this.left(this.hr, this.hi, yr, yi, true)
      const [xr] = this.right(zr, zi, this.wr, this.wi, true)
      return tf.reshape(xr, [b, 1, h, w])
    })
  }

  dispose(): void { tf.dispose([this.hr, this.hi, this.wr, this.wi, this.m]) }
}

/**
 * Column mask for acceleration R (§8.2). At W = 320 exactly [D]'s make_mask: P(keep) = 200/(320R − 120) and the
 * centre 2⌈60/R⌉ columns forced. Other widths scale it as §11.1 did: round(W/(2R)) centre columns, the rest
 * Bernoulli so that ≈ W/R columns are kept in expectation. Seeded.
 */
export function columnMask(w: number, r: number, seed: number): Float32Array {
  const u = mulberry32(seed)
  const mask = new Float32Array(w)
  let p: number, lo: number, hi: number
  if (w === 320) {
    p = 200 / (320 * r - 120)
    const half = Math.ceil(60 / r)
    lo = 160 - half; hi = 160 + half
  } else {
    const centre = Math.max(1, Math.round(w / (2 * r)))
    lo = Math.floor(w / 2) - Math.floor(centre / 2); hi = lo + centre
    p = Math.max(0, (w / r - centre) / (w - centre))
  }
  for (let j = 0; j < w; j++) mask[j] = j >= lo && j < hi ? 1 : u() < p ? 1 : 0
  return mask
}
