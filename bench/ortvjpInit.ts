// Where the ORT-VJP executor's init time goes (issue 11): onnxruntime-web (wasm, 1 thread) in Node, per stage —
// the wasm load, the probe session and its runs at batch 1 and 2 (every value exposed), the transform, the three
// session creations — with the emitted graphs' sizes. `npx tsx bench/ortvjpInit.ts [cifar10-unet|mri-unet] [level]`
import { readFileSync } from 'node:fs'
import * as ortWeb from 'onnxruntime-web'
import { buildVjpModels, probeModel, type Probe, type ProbedValue } from '../src/engines/onnx/ortvjp'

ortWeb.env.wasm.numThreads = 1
ortWeb.env.logLevel = 'error'
const model = process.argv[2] ?? 'cifar10-unet'
const level = (process.argv[3] ?? 'all') as 'all' | 'basic' | 'extended' | 'disabled'
const bytes = new Uint8Array(readFileSync(`models/${model}/denoiser.onnx`))
const shape = [model === 'mri-unet' ? 1 : 3, 32, 32]
const per = shape.reduce((a, b) => a * b, 1)
const feeds = (batch: number): Record<string, ortWeb.Tensor> => ({
  x: new ortWeb.Tensor('float32', Float32Array.from({ length: batch * per }, (_, i) => Math.sin(1.3 * i + 0.7)), [batch, ...shape]),
  sigma: new ortWeb.Tensor('float32', new Float32Array(batch).fill(0.8), [batch]),
})
const t = (): number => performance.now()
const rows: [string, number][] = []
async function stage<T>(name: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = t()
  const r = await f()
  rows.push([name, t() - t0])
  return r
}
const all = t()
await stage('ORT wasm load (a tiny session)', () => ortWeb.InferenceSession.create(readFileSync('public/diagnostics/tiny.onnx')))
const pbytes = await stage('probe graph (every value an output)', () => probeModel(bytes))
const ps = await stage('probe session (optimisation off)', () => ortWeb.InferenceSession.create(pbytes, { graphOptimizationLevel: 'disabled' }))
const probes: Probe[] = []
for (const b of [1, 2]) {
  await stage(`probe run, batch ${b}`, async () => {
    const out = await ps.run(feeds(b))
    const m = new Map<string, ProbedValue>()
    for (const [k, v] of Object.entries(out)) m.set(k, { type: v.type, dims: v.dims, values: v.data instanceof BigInt64Array ? Array.from(v.data, Number) : (v.data as Float32Array) })
    for (const [k, v] of Object.entries(feeds(b))) m.set(k, { type: 'float32', dims: v.dims, values: v.data as Float32Array })
    probes.push(m)
  })
}
await ps.release()
const models = await stage('transform', () => buildVjpModels(bytes, 'x', [probes[0]!, probes[1]!]))
const opts = { executionProviders: ['wasm'], graphOptimizationLevel: level }
const plain = await stage(`plain session (${level})`, () => ortWeb.InferenceSession.create(bytes, opts))
const fwd = await stage(`forward session (${level})`, () => ortWeb.InferenceSession.create(models.forward, opts))
const bwd = await stage(`backward session (${level})`, () => ortWeb.InferenceSession.create(models.backward, opts))
rows.push(['TOTAL init', t() - all])
const f2 = feeds(2)
for (let r = 0; r < 3; r++) {
  await stage(`linearize+vjp batch 2, run ${r + 1}`, async () => {
    const o = await fwd.run(f2)
    const saved: Record<string, ortWeb.Tensor> = {}
    for (const s of models.saved) saved[s] = o[s] as ortWeb.Tensor
    const y = o[models.output] as ortWeb.Tensor
    await bwd.run({ ...saved, [models.cotangent]: new ortWeb.Tensor('float32', y.data as Float32Array, y.dims) })
  })
}
// the plain forward: the original graph's session against the forward graph fetching only D's output
const pf: number[] = []
const ff: number[] = []
for (let r = 0; r < 6; r++) {
  let t0 = t()
  await plain.run(f2)
  pf.push(t() - t0)
  t0 = t()
  await fwd.run(f2, [models.output])
  ff.push(t() - t0)
}
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!
rows.push(['forward b2: original-graph session (median of 6)', med(pf)])
rows.push(['forward b2: forward graph, fetch D only (median)', med(ff)])
await plain.release()
console.log(`${model}, onnxruntime-web wasm in Node (1 thread), session level ${level}; forward ${(models.forward.length / 1e6).toFixed(2)} MB, backward ${(models.backward.length / 1e6).toFixed(2)} MB, probe graph ${(pbytes.length / 1e6).toFixed(2)} MB, model ${(bytes.length / 1e6).toFixed(2)} MB`)
for (const [n, ms] of rows) console.log(`${n.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`)
