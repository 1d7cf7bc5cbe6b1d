// The executor's layout rewrite (src/engines/onnx/diff/layout.ts): values stored NHWC (or permuted by a lazy
// Transpose) must give the same numbers and exact VJPs as the logical (ONNX) layout. Three parts: the layout
// arithmetic against explicit transposes; every op fixture with a rank-4 input run with that input arriving
// stored NHWC (through an identity 1×1 Conv in front of the graph), against onnxruntime-node on the original
// graph, forward and gradcheck; and the shipped U-Nets keep their activations NHWC (few Transpose kernels).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { OnnxGraph, parseModel, recordVjp, type ModelIR, type NodeIR } from '../../src/engines/onnx/diff'
import { composeTranspose, dropAxes, invert, permute, physicalShape, reshapePerm, toLogical, toPhysical } from '../../src/engines/onnx/diff/layout'
import { type Feeds, gradcheck, maxAbs, maxAbsDiff, ortRun, ortSession, rng, sample, size, toTf, KINK_OPS, loadOpFixtures, opFixtureBytes } from './helpers'

beforeAll(() => {
  tf.env().set('IS_TEST', true)
})

const same = async (a: tf.Tensor, b: tf.Tensor): Promise<void> => {
  expect(a.shape).toEqual(b.shape)
  expect(maxAbsDiff(await a.data(), await b.data())).toBe(0)
}

describe('layout arithmetic (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  const perms4 = [[0, 2, 3, 1], [0, 3, 1, 2], [0, 2, 1, 3], [1, 0, 3, 2], [3, 2, 1, 0]]
  let logical: tf.Tensor
  beforeAll(() => {
    logical = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1)
  })

  test('toPhysical / toLogical are inverse transposes; physicalShape matches', async () => {
    for (const q of perms4) {
      const p = toPhysical(logical, q)
      expect(p.shape).toEqual(physicalShape(logical.shape, q))
      await same(p, tf.transpose(logical, q))
      await same(toLogical(p, q), logical)
    }
    expect(invert([0, 2, 3, 1])).toEqual([0, 3, 1, 2])
  })

  test('permute moves only size-1 dims by reshape, and agrees with transpose', async () => {
    const x = tf.randomNormal([2, 3, 1, 1], 0, 1, 'float32', 2)
    await same(permute(x, [0, 2, 3, 1]), tf.transpose(x, [0, 2, 3, 1]))
    await same(permute(x, [1, 0, 2, 3]), tf.transpose(x, [1, 0, 2, 3]))
  })

  test('composeTranspose: the stored tensor of transpose(L) under the new layout', async () => {
    const ps = [[0, 2, 1, 3], [0, 1, 3, 2], [3, 1, 0, 2], [0, 2, 3, 1]]
    for (const q of [null, ...perms4]) {
      const stored = q ? tf.transpose(logical, q) : logical
      for (const p of ps) {
        const q2 = composeTranspose(q, p)
        await same(toLogical(stored, q2), tf.transpose(logical, p))
      }
    }
  })

  test('dropAxes: a reduction without keepdims on the stored tensor', async () => {
    for (const q of perms4) {
      for (const axes of [[1], [2, 3], [0, 2]]) {
        const stored = tf.transpose(logical, q)
        const got = tf.sum(stored, axes.map((a) => q.indexOf(a)), false)
        const want = tf.sum(logical, axes, false)
        expect(maxAbsDiff(await toLogical(got, dropAxes(q, axes)).data(), await want.data())).toBeLessThan(1e-5)
      }
    }
  })

  test('reshapePerm: reshapes that keep the layout, checked numerically; impossible ones give null', async () => {
    const cases: [number[], number[], number[]][] = [
      [[2, 3, 4, 5], [0, 2, 3, 1], [2, 3, 20]], // NHWC [N,C,H,W] → [N,C,HW]: stored [N,HW,C]
      [[2, 3, 20], [0, 2, 1], [2, 3, 4, 5]], // and back
      [[1, 3, 4, 5], [0, 2, 3, 1], [1, 3, 20]], // batch 1
      [[2, 3, 4, 5], [0, 2, 3, 1], [2, 3, 4, 5]],
      [[2, 6, 4, 5], [0, 2, 3, 1], [2, 6, 2, 2, 5]], // split H
      [[2, 3, 4, 5], [0, 2, 3, 1], [6, 4, 5]], // merge N,C: not contiguous in NHWC → null
      [[2, 6, 4, 5], [0, 2, 3, 1], [2, 2, 60]], // group-norm style: null
      [[2, 3, 4, 5], [0, 2, 3, 1], [2, 3, 4, 5, 1]], // new size-1 dim: null
    ]
    const impossible = new Set([5, 6, 7])
    for (const [k, [inShape, q, out]] of cases.entries()) {
      const q2 = reshapePerm(inShape, q, out)
      if (impossible.has(k)) {
        expect(q2, `case ${k}`).toBeNull()
        continue
      }
      expect(q2, `case ${k}`).not.toBeNull()
      const L = tf.randomNormal(inShape, 0, 1, 'float32', 10 + k)
      const stored = tf.transpose(L, q)
      const reshaped = tf.reshape(stored, physicalShape(out, q2 as number[]))
      await same(toLogical(reshaped, q2 as number[]), tf.reshape(L, out))
    }
  })
})

const manifest = { fixtures: loadOpFixtures() }

/** The graph with every rank-4 input passed through an identity 1×1 Conv first, so ops see it stored NHWC. */
function shimmed(model: ModelIR, rank4: { name: string; channels: number }[]): ModelIR {
  const initializers = new Map(model.initializers)
  const rename = new Map<string, string>()
  const shimNodes: NodeIR[] = rank4.map(({ name, channels }, i) => {
    const w = new Float32Array(channels * channels)
    for (let c = 0; c < channels; c++) w[c * channels + c] = 1
    initializers.set(`${name}__shim_w`, { dtype: 'float32', shape: [channels, channels, 1, 1], data: w })
    rename.set(name, `${name}__nhwc`)
    return { name: `shim_${i}`, opType: 'Conv', domain: '', inputs: [name, `${name}__shim_w`], outputs: [`${name}__nhwc`], attrs: new Map(), index: -1 - i }
  })
  const nodes = model.nodes.map((n) => ({ ...n, inputs: n.inputs.map((x) => rename.get(x) ?? x) }))
  return { ...model, initializers, nodes: [...shimNodes, ...nodes] }
}

const results: number[] = []
afterAll(() => {
  if (results.length) console.log(`layout shim: ${results.length} fixture runs, worst gradcheck rel ${Math.max(...results).toExponential(2)}`)
})

describe.each(['wasm', 'cpu'])('op fixtures with rank-4 inputs stored NHWC, tfjs-%s: parity with onnxruntime-node and VJP gradcheck', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend)
  })
  manifest.fixtures.forEach((fx, k) => {
    const rank4 = Object.entries(fx.inputs).filter(([, s]) => s.shape.length === 4).map(([name, s]) => ({ name, channels: s.shape[1] as number }))
    if (rank4.length === 0) return
    test(fx.name, async () => {
      const bytes = opFixtureBytes(fx)
      const graph = new OnnxGraph(shimmed(parseModel(bytes), rank4))
      expect(graph.unsupported).toEqual([])
      const session = await ortSession(bytes)
      const r = rng(5000 + k)
      const feeds: Feeds = {}
      for (const [name, spec] of Object.entries(fx.inputs)) feeds[name] = { data: sample(r, spec.kind, size(spec.shape)), shape: spec.shape }
      const ref = await ortRun(session, feeds)
      const before = tf.memory().numTensors
      const tfFeeds = toTf(feeds)
      for (let rep = 0; rep < 2; rep++) {
        const [out] = graph.run(tfFeeds)
        if (!out) throw new Error('no output')
        const err = maxAbsDiff(await out.data(), ref)
        out.dispose()
        expect(err, `${fx.name} run ${rep}: max abs diff ${err}`).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(ref)))
      }
      if (fx.grad) {
        const wrt = rank4[0]?.name as string
        const x = feeds[wrt] as Feeds[string]
        const rec = recordVjp((xx) => graph.run({ ...tfFeeds, [wrt]: xx })[0] as tf.Tensor, tfFeeds[wrt] as tf.Tensor)
        const outShape = rec.y.shape
        const rel = await gradcheck({
          x: x.data,
          outSize: size(outShape),
          seed: 70 + k,
          h: fx.ops.some((o) => KINK_OPS.has(o)) ? 1e-3 : 1e-2,
          vjp: (v) => {
            const vt = tf.tensor(v, outShape)
            const g = rec.vjp(vt)
            const d = Float32Array.from(g.dataSync() as Float32Array)
            g.dispose()
            vt.dispose()
            return d
          },
          reference: (xd) => ortRun(session, { ...feeds, [wrt]: { data: xd, shape: x.shape } }),
        })
        rec.dispose()
        results.push(rel)
        expect(rel, `${fx.name}: gradcheck rel ${rel}`).toBeLessThanOrEqual(1e-2)
      }
      for (const t of Object.values(tfFeeds)) t.dispose()
      graph.dispose()
      expect(tf.memory().numTensors).toBe(before)
      await session.release()
    })
  })
})

describe('shipped U-Nets keep activations NHWC (wasm)', () => {
  const ROOT = join(__dirname, '..', '..')
  for (const [id, shape, maxTransposes] of [['cifar10-unet', [1, 3, 32, 32], 24], ['mri-unet', [1, 1, 64, 64], 24]] as const) {
    const path = join(ROOT, 'models', id, 'denoiser.onnx')
    test.skipIf(!existsSync(path))(`${id}: at most ${maxTransposes} Transpose kernels per forward (was 64 with a transpose pair around every conv)`, async () => {
      await tf.setBackend('wasm')
      const g = OnnxGraph.fromBytes(new Uint8Array(readFileSync(path)))
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 3)
      const s = tf.fill([1], 1)
      g.run({ x, sigma: s })[0]?.dispose()
      const prof = await tf.profile(() => { g.run({ x, sigma: s })[0]?.dispose() })
      const kernels = prof.kernels.map((k) => k.name)
      const transposes = kernels.filter((n) => n === 'Transpose').length
      console.log(`${id}: ${kernels.length} kernels per forward, ${transposes} Transpose`)
      expect(transposes).toBeLessThanOrEqual(maxTransposes)
      expect(kernels.filter((n) => n === 'Conv2D' || n === 'FusedConv2D').length).toBe(22)
      for (const t of [x, s]) t.dispose()
      g.dispose()
    })
  }
})
