// The manifold experiment's denoiser (algorithms.md §5 "Model"): TimeMLP with EDM preconditioning (§1.2),
// sinusoidal embedding of c_noise = ln σ (§1.3), LayerNorm after SiLU without affine, inox init.
//   input concat(c_in·x (d), emb(ln σ) (64)) → Linear 256 → SiLU → LN → Linear 256 → SiLU → LN
//   → Linear 256 → SiLU → LN → Linear d;   D = c_skip·x + c_out·F.
// Three forms of the same function: `mlpDenoise` (per-sample σ, tfjs autodiff through it; the reference the tests
// check the others against), `mlpLinearize` (one σ per batch, hand-written input VJP: the sampler's calls) and
// `mlpLossAndGrads` (the M-step loss with hand-written weight gradients: training). Per-kernel overhead dominates on
// tfjs-wasm at these sizes, so the hand-written passes halve the work (docs/manifold-retune.md §5).
// Linear layers use a custom gradient with explicit transposes: tfjs-wasm's transposed matMul (what
// autodiff uses by default) is ~10× slower than matMul(transpose(A), B) (stack-notes §4).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core'

export interface MlpConfig {
  features: number
  hidden: number
  layers: number
  embedding: number
}

export const MANIFOLD_MLP: MlpConfig = { features: 5, hidden: 256, layers: 3, embedding: 64 }

export interface MlpParams {
  weights: Tensor2D[]
  biases: Tensor1D[]
}

/** Flat, transferable weights (for storage and for moving between worker and page). */
export interface MlpWeights {
  config: MlpConfig
  shapes: number[][]
  data: Float32Array[]
}

/** Layer sizes in order: [in, hidden, …, out]. */
export function layerSizes(c: MlpConfig): number[] {
  return [c.features + c.embedding, ...Array<number>(c.layers).fill(c.hidden), c.features]
}

/** inox init: W ~ U(±1/√fan_in), b = 0. `seed` makes it reproducible. */
export function initMlp(c: MlpConfig, seed: number): MlpParams {
  const sizes = layerSizes(c)
  const weights: Tensor2D[] = []
  const biases: Tensor1D[] = []
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]!)
    weights.push(tf.randomUniform([sizes[i]!, sizes[i + 1]!], -bound, bound, 'float32', seed + i) as Tensor2D)
    biases.push(tf.zeros([sizes[i + 1]!]) as Tensor1D)
  }
  return { weights, biases }
}

export function disposeParams(p: MlpParams): void {
  tf.dispose([...p.weights, ...p.biases])
}

export async function exportWeights(c: MlpConfig, p: MlpParams): Promise<MlpWeights> {
  const all = [...p.weights, ...p.biases]
  return { config: c, shapes: all.map((t) => t.shape), data: await Promise.all(all.map((t) => t.data() as Promise<Float32Array>)) }
}

export function importWeights(w: MlpWeights): MlpParams {
  const n = w.config.layers + 1
  const expected = layerSizes(w.config)
  if (w.data.length !== 2 * n) throw new Error(`MLP weights: expected ${2 * n} arrays, got ${w.data.length}`)
  const tensors = w.data.map((d, i) => tf.tensor(d, w.shapes[i]))
  const weights = tensors.slice(0, n) as Tensor2D[]
  const biases = tensors.slice(n) as Tensor1D[]
  weights.forEach((t, i) => {
    if (t.shape[0] !== expected[i] || t.shape[1] !== expected[i + 1]) {
      tf.dispose(tensors)
      throw new Error(`MLP weights: layer ${i} has shape ${t.shape.join('×')}, expected ${expected[i]}×${expected[i + 1]}`)
    }
  })
  return { weights, biases }
}

/** Dense layer x·W + b with a backward pass made of plain (non-transposed-flag) matMuls. */
const linear = tf.customGrad(((...args: unknown[]) => {
  const [x, w, b, save] = args as [Tensor, Tensor, Tensor, (t: Tensor[]) => void]
  save([x, w])
  return {
    value: tf.add(tf.matMul(x as Tensor2D, w as Tensor2D), b),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as Tensor2D
      const [xs, ws] = saved as [Tensor2D, Tensor2D]
      return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)]
    },
  }
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: Tensor, w: Tensor, b: Tensor) => Tensor

/**
 * The same layer for Jacobian products w.r.t. the INPUT only (the E-step's VJP): the weight gradients
 * (a [fan_in × B]·[B × fan_out] product per layer, ~⅓ of the backward pass) are not needed, so they are
 * returned as zeros (customGrad needs one gradient per input).
 */
const linearInputGrad = tf.customGrad(((...args: unknown[]) => {
  const [x, w, b, save] = args as [Tensor, Tensor, Tensor, (t: Tensor[]) => void]
  save([w, b])
  return {
    value: tf.add(tf.matMul(x as Tensor2D, w as Tensor2D), b),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [ws, bs] = saved as [Tensor2D, Tensor]
      return [tf.matMul(dy as Tensor2D, tf.transpose(ws)), tf.zerosLike(ws), tf.zerosLike(bs)]
    },
  }
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: Tensor, w: Tensor, b: Tensor) => Tensor

/** LayerNorm over the last axis, ε = 1e-5, no affine ([inox]). */
function layerNorm(x: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)))
}

/** emb(c) = concat(sin(freqs·c), cos(freqs·c)), freqs = 1e-4^linspace(0, 1, F/2) (§1.3). c: [B, 1]. */
export function embedding(c: Tensor, features: number): Tensor {
  const half = features / 2
  const freqs = tf.pow(1e-4, tf.linspace(0, 1, half))
  const a = tf.mul(c, freqs.reshape([1, half]))
  return tf.concat([tf.sin(a), tf.cos(a)], 1)
}

/**
 * D(x, σ) with per-sample σ ([B] tensor) — §1.2 preconditioning with σ_data = 1. x: [B, d].
 * `weightGrads: false` when only input gradients will be taken (sampling); training needs the default.
 */
export function mlpDenoise(c: MlpConfig, p: MlpParams, x: Tensor, sigma: Tensor, weightGrads = true): Tensor {
  const lin = weightGrads ? linear : linearInputGrad
  return tf.tidy(() => {
    const s = sigma.reshape([-1, 1])
    const s2p1 = tf.add(tf.square(s), 1)
    const cIn = tf.rsqrt(s2p1)
    const cSkip = tf.reciprocal(s2p1)
    const cOut = tf.mul(s, cIn)
    let h: Tensor = tf.concat([tf.mul(x, cIn), embedding(tf.log(s), c.embedding)], 1)
    const last = p.weights.length - 1
    for (let i = 0; i < last; i++) {
      const z = lin(h, p.weights[i]!, p.biases[i]!)
      h = layerNorm(tf.mul(z, tf.sigmoid(z)))
    }
    const f = lin(h, p.weights[last]!, p.biases[last]!)
    return tf.add(tf.mul(cSkip, x), tf.mul(cOut, f))
  })
}

/** SiLU then LayerNorm (no affine) of z, with what the hand-written backward needs: r = (var + ε)^−½, the output
 * n, and SiLU's derivative s + a(1 − s). */
function siluLayerNorm(z: Tensor): { n: Tensor; r: Tensor; dSilu: Tensor } {
  const s = tf.sigmoid(z)
  const a = tf.mul(z, s)
  const cen = tf.sub(a, tf.mean(a, -1, true))
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(cen), -1, true), 1e-5))
  return { n: tf.mul(cen, r), r, dSilu: tf.add(s, tf.mul(a, tf.sub(1, s))) }
}

/** ∂z from ∂n through siluLayerNorm: ∂a = r (∂n − mean(∂n) − n · mean(∂n ⊙ n)), ∂z = ∂a ⊙ (s + a(1 − s)). */
function siluLayerNormBackward(g: Tensor, saved: { n: Tensor; r: Tensor; dSilu: Tensor }): Tensor {
  const { n, r, dSilu } = saved
  return tf.mul(tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(n, tf.mean(tf.mul(g, n), -1, true)))), dSilu)
}

/**
 * The weights re-arranged for `mlpLinearize` (kept tensors; dispose with `disposeMlpPrepared`): the first layer
 * split into its x rows W₀ₓ (d × h) and embedding rows W₀ₑ (e × h), and every Wᵀ the backward pass needs.
 */
export interface MlpPrepared {
  readonly w0x: Tensor2D
  readonly w0e: Tensor2D
  /** Transposes of [W₀ₓ, W₁, …, W_last]. */
  readonly wT: Tensor2D[]
}

export function prepareMlp(c: MlpConfig, p: MlpParams): MlpPrepared {
  const w0 = p.weights[0]!
  const t = tf.tidy(() => {
    const w0x = tf.slice(w0, [0, 0], [c.features, c.hidden]) as Tensor2D
    const w0e = tf.slice(w0, [c.features, 0], [c.embedding, c.hidden]) as Tensor2D
    return [w0x, w0e, ...[w0x, ...p.weights.slice(1)].map((w) => tf.transpose(w) as Tensor2D)]
  })
  return { w0x: t[0]!, w0e: t[1]!, wT: t.slice(2) }
}

export function disposeMlpPrepared(q: MlpPrepared): void {
  tf.dispose([q.w0x, q.w0e, ...q.wT])
}

/**
 * D(x, σ) for ONE σ shared by the batch, with a hand-written input VJP v ↦ (∂D/∂x)ᵀ v — the same function as
 * `mlpDenoise` with a uniform σ (up to float round-off), for the sampler's denoiser calls. Cheaper than the tape:
 * c_in, c_skip, c_out are scalars, the σ-embedding and its first-layer product emb(ln σ)·W₀ₑ + b₀ are one row
 * for the whole batch (no [B, e] sin/cos/concat), and the backward pass is explicit (siluLayerNormBackward).
 * Returns the kept output and the saved activations; `vjp` may be called any number of times before `dispose`
 * (`withVjp: false`: the forward only, nothing saved; `denoised` is then the caller's to dispose).
 */
export function mlpLinearize(c: MlpConfig, p: MlpParams, q: MlpPrepared, x: Tensor2D, sigma: number, withVjp = true): { denoised: Tensor; vjp: (v: Tensor) => Tensor; dispose: () => void } {
  const s2p1 = sigma * sigma + 1
  const cIn = 1 / Math.sqrt(s2p1)
  const cSkip = 1 / s2p1
  const cOut = sigma * cIn
  const last = p.weights.length - 1
  const fwd = tf.tidy(() => {
    const row = tf.add(tf.matMul(embedding(tf.tensor2d([[Math.log(sigma)]]), c.embedding), q.w0e), p.biases[0]!)
    let z = tf.add(tf.matMul(tf.mul(x, cIn), q.w0x), row)
    const layers: Array<ReturnType<typeof siluLayerNorm>> = []
    let h: Tensor = z
    for (let i = 0; i < last; i++) {
      if (i > 0) z = tf.add(tf.matMul(h as Tensor2D, p.weights[i]!), p.biases[i]!)
      const l = siluLayerNorm(z)
      h = l.n
      if (withVjp) layers.push(l)
    }
    const f = tf.add(tf.matMul(h as Tensor2D, p.weights[last]!), p.biases[last]!)
    const denoised = tf.add(tf.mul(x, cSkip), tf.mul(f, cOut))
    return { denoised, layers }
  })
  const saved = fwd.layers.flatMap((l) => [l.n, l.r, l.dSilu])
  const vjp = (v: Tensor): Tensor => tf.tidy(() => {
    if (!withVjp) throw new Error('mlpLinearize: called without withVjp, so no VJP')
    let g = tf.matMul(tf.mul(v, cOut) as Tensor2D, q.wT[last]!) as Tensor
    for (let i = last - 1; i >= 0; i--) g = tf.matMul(siluLayerNormBackward(g, fwd.layers[i]!) as Tensor2D, q.wT[i]!)
    return tf.add(tf.mul(v, cSkip), tf.mul(g, cIn))
  })
  return { denoised: fwd.denoised, vjp, dispose: () => tf.dispose([fwd.denoised, ...saved]) }
}

/**
 * The M-step loss (algorithms.md §1.4) and its weight gradients with a hand-written backward pass
 * (siluLayerNormBackward, as `mlpLinearize`; no input gradient): about half the kernels of the tape.
 *   loss = mean_b λ_b · mean_i (D(x_t,b, σ_b)_i − x_b,i)²,   x_t [B, d] noisy inputs, x [B, d] targets, σ and λ [B].
 * Returns the scalar loss and the gradients in the order [W₀, …, W_last, b₀, …, b_last] (= trainMlp's variables).
 * Call inside tf.tidy.
 */
export function mlpLossAndGrads(c: MlpConfig, p: MlpParams, xt: Tensor2D, x: Tensor2D, sigma: Tensor1D, lambda: Tensor1D): { loss: Tensor; grads: Tensor[] } {
  const [b, d] = xt.shape
  const s = sigma.reshape([-1, 1])
  const s2p1 = tf.add(tf.square(s), 1)
  const cIn = tf.rsqrt(s2p1)
  const cSkip = tf.reciprocal(s2p1)
  const cOut = tf.mul(s, cIn)
  const last = p.weights.length - 1
  const inputs: Tensor[] = [tf.concat([tf.mul(xt, cIn), embedding(tf.log(s), c.embedding)], 1)]
  const layers: Array<ReturnType<typeof siluLayerNorm>> = []
  for (let i = 0; i < last; i++) {
    const l = siluLayerNorm(tf.add(tf.matMul(inputs[i] as Tensor2D, p.weights[i]!), p.biases[i]!))
    layers.push(l)
    inputs.push(l.n)
  }
  const f = tf.add(tf.matMul(inputs[last] as Tensor2D, p.weights[last]!), p.biases[last]!)
  const err = tf.sub(tf.add(tf.mul(cSkip, xt), tf.mul(cOut, f)), x)
  const lam = lambda.reshape([-1, 1])
  const loss = tf.div(tf.sum(tf.mul(lam, tf.square(err))), b! * d!)
  // ∂loss/∂f = c_out · 2 λ (D − x) / (B d)
  let g: Tensor = tf.mul(tf.mul(lam, cOut), tf.mul(err, 2 / (b! * d!)))
  const gw: Tensor[] = new Array<Tensor>(last + 1)
  const gb: Tensor[] = new Array<Tensor>(last + 1)
  for (let i = last; i >= 0; i--) {
    if (i < last) g = siluLayerNormBackward(g, layers[i]!)
    gw[i] = tf.matMul(tf.transpose(inputs[i]!) as Tensor2D, g as Tensor2D)
    gb[i] = tf.sum(g, 0)
    if (i > 0) g = tf.matMul(g as Tensor2D, tf.transpose(p.weights[i]!) as Tensor2D)
  }
  return { loss, grads: [...gw, ...gb] }
}
