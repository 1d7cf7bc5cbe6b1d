// bench:em-studio's pieces: the EM weights file round-trips; the EM prior it samples with is the studio's
// learned-model denoiser (the same function as src/workers/learnedModels.ts, the same output on a fixed input);
// the lap-0 Gaussian in studio units is the exact Gaussian denoiser; the digits are the held-out ones.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { emStudioPriors, heldOutStudioDigits, HELD_OUT, readEmWeights } from '../../bench/emStudioLib'
import { replaceBlock, pairedDiff } from '../../bench/studioLib'
import { disposeUnet, exportUnet, importUnet, initUnet, unetDenoise, type UnetConfig } from '../../src/engines/tfjs/unet'
import { studioUnetDenoiser } from '../../src/engines/tfjs/unetModel'
import { unetWeightsToFile } from '../../src/engines/tfjs/unetWeightsFile'
import { DplrGaussianDenoiser, studioDplrDenoiser, type DplrGaussian } from '../../src/core/emImages/dplr'
import { emDigitSplit, type DigitSet } from '../../src/core/emImages/digits'

const CONFIG: UnetConfig = { channels: [4, 8], blocks: 1, embedding: 8 }
const fixedX = (b: number): tf.Tensor => tf.tensor4d(Float32Array.from({ length: b * 784 }, (_, i) => 1.8 * Math.sin(0.1 * i + 0.5) * Math.cos(0.0037 * i)), [b, 1, 28, 28])

beforeAll(async () => {
  await tf.setBackend('wasm')
})

describe('bench:em-studio weights file', () => {
  it('round-trips exported U-Net weights bit for bit, with the run meta', async () => {
    const p = initUnet(CONFIG, 7)
    const w = await exportUnet(CONFIG, p)
    disposeUnet(p)
    const meta = { preset: 'tiny', lap: 4, covariance: 'tweedie', observations: 512, corruption: { kind: 'pixels', missing: 0.75, sigmaY: 0.01 } }
    const back = readEmWeights(JSON.stringify(unetWeightsToFile(w, meta)))
    expect(back.meta).toEqual(meta)
    expect(back.weights.config).toEqual(CONFIG)
    expect(back.weights.names).toEqual(w.names)
    expect(back.weights.shapes).toEqual(w.shapes)
    back.weights.data.forEach((d, i) => expect(Array.from(d)).toEqual(Array.from(w.data[i]!)))
    // and the denoiser built from the file is the one built from the exported weights
    const a = emStudioPriors({ em: w }).em!, b = emStudioPriors({ em: back.weights }).em!
    const x = fixedX(2)
    const [da, db] = [a.denoise(x, 0.7), b.denoise(x, 0.7)]
    expect(Array.from(await da.data())).toEqual(Array.from(await db.data()))
    tf.dispose([x, da, db])
    a.dispose?.(); b.dispose?.()
  })

  it('reads models/mnist-unet/tfjs-weights.json (no meta) and rejects a non-JSON file by name', () => {
    const f = readEmWeights(readFileSync(resolve(__dirname, '../../models/mnist-unet/tfjs-weights.json'), 'utf8'))
    expect(f.meta).toEqual({})
    disposeUnet(importUnet(f.weights))
    expect(() => readEmWeights('{"config":')).toThrow(/EM weights file: not JSON/)
  })
})

describe('bench:em-studio priors', () => {
  it('the EM prior is the studio\'s learned-model denoiser: studioUnetDenoiser, = 2·D(x/2, σ/2), on a fixed input', async () => {
    const p = initUnet(CONFIG, 3)
    const w = await exportUnet(CONFIG, p)
    const bench = emStudioPriors({ em: w }).em!
    const studio = studioUnetDenoiser('studio', CONFIG, p)
    expect(bench.sampleShape).toEqual([1, 28, 28])
    expect(bench.jacobian).toBe(studio.jacobian)
    const x = fixedX(3)
    const sigma = 0.9
    const yb = bench.denoise(x, sigma)
    const ys = studio.denoise(x, sigma)
    const direct = tf.tidy(() => tf.reshape(tf.mul(unetDenoise(CONFIG, p, tf.reshape(tf.mul(x, 0.5), [3, 784]), tf.fill([3], sigma / 2), false), 2), [3, 1, 28, 28]))
    const [b, s, d] = await Promise.all([yb.data(), ys.data(), direct.data()])
    expect(Array.from(b)).toEqual(Array.from(s))
    expect(Array.from(b)).toEqual(Array.from(d))
    // the VJP too (what MMPS, ΠGDM and DPS use)
    const v = tf.tensor4d(Float32Array.from({ length: 3 * 784 }, (_, i) => Math.cos(0.37 * i)), [3, 1, 28, 28])
    const lb = bench.linearize(x, sigma), ls = studio.linearize(x, sigma)
    const [gb, gs] = [lb.vjp(v), ls.vjp(v)]
    expect(Array.from(await gb.data())).toEqual(Array.from(await gs.data()))
    tf.dispose([x, v, yb, ys, direct, gb, gs])
    lb.dispose(); ls.dispose()
    bench.dispose?.()
    disposeUnet(p)
  })

  it('equals what the studio worker builds for a learned model (learnedModels.ts learnedDenoiser) on a fixed input', async () => {
    // imported after the wasm backend is up: the worker runtime registers browser wasm paths on import
    const { registerLearned, learnedDenoiser } = await import('../../src/workers/learnedModels')
    const p = initUnet(CONFIG, 11)
    const w = await exportUnet(CONFIG, p)
    disposeUnet(p)
    const weights = readEmWeights(JSON.stringify(unetWeightsToFile(w))).weights
    registerLearned({ id: 'bench-test', name: 'test', addedAt: 0, runId: 'r', lap: 1, weights: w, schedule: { a: 1e-3, b: 10 } })
    const worker = await learnedDenoiser('learned:bench-test', [1, 28, 28])
    const bench = emStudioPriors({ em: weights }).em!
    const x = fixedX(2)
    const [a, b] = [worker.denoise(x, 1.3), bench.denoise(x, 1.3)]
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()))
    tf.dispose([x, a, b])
    bench.dispose?.()
    worker.dispose()
  })

  it('the lap-0 Gaussian in studio units is the exact denoiser of N(2μ, 4Σ) on 1×28×28', async () => {
    const n = 784, r = 3
    const g: DplrGaussian = {
      n, rank: r, noise: 0.05,
      mean: Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(0.03 * i)),
      u: Float32Array.from({ length: n * r }, (_, i) => 0.1 * Math.cos(0.7 * i + 1)),
    }
    const den = studioDplrDenoiser(g, [1, 28, 28])
    expect(den.sampleShape).toEqual([1, 28, 28])
    const x = fixedX(2)
    const sigma = 0.6
    // exact: D_s(x, σ) = 2μ + (I − σ²(4Σ + σ²I)⁻¹)(x − 2μ) = 2·D(x/2, σ/2) with D the model-space denoiser
    const model = new DplrGaussianDenoiser(g)
    const expected = tf.tidy(() => tf.mul(model.denoise(tf.reshape(tf.mul(x, 0.5), [2, n]), sigma / 2), 2))
    const got = den.denoise(x, sigma)
    expect(got.shape).toEqual([2, 1, 28, 28])
    const [e, o] = [await expected.data(), await got.data()]
    let m = 0
    for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(e[i]! - o[i]!))
    expect(m).toBeLessThan(1e-4)
    // J_s = J(σ/2) (the units cancel): the VJP is the model-space one
    const v = fixedX(2)
    const lin = den.linearize(x, sigma), lm = model.linearize(tf.reshape(tf.mul(x, 0.5), [2, n]), sigma / 2)
    const [gv, gm] = [lin.vjp(v), lm.vjp(tf.reshape(v, [2, n]))]
    const [a, b] = [await gv.data(), await gm.data()]
    m = 0
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
    expect(m).toBeLessThan(1e-4)
    expect(den.cost.vjp).toBe(1)
    tf.dispose([x, v, expected, got, gv, gm])
    lin.dispose(); lm.dispose(); den.dispose(); model.dispose()
  })
})

describe('bench:em-studio digits', () => {
  it('are the fixed split\'s held-out digits in studio units, with their package indices and classes', () => {
    const count = 10000
    const images = new Float32Array(count * 784)
    for (let i = 0; i < count; i++) images[i * 784 + 5] = (i % 100) / 100
    const set: DigitSet = { images, labels: Uint8Array.from({ length: count }, (_, i) => Math.floor(i / 1000)), count }
    const d = heldOutStudioDigits(set, 10, 32)
    const split = emDigitSplit(count, HELD_OUT)
    expect(d.indices).toEqual(Array.from(split.heldOut.subarray(10, 42)))
    const others = new Set([...split.observed, ...split.classifier])
    expect(d.indices.some((i) => others.has(i))).toBe(false)
    expect(d.labels).toEqual(d.indices.map((i) => Math.floor(i / 1000)))
    d.indices.forEach((idx, r) => {
      expect(d.images[r * 784 + 5]).toBeCloseTo(4 * ((idx % 100) / 100) - 2, 6)
      expect(d.images[r * 784]).toBe(-2)
    })
    expect(() => heldOutStudioDigits(set, 1990, 32)).toThrow(/the split holds out 2000/)
  })
})

describe('studioLib', () => {
  it('replaceBlock replaces the marked block or appends it; pairedDiff pairs by image', () => {
    expect(replaceBlock('a\n<!-- x -->old<!-- /x -->\nb', '<!-- x -->', '<!-- /x -->', '<!-- x -->new<!-- /x -->')).toBe('a\n<!-- x -->new<!-- /x -->\nb')
    expect(replaceBlock('a\n\n', '<!-- x -->', '<!-- /x -->', 'B')).toBe('a\n\nB\n')
    const d = pairedDiff([10, 12, NaN, 14], [9, 10, 5, 11])
    expect(d.n).toBe(3)
    expect(d.mean).toBeCloseTo(2, 12)
    expect(d.se).toBeCloseTo(1 / Math.sqrt(3), 12)
  })
})
