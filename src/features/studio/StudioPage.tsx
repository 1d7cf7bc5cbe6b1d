import { memo, useDeferredValue, useEffect, useMemo, useState, type ChangeEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useStudio, modelOf } from './studioStore'
import { DEMO_IMAGES } from '../../app/models'
import { useModelRegistry } from '../../app/modelRegistry'
import { METHOD_DEFAULTS, STUDIO_PRESETS, sameProblem, type CorruptionKind, type MethodSpec, type StudioConfig } from '../../core/studio/config'
import type { MethodName } from '../../core/posterior/method'
import { ImageCanvas } from '../../components/ImageCanvas'
import { imageAt, observationImage, stdImage } from './display'
import type { MethodResult, MethodSnapshot, StudioObservation } from '../../workers/studioApi'
import type { ImageData3 } from '../../app/images'

const KIND_LABEL: Record<CorruptionKind, string> = {
  random: 'random inpainting', box: 'box inpainting', blur: 'motion blur', sr: 'super-resolution', mri: 'MRI k-space undersampling',
}
const METHOD_LABEL: Record<MethodName, string> = { dps: 'DPS', pigdm: 'ΠGDM', tmpd: 'TMPD', diffpir: 'DiffPIR', mmps: 'MMPS' }

function num(e: ChangeEvent<HTMLInputElement>): number {
  return Number(e.target.value)
}

function CorruptionControls() {
  const config = useStudio((s) => s.config)
  const update = useStudio((s) => s.update)
  const k = config.corruption
  const set = (p: Partial<typeof k>): void => update({ corruption: { ...k, ...p } })
  const mri = modelOf(config)?.demoKind === 'mri'
  const kinds: CorruptionKind[] = mri ? ['mri', 'random', 'box'] : ['box', 'random', 'blur', 'sr']
  return (
    <fieldset>
      <legend>Corruption</legend>
      <select value={k.kind} onChange={(e) => set({ kind: e.target.value as CorruptionKind })} data-testid="studio-task">
        {kinds.map((kind) => <option key={kind} value={kind}>{KIND_LABEL[kind]}</option>)}
      </select>{' '}
      {k.kind === 'random' && <label>missing <input type="number" step={0.05} min={0.01} max={0.99} value={k.missing} onChange={(e) => set({ missing: num(e) })} /></label>}
      {k.kind === 'box' && (
        <>
          <label>side <input type="number" min={2} max={64} value={k.box} onChange={(e) => set({ box: num(e) })} data-testid="studio-box" /></label>{' '}
          <label>top <input type="number" min={-1} max={63} value={k.top} onChange={(e) => set({ top: Math.round(num(e)) })} data-testid="studio-box-top" title="−1: random, from the operator seed" /></label>{' '}
          <label>left <input type="number" min={-1} max={63} value={k.left} onChange={(e) => set({ left: Math.round(num(e)) })} data-testid="studio-box-left" title="−1: random, from the operator seed" /></label>
        </>
      )}
      {k.kind === 'blur' && (
        <>
          <label>kernel <input type="number" min={3} max={31} step={2} value={k.kernel} onChange={(e) => set({ kernel: num(e) })} /></label>{' '}
          <label>intensity <input type="number" min={0} max={1} step={0.1} value={k.intensity} onChange={(e) => set({ intensity: num(e) })} /></label>
        </>
      )}
      {k.kind === 'sr' && <label>factor <select value={k.factor} onChange={(e) => set({ factor: Number(e.target.value) === 2 ? 2 : 4 })}><option value={2}>×2</option><option value={4}>×4</option></select></label>}
      {k.kind === 'mri' && <label>acceleration R <input type="number" min={1} max={16} value={k.accel} onChange={(e) => set({ accel: num(e) })} /></label>}
      {k.kind !== 'sr' && (
        <>{' '}<label title="seed of the mask, box position, blur kernel or k-space lines, and of the noise; −1 follows the run seed">operator seed <input type="number" min={-1} value={k.opSeed} onChange={(e) => set({ opSeed: Math.max(-1, Math.round(num(e))) })} data-testid="studio-op-seed" /></label></>
      )}
      {' '}<label>σ_y <input type="number" min={0.0001} max={4} step={0.005} value={config.sigmaY} onChange={(e) => update({ sigmaY: num(e) })} data-testid="studio-sigma-y" /></label>
    </fieldset>
  )
}

function MethodControls() {
  const config = useStudio((s) => s.config)
  const update = useStudio((s) => s.update)
  const toggle = (name: MethodName, on: boolean): void => {
    const rest = config.methods.filter((m) => m.name !== name)
    update({ methods: on ? [...rest, METHOD_DEFAULTS[name]] : rest })
  }
  const edit = (name: MethodName, p: Partial<MethodSpec>): void => update({ methods: config.methods.map((m) => (m.name === name ? { ...m, ...p } : m)) })
  return (
    <fieldset>
      <legend>Methods</legend>
      {(Object.keys(METHOD_DEFAULTS) as MethodName[]).map((name) => {
        const spec = config.methods.find((m) => m.name === name)
        return (
          <span key={name} className="method-pick">
            <label><input type="checkbox" checked={!!spec} onChange={(e) => toggle(name, e.target.checked)} data-testid={`studio-method-${name}`} /> {METHOD_LABEL[name]}</label>
            {spec && name !== 'dps' && (
              <>
                {' '}<select value={spec.solver} onChange={(e) => edit(name, { solver: e.target.value === 'gmres' ? 'gmres' : 'cg' })}><option value="cg">CG</option><option value="gmres">GMRES</option></select>
                {' '}<input type="number" min={1} max={32} value={spec.iters} onChange={(e) => edit(name, { iters: Math.max(1, Math.min(32, Math.round(num(e)))) })} style={{ width: '3.5rem' }} title="solver iterations" />
              </>
            )}
          </span>
        )
      })}
    </fieldset>
  )
}

function RunControls() {
  const config = useStudio((s) => s.config)
  const update = useStudio((s) => s.update)
  const jobId = useStudio((s) => s.jobId)
  const run = useStudio((s) => s.run)
  const cancel = useStudio((s) => s.cancel)
  const image = useStudio((s) => s.image)
  return (
    <fieldset>
      <legend>Sampling</legend>
      <label>steps <input type="number" min={2} max={1000} value={config.steps} onChange={(e) => update({ steps: Math.max(2, Math.min(1000, Math.round(num(e)))) })} style={{ width: '4.5rem' }} data-testid="studio-steps" /></label>{' '}
      <label>sampler <select value={config.sampler} onChange={(e) => update({ sampler: e.target.value === 'ddim' ? 'ddim' : 'ddpm' })}><option value="ddpm">DDPM</option><option value="ddim">DDIM</option></select></label>{' '}
      <label>seed <input type="number" min={0} value={config.seed} onChange={(e) => update({ seed: Math.max(0, Math.round(num(e))) })} style={{ width: '4.5rem' }} data-testid="studio-seed" /></label>{' '}
      <label>samples/method <input type="number" min={1} max={16} value={config.samples} onChange={(e) => update({ samples: Math.max(1, Math.min(16, Math.round(num(e)))) })} style={{ width: '3.5rem' }} data-testid="studio-samples" /></label>{' '}
      <label>Jacobian <select value={config.jacobian} onChange={(e) => update({ jacobian: e.target.value === 'fd' ? 'fd' : 'exact' })} data-testid="studio-jacobian"><option value="exact">exact (tfjs autodiff of the ONNX graph)</option><option value="fd">finite differences of forward passes</option></select></label>{' '}
      <button type="button" onClick={() => void run()} disabled={!!jobId || !image || config.methods.length === 0} data-testid="studio-run">Run</button>{' '}
      {jobId && <button type="button" onClick={() => void cancel()} data-testid="studio-cancel">Cancel</button>}
    </fieldset>
  )
}

function ImagePicker() {
  const config = useStudio((s) => s.config)
  const loadImage = useStudio((s) => s.loadImage)
  const sampleImage = useStudio((s) => s.sampleImage)
  const imageBusy = useStudio((s) => s.imageBusy)
  const update = useStudio((s) => s.update)
  const models = useModelRegistry((s) => s.models)
  const m = modelOf(config)
  return (
    <fieldset>
      <legend>Model and image</legend>
      <select value={config.model} onChange={(e) => update({ model: e.target.value })} data-testid="studio-model">
        {models.map((mm) => <option key={mm.id} value={mm.id}>{mm.user ? `${mm.id} (yours)` : mm.id}</option>)}
      </select>{' '}
      {m && DEMO_IMAGES[m.demoKind].map((url) => (
        <button key={url} type="button" className={url === config.image ? 'chip active' : 'chip'} onClick={() => void loadImage(url)}>{url.split('/').pop()?.replace('.png', '')}</button>
      ))}{' '}
      <button type="button" className={config.image === 'sample' ? 'chip active' : 'chip'} onClick={() => void sampleImage()} disabled={imageBusy} data-testid="studio-sample-image">{imageBusy ? 'sampling…' : 'a fresh model sample'}</button>{' '}
      <label className="file">upload <input type="file" accept="image/*" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void loadImage(f) }} data-testid="studio-upload" /></label>
    </fieldset>
  )
}

type SortKey = 'label' | 'psnrMean' | 'ssimMean' | 'psnrSample' | 'consistency' | 'vjpPerStep' | 'seconds'

function MetricTable({ results, samples }: { results: MethodResult[]; samples: number }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'psnrMean', desc: true })
  const value = (r: MethodResult, k: SortKey): number | string => (k === 'label' ? r.label : k === 'vjpPerStep' ? r.vjp / Math.max(1, r.calls) : (r[k] ?? -Infinity))
  const rows = [...results].sort((a, b) => {
    const va = value(a, sort.key), vb = value(b, sort.key)
    const c = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number)
    return sort.desc ? -c : c
  })
  const th = (k: SortKey, label: string) => (
    <th><button type="button" className="link" onClick={() => setSort({ key: k, desc: sort.key === k ? !sort.desc : true })} data-testid={`sort-${k}`}>{label}{sort.key === k ? (sort.desc ? ' ▼' : ' ▲') : ''}</button></th>
  )
  const f = (v: number | undefined, d: number): string => (v === undefined ? '—' : v.toFixed(d))
  return (
    <table className="table" data-testid="studio-metrics">
      <thead>
        <tr>{th('label', 'method')}<th>status</th>{th('psnrMean', 'PSNR (mean)')}{th('ssimMean', 'SSIM (mean)')}{th('psnrSample', `PSNR (per sample, ${samples})`)}{th('consistency', '‖y − A x̂‖ (RMS)')}<th>forward</th><th>VJPs</th>{th('vjpPerStep', 'VJP/step')}{th('seconds', 'time (s)')}<th>Jacobian</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.method} data-testid="metric-row">
            <td>{r.label}</td>
            <td className={r.status === 'done' ? '' : 'bad'} title={r.error}>{r.status}{r.error ? `: ${r.error}` : ''}</td>
            <td className="num">{f(r.psnrMean, 2)}</td><td className="num">{f(r.ssimMean, 3)}</td><td className="num">{f(r.psnrSample, 2)}</td>
            <td className="num">{f(r.consistency, 4)}</td><td className="num">{r.forward}</td><td className="num">{r.vjp}</td>
            <td className="num">{(r.vjp / Math.max(1, r.calls)).toFixed(2)}</td><td className="num">{r.seconds.toFixed(1)}</td><td>{r.jacobian}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

interface RowProps {
  index: number
  spec: MethodSpec
  snap?: MethodSnapshot
  result?: MethodResult
  c: number
  h: number
  w: number
  waiting: boolean
}

/** One method's row; memoised so that a snapshot of one method does not redraw the others. */
const MethodRow = memo(function MethodRow({ index: i, spec, snap, result: r, c, h, w, waiting }: RowProps) {
  const xt = useMemo(() => imageAt(snap?.xt, 0, c, h, w), [snap, c, h, w])
  const tweedie = useMemo(() => imageAt(snap?.denoised, 0, c, h, w), [snap, c, h, w])
  const mean = useMemo(() => r?.mean && { data: r.mean, c, h, w }, [r, c, h, w])
  const sd = useMemo(() => r?.std && stdImage(r.std, c, h, w), [r, c, h, w])
  const samples = useMemo(() => (r?.samples ? Array.from({ length: r.samples.length / (c * h * w) }, (_, s) => imageAt(r.samples, s, c, h, w)) : []), [r, c, h, w])
  return (
    <div className="method-row" data-testid={`method-${i}`} data-status={r?.status ?? 'running'}>
      <div className="method-head">
        <strong>{r?.label ?? spec.name}</strong>
        <progress max={1} value={r ? 1 : snap ? snap.step / snap.steps : 0} />
        <span className="hint">{r ? `${r.status}${r.error ? `: ${r.error}` : ''}` : snap ? `step ${snap.step}/${snap.steps}, σ = ${snap.sigma.toPrecision(3)}` : waiting ? 'waiting' : ''}</span>
      </div>
      <div className="row">
        <ImageCanvas image={xt} label="x_t" size={96} />
        <ImageCanvas image={tweedie} label="E[x | x_t, y]" size={96} testId={`tweedie-${i}`} />
        {mean && <ImageCanvas image={mean} label={`posterior mean ${r?.psnrMean?.toFixed(2)} dB`} size={96} downloadName={`${spec.name}-mean.png`} />}
        {sd && <ImageCanvas image={sd.image} label={`std (max ${sd.max.toFixed(2)})`} size={96} downloadName={`${spec.name}-std.png`} />}
        {samples.map((img, s) => (
          <ImageCanvas key={s} image={img} label={`sample ${s + 1}`} size={72} downloadName={`${spec.name}-sample-${s + 1}.png`} />
        ))}
      </div>
    </div>
  )
})

/** Clean image, observation y and the simple baseline, side by side. */
function ProblemRow({ config, image, observation, testPrefix }: { config: StudioConfig; image?: ImageData3; observation?: StudioObservation; testPrefix: string }) {
  const kind = config.corruption.kind
  const yImage = useMemo(() => (observation ? observationImage(observation.y, observation.yShape, kind) : undefined), [observation, kind])
  const baseImage = useMemo(() => (observation && image ? { data: observation.baseline, c: image.c, h: image.h, w: image.w } : undefined), [observation, image])
  return (
    <div className="row" data-testid={`${testPrefix}-observation`}>
      <ImageCanvas image={image} label="clean x" downloadName="clean.png" />
      <ImageCanvas image={yImage} label={`observation y (${KIND_LABEL[kind]}, σ_y = ${config.sigmaY})`} downloadName="observation.png" testId={`${testPrefix}-y`} />
      <ImageCanvas image={baseImage} label={`baseline ${kind === 'mri' ? '(zero-filled)' : '(Aᵀy, normalised)'}${observation ? ` ${observation.baselinePsnr.toFixed(2)} dB` : ''}`} downloadName="baseline.png" testId={`${testPrefix}-baseline`} />
    </div>
  )
}

function ProblemPreview() {
  const config = useStudio((s) => s.config)
  const image = useStudio((s) => s.image)
  const preview = useStudio((s) => s.preview)
  const previewError = useStudio((s) => s.previewError)
  return (
    <section>
      <h3>The problem</h3>
      <ProblemRow config={config} image={image} observation={preview} testPrefix="problem" />
      {previewError && <p className="error" role="alert">{previewError}</p>}
    </section>
  )
}

function Results() {
  // The grid renders from a deferred copy of the run state: React renders it as an interruptible background
  // update, so neither the Run click nor a burst of snapshots becomes one long main-thread task.
  const live = useStudio(useShallow((s) => ({
    observation: s.observation, snapshots: s.snapshots, results: s.results, ranConfig: s.ranConfig, image: s.ranImage, backend: s.backend, jobId: s.jobId, restoredAt: s.restoredAt,
  })))
  const { observation, snapshots, results, ranConfig, image, backend, jobId, restoredAt } = useDeferredValue(live)
  const m = ranConfig && modelOf(ranConfig)
  const list = useMemo(() => Object.values(results), [results])
  const current = useStudio((st) => st.config)
  const currentImage = useStudio((st) => st.image)
  if (!ranConfig || !image || !m) return null
  const { c, h, w } = image
  const download = (): void => {
    const payload = {
      config: ranConfig, model: m.id, backend, created: new Date().toISOString(),
      clean: { shape: [c, h, w], data: Array.from(image.data) },
      observation: observation && { ...observation, y: Array.from(observation.y), baseline: Array.from(observation.baseline) },
      results: list.map((r) => ({ ...r, samples: r.samples && Array.from(r.samples), mean: r.mean && Array.from(r.mean), std: r.std && Array.from(r.std) })),
    }
    const a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([JSON.stringify(payload)], { type: 'application/json' }))
    a.download = `studio-${ranConfig.corruption.kind}-seed${ranConfig.seed}.json`
    a.click()
  }
  return (
    <section>
      <h3>Results</h3>
      {restoredAt && <p className="hint" data-testid="studio-restored">Results of the last run, kept from {new Date(restoredAt).toLocaleString()} ({ranConfig.corruption.kind}, seed {ranConfig.seed}, {ranConfig.steps} steps).</p>}
      {sameProblem(ranConfig, current) && image === currentImage
        ? <p className="hint">Same problem as above{observation ? ` (baseline ${observation.baselinePsnr.toFixed(2)} dB)` : ''}.</p>
        : <><p className="hint">This run's problem (the settings above have changed since):</p><ProblemRow config={ranConfig} image={image} observation={observation} testPrefix="studio" /></>}
      {jobId && !observation && <p className="hint" data-testid="studio-preparing">Loading the model and preparing its graph for this batch size in the worker…</p>}
      <div className="studio-grid" data-testid="studio-grid">
        {ranConfig.methods.map((spec, i) => (
          <MethodRow key={i} index={i} spec={spec} snap={snapshots[i]} result={results[i]} c={c} h={h} w={w} waiting={!!jobId} />
        ))}
      </div>
      {list.length > 0 && <MetricTable results={list} samples={ranConfig.samples} />}
      {list.length > 0 && !jobId && <button type="button" onClick={download} data-testid="studio-download">Download the run as JSON</button>}
      {backend && <p className="hint">Computed on tfjs {backend}; PSNR/SSIM on [0, 1] as piqa (§7).</p>}
    </section>
  )
}

export function StudioPage() {
  const init = useStudio((s) => s.init)
  const urlMessages = useStudio((s) => s.urlMessages)
  const imageError = useStudio((s) => s.imageError)
  const runError = useStudio((s) => s.runError)
  const saveError = useStudio((s) => s.saveError)
  const preset = useStudio((s) => s.preset)
  const models = useModelRegistry((s) => s.models)
  useEffect(() => {
    void init()
  }, [init])
  if (models.length === 0) {
    return <section><h2>Inverse-problem studio</h2><p className="error">No model is available: none is bundled with this build, and none of your own was added on the Models page.</p></section>
  }
  return (
    <section>
      <h2>Inverse-problem studio</h2>
      <p>
        Pick a corruption, then watch DPS, ΠGDM, TMPD, DiffPIR and MMPS solve the same observation with the same seed.
        Each row shows x_t and the posterior Tweedie estimate E[x | x_t, y] as it forms. The configuration is in the URL.
      </p>
      {urlMessages.length > 0 && <div className="notice" role="alert" data-testid="studio-url-messages">{urlMessages.map((m) => <p key={m}>{m}</p>)}</div>}
      <div className="studio-controls">
        <ImagePicker />
        <fieldset>
          <legend>Preset</legend>
          <select value="" onChange={(e) => preset(e.target.value)} data-testid="studio-preset">
            <option value="">choose a benchmark task…</option>
            {Object.entries(STUDIO_PRESETS).map(([k, p]) => <option key={k} value={k}>{p.label}</option>)}
          </select>
        </fieldset>
        <CorruptionControls />
        <MethodControls />
        <RunControls />
      </div>
      <ProblemPreview />
      {imageError && <p className="error" role="alert" data-testid="studio-image-error">{imageError}</p>}
      {runError && <p className="error" role="alert" data-testid="studio-run-error">{runError}</p>}
      {saveError && <p className="notice" role="alert" data-testid="studio-save-error">{saveError}</p>}
      <Results />
    </section>
  )
}
