// EDM-style preconditioning with σ_data = 1 and c_noise = ln σ (§1.2), and the sinusoidal embedding (§1.3).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'

export interface EdmCoefficients { cSkip: number; cOut: number; cIn: number; cNoise: number }

/** §1.2: c_skip = 1/(σ²+1), c_out = σ/√(σ²+1), c_in = 1/√(σ²+1), c_noise = ln σ (natural log, not EDM's ¼ ln σ). */
export function edmCoefficients(sigma: number): EdmCoefficients {
  const s2 = sigma * sigma
  return { cSkip: 1 / (s2 + 1), cOut: sigma / Math.sqrt(s2 + 1), cIn: 1 / Math.sqrt(s2 + 1), cNoise: Math.log(sigma) }
}

/** A raw network F(c_in·x_t, c_noise) → output with x's shape. */
export type RawNetwork = (xIn: Tensor, cNoise: number) => Tensor

/** D(x_t, σ) = c_skip·x_t + c_out·F(c_in·x_t, ln σ) (§1.2). Differentiable in x_t (tfjs ops only). */
export function preconditioned(net: RawNetwork): (x: Tensor, sigma: number) => Tensor {
  return (x, sigma) => tf.tidy(() => {
    const c = edmCoefficients(sigma)
    return tf.add(tf.mul(x, c.cSkip), tf.mul(net(tf.mul(x, c.cIn), c.cNoise), c.cOut))
  })
}

/** §1.3: emb(c) = [sin(f·c), cos(f·c)] with f = (1e-4)^linspace(0, 1, F/2). Returns a [F] tensor. */
export function noiseEmbedding(cNoise: number, features: number): Tensor {
  const h = features / 2
  const vals = new Float32Array(features)
  for (let i = 0; i < h; i++) {
    const f = Math.pow(1e-4, h === 1 ? 0 : i / (h - 1))
    vals[i] = Math.sin(f * cNoise)
    vals[h + i] = Math.cos(f * cNoise)
  }
  return tf.tensor1d(vals)
}
