// Posterior principal components (Manor & Michaeli, ICLR 2024; algorithms.md §12.1): what a denoiser is unsure
// about. Cov[x | x_t] = σ² ∂D/∂x_t, so the top eigenvectors of the patch's posterior covariance come from
// Jacobian products of any pretrained denoiser, computed in the worker by subspace iteration.
import { useEffect } from 'react'
import { DEMO_IMAGES } from '../../app/models'
import { findModel, useModelRegistry, modelLabel } from '../../app/modelRegistry'
import { ImageCanvas } from '../../components/ImageCanvas'
import { ProgressBar } from '../../components/ProgressBar'
import { fdStep } from '../../core/pcs/products'
import { PatchSelect } from './PatchSelect'
import { PcsResults } from './PcsResults'
import { usePcs } from './pcsStore'

function Setup() {
  const config = usePcs((s) => s.config)
  const busy = usePcs((s) => !!s.job)
  const update = usePcs((s) => s.update)
  const loadImage = usePcs((s) => s.loadImage)
  const models = useModelRegistry((s) => s.models)
  const m = findModel(config.model)
  return (
    <div className="panel pcs-settings">
      <h3>Model, image and noise</h3>
      <div className="row" role="group" aria-label="model">
        {models.map((mm) => (
          <button key={mm.id} type="button" className={mm.id === config.model ? 'chip active' : 'chip'} aria-pressed={mm.id === config.model} onClick={() => update({ model: mm.id })} disabled={busy} data-testid={`pcs-model-${mm.id}`}>
            {modelLabel(mm)}
          </button>
        ))}
      </div>
      <p className="hint">Bring your own ONNX denoiser on the <a href="#/models">Models</a> page; once it passes its checks it is listed here.</p>
      <div className="row" role="group" aria-label="image">
        {m && DEMO_IMAGES[m.demoKind].map((url) => (
          <button key={url} type="button" className={url === config.image ? 'chip active' : 'chip'} aria-pressed={url === config.image} onClick={() => void loadImage(url)} disabled={busy}>
            {url.split('/').pop()?.replace('.png', '')}
          </button>
        ))}
        <label className="file">upload <input type="file" accept="image/*" disabled={busy} onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void loadImage(f) }} data-testid="pcs-upload" /></label>
      </div>
      <label>σ <input type="number" min={0.01} max={10} step={0.05} value={config.sigma} disabled={busy} onChange={(e) => { const v = Number(e.target.value); if (v > 0 && v <= 10) update({ sigma: v }) }} data-testid="pcs-sigma" /></label>
      <label>noise seed <input type="number" min={0} step={1} value={config.seed} disabled={busy} onChange={(e) => { const v = Math.floor(Number(e.target.value)); if (v >= 0) update({ seed: v }) }} data-testid="pcs-seed" /></label>
      {m?.card && <span className="hint">the model was trained for σ ∈ [{m.card.sigma_range.join(', ')}]</span>}
    </div>
  )
}

function Images() {
  const image = usePcs((s) => s.image)
  const obs = usePcs((s) => s.obs)
  const obsBusy = usePcs((s) => s.obsBusy)
  const config = usePcs((s) => s.config)
  const busy = usePcs((s) => !!s.job)
  const update = usePcs((s) => s.update)
  const shape = image ? { c: image.c, h: image.h, w: image.w } : undefined
  const xt = obs && shape ? { data: obs.xt, ...shape } : undefined
  const xhat = obs && shape ? { data: obs.denoised, ...shape } : undefined
  return (
    <div className="panel">
      <h3>x, x_t = x + σz and x̂ = D(x_t)</h3>
      <div className="row">
        <ImageCanvas image={image} label="clean x" size={160} testId="pcs-clean" />
        <ImageCanvas image={xt} label={`x_t (σ = ${config.sigma}, seed ${config.seed})`} size={160} testId="pcs-noisy" />
        <PatchSelect image={xhat} label={config.rect ? `x̂ — patch (${config.rect.x0}, ${config.rect.y0})–(${config.rect.x1}, ${config.rect.y1}); drag to change` : 'x̂ = E[x | x_t] — drag a rectangle to pick a patch (now: the whole image)'} rect={config.rect} onChange={(rect) => update({ rect })} disabled={busy} />
      </div>
      {obsBusy && <p className="hint">denoising… (the first run loads the model)</p>}
    </div>
  )
}

function RunPanel() {
  const config = usePcs((s) => s.config)
  const image = usePcs((s) => s.image)
  const job = usePcs((s) => s.job)
  const progress = usePcs((s) => s.progress)
  const update = usePcs((s) => s.update)
  const run = usePcs((s) => s.run)
  const cancel = usePcs((s) => s.cancel)
  const h = image?.h ?? 32, w = image?.w ?? 32, n = (image?.c ?? 3) * h * w
  const rect = config.rect ?? { x0: 0, y0: 0, x1: w, y1: h }
  const setRect = (patch: Partial<typeof rect>): void => {
    const r = { ...rect, ...patch }
    if (r.x1 <= r.x0 || r.y1 <= r.y0 || r.x0 < 0 || r.y0 < 0 || r.x1 > w || r.y1 > h) return
    update({ rect: r.x0 === 0 && r.y0 === 0 && r.x1 === w && r.y1 === h ? null : r })
  }
  const busy = !!job
  return (
    <div className="panel pcs-settings">
      <h3>Principal components of the patch</h3>
      <fieldset className="pcs-rect" disabled={busy}>
        <legend>patch (pixels, end exclusive)</legend>
        {(['x0', 'y0', 'x1', 'y1'] as const).map((key) => (
          <label key={key}>{key} <input type="number" min={0} max={key[0] === 'x' ? w : h} value={rect[key]} onChange={(e) => setRect({ [key]: Math.floor(Number(e.target.value)) })} data-testid={`pcs-rect-${key}`} /></label>
        ))}
        <button type="button" onClick={() => update({ rect: null })} disabled={!config.rect}>whole image</button>
      </fieldset>
      <label>components k <select value={config.k} disabled={busy} onChange={(e) => update({ k: Number(e.target.value) })} data-testid="pcs-k">{[1, 2, 3, 4, 5, 6, 7, 8].map((v) => <option key={v} value={v}>{v}</option>)}</select></label>
      <label>iterations <input type="number" min={1} max={500} value={config.iters} disabled={busy} onChange={(e) => { const v = Math.floor(Number(e.target.value)); if (v >= 1 && v <= 500) update({ iters: v }) }} data-testid="pcs-iters" /></label>
      <fieldset disabled={busy}>
        <legend>Jacobian products</legend>
        <label><input type="radio" name="pcs-jac" checked={config.jacobian === 'exact'} onChange={() => update({ jacobian: 'exact' })} data-testid="pcs-jac-exact" /> exact VJP</label>
        <label><input type="radio" name="pcs-jac" checked={config.jacobian === 'fd'} onChange={() => update({ jacobian: 'fd' })} data-testid="pcs-jac-fd" /> forward difference</label>
        <p className="hint">
          {config.jacobian === 'exact'
            ? 'One backward pass through the network gives Jᵀv; the ideal denoiser’s Jacobian Cov[x | x_t]/σ² is symmetric, so Jᵀv = Jv (a trained network is only nearly symmetric).'
            : `The paper’s Jv ≈ (D(x_t + c·v) − D(x_t))/c for unit v, forward passes only. Step c = ${fdStep(config.sigma, n).toPrecision(2)} = √(ε₃₂·√N·σ) for float32 (the paper’s c = 1e-6 is for float64).`}
        </p>
      </fieldset>
      <button type="button" onClick={() => void run()} disabled={busy || !image} data-testid="pcs-run">Compute PCs</button>
      {job && <ProgressBar progress={{ fraction: progress ? progress.iteration / progress.iterations : 0, message: progress ? `iteration ${progress.iteration} of ${progress.iterations}; σ²λ = ${progress.eigenvalues.map((v) => v.toPrecision(3)).join(', ')}; max residual ${Math.max(...progress.residuals).toExponential(1)}` : 'loading the model into tfjs…' }} onCancel={() => void cancel()} />}
    </div>
  )
}

export function PcsPage() {
  const init = usePcs((s) => s.init)
  const urlMessages = usePcs((s) => s.urlMessages)
  const message = usePcs((s) => s.message)
  useEffect(() => { void init() }, [init])
  return (
    <section>
      <h2>Posterior principal components</h2>
      <p>
        For x_t = x + σz, Cov[x | x_t] = σ²·∂D(x_t)/∂x_t (Manor &amp; Michaeli, ICLR 2024): the directions in which plausible clean images differ most come from Jacobian products
        of the denoiser, with no training. λ_i below are eigenvalues of that covariance restricted to the patch; v_i are unit vectors.
      </p>
      {urlMessages.length > 0 && <div className="notice" role="status" data-testid="pcs-url-messages">{urlMessages.map((t) => <p key={t}>{t}</p>)}</div>}
      {message && <p className="notice" role="alert" data-testid="pcs-message">{message}</p>}
      <Setup />
      <Images />
      <RunPanel />
      <PcsResults />
    </section>
  )
}
