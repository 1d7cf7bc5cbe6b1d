// A small tfjs convolutional denoiser for images (NCHW), EDM-preconditioned with c_noise = ln σ (§1.2) and the
// sinusoidal embedding of §1.3, wrapped as a Denoiser with jacobian 'autodiff' (one forward per linearize, one
// backward per VJP). Random (seeded) weights: it exists for benchmarks and plumbing tests, not for quality.
//   F(x) = conv3×3(C→w) → +emb bias → SiLU → conv3×3(w→w) → SiLU → conv3×3(w→C)
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import { AutodiffDenoiser } from '../../core/denoisers/autodiff'
import { noiseEmbedding, preconditioned } from '../../core/diffusion/precondition'

export interface ConvDenoiserOptions {
  readonly channels: number
  readonly height: number
  readonly width: number
  readonly hidden?: number // w, default 32
  readonly embFeatures?: number // default 32
  readonly seed?: number
}

export interface ConvDenoiser { denoiser: AutodiffDenoiser; dispose(): void }

export function createConvDenoiser(opts: ConvDenoiserOptions): ConvDenoiser {
  const c = opts.channels, w = opts.hidden ?? 32, f = opts.embFeatures ?? 32
  let seed = opts.seed ?? 0
  const he = (shape: number[], fanIn: number): Tensor => tf.keep(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++))
  const k1 = he([3, 3, c, w], 9 * c) as Tensor4D
  const k2 = he([3, 3, w, w], 9 * w) as Tensor4D
  const k3 = tf.keep(tf.mul(he([3, 3, w, c], 9 * w), 0.1)) as Tensor4D
  const wEmb = he([f, w], f)
  // 'same' 3×3 convolution whose input gradient is another forward convolution with the flipped kernel and
  // in/out channels swapped: tfjs-wasm's Conv2DBackpropInput is ~10× slower than its Conv2D (measured in
  // bench/core.ts), and the weights' gradients are never needed here.
  const flip = (k: Tensor4D): Tensor4D => tf.keep(tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]))
  const convSame = (k: Tensor4D): ((h: Tensor4D) => Tensor4D) => {
    const kT = flip(k)
    weights.push(kT)
    const f = (h: Tensor): { value: Tensor; gradFunc: (dy: Tensor) => Tensor } => ({
      value: tf.conv2d(h as Tensor4D, k, 1, 'same'),
      gradFunc: (dy: Tensor) => tf.conv2d(dy as Tensor4D, kT, 1, 'same'),
    })
    return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (h: Tensor4D) => Tensor4D
  }
  const weights: Tensor[] = [k1, k2, k3, wEmb]
  const conv1 = convSame(k1), conv2 = convSame(k2), conv3 = convSame(k3)

  const silu = (t: Tensor): Tensor => tf.mul(t, tf.sigmoid(t))
  const net = (xIn: Tensor, cNoise: number): Tensor => {
    const h0 = tf.transpose(xIn, [0, 2, 3, 1]) as Tensor4D // NCHW → NHWC (tfjs convs are NHWC)
    const bias = tf.reshape(tf.matMul(tf.reshape(noiseEmbedding(cNoise, f), [1, f]), wEmb), [1, 1, 1, w])
    const h1 = silu(tf.add(conv1(h0), bias)) as Tensor4D
    const h2 = silu(conv2(h1)) as Tensor4D
    return tf.transpose(conv3(h2), [0, 3, 1, 2])
  }
  const denoiser = new AutodiffDenoiser('tfjs-conv', [c, opts.height, opts.width], preconditioned(net))
  return { denoiser, dispose: () => tf.dispose(weights) }
}
