import { useEffect, useMemo, useState, type ChangeEvent } from 'react'
import { StoredRuns } from '../../components/StoredRuns'
import { useImageEm, SHOWN_SAMPLES } from './imageEmStore'
import { IMAGE_EM_PRESETS_LIST, describeImageEm, type ImageEmPreset } from '../../core/emImages/presets'
import { COVARIANCE_CHOICES, type CovarianceChoice } from '../../core/emImages/estep'
import { CORRUPTION_KINDS, type CorruptionKind } from '../../core/emImages/corruption'
import { DIGIT_PIXELS } from '../../core/emImages/digits'
import { LineChart } from '../../plots/LineChart'
import { ProgressBar } from '../../components/ProgressBar'
import { DigitGrid } from './DigitGrid'
import { buildConfig, CORRUPTION_LABEL, COVARIANCE_COLOUR, COVARIANCE_LABEL, DEFAULT_CHOICE, type ImageEmChoice } from './imageEmConfig'
import type { ImageLapRow } from '../../app/persistence/imageEmRuns'

/**
 * What each preset costs, as measured (docs/bench-em-images.md, docs/bench-em-images-page.md): the shared 2-core VM
 * (2026-12-01/02; the load is stated in each).
 */
const PRESET_NOTE: Record<ImageEmPreset, string> = {
  tiny: 'for tests and a first look: 512 observations, an 8/16-channel U-Net, lap 1 trains 1,000 steps, later laps 300. Measured in Node (same code, wasm, the 2-core machine with the run given CPU priority, load 5–7, 2026-12-02): lap 0 5 s, lap 1 97 s, laps 2–6 31–36 s each; 6 laps 4.6 min. FD 205 → 54.',
  default: '1,024 observations, the 16/32-channel U-Net of models/mnist-unet, 6 laps. Measured in this page (Chromium, wasm, the 2-core machine with this page given CPU priority over other jobs, load 5–8, 2026-12-02): lap 0 26 s, lap 1 188 s (1,000 M-step steps), laps 2–6 73–83 s each; 6 laps 10 min. FD 162 → 31.',
  large: '8× the observations and 4× the channels of tiny, 800 M-step steps: many times tiny\'s lap time on a CPU (not measured); for a machine with WebGPU.',
}

function RunControls() {
  const [choice, setChoice] = useState<ImageEmChoice>(DEFAULT_CHOICE)
  const jobId = useImageEm((s) => s.jobId)
  const run = useImageEm((s) => s.run)
  const { start, cancel, resume } = useImageEm.getState()
  const config = buildConfig(choice)
  const canResume = !jobId && run && run.status !== 'done'
  const pick = <K extends keyof ImageEmChoice>(k: K, v: ImageEmChoice[K]): void => setChoice({ ...choice, [k]: v })
  return (
    <div className="panel">
      <label>Preset{' '}
        <select value={choice.preset} onChange={(e) => pick('preset', e.target.value as ImageEmPreset)} data-testid="iem-preset" disabled={!!jobId}>
          {IMAGE_EM_PRESETS_LIST.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </label>{' '}
      <label>E-step covariance{' '}
        <select value={choice.covariance} onChange={(e) => pick('covariance', e.target.value as CovarianceChoice)} data-testid="iem-covariance" disabled={!!jobId}>
          {COVARIANCE_CHOICES.map((c) => <option key={c} value={c}>{COVARIANCE_LABEL[c]}</option>)}
        </select>
      </label>{' '}
      <label>Corruption{' '}
        <select value={choice.corruption} onChange={(e) => pick('corruption', e.target.value as CorruptionKind)} data-testid="iem-corruption" disabled={!!jobId}>
          {CORRUPTION_KINDS.map((c) => <option key={c} value={c}>{CORRUPTION_LABEL[c]}</option>)}
        </select>
      </label>{' '}
      <label>σ_y <input type="number" min={0.001} max={0.5} step={0.005} value={choice.sigmaY} style={{ width: '5rem' }} disabled={!!jobId}
        onChange={(e) => pick('sigmaY', Math.min(0.5, Math.max(0.001, Number(e.target.value) || 0.01)))} data-testid="iem-sigma-y" /></label>{' '}
      <label>Seed <input type="number" min={0} value={choice.seed} style={{ width: '4rem' }} disabled={!!jobId}
        onChange={(e) => pick('seed', Math.max(0, Math.floor(Number(e.target.value) || 0)))} /></label>
      <p>
        <button type="button" onClick={() => void start(choice)} disabled={!!jobId} data-testid="iem-start">Start EM</button>{' '}
        {jobId && <button type="button" onClick={() => void cancel()} data-testid="iem-cancel">Stop</button>}
        {canResume && <button type="button" onClick={() => void resume()} data-testid="iem-resume">Resume “{run.name}”</button>}
      </p>
      <p className="hint">{choice.preset}: {PRESET_NOTE[choice.preset]}</p>
      <ul className="hint">{describeImageEm(config).map((l) => <li key={l}>{l}</li>)}</ul>
    </div>
  )
}

const PHASE: Record<string, string> = { gaussian: 'lap 0 (Gaussian EM)', train: 'M-step', sample: 'E-step', metrics: 'held-out completions and samples' }

function RunProgress() {
  const p = useImageEm((s) => s.progress)
  const run = useImageEm((s) => s.run)
  const laps = useImageEm((s) => s.laps)
  if (!p || !run) return null
  const phaseLeft = p.fraction > 0.02 ? p.phaseElapsed / p.fraction - p.phaseElapsed : undefined
  // the rest of the lap: this phase's remainder plus the later phases as long as the last lap took them
  const prev = laps.filter((l) => l.lap >= 1).at(-1)
  const later = prev ? (p.phase === 'train' ? prev.seconds - prev.secondsMStep : p.phase === 'sample' ? prev.seconds - prev.secondsMStep - prev.secondsEStep : 0) : undefined
  const lapLeft = phaseLeft !== undefined && later !== undefined ? phaseLeft + Math.max(0, later) : undefined
  const eta = [phaseLeft !== undefined ? `about ${phaseLeft.toFixed(0)} s left in the ${PHASE[p.phase]}` : '', lapLeft !== undefined ? `about ${lapLeft.toFixed(0)} s left in this lap` : ''].filter(Boolean).join(', ')
  return (
    <div data-testid="iem-progress">
      <ProgressBar progress={{ fraction: p.fraction, message: `lap ${p.lap} of ${run.config.laps}, ${PHASE[p.phase]} — ${p.detail}; ${p.lapElapsed.toFixed(0)} s into the lap${eta ? `; ${eta}` : ''}` }} />
      <p className="hint">{laps.length} of {run.config.laps + 1} laps finished (lap 0 is the Gaussian prior)</p>
    </div>
  )
}

function ClassHistogram({ counts }: { counts: number[] }) {
  const max = Math.max(1, ...counts)
  const total = counts.reduce((a, b) => a + b, 0)
  return (
    <svg width={260} height={120} role="img" aria-label={`class histogram of the samples: ${counts.map((c, d) => `${d}: ${c}`).join(', ')}`} data-testid="iem-histogram">
      {counts.map((c, d) => (
        <g key={d}>
          <rect x={8 + d * 25} y={100 - (90 * c) / max} width={20} height={(90 * c) / max} fill="#1f6feb" />
          <text x={18 + d * 25} y={114} textAnchor="middle" fontSize={11}>{d}</text>
        </g>
      ))}
      <text x={252} y={12} textAnchor="end" fontSize={10}>{total} samples</text>
    </svg>
  )
}

function Metrics({ lap }: { lap?: ImageLapRow }) {
  const curves = useImageEm((s) => s.curves)
  const run = useImageEm((s) => s.run)
  const withFd = curves.filter((c) => c.points.some((p) => p.fd !== undefined))
  const series = (key: 'completionPsnr' | 'fd') => (key === 'fd' ? withFd : curves).map((c) => ({
    name: `${c.runId === run?.id ? '▶ ' : ''}${COVARIANCE_LABEL[c.covariance]}`,
    colour: COVARIANCE_COLOUR[c.covariance],
    points: c.points.flatMap((p) => (p[key] === undefined ? [] : [[p.lap, p[key]!] as const])),
  }))
  return (
    <div>
      <LineChart testId="iem-psnr" xLabel="lap" yLabel="completion PSNR (dB)" yZero={false} highlightX={lap?.lap} series={series('completionPsnr')} />
      {withFd.length > 0
        ? <LineChart testId="iem-fd" xLabel="lap" yLabel="FD to held-out digits" highlightX={lap?.lap} series={series('fd')} />
        : <p className="hint" data-testid="iem-fd-none">FD: not computed (these laps carry no Fréchet distance).</p>}
      <p className="hint">One line per stored run, coloured by E-step covariance; ▶ marks the shown run. FD: Fréchet distance
        between Gaussians fitted to the 64 penultimate features (models/mnist-classifier, 98.55 % accurate on the held-out
        digits) of the lap's unconditional samples and of the 2,000 held-out clean digits; lower is closer. It is biased
        upwards with few samples, so compare runs with the same sample count.</p>
    </div>
  )
}

function LapViewer() {
  const laps = useImageEm((s) => s.laps)
  const selected = useImageEm((s) => s.selectedLap)
  const heldOut = useImageEm((s) => s.heldOut)
  const selectLap = useImageEm((s) => s.selectLap)
  const lap = laps[selected]
  const shown = heldOut ? Math.min(heldOut.truth.length, lap?.completions.length ?? 0) / DIGIT_PIXELS : 0
  // observation → completion → truth, one held-out digit per row (built once per lap, not per render)
  const { triple, masks } = useMemo(() => {
    const triple = new Float32Array(3 * shown * DIGIT_PIXELS)
    const masks = new Float32Array(3 * shown * DIGIT_PIXELS).fill(1)
    if (heldOut && lap) {
      for (let k = 0; k < shown; k++) {
        const at = (j: number): number => (3 * k + j) * DIGIT_PIXELS
        const part = (a: Float32Array): Float32Array => a.subarray(k * DIGIT_PIXELS, (k + 1) * DIGIT_PIXELS)
        triple.set(part(heldOut.y), at(0))
        if (heldOut.masks) masks.set(part(heldOut.masks), at(0))
        triple.set(part(lap.completions), at(1))
        triple.set(part(heldOut.truth), at(2))
      }
    }
    return { triple, masks }
  }, [heldOut, lap, shown])
  const samples = lap?.samples.subarray(0, SHOWN_SAMPLES * DIGIT_PIXELS)
  return (
    <div>
      <div className="scrubber">
        <input type="range" min={0} max={Math.max(0, laps.length - 1)} value={selected} onChange={(e: ChangeEvent<HTMLInputElement>) => selectLap(Number(e.target.value))} data-testid="iem-scrub" aria-label="lap" />
        <span data-testid="iem-lap-label">lap {lap?.lap ?? '—'}{lap?.lap === 0 ? ' (Gaussian prior)' : ''}</span>
      </div>
      <div className="lab-grid">
        <div>
          <figure>
            <figcaption>Unconditional samples of the lap {lap?.lap ?? ''} prior</figcaption>
            {samples && samples.length > 0 ? <DigitGrid images={samples} cols={8} scale={2} label={`${samples.length / DIGIT_PIXELS} unconditional samples, lap ${lap?.lap}`} testId="iem-samples" /> : <p className="hint">no samples</p>}
          </figure>
          <figure>
            <figcaption>Held-out digits: observation (deleted pixels blue) → completion → truth</figcaption>
            {shown > 0 ? <DigitGrid images={triple} masks={heldOut?.masks ? masks : undefined} cols={3} scale={3} label={`${shown} held-out digits: observation, E-step completion, truth`} testId="iem-completions" /> : <p className="hint">loading the held-out digits…</p>}
          </figure>
        </div>
        <div>
          <Metrics lap={lap} />
          {lap?.classHistogram
            ? <figure><figcaption>Classes of the samples (mode coverage)</figcaption><ClassHistogram counts={lap.classHistogram} /></figure>
            : <p className="hint" data-testid="iem-hist-none">Class histogram: not computed.</p>}
          {lap && (
            <table className="table" data-testid="iem-lap-table">
              <tbody>
                <tr><th>completion PSNR</th><td>{lap.completionPsnr.toFixed(2)} dB</td></tr>
                <tr><th>FD</th><td>{lap.fd === undefined ? 'not computed' : lap.fd.toFixed(2)}</td></tr>
                <tr><th>lap time</th><td>{lap.seconds.toFixed(1)} s{lap.lap > 0 ? ` (M-step ${lap.secondsMStep.toFixed(1)} s, E-step ${lap.secondsEStep.toFixed(1)} s)` : ''}</td></tr>
                {lap.losses.length > 0 && <tr><th>M-step loss</th><td>{lap.losses[0]!.toFixed(4)} → {lap.losses.at(-1)!.toFixed(4)}</td></tr>}
              </tbody>
            </table>
          )}
          <SendToStudio />
        </div>
      </div>
    </div>
  )
}

function SendToStudio() {
  const laps = useImageEm((s) => s.laps)
  const jobId = useImageEm((s) => s.jobId)
  const sent = useImageEm((s) => s.sent)
  const last = [...laps].reverse().find((l) => l.weights)
  if (!last) return null
  const q = new URLSearchParams(window.location.search)
  const studio = new URLSearchParams()
  if (sent) studio.set('model', sent.id)
  // another inverse problem than the one it learned from: a box over a held-out digit
  studio.set('image', 'demo/digits/three-3293.png')
  studio.set('task', 'box')
  studio.set('box', '12')
  if (q.get('backend')) studio.set('backend', q.get('backend')!)
  return (
    <div className="panel">
      <button type="button" onClick={() => void useImageEm.getState().sendToStudio()} disabled={!!jobId} data-testid="iem-send">Send lap {last.lap}'s U-Net to the studio</button>
      {sent && (
        <p data-testid="iem-sent">
          The studio now has “{sent.name}”. <a href={`?${studio.toString()}#/studio`} data-testid="iem-open-studio">Open it in the studio</a>
          {sent.problem && <span className="notice"> {sent.problem}</span>}
        </p>
      )}
    </div>
  )
}

function RunList() {
  const runs = useImageEm((s) => s.runs)
  const run = useImageEm((s) => s.run)
  const jobId = useImageEm((s) => s.jobId)
  const { open, remove, importRun, exportRun } = useImageEm.getState()
  return <StoredRuns runs={runs} shownId={run?.id} busy={!!jobId} onOpen={(id) => void open(id)} onRemove={(id) => void remove(id)} onExport={exportRun} onImport={(t) => void importRun(t)} testPrefix="iem" />
}

export function ImageEmPage() {
  const load = useImageEm((s) => s.load)
  const message = useImageEm((s) => s.message)
  const storage = useImageEm((s) => s.storage)
  const interrupted = useImageEm((s) => s.interrupted)
  const urlMessages = useImageEm((s) => s.urlMessages)
  const run = useImageEm((s) => s.run)
  const dismiss = useImageEm((s) => s.dismiss)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <section>
      <h2>Image EM lab</h2>
      <p>
        DiEM on handwritten digits: a diffusion prior is learned from corrupted MNIST digits only — each observation
        has its own operator (by default 75 % of its pixels deleted) and noise σ_y. Lap 0 fits a low-rank Gaussian by
        Monte-Carlo EM; each later lap trains a small U-Net denoiser on the previous posterior samples (M-step) and
        draws one MMPS posterior sample per observation (E-step). No clean digit is ever used for training; held-out
        digits only measure. Every finished lap is stored in this browser and survives a reload.
      </p>
      {urlMessages.map((m) => <p key={m} className="notice" data-testid="iem-url-message">{m}</p>)}
      {storage && (
        <div className="notice" role="alert" data-testid="iem-storage-notice">
          <p>{storage}</p>
          <button type="button" onClick={() => dismiss('storage')} aria-label="Dismiss the storage notice">Dismiss</button>
        </div>
      )}
      {interrupted && (
        <div className="notice" role="status" data-testid="iem-interrupted">
          <p>{interrupted}</p>
          <button type="button" onClick={() => dismiss('interrupted')} aria-label="Dismiss the reload notice">Dismiss</button>
        </div>
      )}
      <RunControls />
      {message && <p className="notice" role="status" data-testid="iem-message">{message}</p>}
      <RunProgress />
      {run && <LapViewer />}
      <RunList />
    </section>
  )
}
