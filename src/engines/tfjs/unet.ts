// A small U-Net denoiser for 28×28 grey images (issue 13), after [D] `diem/nn.py: UNet` (algorithms.md §8.3),
// scaled down for a 2-core CPU, with §1.2 preconditioning (σ_data = 1, c_noise = ln σ) and the §1.3 embedding:
//   x [B, 784] → c_in·x → 2×2 pixel-unshuffle → [B, 14, 14, 4]            (as [D]'s FlatUNet does for MRI, 4×4)
//   level 0 (14×14, C0): Conv3×3(4 → C0), `blocks` × ResBlock(C0)           → skip
//   level 1 (7×7, C1):   2×2 unshuffle + Linear(4·C0 → C1) (= a stride-2 2×2 conv) → LayerNorm,
//                        `blocks` × ResBlock(C1) (descent), `blocks` × ResBlock(C1) (ascent)
//   up:                  LayerNorm → Linear(C1 → 4·C0) + 2×2 pixel-shuffle (= a stride-2 transposed conv)
//   level 0 (ascent):    concat(x, skip) → Conv3×3(2·C0 → C0), `blocks` × ResBlock(C0), Linear(C0 → 4), shuffle
//   D = c_skip·x + c_out·F.
// ResBlock as §8.3: (a, b, c) = Linear(SiLU(Linear(e))) (last ×0.1 at init), y = LN((a+1)x + b), Conv, SiLU, Conv,
// out = (x + c·y)/√(1 + c²). LayerNorm over channels, ε = 1e-5, no affine. No attention, no dropout (small data).
//
// tfjs-wasm traps handled here (stack-notes §4, and measured for this file on 2026-12-01): the wasm backend has
// NO Conv2DBackpropFilter kernel (autodiff through tf.conv2d fails for weight gradients) and its
// Conv2DBackpropInput is ~4.6× slower than Conv2D; transposed-flag matMuls are ~10× slower than explicit
// transposes. So every conv and linear layer has a custom gradient: input gradient = a forward conv with the
// flipped kernel, weight gradient = one forward conv of the batch-transposed input with dy as the filter, linear layers with
// explicit transposes. `weightGrads: false` (sampling, VJPs w.r.t. x only) skips the weight gradients.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core'
import { embedding } from './mlp'

export interface UnetConfig {
  /** Channels at 14×14 and 7×7. */
  readonly channels: readonly [number, number]
  /** ResBlocks per level, in the descent and again in the ascent. */
  readonly blocks: number
  /** Noise-embedding features (§1.3). */
  readonly embedding: number
}

export const SIDE = 28
export const PIXELS = SIDE * SIDE

export type UnetParams = Map<string, Tensor>

/** Flat, transferable weights (storage, worker ↔ page). */
export interface UnetWeights {
  config: UnetConfig
  names: string[]
  shapes: number[][]
  data: Float32Array[]
}

/** Parameter names and shapes, in a fixed order. */
export function parameterShapes(c: UnetConfig): Array<[string, number[]]> {
  const [c0, c1] = c.channels
  const e = c.embedding
  const out: Array<[string, number[]]> = []
  const res = (p: string, ch: number): void => {
    out.push([`${p}.m1.w`, [e, e]], [`${p}.m1.b`, [e]], [`${p}.m2.w`, [e, 3 * ch]], [`${p}.m2.b`, [3 * ch]])
    out.push([`${p}.conv1.w`, [3, 3, ch, ch]], [`${p}.conv1.b`, [ch]], [`${p}.conv2.w`, [3, 3, ch, ch]], [`${p}.conv2.b`, [ch]])
  }
  out.push(['in.w', [3, 3, 4, c0]], ['in.b', [c0]])
  for (let k = 0; k < c.blocks; k++) res(`d0.${k}`, c0)
  out.push(['down.w', [4 * c0, c1]], ['down.b', [c1]])
  for (let k = 0; k < c.blocks; k++) res(`d1.${k}`, c1)
  for (let k = 0; k < c.blocks; k++) res(`u1.${k}`, c1)
  out.push(['up.w', [c1, 4 * c0]], ['up.b', [4 * c0]], ['cat.w', [3, 3, 2 * c0, c0]], ['cat.b', [c0]])
  for (let k = 0; k < c.blocks; k++) res(`u0.${k}`, c0)
  out.push(['out.w', [c0, 4]], ['out.b', [4]])
  return out
}

/** Init as [D]/inox: weights U(±1/√fan_in), biases 0, each modulation's last layer ×0.1. Seeded. */
export function initUnet(c: UnetConfig, seed: number): UnetParams {
  const p: UnetParams = new Map()
  let s = seed
  for (const [name, shape] of parameterShapes(c)) {
    if (name.endsWith('.b')) { p.set(name, tf.zeros(shape)); continue }
    const fanIn = shape.length === 4 ? shape[0]! * shape[1]! * shape[2]! : shape[0]!
    const bound = (name.includes('.m2.') ? 0.1 : 1) / Math.sqrt(fanIn)
    p.set(name, tf.randomUniform(shape, -bound, bound, 'float32', s++))
  }
  return p
}

export function disposeUnet(p: UnetParams): void { tf.dispose([...p.values()]) }

export async function exportUnet(c: UnetConfig, p: UnetParams): Promise<UnetWeights> {
  const names = parameterShapes(c).map(([n]) => n)
  const ts = names.map((n) => p.get(n)!)
  return { config: c, names, shapes: ts.map((t) => t.shape), data: await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>)) }
}

export function importUnet(w: UnetWeights): UnetParams {
  const expected = parameterShapes(w.config)
  if (w.names.length !== expected.length || w.data.length !== expected.length) throw new Error(`U-Net weights: expected ${expected.length} arrays, got ${w.data.length}`)
  const p: UnetParams = new Map()
  expected.forEach(([name, shape], i) => {
    const size = shape.reduce((a, b) => a * b, 1)
    if (w.names[i] !== name || w.data[i]!.length !== size) {
      disposeUnet(p)
      throw new Error(`U-Net weights: entry ${i} is ${w.names[i]} with ${w.data[i]!.length} values, expected ${name} ${shape.join('×')}`)
    }
    p.set(name, tf.tensor(w.data[i]!, shape))
  })
  return p
}

type Saver = (t: Tensor[]) => void
type CustomFn = Parameters<typeof tf.customGrad>[0]

const flip = (k: Tensor): Tensor4D => tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]) as Tensor4D

/**
 * dW of a 'same' 3×3 conv, dW[i, j, c, o] = Σ_{b,y,x} xpad[b, y+i, x+j, c] · dy[b, y, x, o], as ONE forward conv:
 * the padded input with batch and channels swapped, [Ci, H+2, W+2, B], 'valid'-convolved with dy as an H×W
 * filter [H, W, B, Co] gives [Ci, 3, 3, Co]. On tfjs-wasm (XNNPACK) this is 5–10× faster than 9 shifted matMuls
 * or im2col + one matMul (bench/profileUnet.ts, 2026-12-01).
 */
export function convWeightGrad(x: Tensor4D, dy: Tensor4D): Tensor {
  const xt = tf.transpose(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), [3, 1, 2, 0]) as Tensor4D
  const f = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D
  return tf.transpose(tf.conv2d(xt, f, 1, 'valid'), [1, 2, 0, 3])
}

function makeConv(weightGrads: boolean): (x: Tensor, w: Tensor) => Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const [x, w, save] = args as [Tensor4D, Tensor4D, Saver]
    save([x, w])
    return {
      value: tf.conv2d(x, w, 1, 'same'),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor4D
        const [xs, ws] = saved as [Tensor4D, Tensor4D]
        return [tf.conv2d(g, flip(ws), 1, 'same'), weightGrads ? convWeightGrad(xs, g) : tf.zerosLike(ws)]
      },
    }
  }) as CustomFn) as unknown as (x: Tensor, w: Tensor) => Tensor
}

function makeLinear(weightGrads: boolean): (x: Tensor, w: Tensor) => Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const [x, w, save] = args as [Tensor2D, Tensor2D, Saver]
    save([x, w])
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor2D
        const [xs, ws] = saved as [Tensor2D, Tensor2D]
        return [tf.matMul(g, tf.transpose(ws)), weightGrads ? tf.matMul(tf.transpose(xs), g) : tf.zerosLike(ws)]
      },
    }
  }) as CustomFn) as unknown as (x: Tensor, w: Tensor) => Tensor
}

const ops = { train: { conv: makeConv(true), linear: makeLinear(true) }, sample: { conv: makeConv(false), linear: makeLinear(false) } }

const silu = (t: Tensor): Tensor => tf.mul(t, tf.sigmoid(t))

function layerNorm(x: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)))
}

/** [B, H, W, C] → [B, H/2, W/2, 4C] (channel order di, dj, c) with rank-4 reshapes/transposes only. */
export function unshuffle(x: Tensor): Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number]
  return tf.reshape(tf.transpose(tf.reshape(x, [b * (h / 2), 2, w / 2, 2 * c]), [0, 2, 1, 3]), [b, h / 2, w / 2, 4 * c])
}

/** Inverse of unshuffle: [B, H, W, 4C] → [B, 2H, 2W, C]. */
export function shuffle(x: Tensor): Tensor {
  const [b, h, w, c4] = x.shape as [number, number, number, number]
  const c = c4 / 4
  return tf.reshape(tf.transpose(tf.reshape(x, [b * h, w, 2, 2 * c]), [0, 2, 1, 3]), [b, 2 * h, 2 * w, c])
}

/**
 * D(x, σ) for x [B, 784] in model space and per-sample σ [B] (§1.2). `weightGrads: false` when only input
 * gradients will be taken (the E-step's VJPs); training needs the default.
 */
export function unetDenoise(c: UnetConfig, p: UnetParams, x: Tensor, sigma: Tensor, weightGrads = true): Tensor {
  const { conv, linear } = weightGrads ? ops.train : ops.sample
  const P = (n: string): Tensor => { const t = p.get(n); if (!t) throw new Error(`U-Net: missing parameter ${n}`); return t }
  const lin4 = (h: Tensor, name: string): Tensor => {
    const [b, hh, ww, ci] = h.shape as [number, number, number, number]
    const w = P(`${name}.w`)
    return tf.reshape(tf.add(linear(tf.reshape(h, [b * hh * ww, ci]), w), P(`${name}.b`)), [b, hh, ww, w.shape[1]!])
  }
  const conv3 = (h: Tensor, name: string): Tensor => tf.add(conv(h, P(`${name}.w`)), P(`${name}.b`))
  return tf.tidy(() => {
    const b = x.shape[0]!
    const s = tf.reshape(sigma, [-1, 1])
    const s2p1 = tf.add(tf.square(s), 1)
    const cIn = tf.rsqrt(s2p1)
    const cSkip = tf.reciprocal(s2p1)
    const cOut = tf.mul(s, cIn)
    const flat = tf.reshape(x, [b, PIXELS])
    const emb = embedding(tf.log(s), c.embedding)
    const resBlock = (h: Tensor, name: string): Tensor => {
      const ch = h.shape[3]!
      const m = tf.add(linear(silu(tf.add(linear(emb, P(`${name}.m1.w`)), P(`${name}.m1.b`))), P(`${name}.m2.w`)), P(`${name}.m2.b`))
      // three slices, not tf.split: split's gradient is a last-axis Concat, the slowest kernel on tfjs-wasm
      // (a JS copy loop per row); a slice's gradient is a pad
      const part = (k: number): Tensor => tf.reshape(tf.slice(m, [0, k * ch], [b, ch]), [b, 1, 1, ch])
      const ma = part(0), mb = part(1), mc = part(2)
      let y = layerNorm(tf.add(tf.mul(tf.add(ma, 1), h), mb))
      y = silu(conv3(y, `${name}.conv1`))
      y = conv3(y, `${name}.conv2`)
      return tf.div(tf.add(h, tf.mul(mc, y)), tf.sqrt(tf.add(tf.square(mc), 1)))
    }
    let h = unshuffle(tf.reshape(tf.mul(flat, cIn), [b, SIDE, SIDE, 1]))
    h = conv3(h, 'in')
    for (let k = 0; k < c.blocks; k++) h = resBlock(h, `d0.${k}`)
    const skip = h
    h = layerNorm(lin4(unshuffle(h), 'down'))
    for (let k = 0; k < c.blocks; k++) h = resBlock(h, `d1.${k}`)
    for (let k = 0; k < c.blocks; k++) h = resBlock(h, `u1.${k}`)
    h = shuffle(lin4(layerNorm(h), 'up'))
    // conv(concat(h, skip)) as conv(h, W[:, :, :C0]) + conv(skip, W[:, :, C0:]): no Concat (see the ResBlock)
    const wc = P('cat.w')
    const c0 = h.shape[3]!
    h = tf.add(tf.add(conv(h, tf.slice(wc, [0, 0, 0, 0], [3, 3, c0, c0])), conv(skip, tf.slice(wc, [0, 0, c0, 0], [3, 3, c0, c0]))), P('cat.b'))
    for (let k = 0; k < c.blocks; k++) h = resBlock(h, `u0.${k}`)
    const f = tf.reshape(shuffle(lin4(h, 'out')), [b, PIXELS])
    return tf.reshape(tf.add(tf.mul(cSkip, flat), tf.mul(cOut, f)), x.shape)
  })
}
