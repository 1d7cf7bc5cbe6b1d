// After a run: one step control for every row (Diffusion Explainer's timestep slider, GAN Lab's slow motion),
// and the per-step metrics of all methods with a cursor at that step.
import { useEffect, useMemo, useState } from 'react'
import { useStudio } from './studioStore'
import { LineChart, type Series } from '../../plots/LineChart'
import type { Trajectory } from '../../core/studio/trajectory'
import { METHOD_COLOURS } from './methodNotes'

/** `steps`: the last step reached (the run's step count, or where a cancelled run stopped); `final`: it is the sample. */
export function Scrubber({ steps, final }: { steps: number; final: boolean }) {
  const scrub = useStudio((s) => s.scrub)
  const setScrub = useStudio((s) => s.setScrub)
  const [playing, setPlaying] = useState(false)
  const k = scrub ?? steps
  useEffect(() => {
    if (!playing) return
    const every = Math.max(60, Math.min(400, 4000 / Math.max(1, steps)))
    const t = setInterval(() => {
      const cur = useStudio.getState().scrub ?? steps
      if (cur >= steps) { setPlaying(false); return }
      setScrub(cur + 1)
    }, every)
    return () => clearInterval(t)
  }, [playing, steps, setScrub])
  const play = (): void => {
    if (playing) { setPlaying(false); return }
    if (k >= steps) setScrub(0)
    setPlaying(true)
  }
  return (
    <div className="studio-scrubber" data-testid="studio-scrubber">
      <button type="button" onClick={play} data-testid="studio-play" aria-label={playing ? 'pause' : 'play the run step by step'}>{playing ? '❚❚ pause' : '▶ play'}</button>
      <label>step shown in every row{' '}
        <input type="range" min={0} max={steps} value={k} onChange={(e) => { setPlaying(false); setScrub(Number(e.target.value)) }} data-testid="studio-scrub" aria-valuetext={`step ${k} of ${steps}${k === steps && final ? ' (the final sample)' : ''}`} />
      </label>
      <output data-testid="studio-scrub-value">step {k} of {steps}{k === steps ? (final ? ' (final sample)' : ' (where the run stopped)') : ''}</output>
    </div>
  )
}

export function StepCharts({ trajectories, labels, cursor, width }: { trajectories: Trajectory[]; labels: string[]; cursor?: number; width: number }) {
  const series = (pick: (t: Trajectory) => number[]): Series[] =>
    trajectories.map((t) => ({
      name: labels[t.method] ?? `method ${t.method}`,
      colour: METHOD_COLOURS[t.method % METHOD_COLOURS.length]!,
      points: pick(t).flatMap((v, k) => (v === undefined ? [] : [[k, v] as const])),
    }))
  const psnr = useMemo(() => series((t) => t.psnr), [trajectories, labels]) // eslint-disable-line react-hooks/exhaustive-deps
  const resid = useMemo(() => series((t) => t.residual), [trajectories, labels]) // eslint-disable-line react-hooks/exhaustive-deps
  const w = Math.min(420, width)
  return (
    <>
    <SeriesLegend series={psnr} />
    <div className="row charts">
      <figure className="chart" aria-label="PSNR of E[x | x_t, y] against the clean image, per step">
        <LineChart series={psnr} xLabel="step" yLabel="PSNR of E[x | x_t, y] (dB)" highlightX={cursor} width={w} yZero={false} legend={false} testId="chart-step-psnr" />
      </figure>
      <figure className="chart" aria-label="RMS of y − A E[x | x_t, y], per step (log scale)">
        <LineChart series={resid} logY xLabel="step" yLabel="‖y − A E[x | x_t, y]‖ (RMS)" highlightX={cursor} width={w} legend={false} testId="chart-step-residual" />
      </figure>
    </div>
    </>
  )
}

/** The charts' legend as HTML (readable, and not drawn over the lines). */
export function SeriesLegend({ series }: { series: Series[] }) {
  return (
    <ul className="series-legend">
      {series.map((s) => <li key={s.name}><span className="swatch" style={{ background: s.colour }} aria-hidden="true" /> {s.name}</li>)}
    </ul>
  )
}
