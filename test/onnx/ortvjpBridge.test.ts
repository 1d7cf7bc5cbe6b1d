// The synchronous bridge: a Denoiser (sync, as the posterior methods call it) whose ORT VJP executor runs in a
// worker_threads worker; results equal the in-process async executor's exactly.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { OrtVjpExecutor } from '../../src/engines/onnx/ortvjp'
import { OrtBridgeDenoiser, OrtBridgeError } from '../../src/engines/onnx/ortvjp/syncBridge'
import { maxAbsDiff, ort, randn, rng, size } from './helpers'

let worker: Worker
beforeAll(async () => {
  await tf.setBackend('cpu')
  // the worker entry is TypeScript: register tsx's loader in the worker, then import it; it posts 'ready'
  const entry = pathToFileURL(join(__dirname, 'ortvjpServer.worker.ts')).href
  worker = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))))
    worker.once('error', reject)
  })
})
afterAll(async () => {
  await worker.terminate()
})

test('sync Denoiser over the ORT VJP server: denoise, linearize, vjp inside tf.tidy; errors cross back', async () => {
  const bytes = new Uint8Array(readFileSync(join(__dirname, '..', '..', 'models', 'cifar10-unet', 'denoiser.onnx')))
  const sampleShape = [3, 32, 32]
  const den = new OrtBridgeDenoiser(worker, 'cifar', sampleShape, bytes, { x: 'x', sigma: 'sigma' })
  const ref = await OrtVjpExecutor.create({
    createSession: (b) => ort.InferenceSession.create(b, { intraOpNumThreads: 1 }),
    tensor: (d, dims) => new ort.Tensor('float32', d, [...dims]),
  }, bytes, { x: 'x', sigma: 'sigma', sampleShape })
  const r = rng(3)
  // batch 8 is larger than the initial shared buffer (4 samples): it grows
  for (const batch of [2, 8]) {
    const x = randn(r, batch * size(sampleShape))
    const v = randn(r, x.length)
    const xt = tf.tensor(x, [batch, ...sampleShape])
    const vt = tf.tensor(v, [batch, ...sampleShape])
    const before = tf.memory().numTensors
    const y = den.denoise(xt, 0.4)
    expect(maxAbsDiff(y.dataSync(), await ref.forward(x, 0.4))).toBe(0)
    y.dispose()
    const lin = den.linearize(xt, 0.4)
    // synchronous use, as the posterior methods do: Jᵀ(2v) = 2 Jᵀv inside one tidy
    const [g1, g2] = tf.tidy(() => [lin.vjp(vt), lin.vjp(tf.mul(vt, 2))]) as [tf.Tensor, tf.Tensor]
    const rl = await ref.linearize(x, 0.4)
    expect(maxAbsDiff(lin.denoised.dataSync(), rl.denoised)).toBe(0)
    expect(maxAbsDiff(g1.dataSync(), await rl.vjp(v))).toBe(0)
    expect(maxAbsDiff(g2.dataSync(), Float32Array.from(g1.dataSync(), (a) => 2 * a))).toBeLessThanOrEqual(1e-5)
    tf.dispose([g1, g2])
    lin.dispose()
    expect(() => lin.vjp(vt)).toThrow(/after dispose/)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([xt, vt])
  }
  expect(den.cost).toEqual({ forward: 4, vjp: 4 })
  // a server-side error comes back as an OrtBridgeError with its message
  const bad = tf.zeros([1, 3, 32, 31])
  expect(() => den.denoise(bad, 1)).toThrow(OrtBridgeError)
  bad.dispose()
  await ref.dispose()
})
