// The run's results: one row per method (all forming together), then, after the run, the scrubber, the
// per-step charts, the accuracy–cost chart and the metric table; the download carries the trajectories.
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useStudio, modelOf } from './studioStore'
import { sameProblem, type StudioConfig } from '../../core/studio/config'
import { trajectoryBytes, trajectoryToWire } from '../../core/studio/trajectory'
import { ImageCanvas } from '../../components/ImageCanvas'
import { observationImage } from './display'
import type { StudioObservation } from '../../workers/studioApi'
import type { ImageData3 } from '../../app/images'
import { KIND_LABEL, specLabel } from './Controls'
import { MethodRow } from './MethodRow'
import { MetricTable } from './MetricTable'
import { Scrubber, StepCharts } from './Scrubber'
import { CostChart } from './CostChart'
import { costPoint } from './costPoints'
import { StudioPcsCompare } from '../pcs/studio/StudioPcsCompare'

/** Clean image, observation y and the simple baseline, side by side. */
export function ProblemRow({ config, image, observation, testPrefix }: { config: StudioConfig; image?: ImageData3; observation?: StudioObservation; testPrefix: string }) {
  const kind = config.corruption.kind
  const yImage = useMemo(() => (observation ? observationImage(observation.y, observation.yShape, kind) : undefined), [observation, kind])
  const baseImage = useMemo(() => (observation && image ? { data: observation.baseline, c: image.c, h: image.h, w: image.w } : undefined), [observation, image])
  const size = Math.max(128, 4 * (image?.w ?? 32))
  return (
    <div className="row images" data-testid={`${testPrefix}-observation`}>
      <ImageCanvas image={image} label="clean x" size={size} downloadName="clean.png" />
      <ImageCanvas image={yImage} label={`observation y (${KIND_LABEL[kind]}, σ_y = ${config.sigmaY})`} size={size} downloadName="observation.png" testId={`${testPrefix}-y`} />
      <ImageCanvas image={baseImage} label={`baseline ${kind === 'mri' ? '(zero-filled)' : '(Aᵀy, normalised)'}${observation ? ` ${observation.baselinePsnr.toFixed(2)} dB` : ''}`} size={size} downloadName="baseline.png" testId={`${testPrefix}-baseline`} />
    </div>
  )
}

/** true one frame after `on` turns true (false at once when it turns false): the charts render in a task of
 *  their own after the rows, so the end of a run is two shorter main-thread tasks instead of one long one. */
function useAfterFrame(on: boolean): boolean {
  const [late, setLate] = useState(false)
  useEffect(() => {
    if (!on) { setLate(false); return }
    const id = requestAnimationFrame(() => setTimeout(() => setLate(true), 0))
    return () => cancelAnimationFrame(id)
  }, [on])
  return on && late
}

const MB = (b: number): string => `${(b / 1e6).toFixed(2)} MB`

export function Results() {
  // The grid renders from a deferred copy of the run state: React renders it as an interruptible background
  // update, so neither the Run click nor a burst of rounds becomes one long main-thread task.
  const live = useStudio(useShallow((s) => ({
    observation: s.observation, frames: s.frames, trajectories: s.trajectories, results: s.results, ranConfig: s.ranConfig, image: s.ranImage,
    backend: s.backend, jobId: s.jobId, restoredAt: s.restoredAt, scrub: s.scrub, cancelled: s.cancelled, sweep: s.sweep, saveError: s.saveError, runId: s.runId,
  })))
  const { observation, frames, trajectories, results, ranConfig, image, backend, jobId, restoredAt, scrub, cancelled, sweep, saveError, runId } = useDeferredValue(live)
  const running = !!live.jobId && !live.jobId.startsWith('studio-sweep')
  const m = ranConfig && modelOf(ranConfig)
  const list = useMemo(() => Object.values(results), [results])
  const labels = useMemo(() => ranConfig?.methods.map(specLabel) ?? [], [ranConfig])
  const points = useMemo(() => [
    ...list.filter((r) => r.status === 'done').map((r) => costPoint(r, ranConfig?.samples ?? 1, 'run')),
    ...(sweep?.points ?? []),
  ], [list, ranConfig, sweep])
  const current = useStudio((st) => st.config)
  const currentImage = useStudio((st) => st.image)
  const heading = useRef<HTMLHeadingElement>(null)
  const wasRunning = useRef(false)
  // when a run ends, focus goes to the results heading (keyboard and screen-reader users land on the outcome)
  useEffect(() => {
    if (wasRunning.current && !running) heading.current?.focus()
    wasRunning.current = running
  }, [running])
  const extras = useAfterFrame(!running && trajectories.length > 0)
  if (!ranConfig || !image || !m) return null
  const { c, h, w } = image
  const finished = !running && list.length === ranConfig.methods.length
  const steps = trajectories[0]?.steps ?? ranConfig.steps
  const lastStep = Math.max(0, ...trajectories.map((t) => t.psnr.length - 1))
  const bytes = trajectoryBytes(trajectories)
  const download = (): void => {
    const payload = {
      config: ranConfig, model: m.id, backend, created: new Date().toISOString(),
      partial: cancelled ? 'cancelled: trajectories up to the step every method reached, no samples' : undefined,
      clean: { shape: [c, h, w], data: Array.from(image.data) },
      observation: observation && { ...observation, y: Array.from(observation.y), baseline: Array.from(observation.baseline) },
      results: list.map((r) => ({ ...r, samples: r.samples && Array.from(r.samples), mean: r.mean && Array.from(r.mean), std: r.std && Array.from(r.std) })),
      trajectories: trajectories.map(trajectoryToWire),
      sweep: sweep?.points,
    }
    const a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([JSON.stringify(payload)], { type: 'application/json' }))
    a.download = `studio-${ranConfig.corruption.kind}-seed${ranConfig.seed}${cancelled ? '-partial' : ''}.json`
    a.click()
  }
  const width = typeof window === 'undefined' ? 420 : Math.max(280, Math.min(520, window.innerWidth - 48))
  return (
    <section aria-labelledby="studio-results-heading">
      <h3 id="studio-results-heading" ref={heading} tabIndex={-1} data-testid="studio-results-heading">Results</h3>
      {restoredAt && <p className="hint" data-testid="studio-restored">Results of the last run, kept from {new Date(restoredAt).toLocaleString()} ({ranConfig.corruption.kind}, seed {ranConfig.seed}, {ranConfig.steps} steps).</p>}
      {sameProblem(ranConfig, current) && image === currentImage
        ? <p className="hint">Same problem as above{observation ? ` (baseline ${observation.baselinePsnr.toFixed(2)} dB)` : ''}.</p>
        : <><p className="hint">This run's problem (the settings above have changed since):</p><ProblemRow config={ranConfig} image={image} observation={observation} testPrefix="studio" /></>}
      {jobId && !observation && <p className="hint" data-testid="studio-preparing">Loading the model and preparing its graph for this batch size in the worker…</p>}
      {extras && <Scrubber steps={lastStep} final={lastStep === steps} />}
      <div className="studio-grid" data-testid="studio-grid">
        {ranConfig.methods.map((spec, i) => (
          <MethodRow key={i} index={i} spec={spec} label={labels[i] ?? spec.name} frame={frames[i]} trajectory={running ? undefined : trajectories[i]} result={results[i]} scrub={running ? undefined : scrub} c={c} h={h} w={w} running={running} />
        ))}
      </div>
      {extras && (
        <details className="studio-more" open>
          <summary>Per-step metrics of every method</summary>
          <StepCharts trajectories={trajectories} labels={labels} cursor={scrub ?? lastStep} width={width} />
          <p className="hint" data-testid="studio-trajectory-size">Trajectories kept with this run: {trajectories.map((t) => t.kept.length).join(' / ')} steps × x_t and E[x | x_t, y] per method, {MB(bytes)} as 8-bit images (what the canvas draws; a run keeps at most 4.19 MB, a 100-step, 5-method run at 32×32 is 3.10 MB).</p>
        </details>
      )}
      {extras && finished && !cancelled && <CostChart points={points} width={width} />}
      {extras && finished && !cancelled && ranConfig.methods.some((x) => x.name === 'mmps') && (
        <StudioPcsCompare key={runId ?? `restored-${restoredAt}`} runId={restoredAt ? undefined : runId} shape={[c, h, w]} step={scrub ?? lastStep} steps={steps} sigmaY={ranConfig.sigmaY}
          methods={ranConfig.methods.map((x, i) => ({ index: i, label: labels[i] ?? x.name, mmps: x.name === 'mmps', solver: x.solver, iters: x.iters, samples: results[i]?.samples }))} />
      )}
      {list.length > 0 && <MetricTable results={list} samples={ranConfig.samples} />}
      {!running && (list.length > 0 || trajectories.length > 0) && (
        <button type="button" onClick={download} data-testid="studio-download">{cancelled ? 'Download the partial run (trajectories so far) as JSON' : 'Download the run as JSON'}</button>
      )}
      {saveError && <p className="error" role="alert" data-testid="studio-save-error">{saveError}</p>}
      {backend && <p className="hint">Computed on tfjs {backend}; PSNR/SSIM on [0, 1] as piqa (§7).</p>}
    </section>
  )
}
