// For a finished studio run with MMPS: what the method drew against what it believed. Left, the principal
// components of one method's S posterior samples (their sample covariance; S ≥ 2). Right, the Tweedie PCs at the
// scrubber's step k, at the exact float x_t of an MMPS row's first sample that the worker kept for this run:
// the top eigenvectors of MMPS's Gaussian approximation of x given x_t — conditioned on y
// (Σ_t − Σ_t Aᵀ(σ_y²I + AΣ_tAᵀ)⁻¹AΣ_t, Σ_t = σ_t²J, a few iterations of MMPS's own CG/GMRES per product) or not (Σ_t alone).
// A <details>: nothing is computed until it is opened.
import { useMemo, useState } from 'react'
import { samplePcs } from '../../../core/pcs/samplePcs'
import { ProgressBar } from '../../../components/ProgressBar'
import { DivergingImage } from '../DivergingImage'
import { useTweediePcs } from './useTweediePcs'
import type { StudioTweedieResult } from '../../../workers/studioApi'

export interface CompareMethod {
  index: number
  label: string
  mmps: boolean
  /** MMPS's own solver and its iterations (its CG/GMRES k). */
  solver: 'cg' | 'gmres'
  iters: number
  /** S×C×H×W final samples (absent when the method did not finish). */
  samples?: Float32Array
}

interface Props {
  /** The page's id of the run shown; undefined when it was restored from a previous session. */
  runId?: string
  shape: [number, number, number]
  methods: CompareMethod[]
  /** The scrubber's step and the run's step count (steps = the final denoiser call). */
  step: number
  steps: number
  sigmaY: number
}

function PcRow({ vectors, eigenvalues, shape, prefix }: { vectors: Float32Array[]; eigenvalues: number[]; shape: [number, number, number]; prefix: string }) {
  return (
    <div className="row">
      {vectors.map((v, i) => (
        <div key={i} className="pc-card">
          <DivergingImage v={v} shape={shape} label={`PC ${i + 1}, λ = ${eigenvalues[i]!.toPrecision(3)}`} size={72} testId={`${prefix}-${i + 1}`} />
        </div>
      ))}
    </div>
  )
}

const clampInt = (v: number, lo: number, hi: number, dflt: number): number => (Number.isFinite(v) ? Math.max(lo, Math.min(hi, Math.round(v))) : dflt)

function Body({ runId, shape, methods, step, steps, sigmaY }: Props) {
  const n = shape[0] * shape[1] * shape[2]
  const withSamples = methods.filter((m) => m.samples)
  const mmpsRows = methods.filter((m) => m.mmps)
  const [drawnPick, setDrawnPick] = useState((withSamples.find((m) => m.mmps) ?? withSamples[0])?.index ?? -1)
  const [mmpsPick, setMmpsPick] = useState(mmpsRows[0]?.index ?? -1)
  const [k, setK] = useState(3)
  const [iters, setIters] = useState(20)
  const [condition, setCondition] = useState(true)
  const mm = methods.find((m) => m.index === mmpsPick)
  const solver = (mm?.solver ?? 'cg').toUpperCase()
  const [solverIters, setSolverIters] = useState(Math.max(1, mm?.iters ?? 1))
  const chosen = withSamples.find((m) => m.index === drawnPick)
  const s = chosen?.samples ? Math.floor(chosen.samples.length / n) : 0
  const drawn = useMemo(() => (chosen?.samples && s >= 2 ? samplePcs(chosen.samples, s, n, k) : undefined), [chosen?.samples, s, n, k])
  const t = useTweediePcs()
  const res = t.result as StudioTweedieResult | undefined
  const compute = (): void => {
    if (!runId || !mm) return
    void t.runStudio({ runId, method: mm.index, step, k, iters, seed: 0, condition, solverIters })
  }
  return (
    <div className="row">
      <div>
        <h4>What it drew: PCs of the posterior samples</h4>
        {withSamples.length > 1 && (
          <label>method{' '}
            <select value={drawnPick} onChange={(e) => setDrawnPick(Number(e.target.value))} data-testid="studio-pcs-method">
              {withSamples.map((m) => <option key={m.index} value={m.index}>{m.label}</option>)}
            </select>
          </label>
        )}
        {drawn
          ? <PcRow vectors={drawn.vectors} eigenvalues={drawn.eigenvalues} shape={shape} prefix="studio-pcs-drawn" />
          : <p className="hint" data-testid="studio-pcs-few">Set samples ≥ 2 and run again to see these: principal components need at least 2 samples (this run drew {s || 'no finished samples'}{s ? ` per method` : ''}).</p>}
        {drawn && s - 1 < k && <p className="hint">{s} samples span at most {s - 1} direction{s - 1 === 1 ? '' : 's'}, so at most {s - 1} PC{s - 1 === 1 ? '' : 's'} here.</p>}
        {drawn && <p className="hint">Eigenvectors of the sample covariance of {chosen?.label}’s {s} final samples (λ: its eigenvalues).</p>}
      </div>
      <div>
        <h4>What it believed: Tweedie PCs at step {step} of {steps}</h4>
        {mmpsRows.length > 1 && (
          <label>MMPS row{' '}
            <select value={mmpsPick} onChange={(e) => { const i = Number(e.target.value); setMmpsPick(i); setSolverIters(Math.max(1, methods.find((m) => m.index === i)?.iters ?? 1)) }} disabled={t.running} data-testid="studio-pcs-mmps">
              {mmpsRows.map((m) => <option key={m.index} value={m.index}>{m.label}</option>)}
            </select>
          </label>
        )}
        <p className="hint">The step is the scrubber’s (move it above to choose another; {steps} is the final denoiser call). The x_t used is the exact float x_t of {mm?.label ?? 'MMPS'}’s first sample at that step, kept in the worker for this run.</p>
        <div className="row">
          <label>PCs <input type="number" min={1} max={8} value={k} onChange={(e) => setK(clampInt(Number(e.target.value), 1, 8, 3))} disabled={t.running} data-testid="studio-pcs-k" style={{ width: '4em' }} /></label>
          <label>iterations <input type="number" min={1} max={200} value={iters} onChange={(e) => setIters(clampInt(Number(e.target.value), 1, 200, 20))} disabled={t.running} data-testid="studio-pcs-iters" style={{ width: '5em' }} /></label>
          <label><input type="checkbox" checked={condition} onChange={(e) => setCondition(e.target.checked)} disabled={t.running} data-testid="studio-pcs-condition" /> condition on y</label>
          {condition && <label>{solver} iterations <input type="number" min={1} max={50} value={solverIters} onChange={(e) => setSolverIters(clampInt(Number(e.target.value), 1, 50, 1))} disabled={t.running} data-testid="studio-pcs-solver-iters" style={{ width: '4em' }} /></label>}
          <button type="button" disabled={t.running || !runId || !mm} onClick={compute} data-testid="studio-pcs-run">Compute</button>
        </div>
        {!runId && <p className="hint" data-testid="studio-pcs-restored">These results were restored from a previous session: the page keeps 8-bit frames only, and the exact x_t lives in the worker for the latest run. Press Run to compute them.</p>}
        <p className="hint">
          {condition
            ? <>Eigenvectors of Σ_t − Σ_t Aᵀ(σ_y²I + A Σ_t Aᵀ)⁻¹ A Σ_t with Σ_t = σ_t²·∂D/∂x_t (σ_y = {sigmaY}): the covariance of x given x_t and y under MMPS’s Gaussian approximation q(x | x_t) = N(D(x_t), Σ_t) — the Gaussian MMPS’s guidance is built on. The inner solve uses the run’s own operator A and {solverIters} {solver} iteration{solverIters === 1 ? '' : 's'} per product (MMPS’s own solver and count by default; few iterations make it approximate), inside {iters} subspace iterations.</>
            : <>Eigenvectors of σ_t²·∂D/∂x_t: the covariance of the prior’s denoising posterior p(x | x_t) (Tweedie, Manor &amp; Michaeli 2024) — before conditioning on y.</>}
          {' '}Its eigenvalues measure what is left unknown once this x_t is known (usually below σ_t²{res ? ` = ${(res.sigma * res.sigma).toPrecision(3)}` : ''}); the PCs on the left measure the spread of the run’s final samples, all given y only, so expect larger λ there.
          {' '}Jacobian products by exact VJPs (Jᵀv, equal to Jv for the ideal denoiser, whose Jacobian is symmetric); D is clamped to [−2, 2] with its Jacobian masked where it saturates, as in the run.
        </p>
        {t.running && <ProgressBar progress={{ fraction: t.progress ? t.progress.iteration / t.progress.iterations : 0, message: t.progress ? `iteration ${t.progress.iteration} of ${t.progress.iterations}` : 'starting…' }} onCancel={t.cancel} />}
        {t.error && <p className="notice" role="alert" data-testid="studio-pcs-error">{t.error}</p>}
        {res && (
          <>
            <p className="hint" data-testid="studio-pcs-tweedie-info">Step {res.step} (σ_t = {res.sigma.toPrecision(3)}), {res.condition ? `conditioned on y (${res.solverIters} ${res.solver.toUpperCase()})` : 'not conditioned on y'}: {res.iterations} iterations in {res.seconds.toFixed(1)} s on {res.backend}; largest relative residual {Math.max(...res.residuals).toExponential(1)}.</p>
            {res.step !== step && <p className="hint" data-testid="studio-pcs-stale">These are for step {res.step}; press Compute for step {step}.</p>}
            <PcRow vectors={res.vectors} eigenvalues={res.eigenvalues} shape={shape} prefix="studio-pcs-tweedie" />
          </>
        )}
      </div>
    </div>
  )
}

export function StudioPcsCompare(props: Props) {
  const [open, setOpen] = useState(false)
  return (
    <details className="studio-more" data-testid="studio-pcs" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary data-testid="studio-pcs-summary">What MMPS believes vs what it drew</summary>
      {open && (
        <>
          <p className="hint">Principal components drawn on a diverging scale (red +, blue −, white 0, each scaled to its max |v|; the colour channels averaged).</p>
          <Body {...props} />
        </>
      )}
    </details>
  )
}
