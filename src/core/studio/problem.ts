// Builds a studio inverse problem from its configuration: the operator A (seeded, so every method sees the
// same one), the observation y = A x + σ_y ε (noise on every entry, §7), and the simple baseline the page
// shows (masked image, normalised back-projection Aᵀy ⊘ Aᵀ(A 1), zero-filled MRI = Aᵀy).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import type { Corruption } from './config'
import { boxMask, boxOperator, pixelMaskOperator, randomBoxMask, randomPixelMask } from '../operators/mask'
import { BlurOperator, motionBlurKernel } from '../operators/blur'
import { BicubicDownsample } from '../operators/bicubic'
import { MriOperator, columnMask } from '../operators/mri'

export type DisposableOperator = LinearOperator & { dispose(): void }

export class ProblemError extends Error {}

/** [C, H, W] of the model's images. */
export type ImageShape = readonly [number, number, number]

export function buildOperator(k: Corruption, [c, h, w]: ImageShape, seed: number): DisposableOperator {
  switch (k.kind) {
    case 'random':
      return pixelMaskOperator(randomPixelMask(h, w, k.missing, seed), c, h, w)
    case 'box': {
      const box = Math.min(k.box, h, w)
      // [B]: 16-px margin at 256 px → scaled to this size
      const margin = Math.max(0, Math.round((16 * h) / 256))
      const mask = k.top < 0 || k.left < 0
        ? randomBoxMask(h, w, box, margin, seed)
        : boxMask(h, w, box, box, Math.min(k.top, h - box), Math.min(k.left, w - box))
      return boxOperator(mask, c, h, w)
    }
    case 'blur': {
      const size = k.kernel % 2 === 1 ? k.kernel : k.kernel + 1
      return new BlurOperator(motionBlurKernel(size, k.intensity, seed), size, c, h, w)
    }
    case 'sr':
      if (h % k.factor !== 0 || w % k.factor !== 0) throw new ProblemError(`super-resolution ×${k.factor} needs a size divisible by ${k.factor}; the model's is ${h}×${w}`)
      return new BicubicDownsample(c, h, w, k.factor)
    case 'mri':
      if (c !== 1) throw new ProblemError('MRI undersampling needs a single-channel (magnitude) model such as mri-unet')
      return new MriOperator(columnMask(w, k.accel, seed), h, w)
  }
}

/** y = A x + σ_y ε for a batch x [B, C, H, W] (B = 1 in the studio); seeded. */
export function observe(A: LinearOperator, x: Tensor, sigmaY: number, seed: number): Tensor {
  return tf.tidy(() => {
    const ax = A.apply(x)
    return tf.add(ax, tf.mul(tf.randomNormal(ax.shape, 0, 1, 'float32', seed), sigmaY))
  })
}

/** The simple baseline: zero-filled Aᵀy for MRI, otherwise Aᵀy ⊘ Aᵀ(A 1) where that is positive. */
export function baseline(A: LinearOperator, kind: Corruption['kind'], y: Tensor, xShape: readonly number[]): Tensor {
  return tf.tidy(() => {
    const aty = A.adjoint(y)
    if (kind === 'mri') return aty
    const norm = A.adjoint(A.apply(tf.ones([...xShape])))
    return tf.where(tf.greater(norm, 1e-6), tf.div(aty, tf.maximum(norm, 1e-6)), tf.zerosLike(aty))
  })
}
