// Motion blur (§7): a [MB]-style random kernel, applied per channel as reflect padding + 'valid'
// cross-correlation ([B]'s `ReflectionPad2d` + depthwise conv). Adjoint: transposed convolution onto the
// padded grid, then the reflect padding's adjoint folds the border back onto the mirrored rows/columns.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import { mulberry32 } from '../linalg/random'
import { resizeMatrix } from './bicubic'

export class BlurOperator implements LinearOperator {
  readonly name = 'motion-blur'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly k: Tensor4D // [k, k, 1, 1]
  private readonly p: number

  /** kernel: size×size row-major (odd size, size ≤ 2·min(H, W) − 1). */
  constructor(readonly kernel: Float32Array, readonly size: number, readonly channels: number, readonly h: number, readonly w: number) {
    if (size % 2 !== 1 || kernel.length !== size * size) throw new Error('blur: kernel must be odd-sized and square')
    this.p = (size - 1) / 2
    if (this.p >= Math.min(h, w)) throw new Error('blur: kernel too large for reflect padding')
    this.inShape = [channels, h, w]
    this.outShape = [channels, h, w]
    this.k = tf.keep(tf.tensor4d(kernel, [size, size, 1, 1]))
  }

  apply(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [b, c, h, w] = x.shape
      const img = tf.reshape(x, [b * c, h, w, 1]) as Tensor4D
      const padded = tf.mirrorPad(img, [[0, 0], [this.p, this.p], [this.p, this.p], [0, 0]], 'reflect')
      return tf.reshape(tf.conv2d(padded, this.k, 1, 'valid'), [b, c, h, w])
    })
  }

  adjoint(y: Tensor): Tensor {
    return tf.tidy(() => {
      const [b, c, h, w] = y.shape
      const p = this.p
      const img = tf.reshape(y, [b * c, h, w, 1]) as Tensor4D
      // adjoint of 'valid' cross-correlation: conv2dTranspose onto the padded grid
      let g = tf.conv2dTranspose(img, this.k, [b * c, h + 2 * p, w + 2 * p, 1], 1, 'valid')
      g = foldReflect(g, 1, h, p)
      g = foldReflect(g, 2, w, p)
      return tf.reshape(g, [b, c, h, w])
    })
  }

  dispose(): void { this.k.dispose() }
}

/** Adjoint of 'reflect' padding by p along `axis` (length n + 2p → n): padded index p−1−i ↔ i+1, n+p+i ↔ n−2−i. */
function foldReflect(g: Tensor4D, axis: 1 | 2, n: number, p: number): Tensor4D {
  if (p === 0) return g
  const begin = (start: number): number[] => (axis === 1 ? [0, start, 0, 0] : [0, 0, start, 0])
  const size = (len: number): number[] => (axis === 1 ? [-1, len, -1, -1] : [-1, -1, len, -1])
  const pad = (before: number, after: number): Array<[number, number]> => (axis === 1 ? [[0, 0], [before, after], [0, 0], [0, 0]] : [[0, 0], [0, 0], [before, after], [0, 0]])
  const centre = tf.slice(g, begin(p), size(n))
  const top = tf.reverse(tf.slice(g, begin(0), size(p)), axis) // → original indices 1..p
  const bottom = tf.reverse(tf.slice(g, begin(n + p), size(p)), axis) // → original indices n−1−p..n−2
  return tf.addN([centre, tf.pad(top, pad(1, n - 1 - p)), tf.pad(bottom, pad(n - 1 - p, 1))]) as Tensor4D
}

// ---- kernel generator, after [MB] `motionblur.py: Kernel(size, intensity)` (§7) ----

function gammaInt(k: number, u: () => number): number {
  let s = 0
  for (let i = 0; i < k; i++) s -= Math.log(Math.max(u(), 1e-300))
  return s
}
const beta = (a: number, b: number, u: () => number): number => { const x = gammaInt(a, u); return x / (x + gammaInt(b, u)) }
function triangular(lo: number, mode: number, hi: number, u: () => number): number {
  const v = u(), f = (mode - lo) / (hi - lo)
  return v < f ? lo + Math.sqrt(v * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - v) * (hi - lo) * (hi - mode))
}

/**
 * A seeded motion-blur kernel (size×size, sums to 1). Steps as §7 lists them: path length, Beta(1,30) steps,
 * triangular angles with Beta(2,20) sign jitter, centred and randomly rotated polyline on a 2s×2s canvas.
 * Without PIL: the line (width 1) is rasterised by dense bilinear splatting, blurred by a Gaussian of σ = 1
 * (PIL GaussianBlur radius int(0.01·Dg)), resized to s×s with the antialiased bicubic matrices instead of
 * LANCZOS, quantised to uint8 like PIL 'L', and normalised.
 */
export function motionBlurKernel(size: number, intensity: number, seed: number): Float32Array {
  const u = mulberry32(seed)
  const S = 2 * size
  const dg = Math.SQRT2 * S
  const eps = 0.1
  const maxLen = 0.75 * dg * (u() + u() * intensity * intensity)
  const steps: number[] = []
  while (steps.reduce((a, b) => a + b, 0) < maxLen) {
    const st = beta(1, 30, u) * (1 - intensity + eps) * dg
    if (st < maxLen) steps.push(st)
  }
  const maxAngle = u() * intensity * Math.PI
  const jitter = beta(2, 20, u)
  const angles = [(2 * u() - 1) * maxAngle]
  while (angles.length < steps.length) {
    const a = triangular(0, intensity * maxAngle, maxAngle + eps, u)
    const prev = angles[angles.length - 1]
    angles.push(u() < jitter ? -Math.sign(prev) * a : Math.sign(prev) * a)
  }
  // path = cumulative sum of step·e^{i·angle}, centred, rotated by U(0, π), moved to the canvas centre
  const pts: Array<[number, number]> = [[0, 0]]
  steps.forEach((st, i) => { const [x, y] = pts[pts.length - 1]; pts.push([x + st * Math.cos(angles[i]), y + st * Math.sin(angles[i])]) })
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length, my = pts.reduce((s, p) => s + p[1], 0) / pts.length
  const rot = u() * Math.PI, c = Math.cos(rot), s = Math.sin(rot)
  const path = pts.map(([x, y]) => { const dx = x - mx, dy = y - my; return [c * dx - s * dy + S / 2, s * dx + c * dy + S / 2] as [number, number] })
  // rasterise (intensity 255 like PIL's white line)
  const canvas = new Float64Array(S * S)
  const splat = (x: number, y: number, v: number): void => {
    const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0
    const put = (i: number, j: number, wgt: number): void => { if (i >= 0 && j >= 0 && i < S && j < S) canvas[j * S + i] = Math.min(255, canvas[j * S + i] + v * wgt) }
    put(x0, y0, (1 - fx) * (1 - fy)); put(x0 + 1, y0, fx * (1 - fy)); put(x0, y0 + 1, (1 - fx) * fy); put(x0 + 1, y0 + 1, fx * fy)
  }
  for (let i = 0; i + 1 < path.length; i++) {
    const [x1, y1] = path[i], [x2, y2] = path[i + 1]
    const n = Math.max(2, Math.ceil(4 * Math.hypot(x2 - x1, y2 - y1)))
    for (let k = 0; k <= n; k++) splat(x1 + ((x2 - x1) * k) / n, y1 + ((y2 - y1) * k) / n, 255 * 4 / n * Math.max(1, Math.hypot(x2 - x1, y2 - y1)) / 4)
  }
  // Gaussian blur σ = 1 (separable, radius 3)
  const g = [-3, -2, -1, 0, 1, 2, 3].map((d) => Math.exp(-(d * d) / 2))
  const gs = g.reduce((a, b) => a + b, 0)
  const blur1 = (src: Float64Array, horiz: boolean): Float64Array => {
    const out = new Float64Array(S * S)
    for (let j = 0; j < S; j++) for (let i = 0; i < S; i++) {
      let acc = 0
      for (let d = -3; d <= 3; d++) {
        const ii = horiz ? Math.min(S - 1, Math.max(0, i + d)) : i, jj = horiz ? j : Math.min(S - 1, Math.max(0, j + d))
        acc += src[jj * S + ii] * g[d + 3]
      }
      out[j * S + i] = acc / gs
    }
    return out
  }
  const blurred = blur1(blur1(canvas, true), false)
  // resize 2s → s: K = R C Rᵀ with the antialiased bicubic matrix R (s×2s)
  const R = resizeMatrix(S, size)
  const tmp = new Float64Array(size * S)
  for (let o = 0; o < size; o++) for (let j = 0; j < S; j++) { let a = 0; for (let i = 0; i < S; i++) a += R[o * S + i] * blurred[i * S + j]; tmp[o * S + j] = a }
  const k = new Float32Array(size * size)
  for (let o = 0; o < size; o++) for (let q = 0; q < size; q++) { let a = 0; for (let j = 0; j < S; j++) a += tmp[o * S + j] * R[q * S + j]; k[o * size + q] = Math.min(255, Math.max(0, Math.round(a))) }
  let sum = k.reduce((a, b) => a + b, 0)
  if (sum === 0) { k[(size * size - 1) / 2] = 1; sum = 1 } // degenerate path: identity kernel
  return k.map((v) => v / sum)
}
