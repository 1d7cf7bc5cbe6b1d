// The analytic toy (algorithms.md §6): Sinkhorn divergence of q(x_t | y) against p(x_t | y) over σ_t for the
// four covariance heuristics (the paper's Fig. 2), and the helix illustration (§6.2). Renders and dispatches
// only: the experiment runs in the compute worker (toyStore → ToyApi).
import { memo, useDeferredValue, useMemo, useState } from 'react'
import { ProgressBar } from '../../components/ProgressBar'
import { LogLogBandChart, type BandSeries } from '../../plots/LogLogBandChart'
import { Scatter3D } from '../../plots/Scatter3D'
import { SIGMA_GRID, summarizeToy, TOY_PRESET_NAMES, TOY_PRESETS, type BandPoint, type ToyPresetName } from '../../core/toy/experiment'
import { COVARIANCE_LABELS, COVARIANCES, type Covariance } from '../../core/toy/observation'
import { HELIX_SIZES, useToy } from './toyStore'
import { ScrollBox } from '../../components/ScrollBox'

export const COVARIANCE_COLOURS: Record<Covariance, string> = {
  tweedie: '#1f6feb',
  inverse: '#2da44e',
  sigma_t: '#bf8700',
  zero: '#cf222e',
}

const MODERATE = [0.1, 0.2, 0.5, 1]
const fmt = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toExponential(1))

function Controls() {
  const preset = useToy((s) => s.preset)
  const seeds = useToy((s) => s.seeds)
  const job = useToy((s) => s.job)
  const progress = useToy((s) => s.progress)
  const setPreset = useToy((s) => s.setPreset)
  const setSeeds = useToy((s) => s.setSeeds)
  const start = useToy((s) => s.start)
  const cancel = useToy((s) => s.cancel)
  return (
    <div className="toy-controls">
      <label>
        Preset{' '}
        <select value={preset} disabled={job !== undefined} onChange={(e) => setPreset(e.target.value as ToyPresetName)} data-testid="toy-preset">
          {TOY_PRESET_NAMES.map((p) => (
            <option key={p} value={p}>{p}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Seeds{' '}
        <input
          type="number"
          min={1}
          max={64}
          value={seeds}
          disabled={job !== undefined}
          onChange={(e) => setSeeds(Number(e.target.value))}
          style={{ width: '4rem' }}
          data-testid="toy-seeds"
        />
      </label>{' '}
      <button type="button" onClick={() => void start()} disabled={job !== undefined} data-testid="toy-run">
        Run the experiment
      </button>
      <p className="hint" style={{ color: '#57606a', margin: '0.4rem 0' }}>
        {TOY_PRESETS[preset].description}; σ_t ∈ {'{'}{SIGMA_GRID.join(', ')}{'}'}; Sinkhorn λ = 1e-3, at most 1024 iterations (§6.3).
      </p>
      {preset === 'paper' && (
        <p className="error" role="alert" data-testid="toy-paper-warning">
          The paper preset is impractical in JavaScript: one Sinkhorn iteration on 16384 × 16384 points took about 10 s on a
          2-core machine, a transport problem runs up to 1024 iterations and each (seed, σ_t) needs five of them, so a single
          seed takes days (the exact moments for 2²⁰ samples alone take about a minute per σ_t). It is here for completeness;
          the browser preset shows the same ordering.
        </p>
      )}
      {job && progress && <ProgressBar progress={progress} onCancel={() => void cancel()} />}
    </div>
  )
}

function Results() {
  // Rows stream in from the worker: render them at deferred priority, so that React slices the work between
  // components (series, table rows) instead of blocking the main thread in one task.
  const run = useDeferredValue(useToy((s) => s.run))
  const summary = useMemo(() => (run ? summarizeToy(run.rows) : undefined), [run])
  const series: BandSeries[] = useMemo(
    () =>
      COVARIANCES.map((k) => ({
        id: k,
        label: COVARIANCE_LABELS[k],
        colour: COVARIANCE_COLOURS[k],
        points: (summary?.[k] ?? []).map((p) => ({ x: p.sigma_t, median: p.median, lower: p.q25, upper: p.q75 })),
      })),
    [summary],
  )
  if (!run || !summary) {
    // The empty frame (axes over the σ_t grid, legend) is drawn from the start, so the first results only add paths.
    return (
      <div>
        <p data-testid="toy-empty">No results yet: choose a preset and seeds, then run the experiment.</p>
        <LogLogBandChart series={series} xLabel="σ_t" yLabel="Sinkhorn divergence" testId="toy-chart-empty" />
      </div>
    )
  }
  const at = (k: Covariance, s: number): BandPoint | undefined => summary[k].find((p) => p.sigma_t === s)
  const sigmas = SIGMA_GRID.filter((s) => COVARIANCES.some((k) => at(k, s)))
  const verdicts = MODERATE.filter((s) => COVARIANCES.every((k) => at(k, s))).map((s) => {
    const t = at('tweedie', s)!.median
    return { s, holds: t < at('sigma_t', s)!.median && t < at('zero', s)!.median }
  })
  return (
    <div data-testid="toy-results" data-rows={run.rows.length} data-complete={String(run.complete)}>
      <p>
        {run.complete ? 'Finished' : 'Partial'} run: preset <strong>{run.preset}</strong> ({run.priorSamples.toLocaleString()} prior samples,
        {' '}{run.setSize}-point Sinkhorn sets), {run.seeds} seed{run.seeds > 1 ? 's' : ''}, {run.rows.length} of{' '}
        {run.seeds * SIGMA_GRID.length * COVARIANCES.length} rows
        {run.seconds !== undefined && <>, {run.seconds.toFixed(1)} s in the worker</>}.
      </p>
      <LogLogBandChart series={series} xLabel="σ_t" yLabel="Sinkhorn divergence" testId="toy-chart" />
      <p style={{ color: '#57606a', fontSize: '0.9rem' }}>Lines: median over seeds; bands: 25–75 %. Values are floored at 10⁻⁶ (§9.10).</p>
      {verdicts.length > 0 && (
        <p data-testid="toy-ordering">
          Ordering “V[x|xₜ] below Σₜ and 0” at moderate σ_t:{' '}
          {verdicts.map((v) => (
            <span key={v.s} className={v.holds ? '' : 'bad'} style={{ marginRight: '0.6rem' }}>
              σ_t = {v.s}: {v.holds ? 'holds' : 'does not hold'}
            </span>
          ))}
        </p>
      )}
      <ScrollBox label="median Sinkhorn divergence per σ_t">
      <table className="table" data-testid="toy-table">
        <thead>
          <tr>
            <th>median S</th>
            {sigmas.map((s) => (
              <th key={s}>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {COVARIANCES.map((k) => (
            <MedianRow key={k} kind={k} sigmas={sigmas} points={summary[k]} />
          ))}
        </tbody>
      </table>
      </ScrollBox>
    </div>
  )
}

const MedianRow = memo(function MedianRow({ kind, sigmas, points }: { kind: Covariance; sigmas: readonly number[]; points: readonly BandPoint[] }) {
  return (
    <tr data-testid={`toy-row-${kind}`}>
      <td><span className="swatch" style={{ background: COVARIANCE_COLOURS[kind] }} aria-hidden="true" />{COVARIANCE_LABELS[kind]} ({kind})</td>
      {sigmas.map((s) => (
        <td key={s} className="num">{fmt(points.find((p) => p.sigma_t === s)?.median)}</td>
      ))}
    </tr>
  )
})

function Helix() {
  const helix = useToy((s) => s.helix)
  const sigma = useToy((s) => s.helixSigma)
  const preset = useToy((s) => s.preset)
  const job = useToy((s) => s.helixJob)
  const progress = useToy((s) => s.helixProgress)
  const error = useToy((s) => s.helixError)
  const setSigma = useToy((s) => s.setHelixSigma)
  const runHelix = useToy((s) => s.runHelix)
  const cancel = useToy((s) => s.cancelHelix)
  const [view, setView] = useState<[number, number]>([0.7, 0.35])
  const truth = useMemo(() => (helix ? { id: 'truth', label: 'p(xₜ | y)', colour: '#6e7781', points: helix.truth, alpha: 0.45 } : undefined), [helix])
  return (
    <section className="toy-helix">
      <h3>The helix illustration (§6.2)</h3>
      <p>
        256 Gaussians (σ = 0.01) on a helix, y = x₁ + 2x₃ = 0 observed with Σ_y = 10⁻⁴. Grey: the true p(x_t | y); colour: q(x_t | y)
        resampled with each covariance heuristic. Drag a panel to rotate.
      </p>
      <label>
        σ_t{' '}
        <input
          type="number"
          min={0.001}
          step={0.05}
          value={sigma}
          disabled={job !== undefined}
          onChange={(e) => setSigma(Number(e.target.value))}
          style={{ width: '5rem' }}
          data-testid="helix-sigma"
        />
      </label>{' '}
      <button type="button" onClick={() => void runHelix()} disabled={job !== undefined} data-testid="helix-run">
        Draw the illustration
      </button>{' '}
      <span style={{ color: '#57606a' }}>({HELIX_SIZES[preset].samples.toLocaleString()} prior samples)</span>
      {job && progress && <ProgressBar progress={progress} onCancel={() => void cancel()} />}
      {error && <p className="error" role="alert">{error}</p>}
      {helix && truth && (
        <div data-testid="helix-panels" data-sigma={helix.sigmaT} style={{ display: 'flex', flexWrap: 'wrap', gap: '0.8rem', marginTop: '0.6rem' }}>
          {COVARIANCES.map((k) => (
            <Scatter3D
              key={k}
              testId={`helix-${k}`}
              title={`${COVARIANCE_LABELS[k]} · ESS ${Math.round(helix.ess[k]).toLocaleString()}`}
              sets={[truth, { id: k, label: 'q(xₜ | y)', colour: COVARIANCE_COLOURS[k], points: helix.approximations[k], alpha: 0.55 }]}
              azimuth={view[0]}
              elevation={view[1]}
              onRotate={(a, e) => setView([a, e])}
              range={[-3, 3]}
              width={260}
              height={260}
            />
          ))}
        </div>
      )}
      {helix && <p style={{ color: '#57606a', fontSize: '0.9rem' }}>Shown at σ_t = {helix.sigmaT}, from {helix.samples.toLocaleString()} prior samples.</p>}
    </section>
  )
}

export function ToyPage() {
  const error = useToy((s) => s.error)
  const notice = useToy((s) => s.notice)
  return (
    <section data-testid="toy-page">
      <h2>Analytic toy</h2>
      <p>
        A Gaussian mixture on a smooth random curve in R³ (256 components, σ = 0.01) is observed through one unit-norm row W with
        Σ_y = 10⁻⁴. At each noise level σ_t, the approximate posterior q(x_t | y) ∝ p(x_t) N(y | W E[x|x_t], Σ_y + W V Wᵀ) is compared with
        the true p(x_t | y) by the Sinkhorn divergence, for four choices of V: the exact Tweedie covariance V[x|x_t], (Σ_x⁻¹ + Σ_t⁻¹)⁻¹,
        Σ_t and 0 (algorithms.md §6.1, the paper’s Fig. 2).
      </p>
      {notice && <p className="planned-note" role="status" data-testid="toy-notice">{notice}</p>}
      <Controls />
      {error && <p className="error" role="alert" data-testid="toy-error">{error}</p>}
      <Results />
      <Helix />
    </section>
  )
}
