// `npm run bench:studio`: the paper's Table 4 on our CIFAR-10 model (§7 tasks at 32×32, §11 settings).
// Node, tfjs-wasm executing models/cifar10-unet/denoiser.onnx op by op (exact VJPs by autodiff; the
// samplers' denoiser interface is synchronous, which onnxruntime's async API cannot serve). All N held-out
// test images go through the sampler as one batch (one operator per task, shared by the batch; [B] draws
// a new mask per image). Writes docs/results.md; every finished row is also appended to --rows (JSON lines)
// so that a long run cut off keeps what it measured, and runs split across processes join with --render.
//   flags: --n 16 --steps 10,100 --tasks box,random,blur,sr --methods dps,pigdm,tmpd,diffpir,mmps:cg:1,mmps:cg:3
//          --seed 0 --data <cifar10-test-jpg.tar.gz> --out docs/results.md --backend wasm --model models/cifar10-unet
//          --rows <file.jsonl> (default .bench/studio-rows.jsonl, git-ignored)
//          --zeta=0.5 (DPS step; other methods ignore it)
//          --render=a.jsonl,b.jsonl   only rebuild --out from stored rows (no sampling)
// Text after the line `<!-- notes -->` in --out is kept when the table is rewritten.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { cpus } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { applyPreset, DEFAULT_CONFIG, METHOD_DEFAULTS, type MethodSpec } from '../src/core/studio/config'
import { buildOperator, observe } from '../src/core/studio/problem'
import { methodLabel } from '../src/core/studio/run'
import { posteriorDenoiser, isMethodName } from '../src/core/posterior/registry'
import { sample } from '../src/core/diffusion/sampler'
import { psnr, ssim, toUnit } from '../src/core/metrics/image'
import { loadCifarTest, DEFAULT_CIFAR_TEST } from './cifarTest'

const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d
const out = arg('out', 'docs/results.md')
const NOTES = '<!-- notes -->'
const TASK_ORDER = ['box', 'random', 'blur', 'sr']

/** One measured table row together with the run that produced it. */
interface Row {
  task: string; label: string; steps: number; psnr: number; ssim: number; sPerSample: number; vjpPerStep: number; diverged: number
  /** Per-image PSNR (NaN for a diverged image); absent in rows from runs before it was recorded. */
  psnrImages?: number[]
  run: { command: string; machine: string; model: string; data: string; finished: string }
}

const fmt = (v: number, d = 2): string => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(d)

/** Mean and standard error of the finite entries. */
function meanSe(v: number[]): { mean: number; se: number; n: number } {
  const f = v.filter(Number.isFinite)
  const mean = f.reduce((a, b) => a + b, 0) / Math.max(1, f.length)
  const sd = Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, f.length - 1))
  return { mean, se: sd / Math.sqrt(Math.max(1, f.length)), n: f.length }
}

/** Per task and step count: MMPS (CG 3) minus every other method, paired over the same images. */
function pairedLines(rows: Row[]): string[] {
  const out: string[] = []
  const groups = [...new Set(rows.map((r) => `${r.task}\u0000${r.steps}`))]
  for (const g of groups) {
    const [task, steps] = g.split('\u0000')
    const same = rows.filter((r) => r.task === task && String(r.steps) === steps && r.psnrImages)
    const ref = same.find((r) => r.label === 'MMPS (CG 3)')
    if (!ref?.psnrImages) continue
    const parts = same.filter((r) => r !== ref).map((r) => {
      const d = meanSe(ref.psnrImages!.map((v, i) => v - (r.psnrImages![i] ?? NaN)))
      return `${r.label} ${fmt(d.mean)} ± ${d.se.toFixed(2)}`
    })
    out.push(`- ${task}, ${steps} steps: ${parts.join('; ')}`)
  }
  return out.length ? ['', 'Paired PSNR difference, MMPS (CG 3) minus each method over the same images (mean ± s.e., dB):', '', ...out] : []
}

function render(rows: Row[]): string {
  const order = (r: Row): number => TASK_ORDER.findIndex((t) => r.task.startsWith(t))
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => order(a.r) - order(b.r) || a.r.steps - b.r.steps || a.i - b.i).map((e) => e.r)
  const runs = [...new Map(rows.map((r) => [r.run.command, r.run])).values()]
  const notes = existsSync(out) ? readFileSync(out, 'utf8').split(NOTES)[1] : undefined
  return [
    '# Studio benchmark: the paper\'s Table 4 tasks on our CIFAR-10 model',
    '',
    ...runs.flatMap((run) => [`- \`npm run bench:studio -- ${run.command}\` — ${run.machine}; finished ${run.finished}.`]),
    '',
    `Model: ${runs[0]?.model ?? '?'}`,
    `Data: ${runs[0]?.data ?? '?'}`,
    '',
    '| task | method | steps | PSNR | SSIM | s/sample | VJP/step |',
    '|---|---|---|---|---|---|---|',
    ...sorted.map((r) => `| ${r.task} | ${r.label} | ${r.steps} | ${r.psnr.toFixed(2)}${r.psnrImages ? ` ± ${meanSe(r.psnrImages).se.toFixed(2)}` : ''}${r.diverged ? ` (${r.diverged} diverged)` : ''} | ${r.ssim.toFixed(3)} | ${r.sPerSample.toFixed(2)} | ${r.vjpPerStep.toFixed(2)} |`),
    ...pairedLines(sorted),
    '',
    ...(notes !== undefined ? [NOTES + notes.replace(/\n+$/, ''), ''] : []),
  ].join('\n')
}

const renderFrom = arg('render', '')
if (renderFrom) {
  const rows = renderFrom.split(',').flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row))
  writeFileSync(out, render(rows))
  console.log(readFileSync(out, 'utf8'))
  process.exit(0)
}

const n = Number(arg('n', '16'))
const stepsList = arg('steps', '10,100').split(',').map(Number)
const tasks = arg('tasks', 'box,random,blur,sr').split(',')
const seed = Number(arg('seed', '0'))
const methods: MethodSpec[] = arg('methods', 'dps,pigdm,tmpd,diffpir,mmps:cg:1,mmps:cg:3').split(',').map((s) => {
  const [name = '', solver, iters] = s.split(':')
  if (!isMethodName(name)) throw new Error(`unknown method ${name}`)
  return { ...METHOD_DEFAULTS[name], ...(solver ? { solver: solver as MethodSpec['solver'] } : {}), ...(iters ? { iters: Number(iters) } : {}) }
})
const zeta = Number(arg('zeta', '0.5'))
const rowsFile = arg('rows', '.bench/studio-rows.jsonl')
mkdirSync(dirname(rowsFile), { recursive: true })

await tf.setBackend(arg('backend', 'wasm'))
const modelDir = arg('model', 'models/cifar10-unet')
const den = createOnnxDenoiser(new Uint8Array(readFileSync(`${modelDir}/denoiser.onnx`)), { name: modelDir, sampleShape: [3, 32, 32] })
const card = JSON.parse(readFileSync(`${modelDir}/card.json`, 'utf8')) as { sha256: string; training: { images_seen: number } }
const { images, names } = await loadCifarTest(arg('data', DEFAULT_CIFAR_TEST), n, seed)
const shape = [3, 32, 32] as const
const x = tf.tensor4d(images, [n, 3, 32, 32])
// one untimed forward + VJP at this batch size: the graph's shape constants are folded on the first call,
// which would otherwise be charged to the first method measured
tf.tidy(() => {
  const lin = den.linearize(tf.zeros([n, 3, 32, 32]), 1)
  lin.vjp(lin.denoised)
  lin.dispose()
})
const unit = Array.from({ length: n }, (_, i) => toUnit(images.subarray(i * 3072, (i + 1) * 3072)))
const runInfo = {
  command: process.argv.slice(2).join(' '),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.getBackend()} (the ONNX graph executed op by op, exact VJPs)`,
  model: `${modelDir}/denoiser.onnx (sha256 ${card.sha256.slice(0, 12)}…, ${card.training.images_seen.toLocaleString('en')} training images seen).`,
  data: `${n} CIFAR-10 test images (seeded shuffle, seed ${seed}; first: ${names.slice(0, 3).join(', ')}, …), one posterior sample each, DDPM sampler, x̂ clamped to [−2, 2] before guidance, σ_y in [−2, 2] units (§11 settings), one operator per task shared by the batch.`,
}

const rows: Row[] = []
const t00 = performance.now()
for (const task of tasks) {
  const cfg = applyPreset(DEFAULT_CONFIG, task)
  const A = buildOperator(cfg.corruption, shape, seed)
  const y = observe(A, x, cfg.sigmaY, seed + 101)
  for (const steps of stepsList) {
    for (const m of methods) {
      const post = posteriorDenoiser(m.name, { denoiser: den, operator: A, y, sigmaY: cfg.sigmaY }, { solver: m.solver, iters: m.iters || undefined, clamp: [-2, 2], zeta })
      const t0 = performance.now()
      const xs = await sample(post.fn, [n, ...shape], { steps, sampler: 'ddpm', seed })
      const data = (await xs.data()) as Float32Array
      xs.dispose()
      const seconds = (performance.now() - t0) / 1000
      let ps = 0, ss = 0, bad = 0
      const psnrImages: number[] = []
      for (let i = 0; i < n; i++) {
        const s = data.subarray(i * 3072, (i + 1) * 3072)
        if (!s.every(Number.isFinite)) { bad++; psnrImages.push(NaN); continue }
        const u = toUnit(s)
        psnrImages.push(psnr(unit[i]!, u))
        ps += psnrImages[i]!
        ss += ssim(unit[i]!, u, 3, 32, 32)
      }
      const ok = Math.max(1, n - bad)
      const cost = post.cost()
      const row: Row = {
        task: cfg.corruption.kind === 'random' ? `random ${Math.round(cfg.corruption.missing * 100)} %` : task,
        label: m.name === 'dps' && zeta !== 0.5 ? `DPS (ζ ${zeta})` : methodLabel(m), steps, psnr: ps / ok, ssim: ss / ok, sPerSample: seconds / n, vjpPerStep: cost.vjp / cost.calls, diverged: bad, psnrImages,
        run: { ...runInfo, finished: new Date().toISOString() },
      }
      rows.push(row)
      appendFileSync(rowsFile, JSON.stringify(row) + '\n')
      process.stderr.write(`${task} ${row.label} ${steps}: ${row.psnr.toFixed(2)} dB, SSIM ${row.ssim.toFixed(3)}, ${seconds.toFixed(0)} s (${((performance.now() - t00) / 60000).toFixed(1)} min total)\n`)
    }
  }
  tf.dispose(y)
  A.dispose()
}
for (const r of rows) r.run.finished = new Date().toISOString()
writeFileSync(out, render(rows))
console.log(readFileSync(out, 'utf8'))
