// `npm run bench:engine`: one run, one table. For both shipped U-Nets (models/cifar10-unet, models/mri-unet) at
// batch 1 and 4: the median forward and VJP of the tfjs ONNX executor per backend — Node: wasm, cpu; the browser
// (headless Debian Chromium via Playwright on the production build, bench-engine.html): webgpu, webgl, wasm —
// each as a ratio to onnxruntime-node's forward (CPU EP, one intra-op thread; a 2-thread reference is shown too)
// on the same machine and batch; plus the manifold MLP's training step. The ORT-VJP executor
// (src/engines/onnx/ortvjp: forward-with-saved-activations and backward ONNX graphs run by onnxruntime) is timed on
// onnxruntime-node (1 thread), on onnxruntime-web's wasm build in Node (1 and 2 threads, each in a child process:
// ort-web's thread count is fixed per process) and in the browser (bench-engine.html's ORT worker, threads =
// navigator.hardwareConcurrency); in Node against ORT-node forwards timed in the same rounds.
// Options: --skip-browser, --skip-node, --skip-ortvjp, --only=ortvjp|tfjs, --models=cifar10-unet,mri-unet,
// --batches=1,4, --browser-backends=webgpu,webgl,wasm,ortvjp, --browser-ort-threads=0 (0 = hardwareConcurrency;
// e.g. 1,0), --ortweb-threads=1,2 (Node), --ortvjp-reps=12, --ortvjp-warmup-ms=0 (warm each batch this long too),
// --no-build (reuse dist/), --json=path (also write the rows as JSON), --baseline=path/to/diff/index.ts (another
// copy of the tfjs executor, e.g. the previous commit's: timed on Node wasm interleaved with this one, same run).
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import * as ort from 'onnxruntime-node'
import * as ortWeb from 'onnxruntime-web'
import { benchEngine, type BenchModel, type EngineTimings, type MakeDenoiser, median, type ModelTiming, type Reps, timeModel } from '../src/bench/engineBench'
import { fmtMs as f, type OrtVjpRun, parseBatches, parseList, targetRows, targetsMarkdown, times } from '../src/bench/benchTable'
import { type OrtVjpTiming, type RefForward, timeOrtVjp } from '../src/bench/ortVjpTiming'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import type { OrtRuntime } from '../src/engines/onnx/ortvjp'
import type { EngineBenchReply } from '../src/bench/engineBench.worker'
import type { OrtVjpBenchReply, OrtWebEnv } from '../src/bench/ortVjpBench.worker'
import type { RunEngineBench, RunOrtVjpBench } from '../src/bench/enginePage'
import { servePreview } from './preview'

const ROOT = join(import.meta.dirname, '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]))
const ALL_MODELS = ['cifar10-unet', 'mri-unet']
const MODELS = parseList(args.get('models'), ALL_MODELS, 'models')
const BATCHES = parseBatches(args.get('batches'), [1, 4])
const ONLY = args.get('only')
if (ONLY !== undefined && ONLY !== 'ortvjp' && ONLY !== 'tfjs') throw new Error(`--only=${ONLY}: choose ortvjp or tfjs`)
const RUN_TFJS = ONLY !== 'ortvjp'
const RUN_ORTVJP = ONLY !== 'tfjs' && !args.has('skip-ortvjp')
const ORTVJP_REPS: Reps = { warmup: 3, reps: Number(args.get('ortvjp-reps') ?? 12) }
const ORTVJP_WARMUP_MS = Number(args.get('ortvjp-warmup-ms') ?? 0)
/** The interleaved references of the ORT-VJP rounds in Node. */
const REF1 = 'ORT-node 1 thr'
const REF2 = 'ORT-node 2 thr'

function loadModels(): BenchModel[] {
  return MODELS.map((id) => {
    const card = JSON.parse(readFileSync(join(ROOT, 'models', id, 'card.json'), 'utf8')) as { input: { channels: number; height: number; width: number } }
    return { id, bytes: new Uint8Array(readFileSync(join(ROOT, 'models', id, 'denoiser.onnx'))), sampleShape: [card.input.channels, card.input.height, card.input.width] }
  })
}

const ortFeeds = (m: BenchModel, batch: number, x: Float32Array): Record<string, ort.Tensor> => ({
  x: new ort.Tensor('float32', x, [batch, ...m.sampleShape]),
  sigma: new ort.Tensor('float32', new Float32Array(batch).fill(1), [batch]),
})

/** onnxruntime-node forward, median ms (the reference: 1 intra-op thread; 2 for the second reference row). */
async function ortForward(m: BenchModel, batch: number, threads: number): Promise<number> {
  const s = await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: threads })
  const n = batch * m.sampleShape.reduce((a, b) => a * b, 1)
  const feeds = ortFeeds(m, batch, Float32Array.from({ length: n }, (_, i) => Math.sin(i)))
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

interface BrowserResult { rows: EngineTimings[]; ortVjp: OrtVjpRun[]; ortEnv: OrtWebEnv[]; errors: string[]; browser: string; seconds: number }

async function browserBackends(backends: string[], ortThreads: number[]): Promise<BrowserResult> {
  const t0 = performance.now()
  const server = await servePreview('bench-engine.html', args.has('no-build'))
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-quic'] })
  const out: BrowserResult = { rows: [], ortVjp: [], ortEnv: [], errors: [], browser: '', seconds: 0 }
  try {
    const base = server.base
    for (const backend of backends) {
      for (const threads of backend === 'ortvjp' ? ortThreads : [0]) {
        const page = await browser.newPage()
        page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`[browser ${backend}] ${m.text()}\n`) })
        await page.goto(`${base}/bench-engine.html`)
        await page.waitForFunction(() => document.body.dataset.ready === 'true')
        if (backend === 'ortvjp') {
          const reply = await page.evaluate(
            async (o) => (window as unknown as { runOrtVjpBench: RunOrtVjpBench }).runOrtVjpBench(o),
            { modelIds: MODELS, batches: BATCHES, reps: ORTVJP_REPS, threads, minWarmupMs: ORTVJP_WARMUP_MS },
          ) as OrtVjpBenchReply
          for (const l of reply.log) process.stderr.write(`browser ${l}\n`)
          if (reply.ok) {
            process.stderr.write(`browser ort-web env: ${JSON.stringify(reply.env)}\n`)
            const thr = reply.env.wasm.numThreads ?? 1
            out.ortEnv.push(reply.env)
            out.ortVjp.push({ label: 'browser ORT-VJP executor, onnxruntime-web wasm', where: 'browser', runtime: 'onnxruntime-web', threads: thr, t: reply.result })
          } else out.errors.push(`browser ORT-VJP (threads ${threads || 'hardwareConcurrency'}): ${reply.error.split('\n')[0] ?? ''}`)
        } else {
          const reply = await page.evaluate(
            async (o) => (window as unknown as { runEngineBench: RunEngineBench }).runEngineBench(o),
            { modelIds: MODELS, backend, batches: BATCHES, reps: BROWSER_REPS[backend] ?? { warmup: 1, reps: 2 }, mlpSteps: MLP_STEPS[backend] ?? 2 },
          ) as EngineBenchReply
          for (const l of reply.log) process.stderr.write(`browser ${l}\n`)
          if (reply.ok) out.rows.push({ ...reply.result, backend: `browser ${reply.result.backend}` })
          else out.errors.push(`browser ${backend}: ${reply.error.split('\n')[0] ?? ''}`)
        }
        await page.close()
      }
    }
    out.browser = browser.version()
    return out
  } finally {
    await browser.close()
    server.stop()
    out.seconds = (performance.now() - t0) / 1000
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

const ORT_NODE: OrtRuntime = {
  createSession: (b) => ort.InferenceSession.create(b, { intraOpNumThreads: 1 }),
  tensor: (d, dims) => new ort.Tensor('float32', d, [...dims]),
}
// onnxruntime-web's wasm build in Node (what the browser worker runs); its thread count is set once per process
const ORT_WEB: OrtRuntime = {
  createSession: (b, hint) => ortWeb.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: hint?.graphOptimizationLevel ?? 'all' }),
  tensor: (d, dims) => new ortWeb.Tensor('float32', d, [...dims]),
}

/** The ORT-VJP executor on `rt`, with onnxruntime-node forwards of the original model (1 and 2 threads) interleaved. */
async function ortVjpNode(models: BenchModel[], rt: OrtRuntime, label: string): Promise<OrtVjpTiming[]> {
  const sessions = new Map<string, ort.InferenceSession>()
  for (const m of models) for (const thr of [1, 2]) sessions.set(`${m.id}/${thr}`, await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: thr }))
  const ref = (thr: number): RefForward => async (m, b, x) => { await (sessions.get(`${m.id}/${thr}`) as ort.InferenceSession).run(ortFeeds(m, b, x)) }
  try {
    return await timeOrtVjp(rt, models, BATCHES, ORTVJP_REPS, { [REF1]: ref(1), [REF2]: ref(2) }, (s) => process.stderr.write(`${label} ${s}\n`), ORTVJP_WARMUP_MS)
  } finally {
    for (const s of sessions.values()) await s.release()
  }
}

/** Child-process mode (--child-ortweb=N): onnxruntime-web in Node with N threads; one JSON line on stdout. */
async function childOrtWeb(threads: number): Promise<void> {
  ortWeb.env.wasm.numThreads = threads
  ortWeb.env.logLevel = 'error'
  const t = await ortVjpNode(loadModels(), ORT_WEB, `node ort-web (${threads} thr)`)
  const w = ortWeb.env.wasm
  process.stdout.write(`${JSON.stringify({ t, env: { numThreads: w.numThreads, simd: w.simd, proxy: w.proxy, asked: threads, versions: ortWeb.env.versions } })}\n`)
}

/** Runs this file as a child process for onnxruntime-web at `threads` (ort-web's thread count is per process). */
function ortWebInChild(threads: number): Promise<{ t: OrtVjpTiming[]; env: { numThreads?: number; asked: number } }> {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const passOn = ['models', 'batches', 'ortvjp-reps', 'ortvjp-warmup-ms'].flatMap((k) => (args.has(k) ? [`--${k}=${args.get(k) ?? ''}`] : []))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, join(ROOT, 'bench', 'engine.ts'), `--child-ortweb=${threads}`, ...passOn], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`onnxruntime-web child (${threads} thr) exited with ${code}: ${last.slice(0, 300)}`))
      else resolve(JSON.parse(last) as { t: OrtVjpTiming[]; env: { numThreads?: number; asked: number } })
    })
  })
}

function ortVjpRow(r: OrtVjpRun): EngineTimings {
  return { backend: `${r.label} (fwd = forward with saved activations)`, threads: r.threads, models: r.t.map((x) => ({ model: x.model, batch: x.batch, forwardMs: x.forwardMs, vjpMs: x.vjpMs })), mlpStepMs: null }
}

async function main(): Promise<void> {
  const childThreads = args.get('child-ortweb')
  if (childThreads !== undefined) return childOrtWeb(Number(childThreads))
  const tStart = performance.now()
  const models = loadModels()
  // ORT is timed before and after the other runs (the CPU is shared: the mean of both is the reference)
  const ortStart = new Map<string, number>()
  const ort2Start = new Map<string, number>()
  for (const m of models) for (const b of BATCHES) {
    ortStart.set(`${m.id}/${b}`, await ortForward(m, b, 1))
    ort2Start.set(`${m.id}/${b}`, await ortForward(m, b, 2))
  }
  const rows: EngineTimings[] = []
  const errors: string[] = []
  const floor = new Map<string, number>()
  const phases: string[] = []
  const phase = (name: string, t0: number): void => { phases.push(`${name} ${((performance.now() - t0) / 1000).toFixed(0)} s`) }
  if (!args.has('skip-node') && RUN_TFJS) {
    for (const b of ['wasm', 'cpu']) {
      const t0 = performance.now()
      rows.push({ ...(await nodeBackend(b, models)), backend: `node ${b}` })
      phase(`node ${b}`, t0)
    }
    const baselinePath = args.get('baseline')
    if (baselinePath) {
      const mod = (await import(baselinePath)) as { createOnnxDenoiser: MakeDenoiser }
      rows.push(...(await interleaved(models, mod.createOnnxDenoiser)))
    }
    const t0 = performance.now()
    await tf.setBackend('wasm')
    for (const m of models) for (const b of BATCHES) floor.set(`${m.id}/${b}`, await convFloor(m, b))
    phase('conv floor', t0)
  }
  const ortVjp: OrtVjpRun[] = []
  const ortWebNodeEnv: string[] = []
  if (!args.has('skip-node') && RUN_ORTVJP) {
    let t0 = performance.now()
    ortVjp.push({ label: 'node ORT-VJP executor, onnxruntime-node', where: 'node', runtime: 'onnxruntime-node', threads: 1, t: await ortVjpNode(models, ORT_NODE, 'node ORT-VJP onnxruntime-node') })
    phase('node ORT-VJP onnxruntime-node', t0)
    for (const thr of (args.get('ortweb-threads') ?? '1,2').split(',').map(Number)) {
      t0 = performance.now()
      try {
        const r = await ortWebInChild(thr)
        ortWebNodeEnv.push(`asked ${thr} → ort.env.wasm ${JSON.stringify(r.env)}`)
        ortVjp.push({ label: 'node ORT-VJP executor, onnxruntime-web wasm', where: 'node', runtime: 'onnxruntime-web', threads: r.env.numThreads ?? thr, t: r.t })
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e))
      }
      phase(`node ORT-VJP onnxruntime-web ${thr} thr`, t0)
    }
  }
  let browserVersion = ''
  const browserEnv: OrtWebEnv[] = []
  if (!args.has('skip-browser')) {
    const wanted = (args.get('browser-backends') ?? 'webgpu,webgl,wasm,ortvjp').split(',').filter((b) => (b === 'ortvjp' ? RUN_ORTVJP : RUN_TFJS))
    const r = await browserBackends(wanted, (args.get('browser-ort-threads') ?? '0').split(',').map(Number))
    rows.push(...r.rows)
    ortVjp.push(...r.ortVjp)
    browserEnv.push(...r.ortEnv)
    errors.push(...r.errors)
    browserVersion = r.browser
    phases.push(`browser (build, serve, ${wanted.join(', ')}) ${r.seconds.toFixed(0)} s`)
  }
  rows.push(...ortVjp.map(ortVjpRow))
  const ortMs = new Map<string, number>()
  const ortEnd = new Map<string, number>()
  const ort2Ms = new Map<string, number>()
  for (const m of models) {
    for (const b of BATCHES) {
      const k = `${m.id}/${b}`
      ortEnd.set(k, await ortForward(m, b, 1))
      ortMs.set(k, ((ortStart.get(k) as number) + (ortEnd.get(k) as number)) / 2)
      ort2Ms.set(k, ((ort2Start.get(k) as number) + (await ortForward(m, b, 2))) / 2)
    }
  }
  const date = new Date().toISOString()
  console.log(`# bench:engine — ${date}`)
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${browserVersion ? `, Chromium ${browserVersion} (headless)` : ''}; reference: onnxruntime-node ${ort.env.versions.common} CPU EP, 1 intra-op thread, timed before and after the other runs (the mean is used); the 2-thread column is the same at intraOpNumThreads 2.\n`)
  console.log('| model | batch | ORT-node fwd ms (before / after) | ORT-node 2 thr fwd ms (× 1 thr) |' + rows.map((r) => ` ${r.backend}${r.threads !== null ? ` (${r.threads} thr)` : ''} fwd ms (×ORT) / VJP ms (×ORT, VJP/fwd) |`).join(''))
  console.log('|---|---|---|---|' + rows.map(() => '---|').join(''))
  for (const m of models) {
    for (const b of BATCHES) {
      const k = `${m.id}/${b}`
      const o = ortMs.get(k) as number
      const cells = rows.map((r) => {
        const t = r.models.find((x) => x.model === m.id && x.batch === b)
        return t ? ` ${f(t.forwardMs)} (${times(t.forwardMs, o)}) / ${f(t.vjpMs)} (${times(t.vjpMs, o)}, ${(t.vjpMs / t.forwardMs).toFixed(2)}) |` : ' — |'
      })
      console.log(`| ${m.id} | ${b} | ${f(o)} (${f(ortStart.get(k) as number)} / ${f(ortEnd.get(k) as number)}) | ${f(ort2Ms.get(k) as number)} (${times(ort2Ms.get(k), o, 2)}) |${cells.join('')}`)
    }
  }
  console.log(`| manifold MLP train step (hidden 256, batch 256) | 256 | n/a (ORT cannot train) | n/a |${rows.map((r) => ` ${r.mlpStepMs === null ? '—' : `${f(r.mlpStepMs)} ms`} |`).join('')}`)
  if (floor.size > 0) {
    console.log(`\nThe floor on Node tfjs-wasm: the U-Net's convolutions alone, as bare conv kernels (no executor, no other op):\n`)
    console.log('| model | batch | convs only, ms | × ORT-node whole forward |')
    console.log('|---|---|---|---|')
    for (const m of models) for (const b of BATCHES) {
      const v = floor.get(`${m.id}/${b}`) as number
      console.log(`| ${m.id} | ${b} | ${f(v)} | ${times(v, ortMs.get(`${m.id}/${b}`))} |`)
    }
  }
  if (ortVjp.length > 0) {
    console.log(`\nThe ORT-VJP executor. Node rows: against onnxruntime-node forwards of the original model timed interleaved with it (same process, same load; ${ORTVJP_REPS.warmup} + ${ORTVJP_REPS.reps} rounds, medians). Browser rows (*): against the run's ORT-node references above (the browser cannot run onnxruntime-node). "plain fwd" = the original graph on the executor's runtime; init = OrtVjpExecutor.create (probe, transform, three sessions).\n`)
    console.log('| executor | model | batch | ORT-node fwd ms | fwd with saved activations, ms (×ORT) | VJP, ms (×ORT) | VJP / own fwd | threads | ORT-node 2 thr fwd ms | fwd / VJP × ORT-node 2 thr | plain fwd ms (×ORT) | init s |')
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for (const r of ortVjp) for (const t of r.t) {
      const k = `${t.model}/${t.batch}`
      const star = r.where === 'browser' ? '*' : ''
      const o1 = t.refMs[REF1] ?? (ortMs.get(k) as number)
      const o2 = t.refMs[REF2] ?? (ort2Ms.get(k) as number)
      console.log(`| ${r.label} | ${t.model} | ${t.batch} | ${f(o1)}${star} | ${f(t.forwardMs)} (${times(t.forwardMs, o1, 2)}) | ${f(t.vjpMs)} (${times(t.vjpMs, o1, 2)}) | ${(t.vjpMs / t.forwardMs).toFixed(2)} | ${r.threads} | ${f(o2)}${star} | ${times(t.forwardMs, o2, 2)} / ${times(t.vjpMs, o2, 2)} | ${f(t.plainMs)} (${times(t.plainMs, o1, 2)}) | ${(t.initMs / 1000).toFixed(1)} |`)
    }
    for (const e of ortWebNodeEnv) console.log(`\nonnxruntime-web in Node: ${e}`)
    for (const e of browserEnv) console.log(`\nonnxruntime-web in the browser worker: ort.env.wasm ${JSON.stringify(e.wasm)}, versions ${JSON.stringify(e.versions)}, crossOriginIsolated ${String(e.crossOriginIsolated)}, hardwareConcurrency ${e.hardwareConcurrency}`)
  }
  const tfjsNode = rows.find((r) => r.backend === 'node wasm')?.models
  const tfjsBrowser = rows.find((r) => r.backend === 'browser wasm')?.models
  const targets = targetRows({ ort: ortMs, tfjsNode, tfjsBrowser, ortVjp, refLabel: REF1 })
  if (targets.length > 0) console.log(`\nTargets (issue 11), this run:\n\n${targetsMarkdown(targets)}`)
  for (const e of errors) console.log(`\nfailed: ${e}`)
  console.log(`\nWall time: ${((performance.now() - tStart) / 1000).toFixed(0)} s (${phases.join('; ')}).`)
  const json = args.get('json')
  if (json) {
    mkdirSync(dirname(json), { recursive: true })
    writeFileSync(json, JSON.stringify({ date, ort: Object.fromEntries(ortMs), ort2: Object.fromEntries(ort2Ms), convFloor: Object.fromEntries(floor), rows, ortVjp, ortWebNodeEnv, browserEnv, targets, errors }, null, 1))
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e)
  process.exit(1)
})
