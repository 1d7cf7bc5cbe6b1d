// `npm run bench:manifold:sweep -- --preset=default --set=train.steps=640,estep.steps=16 --laps=10 --out=sweep.jsonl`
// One DiEM manifold run (the lab's code, tfjs-wasm in Node) with preset fields overridden, logging per lap:
// Sinkhorn, sliced Wasserstein, lap seconds split into M-step / E-step+metrics, kept samples, the 1-minute load
// average at the end of the lap; `--eval=N` adds a second Sinkhorn on N truth points, `--run-file=f.json` writes
// the run as the lab's export file after every lap (import it in the page). Used to retune the default preset (docs/manifold-retune.md).
// `--estep-bench=K` / `--mstep-bench=K` time K E-step (PC) / M-step (Adam) steps alone (CPU-ms per step).
// `--oracle` instead trains the MLP on the hidden truth (count points) for train.steps × laps steps and then runs
// one E-step: the floor the E-step settings allow with a well-fitted prior.
import { appendFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { eStepStepsAt, MANIFOLD_PRESETS, type ManifoldConfig, type ManifoldPreset } from '../src/core/em/presets'
import { manifoldTask, runManifold } from '../src/engines/tfjs/manifoldRunner'
import { eStep, keepInRange, lapMetrics } from '../src/core/em/diem'
import { sample } from '../src/core/diffusion/sampler'
import { fitGaussianPrior } from '../src/core/em/gaussianFit'
import { MANIFOLD_DIM } from '../src/core/data/manifoldTask'
import { mulberry32 } from '../src/core/linalg/random'
import { MlpModel } from '../src/engines/tfjs/mlpModel'
import { makeManifoldTask } from '../src/core/data/manifoldTask'
import { sinkhornCost, sinkhornDivergence } from '../src/core/metrics/sinkhorn'
import { encodeRun } from '../src/app/persistence/runFile'
import type { LapRow, RunRecord } from '../src/app/persistence/runsDb'

const args = new Map(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, '').split('='); return [k!, v.join('=')] as [string, string] }))
const preset = (args.get('preset') ?? 'default') as ManifoldPreset
if (!(preset in MANIFOLD_PRESETS)) throw new Error(`--preset must be one of ${Object.keys(MANIFOLD_PRESETS).join(', ')}`)

/** Numeric fields a preset may leave out (set them with --set all the same). */
const OPTIONAL = new Set(['estep.firstSteps', 'estep.rampLaps'])

/** Applies `a.b=v,c=w` overrides to a deep copy of the preset; numbers only. */
function override(base: ManifoldConfig, spec: string | undefined): ManifoldConfig {
  const c = structuredClone(base) as unknown as Record<string, unknown>
  if (!spec) return c as unknown as ManifoldConfig
  for (const kv of spec.split(',')) {
    const [path, raw] = kv.split('=')
    const v = Number(raw)
    if (!path || !Number.isFinite(v)) throw new Error(`bad --set entry "${kv}"`)
    const keys = path.split('.')
    let o = c
    for (const k of keys.slice(0, -1)) {
      if (typeof o[k] !== 'object' || o[k] === null) throw new Error(`no field ${path}`)
      o = o[k] as Record<string, unknown>
    }
    const last = keys.at(-1)!
    if (typeof o[last] !== 'number' && !OPTIONAL.has(path)) throw new Error(`no numeric field ${path}`)
    o[last] = v
  }
  return c as unknown as ManifoldConfig
}

const config = override(MANIFOLD_PRESETS[preset], args.get('set'))
if (args.has('laps')) config.laps = Number(args.get('laps'))
const label = args.get('label') ?? args.get('set') ?? preset
const out = args.get('out')
await tf.setBackend(args.get('backend') ?? 'wasm')
await tf.ready()

function log(rec: Record<string, unknown>): void {
  const line = JSON.stringify({ label, ...rec })
  process.stderr.write(line + '\n')
  if (out) appendFileSync(out, line + '\n')
}

log({ start: new Date().toISOString(), node: process.version, cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`, backend: tf.getBackend(), config })

if (args.has('estep-bench')) {
  // `--estep-bench=K`: the E-step's cost alone — K PC steps on all observations with a fresh MLP (the cost does not
  // depend on the weights), twice (the first warms up the kernels); logs ms and CPU-ms per PC step.
  const task = manifoldTask(config)
  const fit = fitGaussianPrior(task.obs, MANIFOLD_DIM, config.fitIterations, mulberry32(config.seed + 17))
  const model = new MlpModel({ features: MANIFOLD_DIM, hidden: config.hidden, layers: 3, embedding: 64 }, config.schedule, config.seed)
  const steps = Number(args.get('estep-bench')) || 32
  for (let rep = 0; rep < 3; rep++) {
    const t1 = performance.now(), c1 = process.cpuUsage()
    const e = await eStep(task, model.denoiser, { mean: fit.mean, cov: fit.cov }, { ...config.estep, steps }, config.schedule, 7919, { onProgress: () => {} })
    const cpu = process.cpuUsage(c1)
    const ms = performance.now() - t1
    log({ what: 'estep-bench', rep, steps, observations: config.observations, msPerStep: ms / steps, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps, kept: e.kept, checksum: e.samples.reduce((a, b) => a + b, 0), load1: loadavg()[0] })
  }
  model.dispose()
} else if (args.has('mstep-bench')) {
  // `--mstep-bench=K`: the M-step's cost alone — K Adam steps (the preset's batch) on the truth points, three times.
  const task = manifoldTask(config)
  const model = new MlpModel({ features: MANIFOLD_DIM, hidden: config.hidden, layers: 3, embedding: 64 }, config.schedule, config.seed)
  const data = tf.tensor2d(Float32Array.from(task.truth), [config.observations, MANIFOLD_DIM])
  const steps = Number(args.get('mstep-bench')) || 100
  for (let rep = 0; rep < 3; rep++) {
    const t1 = performance.now(), c1 = process.cpuUsage()
    const losses = await model.train(data, { ...config.train, steps }, rep, () => {})
    const cpu = process.cpuUsage(c1)
    log({ what: 'mstep-bench', rep, steps, batch: config.train.batch, msPerStep: (performance.now() - t1) / steps, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps, loss: losses.at(-1), load1: loadavg()[0] })
  }
  data.dispose()
  model.dispose()
} else if (args.has('oracle')) {
  const task = manifoldTask(config)
  const fit = fitGaussianPrior(task.obs, MANIFOLD_DIM, config.fitIterations, mulberry32(config.seed + 17))
  const prior = { mean: fit.mean, cov: fit.cov }
  log({ what: 'truth vs truth', ...lapMetrics(task, Float32Array.from(task.truth), config.evalSize, config.seed) })
  const model = new MlpModel({ features: MANIFOLD_DIM, hidden: config.hidden, layers: 3, embedding: 64 }, config.schedule, config.seed)
  const data = tf.tensor2d(Float32Array.from(task.truth), [config.observations, MANIFOLD_DIM])
  const t0 = performance.now()
  for (let lap = 1; lap < config.laps; lap++) {
    const losses = await model.train(data, config.train, lap, () => {})
    for (const steps of (args.get('oracle-uncond') ?? '').split(',').filter(Boolean).map(Number)) {
      const t1 = performance.now()
      const mean = tf.tensor2d(Float32Array.from(prior.mean), [1, MANIFOLD_DIM])
      const x = await sample((xt, ctx) => model.denoiser.denoise(xt, ctx.sigma), [config.evalSize, MANIFOLD_DIM], { steps, sampler: 'pc', schedule: config.schedule, seed: 31 + lap, mean })
      const v = (await x.data()) as Float32Array
      tf.dispose([x, mean])
      const m = lapMetrics(task, keepInRange(v, MANIFOLD_DIM).kept, config.evalSize, config.seed + lap)
      log({ what: 'oracle unconditional', lap, trainSteps: lap * config.train.steps, samplerSteps: steps, ...m, seconds: (performance.now() - t1) / 1000, load1: loadavg()[0] })
    }
    for (const steps of (args.get('oracle-esteps') ?? String(config.estep.steps)).split(',').map(Number)) {
      const t1 = performance.now()
      const e = await eStep(task, model.denoiser, prior, { ...config.estep, steps }, config.schedule, 7919 + lap, { onProgress: () => {} })
      const m = lapMetrics(task, e.samples, config.evalSize, config.seed + lap)
      log({ what: 'oracle', lap, trainSteps: lap * config.train.steps, estepSteps: steps, ...m, kept: e.kept, loss: losses.at(-1), estepSeconds: (performance.now() - t1) / 1000, seconds: (performance.now() - t0) / 1000, load1: loadavg()[0] })
    }
  }
  data.dispose()
  model.dispose()
} else {
  // `--eval=N`: a second, larger evaluation (N truth points per set, drawn from the same manifold after the
  // observations' truth) of each lap's first N kept samples, to measure the 256-point estimate's noise.
  const evalN = Number(args.get('eval') ?? 0)
  const big = evalN > 0 ? makeManifoldTask({ count: config.observations, evalSize: evalN, seed: config.seed, sigmaY: config.sigmaY }) : null
  const bigRef = big ? sinkhornCost(big.evalA, big.evalB, MANIFOLD_DIM).cost : 0
  const side = (v: Float32Array): Record<string, number> => {
    if (!big) return {}
    const n = Math.min(evalN, v.length / MANIFOLD_DIM)
    const t1 = performance.now()
    const s = sinkhornDivergence(big.evalA.subarray(0, n * MANIFOLD_DIM), big.evalB.subarray(0, n * MANIFOLD_DIM), Float64Array.from(v.subarray(0, n * MANIFOLD_DIM)), MANIFOLD_DIM, { reference: n === evalN ? bigRef : undefined })
    return { [`sinkhorn${evalN}`]: s, evalSeconds: (performance.now() - t1) / 1000 }
  }
  // `--run-file=run.json`: the run as the lab's export file, rewritten after every lap (import it in the page to
  // look at the laps).
  const runFile = args.get('run-file')
  const run: RunRecord = { id: `sweep-${label}`, name: `${label} (sweep) · seed ${config.seed}`, createdAt: Date.now(), config, status: 'running' }
  const rows: LapRow[] = []
  let lapStart = performance.now()
  let lapCpu = process.cpuUsage()
  let eStart: number | null = null
  const t0 = performance.now()
  await runManifold(config, undefined, (r) => {
    const now = performance.now()
    const mstep = eStart === null ? 0 : (eStart - lapStart) / 1000
    const cpu = process.cpuUsage(lapCpu)
    lapCpu = process.cpuUsage()
    log({ lap: r.lap, estepSteps: r.lap > 0 ? eStepStepsAt(config.estep, r.lap) : 0, cpuSeconds: (cpu.user + cpu.system) / 1e6, sinkhorn: r.sinkhorn, sw: r.slicedWasserstein, seconds: r.seconds, mstep, estep: r.seconds - mstep, kept: r.kept, loss: r.losses.at(-1) ?? null, ...side(r.samples), total: (now - t0) / 1000, load1: loadavg()[0] })
    if (runFile) {
      rows.push({ ...r, runId: run.id })
      writeFileSync(runFile, encodeRun({ ...run, status: r.lap + 1 >= config.laps ? 'done' : 'stopped', lapsFinished: rows.length }, rows))
    }
    lapStart = performance.now()
    eStart = null
  }, {
    onProgress: (phase) => { if (phase === 'sample' && eStart === null) eStart = performance.now() },
  })
}
log({ end: new Date().toISOString() })
