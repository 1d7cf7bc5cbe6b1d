// models/mnist-unet is the Image EM lab's U-Net (src/engines/tfjs/unet.ts) trained on clean digits in PyTorch
// (models/mnist-unet/net.py). Three implementations must give the same D(x, σ) on reference.json's synthetic
// inputs: the torch model (reference.json), the studio's tfjs ONNX executor (src/engines/onnx/diff) on
// denoiser.onnx, and unet.ts itself with tfjs-weights.json (model space: D_ext(x, σ) = 2·D(x/2, σ/2)).
// onnxruntime-node against the same reference is checked by reference.test.ts.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOnnxDenoiser, OnnxGraph } from '../../src/engines/onnx/diff'
import { importUnet, disposeUnet, unetDenoise, type UnetWeights } from '../../src/engines/tfjs/unet'
import { IMAGE_EM_PRESETS } from '../../src/core/emImages/presets'

const DIR = resolve(__dirname, '../../models/mnist-unet')
const present = existsSync(join(DIR, 'denoiser.onnx'))

interface Reference { shape: number[]; sigma: number[]; stride: number; output_strided: number[]; tolerance: number }

function refX(n: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 1.8 * Math.sin(0.1 * i + 0.5) * Math.cos(0.0037 * i)
  return x
}

function maxStridedDiff(y: ArrayLike<number>, ref: Reference): number {
  let m = 0
  ref.output_strided.forEach((v, k) => { m = Math.max(m, Math.abs(y[k * ref.stride]! - v)) })
  return m
}

interface TfjsWeightsFile { config: UnetWeights['config']; names: string[]; shapes: number[][]; data_base64: string[] }

function loadTfjsWeights(): UnetWeights {
  const f = JSON.parse(readFileSync(join(DIR, 'tfjs-weights.json'), 'utf8')) as TfjsWeightsFile
  const data = f.data_base64.map((b) => {
    const buf = Buffer.from(b, 'base64')
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  })
  return { config: f.config, names: f.names, shapes: f.shapes, data }
}

describe.skipIf(!present)('models/mnist-unet', () => {
  const ref = present ? (JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Reference) : undefined
  const card = present ? JSON.parse(readFileSync(join(DIR, 'card.json'), 'utf8')) : undefined
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('is the EM lab default preset\'s U-Net, on 1×28×28 digits with the shipped [−2, 2] contract', () => {
    const w = loadTfjsWeights()
    const d = IMAGE_EM_PRESETS.default.unet
    expect(w.config).toEqual({ channels: d.channels, blocks: d.blocks, embedding: d.embedding })
    expect(card.input).toMatchObject({ channels: 1, height: 28, width: 28, value_range: [-2, 2] })
    expect(card.demo_kind).toBe('digits')
    expect(ref!.shape).toEqual([3, 1, 28, 28])
  })

  it('the tfjs ONNX executor reproduces the torch reference', async () => {
    const g = OnnxGraph.fromBytes(new Uint8Array(readFileSync(join(DIR, 'denoiser.onnx'))))
    const n = ref!.shape.reduce((a, b) => a * b, 1)
    const x = tf.tensor(refX(n), ref!.shape)
    const s = tf.tensor1d(ref!.sigma)
    const y = g.run({ x, sigma: s })[0]!
    expect(y.shape).toEqual(ref!.shape)
    expect(maxStridedDiff(await y.data(), ref!)).toBeLessThan(ref!.tolerance)
    tf.dispose([x, s, y])
    g.dispose()
  })

  it('unet.ts with tfjs-weights.json is the same denoiser: 2·D(x/2, σ/2) = the reference', async () => {
    const w = loadTfjsWeights()
    const p = importUnet(w)
    const n = ref!.shape.reduce((a, b) => a * b, 1)
    const y = tf.tidy(() => {
      const x = tf.mul(tf.tensor2d(refX(n), [ref!.shape[0]!, 784]), 0.5)
      return tf.mul(unetDenoise(w.config, p, x, tf.mul(tf.tensor1d(ref!.sigma), 0.5), false), 2)
    })
    // float32 in a different op order (NHWC, im2col-free convs): a looser bound than ORT's, still far below
    // any layout or channel-order mistake (those give O(0.1–1) errors)
    expect(maxStridedDiff(await y.data(), ref!)).toBeLessThan(1e-3)
    y.dispose()
    disposeUnet(p)
  })

  it('as a studio Denoiser: the VJP matches a central difference of the forward', async () => {
    const den = createOnnxDenoiser(new Uint8Array(readFileSync(join(DIR, 'denoiser.onnx'))), { name: 'mnist-unet' })
    const x = tf.tensor(refX(784), [1, 1, 28, 28])
    const v = tf.tensor(Float32Array.from({ length: 784 }, (_, i) => Math.cos(0.37 * i)), [1, 1, 28, 28])
    const u = tf.tensor(Float32Array.from({ length: 784 }, (_, i) => Math.sin(0.11 * i + 1)), [1, 1, 28, 28])
    const sigma = 0.5
    const lin = den.linearize(x, sigma)
    const vjp = lin.vjp(v)
    const lhs = (await tf.sum(tf.mul(vjp, u)).data())[0]!
    const h = 1e-2
    const fp = den.denoise(tf.add(x, tf.mul(u, h)), sigma)
    const fm = den.denoise(tf.sub(x, tf.mul(u, h)), sigma)
    const rhs = (await tf.sum(tf.mul(tf.div(tf.sub(fp, fm), 2 * h), v)).data())[0]!
    expect(Math.abs(lhs - rhs)).toBeLessThan(2e-2 * Math.max(1, Math.abs(rhs)))
    tf.dispose([x, v, u, vjp, fp, fm])
    lin.dispose()
    den.dispose()
  })
})
