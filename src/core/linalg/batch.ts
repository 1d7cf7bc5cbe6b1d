// Per-sample reductions on [B, ...] tensors. Scalars stay on the device as [B] tensors (no read-back).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'

/** ⟨a_b, b_b⟩ for each batch element: [B, ...] × [B, ...] → [B]. */
export function bdot(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => {
    const p = tf.mul(a, b)
    return p.rank === 1 ? p : tf.sum(tf.reshape(p, [p.shape[0], -1]), 1)
  })
}

/** Reshape a [B] tensor so it broadcasts against a tensor of the given rank. */
export function bcast(s: Tensor, rank: number): Tensor {
  return tf.reshape(s, [s.shape[0], ...Array<number>(Math.max(rank - 1, 0)).fill(1)])
}

/** s_b · x_b with s: [B]. */
export function bscale(s: Tensor, x: Tensor): Tensor {
  return tf.tidy(() => tf.mul(bcast(s, x.rank), x))
}

/** tf.tidy for a function returning a plain object of tensors (tidy's own type only admits TensorContainer). */
export function tidyObject<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T
}
