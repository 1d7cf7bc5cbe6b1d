// A batch through a tiny conv net and its gradient: the work each tfjs backend is checked on.
// f(x) = sum(silu(conv(silu(conv(x, W1)), W2))); we return f's value, the outputs and ∂f/∂x.
import type * as tfType from '@tensorflow/tfjs-core'

export const NET = { batch: 2, size: 16, cin: 3, hidden: 8 } as const

function formula(n: number, scale: number, phase: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = scale * Math.sin(0.577 * i + phase)
  return out
}

export interface NetResult {
  outputs: Float32Array
  gradient: Float32Array
}

export async function runTinyNet(tf: typeof tfType): Promise<NetResult> {
  const { batch, size, cin, hidden } = NET
  const [out, grad] = tf.tidy(() => {
    const x = tf.tensor4d(formula(batch * size * size * cin, 1, 0.2), [batch, size, size, cin])
    const w1 = tf.tensor4d(formula(9 * cin * hidden, 0.3, 0.5), [3, 3, cin, hidden])
    const w2 = tf.tensor4d(formula(9 * hidden * cin, 0.2, 0.9), [3, 3, hidden, cin])
    const net = (v: tfType.Tensor4D): tfType.Tensor4D => {
      const h = tf.conv2d(v, w1, 1, 'same')
      const a = tf.mul(h, tf.sigmoid(h)) as tfType.Tensor4D
      const o = tf.conv2d(a, w2, 1, 'same')
      return tf.mul(o, tf.sigmoid(o)) as tfType.Tensor4D
    }
    const g = tf.grad((v: tfType.Tensor) => tf.sum(net(v as tfType.Tensor4D)))(x)
    return [net(x), g]
  })
  try {
    return { outputs: (await out.data()) as Float32Array, gradient: (await grad.data()) as Float32Array }
  } finally {
    out.dispose()
    grad.dispose()
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY
  let m = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d
  }
  return m
}
