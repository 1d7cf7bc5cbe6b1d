// One method's row: x_t and E[x | x_t, y] at the shown step (live, or the scrubber's), then the posterior mean,
// the std map with its colour scale and the samples; one line on what the method approximates.
import { memo, useMemo } from 'react'
import { interpolateViridis, rgb } from 'd3'
import { ImageCanvas } from '../../components/ImageCanvas'
import { dequantise, frameAt, type Trajectory } from '../../core/studio/trajectory'
import type { MethodSpec } from '../../core/studio/config'
import type { MethodResult, StepFrame } from '../../workers/studioApi'
import type { ImageData3 } from '../../app/images'
import { imageAt } from './display'
import { DPS_STEPS_NOTE, METHOD_COLOURS, METHOD_NOTES } from './methodNotes'

interface RowProps {
  index: number
  spec: MethodSpec
  label: string
  frame?: StepFrame
  trajectory?: Trajectory
  result?: MethodResult
  /** The scrubber's step; undefined = the latest. */
  scrub?: number
  c: number
  h: number
  w: number
  running: boolean
}

/** The std map in colour (viridis, 0 … max over the map), as a 3-channel image in the canvas range. */
function stdColour(std: Float32Array, c: number, h: number, w: number): { image: ImageData3; max: number } {
  const n = h * w
  const avg = new Float32Array(n)
  let max = 0
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = 0; k < c; k++) s += std[k * n + i]! / c
    avg[i] = s
    max = Math.max(max, s)
  }
  const out = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) {
    const { r, g, b } = rgb(interpolateViridis(avg[i]! / (max || 1)))
    out[i] = (4 * r) / 255 - 2; out[n + i] = (4 * g) / 255 - 2; out[2 * n + i] = (4 * b) / 255 - 2
  }
  return { image: { data: out, c: 3, h, w }, max }
}

function StdLegend({ max, id }: { max: number; id: string }) {
  const stops = Array.from({ length: 11 }, (_, i) => i / 10)
  return (
    <svg width={120} height={30} role="img" aria-label={`colour scale of the std map: dark purple 0 to yellow ${max.toFixed(3)}`} className="std-legend">
      <defs>
        <linearGradient id={id}>{stops.map((t) => <stop key={t} offset={t} stopColor={interpolateViridis(t)} />)}</linearGradient>
      </defs>
      <rect x={4} y={2} width={112} height={10} fill={`url(#${id})`} />
      <text x={4} y={26} fontSize={10}>0</text>
      <text x={116} y={26} fontSize={10} textAnchor="end">{max.toFixed(3)}</text>
    </svg>
  )
}

export const MethodRow = memo(function MethodRow({ index: i, spec, label, frame, trajectory, result: r, scrub, c, h, w, running }: RowProps) {
  const size = Math.max(128, 4 * w)
  const shown = useMemo(() => {
    if (trajectory && (scrub !== undefined || !frame?.xt)) {
      const f = frameAt(trajectory, scrub ?? trajectory.steps)
      if (f) return { step: f.step, xt: f.xt, denoised: f.denoised }
    }
    return frame?.xt && frame.denoised ? { step: frame.step, xt: frame.xt, denoised: frame.denoised } : undefined
  }, [trajectory, scrub, frame])
  const xt = useMemo(() => shown && { data: dequantise(shown.xt), c, h, w }, [shown, c, h, w])
  const tweedie = useMemo(() => shown && { data: dequantise(shown.denoised), c, h, w }, [shown, c, h, w])
  const mean = useMemo(() => r?.mean && { data: r.mean, c, h, w }, [r, c, h, w])
  const sd = useMemo(() => r?.std && stdColour(r.std, c, h, w), [r, c, h, w])
  const samples = useMemo(() => (r?.samples ? Array.from({ length: r.samples.length / (c * h * w) }, (_, s) => imageAt(r.samples, s, c, h, w)) : []), [r, c, h, w])
  const total = (frame?.steps ?? trajectory?.steps ?? r?.steps ?? 0) + 1
  const reached = r ? r.reached : frame ? frame.step + 1 : 0
  const seconds = r?.seconds ?? frame?.seconds ?? 0
  const psnrAt = shown && (trajectory?.psnr[shown.step] ?? (frame?.step === shown.step ? frame.psnr : undefined))
  const status = r
    ? r.status === 'done' ? `done in ${seconds.toFixed(1)} s of compute`
      : r.status === 'cancelled' ? (r.reached === 0 ? 'cancelled before its first step' : `cancelled after step ${r.reached - 1} of ${total - 1}`)
      : `${r.status}${r.error ? `: ${r.error}` : ''}`
    : frame ? `step ${frame.step} of ${frame.steps} · σ = ${frame.sigma.toPrecision(3)} · ${seconds.toFixed(1)} s` : running ? 'preparing…' : ''
  const note = METHOD_NOTES[spec.name]
  return (
    <div className="method-row" data-testid={`method-${i}`} data-status={r?.status ?? 'running'} data-step={shown?.step ?? -1} data-reached={reached}>
      <div className="method-head">
        <span className="swatch" style={{ background: METHOD_COLOURS[i % METHOD_COLOURS.length] }} aria-hidden="true" />
        <strong>{label}</strong>
        <progress max={Math.max(1, total)} value={reached} aria-label={`${label}: steps done`} />
        <span className={r && r.status !== 'done' ? 'hint bad' : 'hint'} data-testid={`method-status-${i}`}>{status}</span>
      </div>
      <p className="method-note">{note.approximates} <cite>{note.paper}</cite></p>
      <div className="row images">
        {(shown || running || !r) && (
          <>
            <ImageCanvas image={xt} label={shown ? `x_t, step ${shown.step}` : 'x_t'} size={size} testId={`xt-${i}`} />
            <ImageCanvas image={tweedie} label={psnrAt !== undefined ? `E[x | x_t, y] · ${psnrAt.toFixed(1)} dB` : 'E[x | x_t, y]'} size={size} testId={`tweedie-${i}`} />
          </>
        )}
        {mean && <ImageCanvas image={mean} label={`posterior mean · ${r?.psnrMean?.toFixed(2)} dB`} size={size} downloadName={`${spec.name}-mean.png`} />}
        {sd && (
          <div className="with-legend">
            <ImageCanvas image={sd.image} label="std map" size={size} downloadName={`${spec.name}-std.png`} />
            <StdLegend max={sd.max} id={`std-grad-${i}`} />
          </div>
        )}
        {samples.map((img, s) => (
          <ImageCanvas key={s} image={img} label={`sample ${s + 1}`} size={size} downloadName={`${spec.name}-sample-${s + 1}.png`} />
        ))}
      </div>
      {spec.name === 'dps' && (r || frame) && (
        <details className="dps-note"><summary>Why DPS needs many steps</summary><p>{DPS_STEPS_NOTE}</p></details>
      )}
    </div>
  )
})
