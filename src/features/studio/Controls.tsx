// The studio's settings panels. Every control has an accessible name (a <label> around it or aria-label).
import type { ChangeEvent } from 'react'
import { useStudio, modelOf } from './studioStore'
import { DEMO_IMAGES } from '../../app/models'
import { useModelRegistry, modelLabel } from '../../app/modelRegistry'
import { METHOD_DEFAULTS, STUDIO_PRESETS, type CorruptionKind, type MethodSpec } from '../../core/studio/config'
import type { MethodName } from '../../core/posterior/method'

export const KIND_LABEL: Record<CorruptionKind, string> = {
  random: 'random inpainting', box: 'box inpainting', blur: 'motion blur', sr: 'super-resolution', mri: 'MRI k-space undersampling',
}
export const METHOD_LABEL: Record<MethodName, string> = { dps: 'DPS', pigdm: 'ΠGDM', tmpd: 'TMPD', diffpir: 'DiffPIR', mmps: 'MMPS' }

/** The same label the worker gives a result ("MMPS (CG 3)"), without loading the method code on the page. */
export function specLabel(m: MethodSpec): string {
  return m.name === 'dps' ? METHOD_LABEL.dps : `${METHOD_LABEL[m.name]} (${m.solver.toUpperCase()} ${m.iters})`
}

function num(e: ChangeEvent<HTMLInputElement>): number {
  return Number(e.target.value)
}

export function CorruptionControls() {
  const config = useStudio((s) => s.config)
  const update = useStudio((s) => s.update)
  const k = config.corruption
  const set = (p: Partial<typeof k>): void => update({ corruption: { ...k, ...p } })
  const mri = modelOf(config)?.demoKind === 'mri'
  const kinds: CorruptionKind[] = mri ? ['mri', 'random', 'box'] : ['box', 'random', 'blur', 'sr']
  return (
    <fieldset>
      <legend>Corruption</legend>
      <label>task <select value={k.kind} onChange={(e) => set({ kind: e.target.value as CorruptionKind })} data-testid="studio-task">
        {kinds.map((kind) => <option key={kind} value={kind}>{KIND_LABEL[kind]}</option>)}
      </select></label>{' '}
      {k.kind === 'random' && <label>missing fraction <input type="number" step={0.05} min={0.01} max={0.99} value={k.missing} onChange={(e) => set({ missing: num(e) })} /></label>}
      {k.kind === 'box' && (
        <>
          <label>side <input type="number" min={2} max={64} value={k.box} onChange={(e) => set({ box: num(e) })} data-testid="studio-box" /></label>{' '}
          <label>top <input type="number" min={-1} max={63} value={k.top} onChange={(e) => set({ top: Math.round(num(e)) })} data-testid="studio-box-top" aria-describedby="box-pos-hint" /></label>{' '}
          <label>left <input type="number" min={-1} max={63} value={k.left} onChange={(e) => set({ left: Math.round(num(e)) })} data-testid="studio-box-left" aria-describedby="box-pos-hint" /></label>
          <span className="hint" id="box-pos-hint"> (−1: placed at random by the operator seed)</span>
        </>
      )}
      {k.kind === 'blur' && (
        <>
          <label>kernel size <input type="number" min={3} max={31} step={2} value={k.kernel} onChange={(e) => set({ kernel: num(e) })} /></label>{' '}
          <label>intensity <input type="number" min={0} max={1} step={0.1} value={k.intensity} onChange={(e) => set({ intensity: num(e) })} /></label>
        </>
      )}
      {k.kind === 'sr' && <label>factor <select value={k.factor} onChange={(e) => set({ factor: Number(e.target.value) === 2 ? 2 : 4 })}><option value={2}>×2</option><option value={4}>×4</option></select></label>}
      {k.kind === 'mri' && <label>acceleration R <input type="number" min={1} max={16} value={k.accel} onChange={(e) => set({ accel: num(e) })} /></label>}
      {k.kind !== 'sr' && (
        <>{' '}<label>operator seed <input type="number" min={-1} value={k.opSeed} onChange={(e) => set({ opSeed: Math.max(-1, Math.round(num(e))) })} data-testid="studio-op-seed" aria-describedby="op-seed-hint" /></label><span className="visually-hidden" id="op-seed-hint">seed of the mask, box position, blur kernel or k-space lines, and of the noise; −1 follows the run seed</span></>
      )}
      {' '}<label>σ_y <input type="number" min={0.0001} max={4} step={0.005} value={config.sigmaY} onChange={(e) => update({ sigmaY: num(e) })} data-testid="studio-sigma-y" /></label>
    </fieldset>
  )
}

export function MethodControls() {
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
                {' '}<label className="sub">solver <select value={spec.solver} onChange={(e) => edit(name, { solver: e.target.value === 'gmres' ? 'gmres' : 'cg' })} aria-label={`${METHOD_LABEL[name]} solver`}><option value="cg">CG</option><option value="gmres">GMRES</option></select></label>
                {' '}<label className="sub">iterations <input type="number" min={1} max={32} value={spec.iters} onChange={(e) => edit(name, { iters: Math.max(1, Math.min(32, Math.round(num(e)))) })} style={{ width: '3.5rem' }} aria-label={`${METHOD_LABEL[name]} solver iterations`} data-testid={`studio-iters-${name}`} /></label>
              </>
            )}
          </span>
        )
      })}
    </fieldset>
  )
}

export function SamplingControls() {
  const config = useStudio((s) => s.config)
  const update = useStudio((s) => s.update)
  return (
    <fieldset>
      <legend>Sampling</legend>
      <label>steps <input type="number" min={2} max={1000} value={config.steps} onChange={(e) => update({ steps: Math.max(2, Math.min(1000, Math.round(num(e)))) })} style={{ width: '4.5rem' }} data-testid="studio-steps" /></label>{' '}
      <label>sampler <select value={config.sampler} onChange={(e) => update({ sampler: e.target.value === 'ddim' ? 'ddim' : 'ddpm' })}><option value="ddpm">DDPM</option><option value="ddim">DDIM</option></select></label>{' '}
      <label>seed <input type="number" min={0} value={config.seed} onChange={(e) => update({ seed: Math.max(0, Math.round(num(e))) })} style={{ width: '4.5rem' }} data-testid="studio-seed" /></label>{' '}
      <label>samples/method <input type="number" min={1} max={16} value={config.samples} onChange={(e) => update({ samples: Math.max(1, Math.min(16, Math.round(num(e)))) })} style={{ width: '3.5rem' }} data-testid="studio-samples" /></label>{' '}
      <label>Jacobian <select value={config.jacobian} onChange={(e) => update({ jacobian: e.target.value === 'fd' ? 'fd' : 'exact' })} data-testid="studio-jacobian"><option value="exact">exact (tfjs autodiff of the ONNX graph)</option><option value="fd">finite differences of forward passes</option></select></label>
    </fieldset>
  )
}

export function PresetPicker() {
  const preset = useStudio((s) => s.preset)
  return (
    <fieldset>
      <legend>Preset</legend>
      <label>benchmark task <select value="" onChange={(e) => preset(e.target.value)} data-testid="studio-preset">
        <option value="">choose a benchmark task…</option>
        {Object.entries(STUDIO_PRESETS).map(([k, p]) => <option key={k} value={k}>{p.label}</option>)}
      </select></label>
    </fieldset>
  )
}

export function ImagePicker() {
  const config = useStudio((s) => s.config)
  const loadImage = useStudio((s) => s.loadImage)
  const sampleImage = useStudio((s) => s.sampleImage)
  const imageBusy = useStudio((s) => s.imageBusy)
  const imageNote = useStudio((s) => s.imageNote)
  const update = useStudio((s) => s.update)
  const models = useModelRegistry((s) => s.models)
  const m = modelOf(config)
  return (
    <fieldset>
      <legend>Model and image</legend>
      <label>model <select value={config.model} onChange={(e) => update({ model: e.target.value })} data-testid="studio-model">
        {models.map((mm) => <option key={mm.id} value={mm.id}>{modelLabel(mm)}</option>)}
      </select></label>{' '}
      <span role="group" aria-label="demo images">
        {m && DEMO_IMAGES[m.demoKind].map((url) => (
          <button key={url} type="button" className={url === config.image ? 'chip active' : 'chip'} aria-pressed={url === config.image} onClick={() => void loadImage(url)}>{url.split('/').pop()?.replace('.png', '')}</button>
        ))}
      </span>{' '}
      <button type="button" className={config.image === 'sample' ? 'chip active' : 'chip'} onClick={() => void sampleImage()} disabled={imageBusy} data-testid="studio-sample-image">{imageBusy ? 'sampling…' : 'a fresh model sample'}</button>{' '}
      <label className="file">upload an image <input type="file" accept="image/*" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void loadImage(f) }} data-testid="studio-upload" /></label>
      {config.image === 'upload' && imageNote && <p className="hint" data-testid="studio-image-note">{imageNote}</p>}
    </fieldset>
  )
}
