// One Adam step with clip_by_global_norm, as optax.chain(clip_by_global_norm(clip), adam(lr)) (algorithms.md §4.2
// "Optimiser"), shared by the manifold MLP and the digit U-Net trainers. Call inside tf.tidy; returns new tensors.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'

export const ADAM = { b1: 0.9, b2: 0.999, eps: 1e-8 } as const

export interface AdamTensors {
  /** First and second moments after the step, and the updated parameters. */
  newM: Tensor[]
  newV: Tensor[]
  newP: Tensor[]
}

/** Adam update at 1-based step `t` with learning rate `lr`, gradients clipped to global norm `clip` first. */
export function clippedAdamStep(grads: Tensor[], params: Tensor[], m: Tensor[], v: Tensor[], lr: number, t: number, clip: number): AdamTensors {
  const { b1, b2, eps } = ADAM
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))))
  const scale = tf.minimum(1, tf.div(clip, tf.maximum(norm, 1e-12)))
  const newM = grads.map((g, i) => tf.add(tf.mul(m[i]!, b1), tf.mul(tf.mul(g, scale), 1 - b1)))
  const newV = grads.map((g, i) => tf.add(tf.mul(v[i]!, b2), tf.mul(tf.square(tf.mul(g, scale)), 1 - b2)))
  const stepSize = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)
  const newP = params.map((p, i) => tf.sub(p, tf.mul(stepSize, tf.div(newM[i]!, tf.add(tf.sqrt(newV[i]!), eps)))))
  return { newM, newV, newP }
}

export interface FlatAdamTensors {
  /** Both moments as one flat vector each (the parameters' elements concatenated in order). */
  newM: Tensor
  newV: Tensor
  newP: Tensor[]
}

/**
 * The same step as `clippedAdamStep` (the same numbers up to the order of the norm's sum) on all parameters at
 * once: gradients flattened into one vector, the moments kept flat, the new parameters split back. About 20
 * kernels instead of ≈ 16 per parameter tensor: for a small network (the manifold MLP's 8 tensors) the per-kernel
 * overhead is the cost. `m`, `v`: flat vectors of the parameters' total size (zeros at the first step).
 */
export function clippedAdamStepFlat(grads: Tensor[], params: Tensor[], m: Tensor, v: Tensor, lr: number, t: number, clip: number): FlatAdamTensors {
  const { b1, b2, eps } = ADAM
  const g = tf.concat(grads.map((x) => tf.reshape(x, [-1])))
  const p = tf.concat(params.map((x) => tf.reshape(x, [-1])))
  const norm = tf.sqrt(tf.sum(tf.square(g)))
  const gs = tf.mul(g, tf.minimum(1, tf.div(clip, tf.maximum(norm, 1e-12))))
  const newM = tf.add(tf.mul(m, b1), tf.mul(gs, 1 - b1))
  const newV = tf.add(tf.mul(v, b2), tf.mul(tf.square(gs), 1 - b2))
  const stepSize = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)
  const flat = tf.sub(p, tf.mul(stepSize, tf.div(newM, tf.add(tf.sqrt(newV), eps))))
  const newP = tf.split(flat, params.map((x) => x.size)).map((x, i) => tf.reshape(x, params[i]!.shape))
  return { newM, newV, newP }
}
