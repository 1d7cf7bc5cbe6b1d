import { useEffect } from 'react'
import { useStudio } from './studioStore'
import { useModelRegistry } from '../../app/modelRegistry'
import { CorruptionControls, ImagePicker, MethodControls, PresetPicker, SamplingControls } from './Controls'
import { RunBar } from './RunBar'
import { ProblemRow, Results } from './Results'

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

export function StudioPage() {
  const init = useStudio((s) => s.init)
  const urlMessages = useStudio((s) => s.urlMessages)
  const imageError = useStudio((s) => s.imageError)
  const runError = useStudio((s) => s.runError)
  const models = useModelRegistry((s) => s.models)
  useEffect(() => {
    void init()
  }, [init])
  if (models.length === 0) {
    return <section><h2>Inverse-problem studio</h2><p className="error">No model is available: none is bundled with this build, and none of your own was added on the Models page.</p></section>
  }
  return (
    <section className="studio">
      <h2>Inverse-problem studio</h2>
      <p>
        Watch DPS, ΠGDM, TMPD, DiffPIR and MMPS solve the same observation with the same seed, step by step and side by
        side: each row shows x_t and the posterior Tweedie estimate E[x | x_t, y] as it forms. The configuration is in the URL.
      </p>
      <RunBar />
      {urlMessages.length > 0 && <div className="notice" role="alert" data-testid="studio-url-messages">{urlMessages.map((m) => <p key={m}>{m}</p>)}</div>}
      <div className="studio-controls">
        <ImagePicker />
        <PresetPicker />
        <CorruptionControls />
        <MethodControls />
        <SamplingControls />
      </div>
      <ProblemPreview />
      {imageError && <p className="error" role="alert" data-testid="studio-image-error">{imageError}</p>}
      {runError && <p className="error" role="alert" data-testid="studio-run-error">{runError}</p>}
      <Results />
    </section>
  )
}
