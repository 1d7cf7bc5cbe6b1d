// The PC results: spectrum, each PC as a diverging image with its live slider x̂ + α √λ_i v_i, and the 1-D
// marginal along a chosen PC (max-entropy fit of four moments against the Gaussian of the same variance).
import { useMemo } from 'react'
import { ImageCanvas } from '../../components/ImageCanvas'
import { SpectrumChart } from '../../plots/SpectrumChart'
import { DensityChart } from '../../plots/DensityChart'
import { LineChart } from '../../plots/LineChart'
import { gaussianDensity, maxEntDensity } from '../../core/pcs/maxent'
import { DivergingImage } from './DivergingImage'
import { usePcs, type PcsRun } from './pcsStore'

function PcCard({ r, i }: { r: PcsRun; i: number }) {
  const alpha = usePcs((s) => s.alphas[i] ?? 0)
  const setAlpha = usePcs((s) => s.setAlpha)
  const [c, h, w] = r.shape
  const lam = r.eigenvalues[i] ?? 0
  const moved = useMemo(() => {
    const v = r.vectors[i]!
    const s = alpha * Math.sqrt(Math.max(lam, 0))
    return { data: r.denoised.map((d, j) => d + s * v[j]!), c, h, w }
  }, [r, i, alpha, lam, c, h, w])
  return (
    <div className="pc-card" data-testid={`pc-${i + 1}`}>
      <DivergingImage v={r.vectors[i]!} shape={[c, h, w]} label={`PC ${i + 1}: v${i + 1} (red +, blue −)`} testId={`pc-image-${i + 1}`} />
      <ImageCanvas image={moved} label={`x̂ ${alpha >= 0 ? '+' : '−'} ${Math.abs(alpha).toFixed(1)}·√λ${i + 1}·v${i + 1}`} size={96} testId={`pc-move-${i + 1}`} />
      <label>
        α = {alpha.toFixed(1)}{' '}
        <input type="range" min={-3} max={3} step={0.1} value={alpha} onChange={(e) => setAlpha(i, Number(e.target.value))} aria-label={`α for PC ${i + 1}`} data-testid={`pc-slider-${i + 1}`} />
      </label>
      <span className="hint">λ{i + 1} = {lam.toPrecision(3)} (std {Math.sqrt(Math.max(lam, 0)).toPrecision(3)})</span>
    </div>
  )
}

function Marginal({ r }: { r: PcsRun }) {
  const pc = usePcs((s) => s.config.pc)
  const update = usePcs((s) => s.update)
  const i = Math.min(pc, r.marginals.length - 1)
  const mg = r.marginals[i]
  const curves = useMemo(() => {
    if (!mg || !(mg.moments.variance > 0)) return undefined
    const { mean, variance } = mg.moments
    const sd = Math.sqrt(variance)
    const x = Array.from({ length: 201 }, (_, j) => mean - 4 * sd + (8 * sd * j) / 200)
    const list = [{ name: 'Gaussian, same variance', colour: '#868e96', y: gaussianDensity(mean, variance, x), dashed: true }]
    if (mg.fit.ok) list.unshift({ name: 'max-entropy fit of μ1…μ4', colour: '#d9480f', y: maxEntDensity(mg.fit, mg.moments, x), dashed: false })
    return { x, list }
  }, [mg])
  if (!mg) return null
  const m = mg.moments
  return (
    <div className="panel">
      <h3>1-D posterior marginal along a PC</h3>
      <label>
        PC{' '}
        <select value={i} onChange={(e) => update({ pc: Number(e.target.value) })} data-testid="pcs-marginal-pc">
          {r.marginals.map((_, j) => <option key={j} value={j}>{j + 1}</option>)}
        </select>
      </label>
      <p className="hint">
        Moments of s = ⟨v, x⟩ under p(x | x_t) from central differences of D along v (step c = {m.step.toPrecision(2)} = 0.1σ, §12.1):
        μ2 = σ²/c·⟨v, D(x_t + c/2·v) − D(x_t − c/2·v)⟩, and likewise μ3, μ4 from second and third differences.
      </p>
      <table className="table" data-testid="pcs-moments">
        <tbody>
          <tr><th>mean ⟨v, x̂⟩</th><td className="num">{m.mean.toPrecision(4)}</td><th>variance</th><td className="num">{m.variance.toPrecision(4)}</td></tr>
          <tr><th>skewness</th><td className="num">{m.skewness.toFixed(3)}</td><th>kurtosis (Gaussian: 3)</th><td className="num">{m.kurtosis.toFixed(3)}</td></tr>
        </tbody>
      </table>
      {curves ? <DensityChart x={curves.x} curves={curves.list} xLabel={`s along v${i + 1}`} testId="pcs-marginal" /> : <p className="error">The variance estimate is not positive; no density.</p>}
      {!mg.fit.ok && <p className="notice" data-testid="pcs-fit-rejected">No max-entropy fit: {mg.fit.reason}. Only the Gaussian of the same variance is drawn.</p>}
      <p className="hint">Where the two curves differ, the posterior along this direction is not Gaussian.</p>
    </div>
  )
}

export function PcsResults() {
  const r = usePcs((s) => s.result)
  const pc = usePcs((s) => s.config.pc)
  const update = usePcs((s) => s.update)
  if (!r) return null
  return (
    <>
      <div className="panel" data-testid="pcs-results" data-k={r.eigenvalues.length}>
        <h3>Posterior principal components</h3>
        <p className="hint">
          {r.iterations} iterations, {r.cost.forward} forward passes and {r.cost.vjp} VJPs in {r.seconds.toFixed(1)} s on tfjs {r.backend};
          Jacobian {r.jacobian === 'exact' ? 'exact VJP (Jᵀv = Jv)' : `forward difference, c = ${r.fdStep?.toPrecision(2)}`}.
          Final relative residuals ‖Ju − θu‖/θ: {r.residuals.map((x) => x.toExponential(1)).join(', ')}.
        </p>
        <div className="row">
          <SpectrumChart values={r.eigenvalues} selected={pc} onSelect={(i) => update({ pc: i })} yLabel="σ²λ_i" testId="pcs-spectrum" />
          {r.residualHistory.length > 1 && (
            <LineChart series={[{ name: 'max residual', colour: '#1c7ed6', points: r.residualHistory.map((v, j) => [j + 1, v] as const) }]} logY xLabel="iteration" yLabel="‖Ju − θu‖/θ" width={300} height={180} testId="pcs-convergence" />
          )}
        </div>
        <p className="hint">PC images show v_i averaged over the colour channels (red +, blue −, white 0, scaled to max |v_i|). Each slider shows x̂ + α·√λ_i·v_i, a plausible clean image α posterior standard deviations along PC i. Over a large patch the change is spread thin; a small patch (an eye, an edge) shows it more plainly.</p>
        <div className="row">{r.eigenvalues.map((_, i) => <PcCard key={i} r={r} i={i} />)}</div>
      </div>
      <Marginal r={r} />
    </>
  )
}
