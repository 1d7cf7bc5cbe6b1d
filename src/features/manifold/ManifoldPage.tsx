import { useEffect, useState, type ChangeEvent } from 'react'
import { useManifold } from './manifoldStore'
import { MANIFOLD_PRESETS, describeConfig, lapCost, type ManifoldPreset } from '../../core/em/presets'
import { CornerPlot } from '../../plots/CornerPlot'
import { LineChart } from '../../plots/LineChart'
import { ProgressBar } from '../../components/ProgressBar'
import { StoredRuns, downloadText } from '../../components/StoredRuns'
import { lapTimeSummary } from './lapTime'

const PRESET_NOTE: Record<ManifoldPreset, string> = {
  tiny: 'seconds per lap — for tests and a first look',
  default: 'scaled down from the paper: 14 laps, the E-step’s sampler steps rising 32 → 256 over laps 1–8. Measured in this page 2026-12-02 (tfjs-wasm, 2-core CPU, docs/manifold-retune.md §5): 14–22 s of CPU time per lap (14–16 s in laps 1–4, 20–22 s from lap 8 on), about 4 minutes of CPU for the run, the Sinkhorn distance under a quarter of lap 0’s from lap 9 (about 2.6 minutes); on a CPU shared with other programs (load 4–8) the laps took 28–66 s each, 11 minutes in all — this run’s own lap time is shown once lap 1 is done',
  paper: "the paper's sizes — hours per lap; for a machine with a real GPU",
}

async function exportShown(): Promise<void> {
  const f = await useManifold.getState().exportRun()
  if (f) downloadText(f.name, f.text)
}

/** What storage would not keep, why, and the two ways out: export now, or free space and save again. */
function StorageNotice() {
  const storage = useManifold((s) => s.storage)
  const run = useManifold((s) => s.run)
  const { retrySave, dismiss } = useManifold.getState()
  if (!storage) return null
  return (
    <div className="notice storage-notice" role="alert" data-testid="em-storage-notice" data-kind={storage.kind}>
      <p>{storage.text}</p>
      {storage.retries > 0 && <p className="hint" data-testid="em-storage-retries">Tried again {storage.retries === 1 ? 'once' : `${storage.retries} times`}: still not stored.</p>}
      {run && <button type="button" onClick={() => void exportShown()} data-testid="em-storage-export">Export “{run.name}”</button>}{' '}
      {run && <button type="button" onClick={() => void retrySave()} data-testid="em-storage-retry">Try saving again</button>}{' '}
      <button type="button" onClick={() => dismiss('storage')} aria-label="Dismiss the storage notice">Dismiss</button>
    </div>
  )
}

function InterruptedNotice() {
  const text = useManifold((s) => s.interrupted)
  if (!text) return null
  return (
    <div className="notice" role="status" data-testid="em-interrupted">
      <p>{text}</p>
      <button type="button" onClick={() => useManifold.getState().dismiss('interrupted')} aria-label="Dismiss the reload notice">Dismiss</button>
    </div>
  )
}

function RunControls() {
  const [preset, setPreset] = useState<ManifoldPreset>('default')
  const [seed, setSeed] = useState(0)
  const jobId = useManifold((s) => s.jobId)
  const run = useManifold((s) => s.run)
  const start = useManifold((s) => s.start)
  const cancel = useManifold((s) => s.cancel)
  const resume = useManifold((s) => s.resume)
  const config = MANIFOLD_PRESETS[preset]
  const canResume = !jobId && run && run.status !== 'done'
  return (
    <div className="panel">
      <label>
        Preset{' '}
        <select value={preset} onChange={(e) => setPreset(e.target.value as ManifoldPreset)} data-testid="em-preset" disabled={!!jobId}>
          {(Object.keys(MANIFOLD_PRESETS) as ManifoldPreset[]).map((p) => (
            <option key={p} value={p}>{p}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Seed <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} style={{ width: '5rem' }} disabled={!!jobId} />
      </label>{' '}
      <button type="button" onClick={() => void start(preset, seed)} disabled={!!jobId} data-testid="em-start">Start EM</button>{' '}
      {jobId && <button type="button" onClick={() => void cancel()} data-testid="em-cancel">Stop</button>}
      {canResume && <button type="button" onClick={() => void resume()} data-testid="em-resume">Resume “{run.name}”</button>}
      <p className="hint">{preset}: {PRESET_NOTE[preset]}</p>
      <ul className="hint">{describeConfig(config).map((l) => <li key={l}>{l}</li>)}</ul>
    </div>
  )
}

/** The lap time this run really has (mean of its finished M/E laps), shown while it runs and after. */
function LapTimeNote() {
  const run = useManifold((s) => s.run)
  const laps = useManifold((s) => s.laps)
  const text = run ? lapTimeSummary(laps, run.config.laps, (k) => lapCost(run.config, k)) : undefined
  return text ? <p className="hint" data-testid="em-lap-time">{text}</p> : null
}

function RunProgress() {
  const progress = useManifold((s) => s.progress)
  const run = useManifold((s) => s.run)
  const lapCount = useManifold((s) => s.laps.length)
  if (!progress || !run) return null
  const f = Math.max(progress.fraction, 1e-3)
  const eta = progress.elapsed / f - progress.elapsed
  const lapFraction = progress.phase === 'train' ? 0.5 * progress.fraction : progress.phase === 'sample' ? 0.5 + 0.5 * progress.fraction : 1
  return (
    <div data-testid="em-progress">
      <ProgressBar progress={{ fraction: progress.lap === 0 ? progress.fraction : lapFraction, message: `lap ${progress.lap} of ${run.config.laps - 1} — ${progress.detail}; ${progress.elapsed.toFixed(1)} s elapsed${progress.fraction > 0.02 ? `, about ${eta.toFixed(0)} s left in this phase` : ''}` }} />
      <p className="hint">{lapCount} of {run.config.laps} laps finished</p>
    </div>
  )
}

function LapViewer() {
  const laps = useManifold((s) => s.laps)
  const truth = useManifold((s) => s.truth)
  const selectedLap = useManifold((s) => s.selectedLap)
  const selectLap = useManifold((s) => s.selectLap)
  const playing = useManifold((s) => s.playing)
  const setPlaying = useManifold((s) => s.setPlaying)
  useEffect(() => {
    if (!playing) return
    const t = setInterval(() => {
      const s = useManifold.getState()
      if (s.selectedLap >= s.laps.length - 1) s.setPlaying(false)
      else s.selectLap(s.selectedLap + 1)
    }, 700)
    return () => clearInterval(t)
  }, [playing])
  const lap = laps[selectedLap]
  return (
    <div className="lab-grid">
      <div>
        <div className="scrubber">
          <button type="button" onClick={() => { if (selectedLap >= laps.length - 1) selectLap(0); setPlaying(!playing) }} disabled={laps.length < 2} data-testid="em-play">
            {playing ? 'Pause' : 'Play'}
          </button>
          <input type="range" min={0} max={Math.max(0, laps.length - 1)} value={selectedLap} onChange={(e: ChangeEvent<HTMLInputElement>) => selectLap(Number(e.target.value))} data-testid="em-scrub" aria-label="lap" />
          <span data-testid="em-lap-label">lap {lap?.lap ?? '—'}{lap?.lap === 0 ? ' (initial Gaussian prior)' : ''}</span>
        </div>
        <CornerPlot samples={lap?.samples} truth={truth} d={5} />
      </div>
      <div>
        <LineChart
          testId="em-metrics"
          logY
          xLabel="lap"
          yLabel="distance to the truth"
          highlightX={lap?.lap}
          series={[
            { name: 'Sinkhorn S(u₁,u₂,v)', colour: '#1f6feb', points: laps.map((l) => [l.lap, l.sinkhorn] as const) },
            { name: 'sliced Wasserstein', colour: '#bf3989', points: laps.map((l) => [l.lap, l.slicedWasserstein] as const) },
          ]}
        />
        {lap && lap.losses.length > 0 && (
          <LineChart
            testId="em-loss"
            xLabel={`read-back window (lap ${lap.lap})`}
            yLabel="training loss"
            series={[{ name: 'M-step loss', colour: '#2da44e', points: lap.losses.map((v, i) => [i + 1, v] as const) }]}
          />
        )}
        {lap && (
          <table className="table" data-testid="em-lap-table">
            <tbody>
              <tr><th>Sinkhorn</th><td>{lap.sinkhorn.toExponential(3)}</td></tr>
              <tr><th>sliced Wasserstein</th><td>{lap.slicedWasserstein.toFixed(4)}</td></tr>
              <tr><th>samples kept / discarded</th><td>{lap.kept} / {lap.discarded}</td></tr>
              <tr><th>lap time</th><td>{lap.seconds.toFixed(1)} s</td></tr>
            </tbody>
          </table>
        )}
      </div>
    </div>
  )
}

function RunList() {
  const runs = useManifold((s) => s.runs)
  const run = useManifold((s) => s.run)
  const jobId = useManifold((s) => s.jobId)
  const unstored = useManifold((s) => s.unstored)
  const { open, remove, importRun, exportRun } = useManifold.getState()
  return <StoredRuns runs={runs} shownId={run?.id} busy={!!jobId} note={(id) => (unstored.includes(id) ? ' · not stored (this tab only)' : '')} onOpen={(id) => void open(id)} onRemove={(id) => void remove(id)} onExport={exportRun} onImport={(t) => void importRun(t)} testPrefix="em" />
}

export function ManifoldPage() {
  const load = useManifold((s) => s.load)
  const message = useManifold((s) => s.message)
  const run = useManifold((s) => s.run)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <section>
      <h2>Manifold lab</h2>
      <p>
        DiEM learns a diffusion prior from observations alone: points on a hidden 1-D manifold in R⁵ are seen only
        through random 2×5 projections with noise σ_y = 0.01. Lap 0 fits a Gaussian by Monte-Carlo EM; each later lap
        trains an MLP denoiser on the previous posterior samples (M-step) and draws one MMPS posterior sample per
        observation (E-step). Every finished lap is stored in this browser and survives a reload.
      </p>
      <StorageNotice />
      <InterruptedNotice />
      <RunControls />
      {message && <p className="notice" role="status" data-testid="em-message">{message}</p>}
      <RunProgress />
      <LapTimeNote />
      {run && <LapViewer />}
      <RunList />
    </section>
  )
}
