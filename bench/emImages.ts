// `npm run bench:em-images` → docs/bench-em-images.md: the image EM lab's tiny preset in Node (tfjs-wasm), one
// run per E-step covariance (tweedie, sigma_t, inverse): per lap FD (models/mnist-classifier features of the
// 256 unconditional samples against the 2,000 held-out clean digits), completion PSNR and seconds.
//
// Two phases, so that the slow EM runs and the scoring can be separated on a loaded machine:
//   --phase run   --covariance C [--laps L]   runs EM, stores per-lap metrics and samples in .bench/em-images/
//   --phase score                             scores every stored lap with the classifier, writes the report
// Without --phase it runs the three covariances one after another, then scores (the npm script).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import * as os from 'node:os'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { IMAGE_EM_PRESETS, describeImageEm, withCovariance } from '../src/core/emImages/presets'
import { COVARIANCE_CHOICES, type CovarianceChoice } from '../src/core/emImages/estep'
import { DIGIT_PIXELS, heldOutDigits, toPixelSpace } from '../src/core/emImages/digits'
import { loadMnist } from '../src/core/emImages/mnistLoad'
import { runImageEm } from '../src/engines/tfjs/imageEmRunner'
import { createDigitScorer } from '../src/engines/tfjs/digitScorer'

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const DIR = join('.bench', 'em-images')
const OUT = args.get('out') ?? join('docs', 'bench-em-images.md')
const laps = Number(args.get('laps') ?? 6)

interface LapRow { lap: number; completionPsnr: number; seconds: number; secondsMStep: number; secondsEStep: number; secondsWall: number; finalLoss: number | null }
interface RunFile { nice?: number; covariance: CovarianceChoice; laps: LapRow[]; started: string; ended: string; loadStart: number; loadEnd: number; loadMax: number; secondsTotal: number; description: string[]; node: string; cpu: string }

async function runOne(covariance: CovarianceChoice): Promise<void> {
  mkdirSync(DIR, { recursive: true })
  await tf.setBackend('wasm')
  const config = { ...withCovariance(IMAGE_EM_PRESETS.tiny, covariance), laps }
  const t0 = performance.now()
  const set = await loadMnist()
  const started = new Date().toISOString()
  const loadStart = loadavg()[0]!
  process.stderr.write(`${covariance}: start ${started}, 1-min load ${loadStart.toFixed(2)}, nice ${os.getPriority()}\n`)
  let loadMax = loadStart
  const rows: LapRow[] = []
  let tLast = performance.now()
  const poll = setInterval(() => { loadMax = Math.max(loadMax, loadavg()[0]!) }, 5000)
  try {
    await runImageEm(config, (r) => {
      const wall = (performance.now() - tLast) / 1000
      tLast = performance.now()
      rows.push({ lap: r.lap, completionPsnr: r.completionPsnr, seconds: r.seconds, secondsMStep: r.secondsMStep, secondsEStep: r.secondsEStep, secondsWall: wall, finalLoss: r.losses.at(-1) ?? null })
      const px = toPixelSpace(r.samples)
      writeFileSync(join(DIR, `${covariance}-lap${r.lap}.f32`), Buffer.from(px.buffer, px.byteOffset, px.byteLength))
      const file: RunFile = {
        nice: os.getPriority(), covariance, laps: rows, started, ended: new Date().toISOString(), loadStart, loadEnd: loadavg()[0]!, loadMax, secondsTotal: (performance.now() - t0) / 1000,
        description: describeImageEm(config), node: process.version, cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      }
      writeFileSync(join(DIR, `${covariance}.json`), JSON.stringify(file, null, 1))
      process.stderr.write(`${covariance} lap ${r.lap}: PSNR ${r.completionPsnr.toFixed(2)} dB, ${r.seconds.toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)}\n`)
    }, { onProgress: () => {} }, set)
  } finally {
    clearInterval(poll)
  }
}

const f = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d))

async function score(): Promise<void> {
  await tf.setBackend('wasm')
  const set = await loadMnist()
  const t0 = performance.now()
  const scorer = await createDigitScorer(new Uint8Array(readFileSync(join('models', 'mnist-classifier', 'classifier.onnx'))), heldOutDigits(set, IMAGE_EM_PRESETS.tiny.heldOut))
  const secondsRef = (performance.now() - t0) / 1000
  const runs: Array<RunFile & { fd: number[]; hist: number[][]; secondsScore: number[] }> = []
  for (const covariance of COVARIANCE_CHOICES) {
    const p = join(DIR, `${covariance}.json`)
    if (!existsSync(p)) continue
    const run = JSON.parse(readFileSync(p, 'utf8')) as RunFile
    const fd: number[] = [], hist: number[][] = [], secondsScore: number[] = []
    for (const l of run.laps) {
      const buf = readFileSync(join(DIR, `${covariance}-lap${l.lap}.f32`))
      const px = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
      const t = performance.now()
      const s = await scorer.score(px, px.length / DIGIT_PIXELS)
      secondsScore.push((performance.now() - t) / 1000)
      fd.push(s.fd)
      hist.push(s.classHistogram)
    }
    runs.push({ ...run, fd, hist, secondsScore })
  }
  scorer.dispose()
  const card = JSON.parse(readFileSync(join('models', 'mnist-classifier', 'card.json'), 'utf8')) as { sha256: string; evaluation: { accuracy_torch: number } }
  const L: string[] = []
  L.push('# bench:em-images — the image EM lab (issue 13), tiny preset, Node, tfjs-wasm', '')
  L.push(`Generated by \`npm run bench:em-images\` (bench/emImages.ts) at ${new Date().toISOString()}. Machine: ${runs[0]?.cpu ?? cpus().length + ' cpus'}, Node ${process.version}, no GPU, tfjs 4.22 wasm backend (1 thread).`, '')
  L.push('Preset:', '', ...(runs[0]?.description ?? []).map((d) => `- ${d}`), '')
  L.push(`FD: Fréchet distance between the 64-D penultimate features (models/mnist-classifier, sha256 ${card.sha256.slice(0, 12)}…, held-out accuracy ${(100 * card.evaluation.accuracy_torch).toFixed(2)} %) of each lap's 256 unconditional samples and of the 2,000 held-out clean digits. Lower is better; it is not FID (different features), and with 256 samples it carries a positive small-sample bias common to all rows. Lap 0 is the Gaussian prior (rank-32 PPCA). Completion PSNR: one E-step posterior sample per held-out observation (64) against its truth, in dB on [0, 1].`, '')
  L.push(`Scoring cost: reference statistics ${secondsRef.toFixed(1)} s once; per lap ${f(runs.flatMap((r) => r.secondsScore).reduce((a, b) => a + b, 0) / Math.max(1, runs.flatMap((r) => r.secondsScore).length), 1)} s (256 samples).`, '')
  for (const r of runs) {
    L.push(`## ${r.covariance}`, '')
    L.push(`Started ${r.started}, ended ${r.ended}; 1-min load average ${r.loadStart.toFixed(1)} at start, ${r.loadEnd.toFixed(1)} at end, ${r.loadMax.toFixed(1)} at most. Process nice ${r.nice ?? '?'}. Total EM wall time (incl. MNIST load, lap 0, sampling): **${r.secondsTotal.toFixed(0)} s**.`, '')
    L.push('| lap | FD | completion PSNR (dB) | lap seconds (M-step / E-step) | wall seconds | final M-step loss | class histogram 0…9 |', '|---|---|---|---|---|---|---|')
    r.laps.forEach((l, i) => {
      L.push(`| ${l.lap} | ${f(r.fd[i])} | ${f(l.completionPsnr)} | ${f(l.seconds, 1)} (${f(l.secondsMStep, 1)} / ${f(l.secondsEStep, 1)}) | ${f(l.secondsWall, 1)} | ${l.finalLoss === null ? '—' : l.finalLoss.toFixed(4)} | ${r.hist[i]?.join(' ') ?? '—'} |`)
    })
    L.push('')
  }
  if (runs.length) {
    L.push('## Summary (measured, not interpreted)', '')
    L.push('| covariance | FD lap 0 | FD last lap | FD falls every lap | every lap below lap 0 | PSNR last lap | EM wall time (target ≤ 300 s) |', '|---|---|---|---|---|---|---|')
    for (const r of runs) {
      const falls = r.fd.slice(1).every((v, i) => v < r.fd[i]!)
      const below = r.fd.slice(1).every((v) => v < r.fd[0]!)
      L.push(`| ${r.covariance} | ${f(r.fd[0])} | ${f(r.fd.at(-1))} (lap ${r.laps.at(-1)?.lap}) | ${falls ? 'yes' : 'no'} | ${below ? 'yes' : 'no'} | ${f(r.laps.at(-1)?.completionPsnr)} | ${r.secondsTotal.toFixed(0)} s |`)
    }
    L.push('')
  }
  writeFileSync(OUT, L.join('\n'))
  process.stderr.write(`wrote ${OUT}\n`)
}

const phase = args.get('phase')
if (phase === 'run') {
  const c = args.get('covariance') as CovarianceChoice | undefined
  if (!c || !COVARIANCE_CHOICES.includes(c)) throw new Error(`--covariance must be one of ${COVARIANCE_CHOICES.join(', ')}`)
  await runOne(c)
} else if (phase === 'score') {
  await score()
} else if (phase === undefined) {
  for (const c of COVARIANCE_CHOICES) await runOne(c)
  await score()
} else {
  throw new Error(`--phase must be run or score, got "${phase}"`)
}
