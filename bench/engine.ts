// `npm run bench:engine`: one run, one table. For both shipped U-Nets (models/cifar10-unet, models/mri-unet) at
// batch 1 and 4: the median forward and VJP of the tfjs ONNX executor per backend — Node: wasm, cpu; the browser
// (headless Debian Chromium via Playwright on the production build, bench-engine.html): webgpu, webgl, wasm —
// each as a ratio to onnxruntime-node's forward (CPU EP, one intra-op thread) on the same machine and batch;
// plus the manifold MLP's training step. Options: --skip-browser, --skip-node, --browser-backends=webgpu,webgl,wasm,
// --no-build (reuse dist/), --json=path (also write the rows as JSON), --baseline=path/to/diff/index.ts (another
// copy of the executor, e.g. the previous commit's: timed on Node wasm interleaved with this one, same run),
// --skip-ortvjp. The ORT-VJP executor (src/engines/onnx/ortvjp: forward-with-saved-activations and backward ONNX
// graphs run by onnxruntime-node, same session options as the reference) is one more column, and a table of its
// ratios to an ORT forward timed interleaved with it (same load).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import * as ort from 'onnxruntime-node'
import * as ortWeb from 'onnxruntime-web'
import { benchEngine, type BenchModel, type EngineTimings, type MakeDenoiser, median, type ModelTiming, type Reps, timeModel } from '../src/bench/engineBench'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { type OrtRuntime, OrtVjpExecutor } from '../src/engines/onnx/ortvjp'
import type { EngineBenchReply } from '../src/bench/engineBench.worker'
import type { RunEngineBench } from '../src/bench/enginePage'

const ROOT = join(import.meta.dirname, '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]))
const BATCHES = [1, 4]
const MODELS = ['cifar10-unet', 'mri-unet']

function loadModels(): BenchModel[] {
  return MODELS.map((id) => {
    const card = JSON.parse(readFileSync(join(ROOT, 'models', id, 'card.json'), 'utf8')) as { input: { channels: number; height: number; width: number } }
    return { id, bytes: new Uint8Array(readFileSync(join(ROOT, 'models', id, 'denoiser.onnx'))), sampleShape: [card.input.channels, card.input.height, card.input.width] }
  })
}

/** onnxruntime-node forward, median ms (1 intra-op thread: on this shared 2-core VM two threads are slower). */
async function ortForward(m: BenchModel, batch: number): Promise<number> {
  const s = await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 })
  const shape = [batch, ...m.sampleShape]
  const n = shape.reduce((a, b) => a * b, 1)
  const feeds = {
    x: new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i)), shape),
    sigma: new ort.Tensor('float32', new Float32Array(batch).fill(1), [batch]),
  }
  for (let i = 0; i < 5; i++) await s.run(feeds)
  const ts: number[] = []
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now()
    await s.run(feeds)
    ts.push(performance.now() - t0)
  }
  await s.release()
  return median(ts)
}

const NODE_REPS: Record<string, Reps> = { wasm: { warmup: 3, reps: 10 }, cpu: { warmup: 1, reps: 1 } }
// webgpu and webgl here run on SwiftShader (a CPU-emulated GPU): seconds per U-Net call, so one timed run each
const BROWSER_REPS: Record<string, Reps> = { wasm: { warmup: 3, reps: 10 }, webgl: { warmup: 1, reps: 1 }, webgpu: { warmup: 1, reps: 1 } }
const MLP_STEPS: Record<string, number> = { wasm: 20, cpu: 3, webgl: 5, webgpu: 2 }

async function nodeBackend(backend: string, models: BenchModel[]): Promise<EngineTimings> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs ${backend} failed to initialise in Node`)
  await tf.ready()
  return benchEngine(models, BATCHES, NODE_REPS[backend] as Reps, MLP_STEPS[backend] ?? 3, (s) => process.stderr.write(`node ${s}\n`))
}

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`${url} did not come up in ${ms / 1000} s`)
}

async function browserBackends(backends: string[]): Promise<{ rows: EngineTimings[]; errors: string[]; browser: string }> {
  const port = Number(process.env.PREVIEW_PORT ?? 4173)
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  if (!args.has('no-build') || !existsSync(join(ROOT, 'dist', 'bench-engine.html'))) {
    process.stderr.write('building the app (vite build)…\n')
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  }
  const server: ChildProcess = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore' })
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-quic'] })
  const rows: EngineTimings[] = []
  const errors: string[] = []
  try {
    const base = `http://127.0.0.1:${port}`
    await waitFor(`${base}/bench-engine.html`, 60_000)
    for (const backend of backends) {
      const page = await browser.newPage()
      page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`[browser ${backend}] ${m.text()}\n`) })
      await page.goto(`${base}/bench-engine.html`)
      await page.waitForFunction(() => document.body.dataset.ready === 'true')
      const reply = await page.evaluate(
        async (o) => (window as unknown as { runEngineBench: RunEngineBench }).runEngineBench(o),
        { backend, batches: BATCHES, reps: BROWSER_REPS[backend] ?? { warmup: 1, reps: 2 }, mlpSteps: MLP_STEPS[backend] ?? 2 },
      ) as EngineBenchReply
      for (const l of reply.log) process.stderr.write(`browser ${l}\n`)
      if (reply.ok) rows.push({ ...reply.result, backend: `browser ${reply.result.backend}` })
      else errors.push(`browser ${backend}: ${reply.error.split('\n')[0] ?? ''}`)
      await page.close()
    }
    return { rows, errors, browser: browser.version() }
  } finally {
    await browser.close()
    server.kill()
  }
}

/** Node wasm, this executor and a baseline copy, alternating rounds so both see the same machine load. */
async function interleaved(models: BenchModel[], baseline: MakeDenoiser): Promise<[EngineTimings, EngineTimings]> {
  await tf.setBackend('wasm')
  const cur: ModelTiming[] = []
  const base: ModelTiming[] = []
  for (const m of models) {
    for (const b of BATCHES) {
      const runs: { cur: ModelTiming[]; base: ModelTiming[] } = { cur: [], base: [] }
      for (let round = 0; round < 3; round++) {
        runs.cur.push(await timeModel(m, b, { warmup: 2, reps: 5 }))
        runs.base.push(await timeModel(m, b, { warmup: 2, reps: 5 }, baseline))
      }
      const pick = (ts: ModelTiming[]): ModelTiming => ({ model: m.id, batch: b, forwardMs: median(ts.map((t) => t.forwardMs)), vjpMs: median(ts.map((t) => t.vjpMs)) })
      cur.push(pick(runs.cur))
      base.push(pick(runs.base))
      process.stderr.write(`interleaved ${m.id} b${b}: this ${f(pick(runs.cur).forwardMs)} / baseline ${f(pick(runs.base).forwardMs)} ms fwd\n`)
    }
  }
  return [{ backend: 'node wasm, this executor (interleaved)', threads: 1, models: cur, mlpStepMs: null }, { backend: 'node wasm, baseline executor (interleaved)', threads: 1, models: base, mlpStepMs: null }]
}

/**
 * The floor under the executor on tfjs-wasm: the model's convolutions alone (shapes read from a profiled forward,
 * run back to back as bare fused conv kernels on random data), median ms. No executor, no other op.
 */
async function convFloor(m: BenchModel, batch: number): Promise<number> {
  const d = createOnnxDenoiser(m.bytes, { sampleShape: m.sampleShape })
  const x = tf.randomNormal([batch, ...m.sampleShape])
  d.denoise(x, 1).dispose()
  const prof = await tf.profile(() => { d.denoise(x, 1).dispose() })
  x.dispose()
  d.dispose()
  const convs = prof.kernels.filter((k) => k.name === 'FusedConv2D' || k.name === 'Conv2D').map((k) => {
    const [xs, ws] = k.inputShapes as [[number, number, number, number], [number, number, number, number]]
    const out = k.outputShapes[0] as number[]
    const stride = Math.max(1, Math.round((xs[1] as number) / (out[1] as number)))
    return { x: tf.randomNormal([...xs]) as tf.Tensor4D, w: tf.randomNormal([...ws]) as tf.Tensor4D, b: tf.zeros([ws[3] as number]) as tf.Tensor1D, stride }
  })
  const run = (): void => {
    for (const c of convs) tf.fused.conv2d({ x: c.x, filter: c.w, bias: c.b, strides: c.stride, pad: 'same' }).dispose()
  }
  for (let i = 0; i < 3; i++) run()
  const ts: number[] = []
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now()
    run()
    ts.push(performance.now() - t0)
  }
  for (const c of convs) tf.dispose([c.x, c.w, c.b])
  return median(ts)
}

interface OrtVjpTiming { model: string; batch: number; ortMs: number; forwardMs: number; vjpMs: number }

const ORT_NODE: OrtRuntime = {
  createSession: (b) => ort.InferenceSession.create(b, { intraOpNumThreads: 1 }),
  tensor: (d, dims) => new ort.Tensor('float32', d, [...dims]),
}
// onnxruntime-web's wasm build in Node (what the browser worker would run; 1 thread)
ortWeb.env.wasm.numThreads = 1
ortWeb.env.logLevel = 'error'
const ORT_WEB: OrtRuntime = {
  createSession: (b) => ortWeb.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
  tensor: (d, dims) => new ortWeb.Tensor('float32', d, [...dims]),
}

/**
 * The ORT-VJP executor on `rt`: an onnxruntime-node forward of the original model (the reference), the executor's
 * forward with saved activations (linearize) and one VJP, interleaved round by round.
 */
async function ortVjpBench(models: BenchModel[], rt: OrtRuntime, label: string): Promise<OrtVjpTiming[]> {
  const ref = new Map<string, ort.InferenceSession>()
  for (const m of models) ref.set(m.id, await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 }))
  const out: OrtVjpTiming[] = []
  for (const m of models) {
    const ex = await OrtVjpExecutor.create(rt, m.bytes, { x: 'x', sigma: 'sigma', sampleShape: m.sampleShape })
    const session = ref.get(m.id) as ort.InferenceSession
    for (const b of BATCHES) {
      const n = b * m.sampleShape.reduce((p, q) => p * q, 1)
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i))
      const v = Float32Array.from({ length: n }, (_, i) => Math.cos(0.3 * i))
      const o: number[] = []
      const fw: number[] = []
      const vj: number[] = []
      for (let i = 0; i < 25; i++) {
        const t0 = performance.now()
        await session.run({ x: new ort.Tensor('float32', x, [b, ...m.sampleShape]), sigma: new ort.Tensor('float32', new Float32Array(b).fill(1), [b]) })
        const t1 = performance.now()
        const lin = await ex.linearize(x, 1)
        const t2 = performance.now()
        await lin.vjp(v)
        const t3 = performance.now()
        lin.dispose()
        if (i >= 5) {
          o.push(t1 - t0)
          fw.push(t2 - t1)
          vj.push(t3 - t2)
        }
      }
      out.push({ model: m.id, batch: b, ortMs: median(o), forwardMs: median(fw), vjpMs: median(vj) })
      process.stderr.write(`${label} ${m.id} b${b}: ORT fwd ${f(median(o))}, fwd+saves ${f(median(fw))}, VJP ${f(median(vj))} ms\n`)
    }
    await ex.dispose()
  }
  for (const s of ref.values()) await s.release()
  return out
}

const f = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0))

async function main(): Promise<void> {
  const models = loadModels()
  // ORT is timed before and after the tfjs runs (the CPU is shared: the mean of both is the reference)
  const ortStart = new Map<string, number>()
  for (const m of models) for (const b of BATCHES) ortStart.set(`${m.id}/${b}`, await ortForward(m, b))
  const rows: EngineTimings[] = []
  const errors: string[] = []
  const floor = new Map<string, number>()
  if (!args.has('skip-node')) {
    for (const b of ['wasm', 'cpu']) rows.push({ ...(await nodeBackend(b, models)), backend: `node ${b}` })
    const baselinePath = args.get('baseline')
    if (baselinePath) {
      const mod = (await import(baselinePath)) as { createOnnxDenoiser: MakeDenoiser }
      rows.push(...(await interleaved(models, mod.createOnnxDenoiser)))
    }
    await tf.setBackend('wasm')
    for (const m of models) for (const b of BATCHES) floor.set(`${m.id}/${b}`, await convFloor(m, b))
  }
  const ortVjp: { label: string; t: OrtVjpTiming[] }[] = []
  if (!args.has('skip-ortvjp')) {
    for (const [label, rt] of [['node ORT-VJP executor, onnxruntime-node', ORT_NODE], ['node ORT-VJP executor, onnxruntime-web wasm', ORT_WEB]] as const) {
      const t = await ortVjpBench(models, rt, label)
      ortVjp.push({ label, t })
      rows.push({ backend: `${label} (fwd = forward with saved activations)`, threads: 1, models: t.map((x) => ({ model: x.model, batch: x.batch, forwardMs: x.forwardMs, vjpMs: x.vjpMs })), mlpStepMs: null })
    }
  }
  let browserVersion = ''
  if (!args.has('skip-browser')) {
    const r = await browserBackends((args.get('browser-backends') ?? 'webgpu,webgl,wasm').split(','))
    rows.push(...r.rows)
    errors.push(...r.errors)
    browserVersion = r.browser
  }
  const ortMs = new Map<string, number>()
  const ortEnd = new Map<string, number>()
  for (const m of models) {
    for (const b of BATCHES) {
      const k = `${m.id}/${b}`
      ortEnd.set(k, await ortForward(m, b))
      ortMs.set(k, ((ortStart.get(k) as number) + (ortEnd.get(k) as number)) / 2)
    }
  }
  const date = new Date().toISOString()
  console.log(`# bench:engine — ${date}`)
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${browserVersion ? `, Chromium ${browserVersion} (headless)` : ''}; reference: onnxruntime-node ${ort.env.versions.common} CPU EP, 1 intra-op thread, timed before and after the tfjs runs (the mean is used).\n`)
  console.log('| model | batch | ORT-node fwd ms (before / after) |' + rows.map((r) => ` ${r.backend}${r.threads !== null ? ` (${r.threads} thr)` : ''} fwd ms (×ORT) / VJP ms (×ORT, VJP/fwd) |`).join(''))
  console.log('|---|---|---|' + rows.map(() => '---|').join(''))
  for (const m of models) {
    for (const b of BATCHES) {
      const o = ortMs.get(`${m.id}/${b}`) as number
      const cells = rows.map((r) => {
        const t = r.models.find((x) => x.model === m.id && x.batch === b)
        return t ? ` ${f(t.forwardMs)} (${(t.forwardMs / o).toFixed(1)}×) / ${f(t.vjpMs)} (${(t.vjpMs / o).toFixed(1)}×, ${(t.vjpMs / t.forwardMs).toFixed(2)}) |` : ' — |'
      })
      console.log(`| ${m.id} | ${b} | ${f(o)} (${f(ortStart.get(`${m.id}/${b}`) as number)} / ${f(ortEnd.get(`${m.id}/${b}`) as number)}) |${cells.join('')}`)
    }
  }
  console.log(`| manifold MLP train step (hidden 256, batch 256) | 256 | n/a (ORT cannot train) |${rows.map((r) => ` ${r.mlpStepMs === null ? '—' : `${f(r.mlpStepMs)} ms`} |`).join('')}`)
  if (floor.size > 0) {
    console.log(`\nThe floor on Node tfjs-wasm: the U-Net's convolutions alone, as bare conv kernels (no executor, no other op):\n`)
    console.log('| model | batch | convs only, ms | × ORT-node whole forward |')
    console.log('|---|---|---|---|')
    for (const m of models) for (const b of BATCHES) {
      const v = floor.get(`${m.id}/${b}`) as number
      console.log(`| ${m.id} | ${b} | ${f(v)} | ${(v / (ortMs.get(`${m.id}/${b}`) as number)).toFixed(1)}× |`)
    }
  }
  if (ortVjp.length > 0) {
    console.log('\nThe ORT-VJP executor against an onnxruntime-node forward of the original model timed interleaved with it (same process, same load; 20 rounds, medians):\n')
    console.log('| executor | model | batch | ORT-node fwd ms | fwd with saved activations, ms (×ORT) | VJP, ms (×ORT) | VJP / own fwd |')
    console.log('|---|---|---|---|---|---|---|')
    for (const { label, t: ts } of ortVjp) for (const t of ts) console.log(`| ${label} | ${t.model} | ${t.batch} | ${f(t.ortMs)} | ${f(t.forwardMs)} (${(t.forwardMs / t.ortMs).toFixed(2)}×) | ${f(t.vjpMs)} (${(t.vjpMs / t.ortMs).toFixed(2)}×) | ${(t.vjpMs / t.forwardMs).toFixed(2)} |`)
  }
  for (const e of errors) console.log(`\nfailed: ${e}`)
  const json = args.get('json')
  if (json) {
    mkdirSync(dirname(json), { recursive: true })
    writeFileSync(json, JSON.stringify({ date, ort: Object.fromEntries(ortMs), convFloor: Object.fromEntries(floor), rows, ortVjp, errors }, null, 1))
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e)
  process.exit(1)
})
