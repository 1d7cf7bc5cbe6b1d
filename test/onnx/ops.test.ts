// One test per op graph made by scripts/make-op-graphs.py: forward parity with onnxruntime-node and an
// exact-VJP gradient check against central finite differences (computed with onnxruntime).
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { OnnxGraph, recordVjp } from '../../src/engines/onnx/diff'
import { type Feeds, gradcheck, maxAbs, maxAbsDiff, ortRun, ortSession, rng, sample, size, toTf, KINK_OPS, loadOpFixtures, opFixtureBytes } from './helpers'

const manifest = { fixtures: loadOpFixtures() }


const results: Record<string, { parity: number; gradcheck: number | null }> = {}

beforeAll(() => {
  tf.env().set('IS_TEST', true)
})

afterAll(() => {
  const rows = Object.entries(results)
  const worstP = Math.max(...rows.map(([, r]) => r.parity))
  const worstG = Math.max(...rows.map(([, r]) => r.gradcheck ?? 0))
  // one line for the log: the worst parity / gradcheck over all op graphs
  console.log(`onnx op graphs: ${rows.length}, worst parity max-abs ${worstP.toExponential(2)}, worst gradcheck rel ${worstG.toExponential(2)}`)
  if (process.env.ONNX_OPS_TABLE) for (const [k, r] of rows) console.log(`${k}\t${r.parity.toExponential(2)}\t${r.gradcheck === null ? '-' : r.gradcheck.toExponential(2)}`)
})

describe.each(['cpu', 'wasm'])('op graphs on tfjs-%s: parity with onnxruntime-node and VJP gradcheck', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend)
  })
  manifest.fixtures.forEach((fx, k) => {
    test(fx.name, async () => {
      const key = `${backend}/${fx.name}`
      const bytes = opFixtureBytes(fx)
      const graph = OnnxGraph.fromBytes(bytes)
      expect(graph.unsupported).toEqual([])
      const session = await ortSession(bytes)
      const r = rng(1000 + k)
      const feeds: Feeds = {}
      for (const [name, spec] of Object.entries(fx.inputs)) feeds[name] = { data: sample(r, spec.kind, size(spec.shape)), shape: spec.shape }
      const ref = await ortRun(session, feeds)
      const before = tf.memory().numTensors
      const tfFeeds = toTf(feeds)
      // run twice: the planning run and the folded plan must agree with ORT
      for (let rep = 0; rep < 2; rep++) {
        const [out] = graph.run(tfFeeds)
        if (!out) throw new Error('no output')
        const got = await out.data()
        out.dispose()
        const err = maxAbsDiff(got, ref)
        results[key] = { parity: Math.max(err, results[key]?.parity ?? 0), gradcheck: results[key]?.gradcheck ?? null }
        expect(err, `${fx.name} run ${rep}: max abs diff ${err}`).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(ref)))
      }
      if (fx.grad) {
        const wrt = Object.keys(fx.inputs)[0] as string
        const x = feeds[wrt] as Feeds[string]
        const rec = recordVjp((xx) => graph.run({ ...tfFeeds, [wrt]: xx })[0] as tf.Tensor, tfFeeds[wrt] as tf.Tensor)
        expect(rec.reusesForward).toBe(true)
        const outShape = rec.y.shape
        const rel = await gradcheck({
          x: x.data,
          outSize: size(outShape),
          seed: 7 + k,
          h: fx.ops.some((o) => KINK_OPS.has(o)) ? 1e-3 : 1e-2,
          vjp: (v) => {
            const vt = tf.tensor(v, outShape)
            const g = rec.vjp(vt)
            const d = g.dataSync() as Float32Array
            const copy = Float32Array.from(d)
            g.dispose()
            vt.dispose()
            return copy
          },
          reference: (xd) => ortRun(session, { ...feeds, [wrt]: { data: xd, shape: x.shape } }),
        })
        rec.dispose()
        ;(results[key] as { gradcheck: number | null }).gradcheck = rel
        expect(rel, `${fx.name}: gradcheck rel ${rel}`).toBeLessThanOrEqual(1e-2)
      }
      for (const t of Object.values(tfFeeds)) t.dispose()
      graph.dispose()
      expect(tf.memory().numTensors).toBe(before)
      await session.release()
    })
  })
})
