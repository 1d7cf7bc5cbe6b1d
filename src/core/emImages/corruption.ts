// Per-observation corruptions of the image EM lab (issue 13, as the paper's §8.1: every observation has its own
// operator). y_i = A_i x_i + σ_y ε on every entry (masked entries keep their noise, §9.7), x in model space.
//   'pixels': random pixel deletion (default 75 %, exactly floor(n·p) pixels, operators/mask.ts randomPixelMask)
//   'box':    one square box deleted at a random place (operators/mask.ts randomBoxMask)
//   'blur':   a random motion-blur kernel per observation (operators/blur.ts motionBlurKernel), zero padding
// The operators act on a batch of B observations at once: [B, ...] with n = h·w entries per sample (any
// trailing shape, e.g. [B, 784] or [B, 1, 28, 28]); the result has the input's shape.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import { randomBoxMask, randomPixelMask } from '../operators/mask'
import { motionBlurKernel } from '../operators/blur'
import { fillNormal, mulberry32 } from '../linalg/random'

export type CorruptionKind = 'pixels' | 'box' | 'blur'
export const CORRUPTION_KINDS: readonly CorruptionKind[] = ['pixels', 'box', 'blur']

export interface CorruptionSpec {
  readonly kind: CorruptionKind
  /** 'pixels': fraction deleted (default 0.75). */
  readonly missing?: number
  /** 'box': side in pixels (default 12). */
  readonly box?: number
  /** 'blur': kernel size (odd, default 7) and motion intensity (default 0.5). */
  readonly kernelSize?: number
  readonly intensity?: number
  /** Observation noise std in model units ([−1, 1]); default 0.01. */
  readonly sigmaY?: number
}

/** count observations with their own operators; plain arrays (transferable, storable). */
export interface ImageObservations {
  readonly kind: CorruptionKind
  readonly count: number
  readonly h: number
  readonly w: number
  readonly sigmaY: number
  /** count × n observations. */
  readonly y: Float32Array
  /** 'pixels' / 'box': count × n masks in {0, 1}. */
  readonly masks?: Float32Array
  /** 'blur': count × k × k kernels. */
  readonly kernels?: Float32Array
  readonly kernelSize?: number
}

/** A batched operator that owns tensors. */
export interface BatchedOperator extends LinearOperator {
  readonly batch: number
  dispose(): void
}

export function validateSpec(spec: CorruptionSpec): Required<CorruptionSpec> {
  const s = { missing: 0.75, box: 12, kernelSize: 7, intensity: 0.5, sigmaY: 0.01, ...spec }
  if (!CORRUPTION_KINDS.includes(s.kind)) throw new Error(`corruption must be one of ${CORRUPTION_KINDS.join(', ')}, got "${String(s.kind)}"`)
  if (!(s.missing >= 0 && s.missing < 1)) throw new Error(`deleted fraction must be in [0, 1), got ${s.missing}`)
  if (!(Number.isInteger(s.box) && s.box >= 1)) throw new Error(`box side must be a positive integer, got ${s.box}`)
  if (!(Number.isInteger(s.kernelSize) && s.kernelSize % 2 === 1 && s.kernelSize >= 3)) throw new Error(`blur kernel size must be odd and ≥ 3, got ${s.kernelSize}`)
  if (!(s.intensity >= 0 && s.intensity <= 1)) throw new Error(`blur intensity must be in [0, 1], got ${s.intensity}`)
  if (!(s.sigmaY > 0)) throw new Error(`σ_y must be positive, got ${s.sigmaY}`)
  return s
}

/** Pixel-wise masks, one per sample: A = Aᵀ = diag(m_b). */
export class BatchedMaskOperator implements BatchedOperator {
  readonly name = 'batched-mask'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly m: Tensor
  constructor(masks: Float32Array, readonly batch: number, readonly n: number) {
    if (masks.length !== batch * n) throw new Error(`batched mask: expected ${batch}×${n} entries, got ${masks.length}`)
    this.inShape = [n]
    this.outShape = [n]
    this.m = tf.keep(tf.tensor2d(masks, [batch, n]))
  }
  /** The [B, n] mask tensor (owned by the operator). */
  get mask(): Tensor { return this.m }
  apply(x: Tensor): Tensor { return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [this.batch, this.n]), this.m), x.shape)) }
  adjoint(y: Tensor): Tensor { return this.apply(y) }
  dispose(): void { this.m.dispose() }
}

/**
 * One blur kernel per sample, 'same' cross-correlation with zero padding: the batch goes into the channel axis
 * of a depthwise convolution ([1, h, w, B] ⊛ [k, k, B, 1]). Adjoint: the same with each kernel flipped
 * (exact for zero padding and odd k).
 */
export class BatchedBlurOperator implements BatchedOperator {
  readonly name = 'batched-blur'
  readonly inShape: readonly number[]
  readonly outShape: readonly number[]
  private readonly k: Tensor4D
  private readonly kFlip: Tensor4D
  constructor(kernels: Float32Array, readonly batch: number, readonly h: number, readonly w: number, readonly size: number) {
    if (size % 2 !== 1 || kernels.length !== batch * size * size) throw new Error(`batched blur: expected ${batch} odd ${size}×${size} kernels`)
    this.inShape = [h * w]
    this.outShape = [h * w]
    const kk = size * size
    const k = new Float32Array(kk * batch), kf = new Float32Array(kk * batch)
    for (let b = 0; b < batch; b++) for (let i = 0; i < kk; i++) {
      k[i * batch + b] = kernels[b * kk + i]!
      kf[(kk - 1 - i) * batch + b] = kernels[b * kk + i]!
    }
    this.k = tf.keep(tf.tensor4d(k, [size, size, batch, 1]))
    this.kFlip = tf.keep(tf.tensor4d(kf, [size, size, batch, 1]))
  }
  private conv(x: Tensor, k: Tensor4D): Tensor {
    return tf.tidy(() => {
      const img = tf.reshape(tf.transpose(tf.reshape(x, [this.batch, this.h * this.w])), [1, this.h, this.w, this.batch]) as Tensor4D
      const out = tf.depthwiseConv2d(img, k, 1, 'same')
      return tf.reshape(tf.transpose(tf.reshape(out, [this.h * this.w, this.batch])), x.shape)
    })
  }
  apply(x: Tensor): Tensor { return this.conv(x, this.k) }
  adjoint(y: Tensor): Tensor { return this.conv(y, this.kFlip) }
  dispose(): void { this.k.dispose(); this.kFlip.dispose() }
}

/** Seeded per-observation operators for `count` observations of h×w images (masks or kernels). */
export function makeOperators(spec: CorruptionSpec, count: number, h: number, w: number, seed: number): Pick<ImageObservations, 'masks' | 'kernels' | 'kernelSize'> {
  const s = validateSpec(spec)
  const n = h * w
  const u = mulberry32(seed)
  const seeds = Array.from({ length: count }, () => Math.floor(u() * 2147483647))
  if (s.kind === 'blur') {
    const kk = s.kernelSize * s.kernelSize
    const kernels = new Float32Array(count * kk)
    seeds.forEach((sd, i) => kernels.set(motionBlurKernel(s.kernelSize, s.intensity, sd), i * kk))
    return { kernels, kernelSize: s.kernelSize }
  }
  const masks = new Float32Array(count * n)
  const margin = Math.max(0, Math.floor((Math.min(h, w) - s.box) / 4))
  seeds.forEach((sd, i) => masks.set(s.kind === 'pixels' ? randomPixelMask(h, w, s.missing, sd) : randomBoxMask(h, w, s.box, margin, sd), i * n))
  return { masks }
}

/** The operator of observations [start, start + batch). */
export function operatorFor(obs: Pick<ImageObservations, 'kind' | 'h' | 'w' | 'masks' | 'kernels' | 'kernelSize'>, start: number, batch: number): BatchedOperator {
  const n = obs.h * obs.w
  if (obs.kind === 'blur') {
    const k = obs.kernelSize!, kk = k * k
    return new BatchedBlurOperator(obs.kernels!.subarray(start * kk, (start + batch) * kk), batch, obs.h, obs.w, k)
  }
  return new BatchedMaskOperator(obs.masks!.subarray(start * n, (start + batch) * n), batch, n)
}

/** Corrupts `x` (count × n, model space): per-observation operators and y = A x + σ_y ε. */
export function corrupt(x: Float32Array, count: number, h: number, w: number, spec: CorruptionSpec, seed: number, chunk = 512): ImageObservations {
  const s = validateSpec(spec)
  const n = h * w
  if (x.length !== count * n) throw new Error(`corrupt: expected ${count}×${n} values, got ${x.length}`)
  const ops = makeOperators(s, count, h, w, seed)
  const base = { kind: s.kind, count, h, w, sigmaY: s.sigmaY, ...ops }
  const y = new Float32Array(count * n)
  const noise = fillNormal(new Float32Array(count * n), mulberry32(seed ^ 0x5bd1e995))
  for (let start = 0; start < count; start += chunk) {
    const b = Math.min(chunk, count - start)
    const op = operatorFor(base, start, b)
    const ax = tf.tidy(() => op.apply(tf.tensor2d(x.subarray(start * n, (start + b) * n), [b, n])))
    y.set(ax.dataSync(), start * n)
    ax.dispose()
    op.dispose()
  }
  for (let i = 0; i < y.length; i++) y[i]! += s.sigmaY * noise[i]!
  return { ...base, y }
}

/** Observations [start, start + count) as their own set. */
export function sliceObservations(obs: ImageObservations, start: number, count: number): ImageObservations {
  const n = obs.h * obs.w
  const kk = (obs.kernelSize ?? 0) ** 2
  return {
    ...obs,
    count,
    y: obs.y.subarray(start * n, (start + count) * n),
    masks: obs.masks?.subarray(start * n, (start + count) * n),
    kernels: obs.kernels?.subarray(start * kk, (start + count) * kk),
  }
}
