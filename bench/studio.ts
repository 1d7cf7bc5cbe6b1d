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
//          --dataset=mri   accelerated MRI (§8.2 column mask) on held-out test-subject slices with models/mri-unet:
//                          defaults --tasks=mri4,mri8 --model=models/mri-unet --data=../shared/data/mri
//                          --rows=.bench/studio-mri-rows.jsonl; adds the zero-filled baseline Aᵀy as a row; the
//                          table goes into the block between `<!-- mri-bench -->` and `<!-- /mri-bench -->` of
//                          --out (appended after the notes when absent), so the CIFAR table and notes stay.
// Text after the line `<!-- notes -->` in --out is kept when the table is rewritten.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { applyPreset, DEFAULT_CONFIG } from '../src/core/studio/config'
import { buildOperator, observe } from '../src/core/studio/problem'
import { methodLabel } from '../src/core/studio/run'
import { toUnit } from '../src/core/metrics/image'
import { fmtSigned as fmt, meanSe, parseMethods, replaceBlock, samplePosterior, scoreImages } from './studioLib'
import { loadCifarTest, DEFAULT_CIFAR_TEST } from './cifarTest'
import { loadMriTest, DEFAULT_MRI_ROOT } from './mriTest'
import { baseline } from '../src/core/studio/problem'
import { cpus, loadavg } from 'node:os'

const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d
const out = arg('out', 'docs/results.md')
const NOTES = '<!-- notes -->'
const MRI_OPEN = '<!-- mri-bench -->', MRI_CLOSE = '<!-- /mri-bench -->'
const TASK_ORDER = ['box', 'random', 'blur', 'sr', 'MRI R = 4', 'MRI R = 8']
const dataset = arg('dataset', 'cifar')
if (dataset !== 'cifar' && dataset !== 'mri') throw new Error(`--dataset=${dataset}: expected cifar or mri`)
const isMri = dataset === 'mri'
const ZERO_FILLED = 'zero-filled Aᵀy'

/** One measured table row together with the run that produced it. */
interface Row {
  task: string; label: string; steps: number; psnr: number; ssim: number; sPerSample: number; vjpPerStep: number; diverged: number
  /** Per-image PSNR (NaN for a diverged image); absent in rows from runs before it was recorded. */
  psnrImages?: number[]
  /** A baseline without sampling (zero-filled MRI): steps 0, paired with every step count of its task. */
  baseline?: boolean
  run: { command: string; machine: string; model: string; data: string; finished: string }
}

/** Per task and step count: MMPS (CG 3) minus every other method, paired over the same images. */
function pairedLines(rows: Row[]): string[] {
  const out: string[] = []
  const groups = [...new Set(rows.map((r) => `${r.task}\u0000${r.steps}`))]
  for (const g of groups) {
    const [task, steps] = g.split('\u0000')
    if (steps === '0') continue
    const same = rows.filter((r) => r.task === task && (String(r.steps) === steps || r.baseline) && r.psnrImages)
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

/** The table, its runs and the paired differences (shared by the CIFAR page and the MRI block). */
function tableLines(rows: Row[]): string[] {
  const order = (r: Row): number => TASK_ORDER.findIndex((t) => r.task.startsWith(t))
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => order(a.r) - order(b.r) || a.r.steps - b.r.steps || a.i - b.i).map((e) => e.r)
  const runs = [...new Map(rows.map((r) => [r.run.command, r.run])).values()]
  return [
    ...runs.flatMap((run) => [`- \`npm run bench:studio -- ${run.command}\` — ${run.machine}; finished ${run.finished}.`]),
    '',
    `Model: ${runs[0]?.model ?? '?'}`,
    `Data: ${runs[0]?.data ?? '?'}`,
    '',
    '| task | method | steps | PSNR | SSIM | s/sample | VJP/step |',
    '|---|---|---|---|---|---|---|',
    ...sorted.map((r) => `| ${r.task} | ${r.label} | ${r.baseline ? '—' : r.steps} | ${r.psnr.toFixed(2)}${r.psnrImages ? ` ± ${meanSe(r.psnrImages).se.toFixed(2)}` : ''}${r.diverged ? ` (${r.diverged} diverged)` : ''} | ${r.ssim.toFixed(3)} | ${r.sPerSample.toFixed(2)} | ${r.vjpPerStep.toFixed(2)} |`),
    ...pairedLines(sorted),
  ]
}

function render(rows: Row[]): string {
  const notes = existsSync(out) ? readFileSync(out, 'utf8').split(NOTES)[1] : undefined
  return [
    '# Studio benchmark: the paper\'s Table 4 tasks on our CIFAR-10 model',
    '',
    ...tableLines(rows),
    '',
    ...(notes !== undefined ? [NOTES + notes.replace(/\n+$/, ''), ''] : []),
  ].join('\n')
}

/** --out with its MRI block (between MRI_OPEN and MRI_CLOSE) replaced by these rows' table, or appended. */
function renderMri(rows: Row[]): string {
  const block = [
    MRI_OPEN,
    '## MRI: accelerated MRI (R = 4 and 8) on held-out test-subject slices, our MRI model',
    '',
    '*Written by `npm run bench:studio -- --dataset=mri …`; rerunning it replaces this block.*',
    '',
    ...tableLines(rows),
    MRI_CLOSE,
  ].join('\n')
  return replaceBlock(existsSync(out) ? readFileSync(out, 'utf8') : '', MRI_OPEN, MRI_CLOSE, block)
}
const write = (rows: Row[]): void => writeFileSync(out, isMri ? renderMri(rows) : render(rows))

const renderFrom = arg('render', '')
if (renderFrom) {
  const rows = renderFrom.split(',').flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row))
  write(rows)
  console.log(readFileSync(out, 'utf8'))
  process.exit(0)
}

const n = Number(arg('n', '16'))
const stepsList = arg('steps', '10,100').split(',').map(Number)
const tasks = arg('tasks', isMri ? 'mri4,mri8' : 'box,random,blur,sr').split(',')
const seed = Number(arg('seed', '0'))
const methods = parseMethods(arg('methods', 'dps,pigdm,tmpd,diffpir,mmps:cg:1,mmps:cg:3'))
const zeta = Number(arg('zeta', '0.5'))
const rowsFile = arg('rows', isMri ? '.bench/studio-mri-rows.jsonl' : '.bench/studio-rows.jsonl')
mkdirSync(dirname(rowsFile), { recursive: true })

await tf.setBackend(arg('backend', 'wasm'))
const modelDir = arg('model', isMri ? 'models/mri-unet' : 'models/cifar10-unet')
const shape = isMri ? ([1, 64, 64] as const) : ([3, 32, 32] as const)
const [C, H, W] = shape
const px = C * H * W
const den = createOnnxDenoiser(new Uint8Array(readFileSync(`${modelDir}/denoiser.onnx`)), { name: modelDir, sampleShape: [C, H, W] })
const card = JSON.parse(readFileSync(`${modelDir}/card.json`, 'utf8')) as { sha256: string; training: { images_seen: number }; input: { channels: number; height: number; width: number } }
if (card.input.channels !== C || card.input.height !== H || card.input.width !== W) {
  throw new Error(`${modelDir} takes ${card.input.channels}×${card.input.height}×${card.input.width} images; --dataset=${dataset} needs ${C}×${H}×${W}`)
}
const mri = isMri ? loadMriTest(arg('data', DEFAULT_MRI_ROOT), n, seed) : undefined
const { images, names } = mri ?? await loadCifarTest(arg('data', DEFAULT_CIFAR_TEST), n, seed)
const x = tf.tensor4d(images, [n, C, H, W])
// one untimed forward + VJP at this batch size: the graph's shape constants are folded on the first call,
// which would otherwise be charged to the first method measured
tf.tidy(() => {
  const lin = den.linearize(tf.zeros([n, C, H, W]), 1)
  lin.vjp(lin.denoised)
  lin.dispose()
})
const unit = Array.from({ length: n }, (_, i) => toUnit(images.subarray(i * px, (i + 1) * px)))
const load0 = loadavg()[0]
const runInfo = {
  command: process.argv.slice(2).join(' '),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.getBackend()} (the ONNX graph executed op by op, exact VJPs), load average ${load0.toFixed(1)} at the start`,
  model: `${modelDir}/denoiser.onnx (sha256 ${card.sha256.slice(0, 12)}…, ${card.training.images_seen.toLocaleString('en')} training images seen).`,
  data: mri
    ? `${n} of the ${mri.pool} slices of the ${mri.subjects.length} held-out test subjects (${mri.subjects.join(', ')}; no model saw them; seeded shuffle, seed ${seed}; first: ${names.slice(0, 3).join(', ')}, …), one posterior sample each, DDPM sampler, x̂ clamped to [−2, 2] before guidance, σ_y = 0.01 in [−2, 2] units on k-space, one column mask per R (§8.2 mask scaled to 64 columns, seed ${seed}) shared by the batch; PSNR/SSIM on [−2, 2] → [0, 1], clipped.`
    : `${n} CIFAR-10 test images (seeded shuffle, seed ${seed}; first: ${names.slice(0, 3).join(', ')}, …), one posterior sample each, DDPM sampler, x̂ clamped to [−2, 2] before guidance, σ_y in [−2, 2] units (§11 settings), one operator per task shared by the batch.`,
}
const taskLabel = (cfg: ReturnType<typeof applyPreset>, task: string): string =>
  cfg.corruption.kind === 'random' ? `random ${Math.round(cfg.corruption.missing * 100)} %` : cfg.corruption.kind === 'mri' ? `MRI R = ${cfg.corruption.accel}` : task
const score = (data: Float32Array): ReturnType<typeof scoreImages> => scoreImages(unit, data, shape)

const rows: Row[] = []
const t00 = performance.now()
for (const task of tasks) {
  const cfg = applyPreset(DEFAULT_CONFIG, task)
  if ((cfg.corruption.kind === 'mri') !== isMri) throw new Error(`task ${task} does not belong to --dataset=${dataset}`)
  const A = buildOperator(cfg.corruption, shape, seed)
  const y = observe(A, x, cfg.sigmaY, seed + 101)
  if (cfg.corruption.kind === 'mri') {
    const t0 = performance.now()
    const zf = baseline(A, 'mri', y, [n, C, H, W])
    const sc = score((await zf.data()) as Float32Array)
    zf.dispose()
    const row: Row = {
      task: taskLabel(cfg, task), label: ZERO_FILLED, steps: 0, psnr: sc.psnr, ssim: sc.ssim, sPerSample: (performance.now() - t0) / 1000 / n, vjpPerStep: 0, diverged: sc.bad,
      psnrImages: sc.psnrImages, baseline: true, run: { ...runInfo, finished: new Date().toISOString() },
    }
    rows.push(row)
    appendFileSync(rowsFile, JSON.stringify(row) + '\n')
    process.stderr.write(`${task} ${row.label}: ${row.psnr.toFixed(2)} dB, SSIM ${row.ssim.toFixed(3)}\n`)
  }
  for (const steps of stepsList) {
    for (const m of methods) {
      const { data, seconds, vjpPerStep } = await samplePosterior(den, A, y, cfg.sigmaY, m, n, shape, steps, seed, zeta)
      const sc = score(data)
      const row: Row = {
        task: taskLabel(cfg, task),
        label: m.name === 'dps' && zeta !== 0.5 ? `DPS (ζ ${zeta})` : methodLabel(m), steps, psnr: sc.psnr, ssim: sc.ssim, sPerSample: seconds / n, vjpPerStep, diverged: sc.bad, psnrImages: sc.psnrImages,
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
const load1 = loadavg()[0]
for (const r of rows) {
  r.run.finished = new Date().toISOString()
  r.run.machine = `${r.run.machine}, ${load1.toFixed(1)} at the end`
}
write(rows)
console.log(readFileSync(out, 'utf8'))
