import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { convWeightGrad, initUnet, parameterShapes, shuffle, unetDenoise, unshuffle, exportUnet, importUnet, type UnetConfig } from './unet'
import { denoiserLoss } from './unetTrain'
import { UnetModel } from './unetModel'
import { mulberry32, fillNormal } from '../../core/linalg/random'

// wasm, the backend the CLI and the page's worker use (and the one without Conv2DBackpropFilter)
beforeAll(async () => { await tf.setBackend('wasm') })

const cfg: UnetConfig = { channels: [8, 16], blocks: 1, embedding: 16 }

describe('U-Net (§8.3, small)', () => {
  it('pixel (un)shuffle are inverse permutations', () => {
    const x = tf.randomNormal([2, 4, 6, 3])
    const u = unshuffle(x)
    expect(u.shape).toEqual([2, 2, 3, 12])
    expect(tf.max(tf.abs(tf.sub(shuffle(u), x))).dataSync()[0]).toBe(0)
    // unshuffle(x)[b, i, j, (di·2 + dj)·C + c] = x[b, 2i + di, 2j + dj, c]
    const xv = x.arraySync() as number[][][][], uv = u.arraySync() as number[][][][]
    expect(uv[1]![1]![2]![(1 * 2 + 0) * 3 + 2]).toBe(xv[1]![3]![4]![2])
  })
  it('custom gradients (conv weight grads as one transposed conv, flipped-kernel input grads, the split cat conv) match finite differences', () => {
    const p = initUnet(cfg, 3)
    const x = tf.randomNormal([3, 784], 0, 1, 'float32', 1), sig = tf.tensor1d([0.05, 0.5, 3]), z = tf.randomNormal([3, 784], 0, 1, 'float32', 2)
    const names = parameterShapes(cfg).map(([n]) => n)
    const f = (...ps: tf.Tensor[]) => denoiserLoss(cfg, new Map(names.map((n, i) => [n, ps[i]!])), x, sig, z)
    const { grads } = tf.valueAndGrads(f)(names.map((n) => p.get(n)!))
    // finite differences on a few weights of different layers (float32 on cpu: central differences, h = 1e-2)
    const c0 = cfg.channels[0]
    // cat.w [3, 3, 2·C0, C0]: one entry acting on the up path (ci < C0) and one on the skip (ci ≥ C0); d1.0.m2.w: a, b and c parts
    const probes: Array<[string, number]> = [['in.w', -1], ['d0.0.conv1.w', -1], ['cat.w', (4 * 2 * c0 + 1) * c0 + 1], ['cat.w', (4 * 2 * c0 + c0 + 1) * c0], ['down.w', -1], ['out.w', -1]]
    const m2 = cfg.channels[1]
    for (const k of [0, 1, 2]) probes.push(['d1.0.m2.w', 3 * 3 * m2 + k * m2 + 1])
    for (const [name, at] of probes) {
      const i = names.indexOf(name)
      const w = p.get(name)!
      const flat = w.dataSync().slice()
      const g = grads[i]!.dataSync()
      const j = at >= 0 ? at : Math.floor(flat.length / 3)
      const loss = (delta: number) => {
        const q = Float32Array.from(flat); q[j]! += delta
        const m = new Map(p); m.set(name, tf.tensor(q, w.shape))
        const l = denoiserLoss(cfg, m, x, sig, z).dataSync()[0]!
        m.get(name)!.dispose()
        return l
      }
      const h = 1e-2
      const fd = (loss(h) - loss(-h)) / (2 * h)
      expect(Math.abs(fd - g[j]!)).toBeLessThan(2e-2 * Math.max(Math.abs(fd), 1e-2) + 2e-4)
    }
    // input VJP through the sampling path (weightGrads = false) equals the training path's
    const v = tf.randomNormal([3, 784], 0, 1, 'float32', 5)
    const a = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(unetDenoise(cfg, p, xx, sig, false), v)))(x)
    const b = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(unetDenoise(cfg, p, xx, sig, true), v)))(x)
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5)
    // …and finite differences of ⟨D(x), v⟩ along a random direction
    const dir = tf.randomNormal([3, 784], 0, 1, 'float32', 6)
    const e = 1e-2
    const fdx = (tf.sum(tf.mul(unetDenoise(cfg, p, tf.add(x, tf.mul(dir, e)), sig), v)).dataSync()[0]! - tf.sum(tf.mul(unetDenoise(cfg, p, tf.sub(x, tf.mul(dir, e)), sig), v)).dataSync()[0]!) / (2 * e)
    const an = tf.sum(tf.mul(a, dir)).dataSync()[0]!
    expect(Math.abs(fdx - an) / Math.abs(an)).toBeLessThan(2e-2)
  })
  it('weight EMA: after 2 steps the parameters are d²·p0 + d(1−d)·p1 + (1−d)·p2 of the plain run, no leaks', async () => {
    const small: UnetConfig = { channels: [4, 8], blocks: 1, embedding: 8 }
    const data = tf.randomNormal([8, 784], 0, 0.5, 'float32', 21) as tf.Tensor2D
    const snap = async (steps: number, ema: number): Promise<Float32Array[]> => {
      const m = new UnetModel(small, { a: 1e-3, b: 10 }, 5)
      // constant LR: the first step of a 2-step run is the 1-step run
      await m.train(data, { steps, batch: 4, lrInit: 1e-2, lrEnd: 1e-2, ema }, 3, () => {})
      const w = await m.weights()
      m.dispose()
      return w.data
    }
    const p0 = await snap(0, 0) // steps 0: the init
    const p1 = await snap(1, 0), p2 = await snap(2, 0)
    const base = tf.memory().numTensors
    const d = 0.7
    const e = await snap(2, d)
    expect(tf.memory().numTensors).toBe(base)
    let worst = 0, moved = 0
    e.forEach((arr, k) => arr.forEach((v, i) => {
      const want = d * d * p0[k]![i]! + d * (1 - d) * p1[k]![i]! + (1 - d) * p2[k]![i]!
      worst = Math.max(worst, Math.abs(v - want))
      moved = Math.max(moved, Math.abs(p2[k]![i]! - v))
    }))
    expect(worst).toBeLessThan(1e-6)
    expect(moved).toBeGreaterThan(1e-3) // the EMA differs from the last iterate
    data.dispose()
  })
  it('convWeightGrad equals the direct sum dW[i, j, c, o] = Σ xpad[b, y+i, x+j, c]·dy[b, y, x, o]', () => {
    const [B, H, W, Ci, Co] = [2, 5, 4, 3, 2]
    const x = tf.randomNormal([B, H, W, Ci], 0, 1, 'float32', 11) as tf.Tensor4D, dy = tf.randomNormal([B, H, W, Co], 0, 1, 'float32', 12) as tf.Tensor4D
    const xv = x.arraySync(), dv = dy.arraySync()
    const got = convWeightGrad(x, dy)
    expect(got.shape).toEqual([3, 3, Ci, Co])
    const gv = got.arraySync() as number[][][][]
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < Ci; c++) for (let o = 0; o < Co; o++) {
      let s = 0
      for (let b = 0; b < B; b++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
        const yy = y + i - 1, xc = xx + j - 1
        if (yy >= 0 && yy < H && xc >= 0 && xc < W) s += xv[b]![yy]![xc]![c]! * dv[b]![y]![xx]![o]!
      }
      expect(gv[i]![j]![c]![o]!).toBeCloseTo(s, 4)
    }
    tf.dispose([x, dy, got])
  })
  it('weights round-trip; bad weights are rejected', async () => {
    const p = initUnet(cfg, 1)
    const w = await exportUnet(cfg, p)
    const q = importUnet(w)
    const x = tf.randomNormal([2, 784]), s = tf.tensor1d([0.3, 0.3])
    expect(tf.max(tf.abs(tf.sub(unetDenoise(cfg, p, x, s), unetDenoise(cfg, q, x, s)))).dataSync()[0]).toBe(0)
    expect(() => importUnet({ ...w, data: w.data.slice(1) })).toThrow(/expected/)
  })
  it('an M-step lowers the §1.4 loss on digit-like data, warm start continues from it, no leaks', async () => {
    // data: blobs on a 28×28 grid at random places (a stand-in with spatial structure), model space [−1, 1]
    const u = mulberry32(4)
    const N = 64
    const data = new Float32Array(N * 784).fill(-1)
    for (let i = 0; i < N; i++) {
      const ci = 8 + Math.floor(u() * 12), cj = 8 + Math.floor(u() * 12)
      for (let a = 0; a < 28; a++) for (let b = 0; b < 28; b++) if ((a - ci) ** 2 + (b - cj) ** 2 < 20) data[i * 784 + a * 28 + b] = 1
    }
    const model = new UnetModel(cfg, { a: 1e-3, b: 10 }, 7)
    const t = tf.tensor2d(data, [N, 784])
    // fixed evaluation batch: the loss at fixed σ and noise, before and after
    const sig = tf.tensor1d(Float32Array.from({ length: N }, (_, i) => [0.05, 0.2, 0.8, 2][i % 4]!))
    const z = tf.tensor2d(fillNormal(new Float32Array(N * 784), mulberry32(9)), [N, 784])
    const evalLoss = () => denoiserLoss(cfg, model.params, t, sig, z).dataSync()[0]!
    const before = evalLoss()
    const base = tf.memory().numTensors
    const losses = await model.train(t, { steps: 40, batch: 16, lrInit: 3e-3, lrEnd: 3e-3 }, 1, () => {})
    expect(tf.memory().numTensors).toBe(base)
    const after = evalLoss()
    expect(after).toBeLessThan(0.8 * before)
    expect(losses.at(-1)!).toBeLessThan(losses[0]!)
    const losses2 = await model.train(t, { steps: 10, batch: 16, lrInit: 1e-3, lrEnd: 1e-3 }, 2, () => {})
    expect(losses2[0]!).toBeLessThan(losses[0]!) // warm-started, not from scratch
    tf.dispose([t, sig, z]); model.dispose()
  })
})
