// End-to-end: the ONNX Denoiser on the tiny EDM conv denoiser made by scripts/make-op-graphs.py (and on the
// shipped models/*/denoiser.onnx when they exist): parity with onnxruntime-node over σ, exact VJP vs finite
// differences, one forward + many VJPs, dynamic batch, constant folding, disposal; checkModel's reports.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { checkModel, createOnnxDenoiser, recordVjp, type ReferenceRun, validateDenoiser } from '../../src/engines/onnx/diff'
import { maxAbsDiff, ortSession, randn, rng } from './helpers'

const FIX = join(__dirname, '..', 'fixtures', 'onnx-ops')
const ROOT = join(__dirname, '..', '..')
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p))

async function reference(bytes: Uint8Array): Promise<ReferenceRun> {
  const { ort } = await import('./helpers')
  const s = await ortSession(bytes)
  return async (feeds) => {
    const f: Record<string, InstanceType<typeof ort.Tensor>> = {}
    for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', v.data, [...v.shape])
    const r = await s.run(f)
    return Float32Array.from((r[s.outputNames[0] ?? ''] as InstanceType<typeof ort.Tensor>).data as Float32Array)
  }
}

beforeAll(async () => {
  tf.env().set('IS_TEST', true)
  await tf.setBackend('cpu')
})

describe('tiny EDM denoiser', () => {
  const bytes = read(join(FIX, 'tiny_edm_denoiser.onnx'))

  test('checkModel accepts it and finds x, sigma, denoised', () => {
    const rep = checkModel(bytes)
    expect(rep.ok, rep.errors.join('; ')).toBe(true)
    expect(rep.io).toMatchObject({ x: 'x', sigma: 'sigma', output: 'denoised' })
    expect(rep.unsupported).toEqual([])
    expect(rep.opset).toBe(17)
  })

  test('parity ≤ 1e-4 and gradcheck ≤ 1e-2 over σ (cpu backend)', async () => {
    const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8], name: 'tiny-edm' })
    const res = await validateDenoiser(d, await reference(bytes), { batch: 2, sigmas: [0.02, 0.3, 2, 20, 80], directions: 3, reps: 1 })
    console.log(`tiny EDM (cpu): parity ${res.parity_max_abs.toExponential(2)}, gradcheck ${res.gradcheck_rel.toExponential(2)}`)
    expect(res.parity_max_abs).toBeLessThanOrEqual(1e-4)
    expect(res.gradcheck_rel).toBeLessThanOrEqual(1e-2)
    d.dispose()
  })

  test('one forward, many exact VJPs; matches tf.grad; linear in v; no leaks', async () => {
    const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8] })
    const r = rng(3)
    const x = tf.tensor(randn(r, 2 * 3 * 8 * 8), [2, 3, 8, 8])
    const v = tf.tensor(randn(r, 2 * 3 * 8 * 8), [2, 3, 8, 8])
    // warm-up: planning run, and one VJP (caches the rotated conv filters of the backward pass with the graph)
    const warm = d.linearize(x, 0.7)
    warm.vjp(v).dispose()
    warm.dispose()
    d.resetCost()
    const before = tf.memory().numTensors
    const lin = d.linearize(x, 0.7)
    const g1 = lin.vjp(v)
    const v2 = tf.mul(v, 2)
    const g2 = lin.vjp(v2)
    expect(d.cost).toEqual({ forward: 1, vjp: 2 })
    // reference: tfjs's own tf.grad through the same graph (recomputes the forward)
    const s = tf.fill([2], 0.7)
    const gRef = tf.grad((xx: tf.Tensor) => d.graph.run({ x: xx, sigma: s })[0] as tf.Tensor)(x, v)
    expect(maxAbsDiff(await g1.data(), await gRef.data())).toBeLessThan(1e-5)
    const g1x2 = tf.mul(g1, 2)
    expect(maxAbsDiff(await g2.data(), await g1x2.data())).toBeLessThan(1e-5)
    const y = d.denoise(x, 0.7)
    expect(maxAbsDiff(await y.data(), await lin.denoised.data())).toBe(0)
    for (const t of [g1, g2, gRef, s, y, v2, g1x2]) t.dispose()
    lin.dispose()
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
    v.dispose()
    d.dispose()
  })

  test('recordVjp inside an active gradient tape falls back to tf.grad (same VJP)', async () => {
    const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8] })
    const r = rng(5)
    const x = tf.tensor(randn(r, 192), [1, 3, 8, 8])
    const v = tf.tensor(randn(r, 192), [1, 3, 8, 8])
    const s = tf.fill([1], 0.4)
    const f = (xx: tf.Tensor): tf.Tensor => d.graph.run({ x: xx, sigma: s })[0] as tf.Tensor
    const main = recordVjp(f, x)
    expect(main.reusesForward).toBe(true)
    const g1 = main.vjp(v)
    let g2: tf.Tensor | null = null
    let reuses: boolean | null = null
    // inside tf.grad's forward pass a tape is active: recordVjp must not hijack it
    const outer = tf.grad((z: tf.Tensor) => {
      const rec = recordVjp(f, x)
      reuses = rec.reusesForward
      g2 = tf.keep(rec.vjp(v))
      rec.dispose()
      return tf.sum(tf.square(z))
    })(x)
    expect(reuses).toBe(false)
    expect(maxAbsDiff(await g1.data(), await (g2 as unknown as tf.Tensor).data())).toBeLessThan(1e-5)
    expect(maxAbsDiff(await outer.data(), await tf.mul(x, 2).data())).toBeLessThan(1e-6)
    main.dispose()
    d.dispose()
  })

  test('dynamic batch and constant folding of the Shape→Gather→Concat→Reshape chain', async () => {
    const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8] })
    const ref = await reference(bytes)
    for (const b of [1, 3, 2]) {
      const data = randn(rng(b), b * 192)
      const x = tf.tensor(data, [b, 3, 8, 8])
      const y = d.denoise(x, 1.5)
      const want = await ref({ x: { data, shape: [b, 3, 8, 8] }, sigma: { data: new Float32Array(b).fill(1.5), shape: [b] } })
      expect(maxAbsDiff(await y.data(), want)).toBeLessThanOrEqual(1e-4)
      const s = tf.fill([b], 1.5)
      const info = d.graph.planInfo({ x, sigma: s })
      expect(info).not.toBeNull()
      // the shape chain (Shape, Gather, Unsqueeze, Concat) and the constant-only nodes are folded away
      expect(info?.runtimeNodes).toBeLessThanOrEqual((info?.nodes ?? 0) - 4)
      for (const t of [x, y, s]) t.dispose()
    }
    d.dispose()
  })

  test('many input shapes: old plans are evicted, everything is released on dispose', async () => {
    const before = tf.memory().numTensors
    const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8] })
    const ref = await reference(bytes)
    for (let b = 1; b <= 10; b++) {
      const data = randn(rng(b), b * 192)
      const x = tf.tensor(data, [b, 3, 8, 8])
      const y = d.denoise(x, 0.9)
      const want = await ref({ x: { data, shape: [b, 3, 8, 8] }, sigma: { data: new Float32Array(b).fill(0.9), shape: [b] } })
      expect(maxAbsDiff(await y.data(), want)).toBeLessThanOrEqual(1e-4)
      x.dispose()
      y.dispose()
    }
    d.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('wasm backend: parity and gradcheck', async () => {
    await tf.setBackend('wasm')
    try {
      const d = createOnnxDenoiser(bytes, { sampleShape: [3, 8, 8] })
      const res = await validateDenoiser(d, await reference(bytes), { batch: 2, sigmas: [0.1, 3], directions: 2, reps: 1 })
      console.log(`tiny EDM (wasm): parity ${res.parity_max_abs.toExponential(2)}, gradcheck ${res.gradcheck_rel.toExponential(2)}`)
      expect(res.parity_max_abs).toBeLessThanOrEqual(1e-4)
      expect(res.gradcheck_rel).toBeLessThanOrEqual(1e-2)
      d.dispose()
    } finally {
      await tf.setBackend('cpu')
    }
  })
})

describe('checkModel reports', () => {
  test('corrupt bytes → corrupt, clear message, no throw', () => {
    const junk = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff)
    const rep = checkModel(junk)
    expect(rep.ok).toBe(false)
    expect(rep.corrupt).toBe(true)
    expect(rep.errors[0]).toMatch(/ONNX/)
    const truncated = read(join(FIX, 'tiny_edm_denoiser.onnx')).slice(0, 3000)
    const rep2 = checkModel(truncated)
    expect(rep2.ok).toBe(false)
    expect(rep2.errors.length).toBeGreaterThan(0)
    expect(checkModel(new Uint8Array(0)).ok).toBe(false)
  })

  test('unsupported ops are listed by name and node', () => {
    const rep = checkModel(read(join(FIX, 'invalid_unsupported_ops.onnx')))
    expect(rep.ok).toBe(false)
    expect(rep.corrupt).toBe(false)
    expect(rep.unsupported.map((u) => [u.op, u.node, u.reason])).toEqual([['Einsum', 'my_einsum', undefined], ['FusedConv', 'ms_fused', undefined], ['Resize', 'cubic_resize', 'mode=cubic (nearest and linear only)']])
    expect(rep.errors).toContain('unsupported op com.microsoft.FusedConv (node ms_fused)')
    expect(() => createOnnxDenoiser(read(join(FIX, 'invalid_unsupported_ops.onnx')), { sampleShape: [3, 4, 4] })).toThrow(/Einsum \(node my_einsum\)/)
  })

  test('wrong interface: one input, two outputs', () => {
    const rep = checkModel(read(join(FIX, 'invalid_io.onnx')))
    expect(rep.ok).toBe(false)
    expect(rep.errors.join('\n')).toMatch(/expected two inputs/)
    expect(rep.errors.join('\n')).toMatch(/exactly one output/)
  })
})

// Shipped models (trained elsewhere) are picked up automatically when they exist.
const shipped = existsSync(join(ROOT, 'models'))
  ? readdirSync(join(ROOT, 'models')).map((d) => join(ROOT, 'models', d, 'denoiser.onnx')).filter((p) => existsSync(p))
  : []

/** [C,H,W] from the model's card.json (written by models/common/ship.py), if any. */
function cardShape(onnxPath: string): number[] | undefined {
  const card = join(onnxPath, '..', 'card.json')
  if (!existsSync(card)) return undefined
  const j = JSON.parse(readFileSync(card, 'utf8')) as { input?: { channels?: number; height?: number; width?: number } }
  const i = j.input
  return i && i.channels && i.height && i.width ? [i.channels, i.height, i.width] : undefined
}

describe('shipped models/*/denoiser.onnx', () => {
  if (shipped.length === 0) {
    test.skip('no models/*/denoiser.onnx present yet: shipped-model parity/gradcheck skipped', () => {})
  }
  for (const p of shipped) {
    test(`${p.split('/').slice(-2, -1)[0]}: parity ≤ 1e-4, gradcheck ≤ 1e-2 (wasm)`, async () => {
      const bytes = read(p)
      const rep = checkModel(bytes)
      expect(rep.ok, rep.errors.join('; ')).toBe(true)
      await tf.setBackend('wasm')
      try {
        const d = createOnnxDenoiser(bytes, { sampleShape: cardShape(p) })
        const res = await validateDenoiser(d, await reference(bytes), { batch: 1, sigmas: [0.05, 1, 20], gradSigmas: [1], directions: 2, reps: 1 })
        console.log(`${p}: parity ${res.parity_max_abs.toExponential(2)}, gradcheck ${res.gradcheck_rel.toExponential(2)}, tfjs fwd ${res.ms_forward_tfjs.toFixed(0)} ms, vjp ${res.ms_vjp_tfjs.toFixed(0)} ms`)
        expect(res.parity_max_abs).toBeLessThanOrEqual(1e-4)
        expect(res.gradcheck_rel).toBeLessThanOrEqual(1e-2)
        d.dispose()
      } finally {
        await tf.setBackend('cpu')
      }
    })
  }
})
