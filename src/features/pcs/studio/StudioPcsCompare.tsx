// For a finished studio run: what the method drew against what it believed. Left, the principal components of
// the S posterior samples (their sample covariance; S ≥ 2). Right, the Tweedie PCs at a chosen sampler step:
// the top eigenvectors of σ_t²·∂D/∂x_t at that step's x_t — the covariance of the Gaussian approximation
// q(x | x_t) = N(D(x_t), σ_t² ∂D/∂x_t) that MMPS builds its likelihood on (before conditioning on y).
// Self-contained: the studio passes the run's samples and the x_t it kept per step.
import { useMemo, useState } from 'react'
import { samplePcs } from '../../../core/pcs/samplePcs'
import { ProgressBar } from '../../../components/ProgressBar'
import { DivergingImage } from '../DivergingImage'
import { useTweediePcs } from './useTweediePcs'

export interface StepState {
  step: number
  steps: number
  sigma: number
  /** x_t of (the first) sample at this step, C×H×W. */
  xt: Float32Array
}

interface Props {
  onnxUrl: string
  shape: [number, number, number]
  /** S×C×H×W final samples of one method. */
  samples?: Float32Array
  steps: StepState[]
  label?: string
  k?: number
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

export function StudioPcsCompare({ onnxUrl, shape, samples, steps, label = 'MMPS', k = 3 }: Props) {
  const n = shape[0] * shape[1] * shape[2]
  const s = samples ? Math.floor(samples.length / n) : 0
  const drawn = useMemo(() => (samples && s >= 2 ? samplePcs(samples, s, n, k) : undefined), [samples, s, n, k])
  const [pick, setPick] = useState(Math.max(0, Math.floor(steps.length / 2)))
  const chosen = steps[Math.min(pick, steps.length - 1)]
  const t = useTweediePcs()
  return (
    <div className="panel" data-testid="studio-pcs">
      <h3>{label}: what it drew against what it believed</h3>
      <div className="row">
        <div>
          <h4>PCs of the {s} posterior samples</h4>
          {drawn ? <PcRow vectors={drawn.vectors} eigenvalues={drawn.eigenvalues} shape={shape} prefix="studio-pcs-drawn" /> : <p className="hint">Needs at least 2 samples (this run has {s}).</p>}
          {drawn && s - 1 < k && <p className="hint">{s} samples span at most {s - 1} directions.</p>}
        </div>
        <div>
          <h4>Tweedie PCs at a sampler step</h4>
          {steps.length === 0 ? <p className="hint">No intermediate x_t was kept for this run.</p> : (
            <>
              <label>
                step{' '}
                <select value={Math.min(pick, steps.length - 1)} onChange={(e) => setPick(Number(e.target.value))} disabled={t.running} data-testid="studio-pcs-step">
                  {steps.map((st, i) => <option key={st.step} value={i}>{st.step} of {st.steps} (σ_t = {st.sigma.toPrecision(3)})</option>)}
                </select>
              </label>{' '}
              <button type="button" disabled={t.running || !chosen} onClick={() => chosen && void t.run({ onnxUrl, shape, xt: chosen.xt, sigma: chosen.sigma, k, iters: 20, jacobian: 'exact', seed: 0 })} data-testid="studio-pcs-run">Compute</button>
              <p className="hint">Eigenvectors of σ_t²·∂D/∂x_t at that step’s x_t (20 subspace iterations, exact VJPs): the covariance MMPS assumes for x given x_t, before y.</p>
              {t.running && <ProgressBar progress={{ fraction: t.progress ? t.progress.iteration / t.progress.iterations : 0, message: t.progress ? `iteration ${t.progress.iteration} of ${t.progress.iterations}` : 'starting…' }} onCancel={t.cancel} />}
              {t.error && <p className="notice" role="alert">{t.error}</p>}
              {t.result && <PcRow vectors={t.result.vectors} eigenvalues={t.result.eigenvalues} shape={shape} prefix="studio-pcs-tweedie" />}
            </>
          )}
        </div>
      </div>
    </div>
  )
}
