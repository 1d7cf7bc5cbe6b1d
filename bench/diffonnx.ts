// `npm run bench:diffonnx`: for each ONNX denoiser present (models/*/denoiser.onnx, else the tiny EDM test
// denoiser), forward time in onnxruntime (node, and web/wasm when it loads in Node) vs the differentiable tfjs
// engine, and the VJP / forward time ratio per tfjs backend available in Node (cpu, wasm).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { checkModel, OnnxDenoiser, OnnxGraph } from '../src/engines/onnx/diff'

const ROOT = join(import.meta.dirname, '..')
const BATCH = Number(process.env.BENCH_BATCH ?? 1)
// BENCH_BACKENDS=wasm skips the slow pure-JS cpu backend (default: both)
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',').map((b) => b.trim()).filter((b) => b !== '')

interface Target { name: string; path: string; sampleShape?: number[] }

function targets(): Target[] {
  // explicit paths: `npm run bench:diffonnx -- a.onnx b.onnx`
  const args = process.argv.slice(2).filter((a) => a.endsWith('.onnx'))
  if (args.length > 0) return args.map((p) => ({ name: p.split('/').slice(-1)[0] as string, path: p }))
  const dir = join(ROOT, 'models')
  const shipped: Target[] = existsSync(dir)
    ? readdirSync(dir).map((d) => ({ name: d, path: join(dir, d, 'denoiser.onnx') })).filter((t) => existsSync(t.path))
      .map((t) => {
        // [C,H,W] from card.json (models/common/ship.py) when the ONNX input has symbolic dims
        const card = join(t.path, '..', 'card.json')
        if (!existsSync(card)) return t
        const i = (JSON.parse(readFileSync(card, 'utf8')) as { input?: { channels?: number; height?: number; width?: number } }).input
        return i?.channels && i.height && i.width ? { ...t, sampleShape: [i.channels, i.height, i.width] } : t
      })
    : []
  if (shipped.length > 0) return shipped
  const tiny = join(ROOT, 'test', 'fixtures', 'onnx-ops', 'tiny_edm_denoiser.onnx')
  return [
    { name: 'tiny_edm_denoiser (test fixture) 3×16×16', path: tiny, sampleShape: [3, 16, 16] },
    { name: 'tiny_edm_denoiser (test fixture) 3×32×32', path: tiny, sampleShape: [3, 32, 32] },
  ]
}

/** Median ms of fn over ≥ minReps runs and ≥ minMs total (after three warm-up runs). */
async function time(fn: () => Promise<void>, minReps = 5, minMs = 2000): Promise<number> {
  for (let i = 0; i < 3; i++) await fn()
  const ts: number[] = []
  const start = performance.now()
  while (ts.length < minReps || (performance.now() - start < minMs && ts.length < 50)) {
    const t0 = performance.now()
    await fn()
    ts.push(performance.now() - t0)
  }
  ts.sort((a, b) => a - b)
  return ts[Math.floor(ts.length / 2)] as number
}

type OrtLike = typeof import('onnxruntime-node')

async function ortForward(ort: OrtLike, bytes: Uint8Array, xName: string, sName: string, shape: number[]): Promise<number> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
  const n = shape.reduce((a, b) => a * b, 1)
  const feeds = {
    [xName]: new ort.Tensor('float32', Float32Array.from({ length: n }, () => Math.random() * 2 - 1), shape),
    [sName]: new ort.Tensor('float32', new Float32Array(shape[0] ?? 1).fill(1), [shape[0] ?? 1]),
  }
  const ms = await time(async () => { await s.run(feeds) })
  await s.release()
  return ms
}

const fmt = (v: number | null): string => (v === null ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1))

async function main(): Promise<void> {
  tf.env().set('IS_TEST', true)
  const ortNode = await import('onnxruntime-node')
  let ortWeb: OrtLike | null = null
  try {
    ortWeb = (await import('onnxruntime-web')) as unknown as OrtLike
    ortWeb.env.wasm.numThreads = 1
  } catch {
    ortWeb = null
  }
  console.log(`# diffonnx bench — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), batch ${BATCH}`)
  console.log('| model | sample | ORT node fwd ms | ORT web(wasm) fwd ms | tfjs backend | tfjs fwd ms | linearize ms | VJP ms | VJP/fwd | runtime nodes |')
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  for (const t of targets()) {
    const bytes = new Uint8Array(readFileSync(t.path))
    const rep = checkModel(bytes)
    if (!rep.ok || !rep.io || !rep.model) {
      console.log(`| ${t.name} | — | skipped: ${rep.errors.join('; ')} |`)
      continue
    }
    const io = rep.io
    const sample = t.sampleShape ?? io.xShape.slice(1).map((d) => (typeof d === 'number' ? d : 16))
    const shape = [BATCH, ...sample]
    const msOrt = await ortForward(ortNode, bytes, io.x, io.sigma, shape)
    let msWeb: number | null = null
    if (ortWeb) {
      try {
        msWeb = await ortForward(ortWeb, bytes, io.x, io.sigma, shape)
      } catch {
        msWeb = null
      }
    }
    for (const backend of BACKENDS) {
      if (!(await tf.setBackend(backend))) continue
      await tf.ready()
      const d = new OnnxDenoiser(new OnnxGraph(rep.model), io, { sampleShape: sample })
      const x = tf.randomNormal(shape)
      const v = tf.randomNormal(shape)
      const fwd = await time(async () => { const y = d.denoise(x, 1); await y.data(); y.dispose() })
      const lin = await time(async () => { const l = d.linearize(x, 1); await l.denoised.data(); l.dispose() })
      const l = d.linearize(x, 1)
      const vjp = await time(async () => { const g = l.vjp(v); await g.data(); g.dispose() })
      l.dispose()
      const sig = tf.fill([BATCH], 1)
      const info = d.graph.planInfo({ [io.x]: x, [io.sigma]: sig })
      console.log(`| ${t.name} | ${sample.join('×')} | ${fmt(msOrt)} | ${fmt(msWeb)} | ${backend} | ${fmt(fwd)} | ${fmt(lin)} | ${fmt(vjp)} | ${(vjp / fwd).toFixed(2)} | ${info ? `${info.runtimeNodes}/${info.nodes}` : '?'} |`)
      for (const tt of [x, v, sig]) tt.dispose()
      d.dispose()
    }
  }
  console.log('\nfwd = denoise(x, σ=1) incl. read-back; linearize = forward with the gradient tape on; VJP = one backward pass on a recorded tape (no forward recompute); runtime nodes = nodes left after constant folding / all nodes.')
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
