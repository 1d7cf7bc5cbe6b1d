// `npm run bench:em-studio -- --weights=em.json`: the studio's PSNR on an EM-learned digit prior against the
// clean-trained one (issue 13). The studio's posterior methods, on held-out MNIST digits of the image EM lab's
// fixed split (digits.ts emDigitSplit: the 2,000 held-out digits of seed 0, never an observation, never trained
// on), with three priors of the same task:
//   clean     models/mnist-unet/denoiser.onnx, the ONNX graph run by the studio's tfjs executor (createOnnxDenoiser)
//   em        a U-Net learned by EM from corrupted digits only, from a weights file (unetWeightsFile.ts format,
//             `npm run cli -- em-images --weights-out`), as the studio's learned-model denoiser (studioUnetFromWeights)
//   gaussian  that EM run's lap-0 Gaussian (imageEmRunner.ts fitLapZero, recomputed from the run's preset, observations,
//             corruption and seed: deterministic), as its exact denoiser in studio units (dplr.ts studioDplrDenoiser)
// Every image has its own posterior sample; each task's operator is shared by the batch (as bench:studio); the
// same seeds for every prior, so the PSNR differences are paired over the same digits and the same noise.
// Writes the block between `<!-- em-studio -->` and `<!-- /em-studio -->` of --out (appended when absent), one
// JSON line per finished row to --rows, and per task <--png>-<task>.png: observation / EM-prior / clean-prior /
// Gaussian / truth for the first --png-count digits, with the first MMPS method (else the last method).
//   flags: --weights=<file> (required unless --priors has no em) --n=32 --from=0 (positions in the held-out 2,000)
//          --tasks=digit-box,random (studio presets) --steps=<the preset's: digit-box 32, random 10>
//          --methods=dps,pigdm,tmpd,diffpir,mmps:cg:3 (the studio's default) --priors=clean,em,gaussian --seed=0
//          --gaussian-preset=<the weights' meta.preset> --out=docs/results.md --rows=.bench/em-studio-rows.jsonl
//          --png=docs/em-studio (→ docs/em-studio-<task>.png; empty: none) --png-count=8 --backend=wasm --render=a.jsonl,b.jsonl (no sampling)
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { createHash } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { PNG } from 'pngjs'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { applyPreset, DEFAULT_CONFIG } from '../src/core/studio/config'
import { buildOperator, observe } from '../src/core/studio/problem'
import { methodLabel } from '../src/core/studio/run'
import { toUnit } from '../src/core/metrics/image'
import { DIGIT_SIZE, heldOutDigits } from '../src/core/emImages/digits'
import { loadMnist } from '../src/core/emImages/mnistLoad'
import { IMAGE_EM_PRESETS, IMAGE_EM_PRESETS_LIST, type ImageEmConfig, type ImageEmPreset } from '../src/core/emImages/presets'
import { fitLapZero, makeImageEmTask } from '../src/engines/tfjs/imageEmRunner'
import { createDigitScorer } from '../src/engines/tfjs/digitScorer'
import type { Denoiser } from '../src/core/types'
import { fmtSigned, meanSe, pairedDiff, parseMethods, replaceBlock, samplePosterior, scoreImages } from './studioLib'
import { emStudioPriors, heldOutStudioDigits, readEmWeights, PRIOR_LABELS, type PriorKey } from './emStudioLib'

const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=').slice(1).join('=') ?? d
const out = arg('out', 'docs/results.md')
const OPEN = '<!-- em-studio -->', CLOSE = '<!-- /em-studio -->'
const SHAPE = [1, DIGIT_SIZE, DIGIT_SIZE] as const

interface Row {
  task: string; prior: PriorKey; label: string; steps: number; psnr: number; ssim: number; sPerSample: number; vjpPerStep: number; diverged: number
  psnrImages: number[]
  /** Per digit: 1 when the digit classifier reads the sample as the truth's class (absent in older rows). */
  classOk?: number[]
  run: { command: string; machine: string; priors: string[]; data: string; finished: string }
}

function render(rows: Row[]): string {
  const runs = [...new Map(rows.map((r) => [r.run.command, r.run])).values()]
  const priors = (['clean', 'em', 'gaussian'] as const).filter((p) => rows.some((r) => r.prior === p))
  const keys = [...new Set(rows.map((r) => `${r.task}\u0000${r.steps}\u0000${r.label}`))]
  const cell = (r: Row | undefined): string => (r ? `${r.psnr.toFixed(2)} ± ${meanSe(r.psnrImages).se.toFixed(2)}${r.classOk ? ` (${r.classOk.reduce((a, b) => a + b, 0)}/${r.classOk.length})` : ''}${r.diverged ? ` (${r.diverged} diverged)` : ''}` : '—')
  const diff = (a: Row | undefined, b: Row | undefined): string => {
    if (!a || !b) return '—'
    const d = pairedDiff(a.psnrImages, b.psnrImages)
    return `${fmtSigned(d.mean)} ± ${d.se.toFixed(2)}`
  }
  const others = priors.filter((p) => p !== 'clean')
  const lines = [
    OPEN,
    '## Digits: the EM-learned prior against the clean-trained prior (issue 13)',
    '',
    '*Written by `npm run bench:em-studio`; rerunning it replaces this block.*',
    '',
    ...runs.map((run) => `- \`npm run bench:em-studio -- ${run.command}\` — ${run.machine}; finished ${run.finished}.`),
    '',
    'Priors (all the same 1×28×28 studio denoiser contract, [−2, 2] units):',
    ...(runs[0]?.priors ?? []).map((p) => `- ${p}`),
    '',
    `Data: ${runs[0]?.data ?? '?'}`,
    '',
    'PSNR (dB, one posterior sample per digit, mean ± s.e. over the digits; in brackets: samples that the digit classifier models/mnist-classifier reads as the truth\'s class); paired PSNR differences over the same digits and seeds:',
    '',
    `| task | method | steps | ${priors.map((p) => PRIOR_LABELS[p]).join(' | ')} | ${others.map((p) => `${PRIOR_LABELS[p]} − clean`).join(' | ')} |`,
    `|---|---|---|${priors.map(() => '---|').join('')}${others.map(() => '---|').join('')}`,
    ...keys.map((k) => {
      const [task, steps, label] = k.split('\u0000')
      const of = (p: PriorKey): Row | undefined => rows.find((r) => r.task === task && String(r.steps) === steps && r.label === label && r.prior === p)
      return `| ${task} | ${label} | ${steps} | ${priors.map((p) => cell(of(p))).join(' | ')} | ${others.map((p) => diff(of(p), of('clean'))).join(' | ')} |`
    }),
    '',
    's/sample (wall, this load): ' + keys.map((k) => {
      const [task, steps, label] = k.split('\u0000')
      const same = rows.filter((r) => r.task === task && String(r.steps) === steps && r.label === label)
      return `${task} ${label}: ${same.map((r) => `${r.prior} ${r.sPerSample.toFixed(2)}`).join(', ')}`
    }).join('; ') + '.',
    CLOSE,
  ]
  return lines.join('\n')
}

const write = (rows: Row[]): void => writeFileSync(out, replaceBlock(existsSync(out) ? readFileSync(out, 'utf8') : '', OPEN, CLOSE, render(rows)))

const renderFrom = arg('render', '')
if (renderFrom) {
  write(renderFrom.split(',').flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row)))
  console.log(readFileSync(out, 'utf8').split(OPEN)[1]?.split(CLOSE)[0])
  process.exit(0)
}

const n = Number(arg('n', '32'))
const from = Number(arg('from', '0'))
const tasks = arg('tasks', 'digit-box,random').split(',')
const methods = parseMethods(arg('methods', 'dps,pigdm,tmpd,diffpir,mmps:cg:3'))
const seed = Number(arg('seed', '0'))
const priorKeys = arg('priors', 'clean,em,gaussian').split(',') as PriorKey[]
for (const p of priorKeys) if (!(p in PRIOR_LABELS)) throw new Error(`--priors: unknown prior ${p} (clean, em, gaussian)`)
const rowsFile = arg('rows', '.bench/em-studio-rows.jsonl')
const pngPrefix = arg('png', 'docs/em-studio')
const pngCount = Number(arg('png-count', '8'))
mkdirSync(dirname(rowsFile), { recursive: true })
await tf.setBackend(arg('backend', 'wasm'))

const weightsPath = arg('weights', '')
const em = priorKeys.includes('em') || priorKeys.includes('gaussian') ? (weightsPath ? readEmWeights(readFileSync(weightsPath, 'utf8')) : undefined) : undefined
if (!em && (priorKeys.includes('em') || priorKeys.includes('gaussian'))) throw new Error('--weights=<file> is needed for the em and gaussian priors (or --priors=clean)')
const set = await loadMnist()
const digits = heldOutStudioDigits(set, from, n)

// the lap-0 Gaussian of the EM run, recomputed from its settings
let emConfig: ImageEmConfig | undefined
if (em && priorKeys.includes('gaussian')) {
  const preset = arg('gaussian-preset', String(em.meta.preset ?? '')) as ImageEmPreset
  if (!IMAGE_EM_PRESETS_LIST.includes(preset)) throw new Error(`the weights' meta has no preset; pass --gaussian-preset=${IMAGE_EM_PRESETS_LIST.join('|')}`)
  const base = IMAGE_EM_PRESETS[preset]
  emConfig = {
    ...base,
    observations: typeof em.meta.observations === 'number' ? em.meta.observations : base.observations,
    seed: typeof em.meta.seed === 'number' ? em.meta.seed : base.seed,
    corruption: { ...base.corruption, ...(typeof em.meta.corruption === 'object' && em.meta.corruption ? em.meta.corruption : {}) },
  }
}
const t0g = performance.now()
const gaussian = emConfig ? fitLapZero(makeImageEmTask(set, emConfig), emConfig).prior : undefined
if (gaussian) process.stderr.write(`lap-0 Gaussian refitted in ${((performance.now() - t0g) / 1000).toFixed(0)} s\n`)

const onnxBytes = new Uint8Array(readFileSync('models/mnist-unet/denoiser.onnx'))
const card = JSON.parse(readFileSync('models/mnist-unet/card.json', 'utf8')) as { sha256: string; training: { images_seen: number } }
const dens = emStudioPriors({
  clean: priorKeys.includes('clean') ? () => createOnnxDenoiser(onnxBytes, { name: 'mnist-unet', sampleShape: [...SHAPE] }) : undefined,
  em: priorKeys.includes('em') && em ? em.weights : undefined,
  gaussian: priorKeys.includes('gaussian') ? gaussian : undefined,
})
const describeMeta = (m: Record<string, unknown>): string => Object.entries(m).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')
const priorLines = priorKeys.map((p) => p === 'clean'
  ? `clean: models/mnist-unet/denoiser.onnx (sha256 ${card.sha256.slice(0, 12)}…, ${card.training.images_seen.toLocaleString('en')} clean training digits seen), the ONNX graph run op by op by the studio's tfjs executor (createOnnxDenoiser), exact VJPs.`
  : p === 'em'
    ? `EM: ${weightsPath} (sha256 ${createHash('sha256').update(readFileSync(weightsPath)).digest('hex').slice(0, 12)}…; U-Net ${em!.weights.config.channels.join('/')} channels, ${em!.weights.config.blocks} block(s), embedding ${em!.weights.config.embedding}) as the studio's learned-model denoiser (studioUnetFromWeights, D_s(x, σ) = 2·D(x/2, σ/2)); its run: ${describeMeta(em!.meta)}.`
    : `Gaussian: that run's lap 0, refitted here (fitLapZero: ${emConfig!.preset} preset, ${emConfig!.observations} observations, ${emConfig!.corruption.kind} ${emConfig!.corruption.missing ?? ''}, σ_y ${emConfig!.corruption.sigmaY}, seed ${emConfig!.seed}; rank-${emConfig!.gaussian.rank} PPCA, ${emConfig!.gaussian.iterations} MC-EM iterations), its exact denoiser in studio units (studioDplrDenoiser).`)

// the FD classifier of the image EM lab (98.55 % on the held-out 2,000): does a sample read as the right digit?
const scorer = await createDigitScorer(new Uint8Array(readFileSync('models/mnist-classifier/classifier.onnx')), heldOutDigits(set, 2000))
async function classOk(data: Float32Array): Promise<number[]> {
  const f = await scorer.features(Float32Array.from(data, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, (v + 2) / 4)) : 0)), n)
  return digits.labels.map((label, i) => {
    const l = f.logits.subarray(i * 10, (i + 1) * 10)
    return l.indexOf(Math.max(...l)) === label ? 1 : 0
  })
}
const x = tf.tensor4d(digits.images, [n, ...SHAPE])
const unit = Array.from({ length: n }, (_, i) => toUnit(digits.images.subarray(i * 784, (i + 1) * 784)))
// untimed warm-up at this batch size (graph constants are folded on the first call)
for (const d of Object.values(dens)) tf.tidy(() => { const lin = d.linearize(tf.zeros([n, ...SHAPE]), 1); lin.vjp(lin.denoised); lin.dispose() })
const truthOk = (await classOk(digits.images)).reduce((a, b) => a + b, 0)
const load0 = loadavg()[0]
const runInfo = {
  command: process.argv.slice(2).join(' '),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.getBackend()}, load average ${load0.toFixed(1)} at the start`,
  priors: priorLines,
  data: `${n} held-out MNIST digits, positions ${from}–${from + n - 1} of the 2,000 held out by the image EM lab's fixed split (digits.ts emDigitSplit, seed 0: never an observation of any EM run, never a training digit of models/mnist-unet); package indices (of the 10,000, class order) ${digits.indices.join(', ')}; classes ${digits.labels.join('')}. x = 4p − 2. One posterior sample each, DDPM sampler (seed ${seed}), x̂ clamped to [−2, 2] before guidance, the studio preset's σ_y; one operator per task shared by the batch (bench:studio's convention; operator seed ${seed}, noise seed ${seed + 101}); PSNR on [−2, 2] → [0, 1], clipped. The classifier reads ${truthOk}/${n} of the true digits as their class.`,
}

/** The picture of one task: columns = digits; rows = observation (deleted pixels dark red), EM, clean, Gaussian, truth. */
function writePicture(file: string, obs: { values: Float32Array; observed: Float32Array }, samples: Partial<Record<PriorKey, Float32Array>>, k: number): string[] {
  const grey = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, (v + 2) / 4)))
  const g3 = (v: number): [number, number, number] => { const g = grey(v); return [g, g, g] }
  const order = (['em', 'clean', 'gaussian'] as const).filter((q) => samples[q])
  const bands: Array<(i: number, p: number) => [number, number, number]> = [
    (i, p) => (obs.observed[i * 784 + p]! > 0.5 ? g3(obs.values[i * 784 + p]!) : [150, 30, 30]),
    ...order.map((q) => (i: number, p: number) => g3(samples[q]![i * 784 + p]!)),
    (i, p) => g3(digits.images[i * 784 + p]!),
  ]
  const s = 3, gap = 2, cellW = 28 * s + gap
  const png = new PNG({ width: k * cellW - gap, height: bands.length * cellW - gap })
  png.data.fill(255)
  bands.forEach((band, r) => {
    for (let i = 0; i < k; i++) for (let p = 0; p < 784; p++) {
      const [R, G, B] = band(i, p)
      for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) {
        const o = 4 * ((r * cellW + Math.floor(p / 28) * s + dy) * png.width + i * cellW + (p % 28) * s + dx)
        png.data[o] = R; png.data[o + 1] = G; png.data[o + 2] = B; png.data[o + 3] = 255
      }
    }
  })
  writeFileSync(file, PNG.sync.write(png))
  return ['observation', ...order, 'truth']
}

const rows: Row[] = []
const pictureMethod = methods.find((m) => m.name === 'mmps') ?? methods.at(-1)!
for (const task of tasks) {
  const cfg = applyPreset(DEFAULT_CONFIG, task)
  if (cfg.corruption.kind === 'mri') throw new Error(`task ${task} is not a digit task`)
  const steps = Number(arg('steps', String(cfg.steps)))
  const taskLabel = task === 'digit-box' ? `digit box ${cfg.corruption.box}×${cfg.corruption.box} at (${cfg.corruption.top}, ${cfg.corruption.left}), σ_y ${cfg.sigmaY}` : cfg.corruption.kind === 'random' ? `random ${Math.round(cfg.corruption.missing * 100)} % deleted, σ_y ${cfg.sigmaY}` : `${task}, σ_y ${cfg.sigmaY}`
  const A = buildOperator(cfg.corruption, [...SHAPE], seed)
  const y = observe(A, x, cfg.sigmaY, seed + 101)
  const [aty, seen] = tf.tidy(() => [A.adjoint(y), A.adjoint(A.apply(tf.onesLike(x)))])
  const pictureObs = { values: (await aty!.data()) as Float32Array, observed: (await seen!.data()) as Float32Array }
  tf.dispose([aty!, seen!])
  const pictures: Partial<Record<PriorKey, Float32Array>> = {}
  for (const m of methods) {
    for (const p of priorKeys) {
      const b = await samplePosterior(dens[p]!, A, y, cfg.sigmaY, m, n, SHAPE, steps, seed)
      const sc = scoreImages(unit, b.data, SHAPE)
      const row: Row = { task: taskLabel, prior: p, label: methodLabel(m), steps, psnr: sc.psnr, ssim: sc.ssim, sPerSample: b.seconds / n, vjpPerStep: b.vjpPerStep, diverged: sc.bad, psnrImages: sc.psnrImages, classOk: await classOk(b.data), run: { ...runInfo, finished: new Date().toISOString() } }
      rows.push(row)
      appendFileSync(rowsFile, JSON.stringify(row) + '\n')
      if (m === pictureMethod) pictures[p] = b.data
      process.stderr.write(`${task} ${row.label} ${steps} ${p}: ${row.psnr.toFixed(2)} ± ${meanSe(sc.psnrImages).se.toFixed(2)} dB, class ${row.classOk!.reduce((a, c) => a + c, 0)}/${n}, ${b.seconds.toFixed(0)} s\n`)
    }
  }
  if (pngPrefix) {
    const file = `${pngPrefix}-${task}.png`
    const bands = writePicture(file, pictureObs, pictures, Math.min(pngCount, n))
    process.stderr.write(`${file}: rows ${bands.join(', ')}; ${methodLabel(pictureMethod)}, the first ${Math.min(pngCount, n)} digits\n`)
  }
  tf.dispose(y)
  A.dispose()
}
const load1 = loadavg()[0]
for (const r of rows) r.run.machine = `${r.run.machine}, ${load1.toFixed(1)} at the end`
write(rows)

for (const d of Object.values(dens)) (d as Denoiser & { dispose?: () => void }).dispose?.()
scorer.dispose()
console.log(readFileSync(out, 'utf8').split(OPEN)[1]?.split(CLOSE)[0])
