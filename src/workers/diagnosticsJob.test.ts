// The Diagnostics job in Node: tfjs cpu + wasm, and the committed tiny.onnx through onnxruntime-node
// (the same graph the browser runs with onnxruntime-web), compared with the tfjs formula.
import { describe, expect, it, beforeAll } from 'vitest'
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import * as ort from 'onnxruntime-node'
import { runDiagnostics, type OrtRunner } from './diagnosticsJob'
import { JobCancelled, JobRegistry, type Progress } from './jobs'
import { chooseBackend } from '../engines/tfjs/backends'

const nodeOrt: OrtRunner = {
  async run(_ep, x, dims) {
    const session = await ort.InferenceSession.create(readFileSync('public/diagnostics/tiny.onnx'))
    const feeds = { x: new ort.Tensor('float32', x, dims) }
    const t0 = performance.now()
    await session.run(feeds)
    const firstMs = performance.now() - t0
    const t1 = performance.now()
    const out = await session.run(feeds)
    const y = out.y
    if (!y) throw new Error('no output y')
    return { y: y.data as Float32Array, firstMs, ms: performance.now() - t1 }
  },
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('backend ladder in Node', () => {
  it('skips unregistered GPU rungs with a reason and picks a working backend', async () => {
    const r = await chooseBackend(tf, 'webgpu')
    expect(r.forcedFailure).toMatch(/"webgpu" was asked for/)
    expect(['wasm', 'cpu']).toContain(r.chosen)
    expect(r.probes.find((p) => p.backend === 'webgl')?.ok).toBe(false)
  })
})

describe('diagnostics job', () => {
  it('runs every available backend and agrees with cpu; ONNX file matches the tfjs formula', async () => {
    const registry = new JobRegistry(tf)
    const progress: Progress[] = []
    const before = tf.memory().numTensors
    const report = await registry.run('d1', (signal) => runDiagnostics(tf, nodeOrt, signal, (p) => progress.push(p), 'cpu'))
    const byKey = new Map(report.rows.map((r) => [`${r.engine}-${r.backend}`, r]))
    expect(byKey.get('tfjs-cpu')?.agrees).toBe(true)
    expect(byKey.get('tfjs-wasm')?.available).toBe(true)
    expect(byKey.get('tfjs-wasm')?.maxAbsDiff).toBeLessThan(1e-4)
    expect(byKey.get('tfjs-webgpu')?.available).toBe(false)
    expect(byKey.get('tfjs-webgpu')?.reason).toBeTruthy()
    expect(byKey.get('onnxruntime-web-wasm')?.maxAbsDiff).toBeLessThan(1e-4)
    expect(progress.at(-1)?.fraction).toBe(1)
    expect(tf.getBackend()).toBe('cpu')
    expect(tf.memory().numTensors).toBe(before)
  })

  it('a cancelled job rejects with JobCancelled and frees its tensors', async () => {
    const registry = new JobRegistry(tf)
    const before = tf.memory().numTensors
    let cancelled = false
    const run = registry.run('d2', (signal) =>
      runDiagnostics(tf, nodeOrt, signal, (p) => {
        if (p.message.startsWith('tfjs webgpu') && !cancelled) {
          cancelled = registry.cancel('d2')
        }
      }, 'cpu'),
    )
    await expect(run).rejects.toBeInstanceOf(JobCancelled)
    expect(cancelled).toBe(true)
    expect(registry.size).toBe(0)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('a failing job frees its tensors and reports the error', async () => {
    const registry = new JobRegistry(tf)
    const before = tf.memory().numTensors
    const failing: OrtRunner = { run: () => Promise.reject(new Error('corrupt model')) }
    const report = await registry.run('d3', (signal) => runDiagnostics(tf, failing, signal, () => {}, 'cpu'))
    expect(report.rows.find((r) => r.engine === 'onnxruntime-web')?.reason).toBe('corrupt model')
    expect(tf.memory().numTensors).toBe(before)
  })
})
