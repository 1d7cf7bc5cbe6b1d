// The primary action near the top of the page (a keyboard user reaches it in a few Tabs), with the run's
// overall progress, elapsed time and ETA; progress is announced politely to screen readers.
import { useEffect, useState } from 'react'
import { useStudio, type RunClock } from './studioStore'
import { useCompute } from '../../app/computeStore'

const secs = (s: number): string => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`)

/** Elapsed seconds and the ETA from the mean round time so far (every round is one step of every method). */
export function clockText(c: RunClock | undefined, now: number, running: boolean): string {
  if (!c) return running ? 'preparing the model…' : ''
  const elapsed = ((running ? now : c.now) - c.started) / 1000
  // steps are numbered 0 … steps as on the scrubber; the last one is the final denoiser call
  const last = `step ${c.rounds - 1} of ${c.total - 1}`
  if (!running) return `${c.rounds === c.total ? `all ${c.total - 1} steps` : `stopped after ${last}`} in ${secs(elapsed)}`
  const per = (c.now - c.started) / 1000 / Math.max(1, c.rounds)
  return `${last} · ${secs(elapsed)} elapsed · about ${secs(per * (c.total - c.rounds))} left`
}

export function RunBar() {
  const config = useStudio((s) => s.config)
  const jobId = useStudio((s) => s.jobId)
  const run = useStudio((s) => s.run)
  const cancel = useStudio((s) => s.cancel)
  const image = useStudio((s) => s.image)
  const clock = useStudio((s) => s.clock)
  const sweep = useStudio((s) => s.sweep)
  const backend = useCompute((s) => s.status)
  const backendError = useCompute((s) => s.initError)
  const [now, setNow] = useState(() => performance.now())
  useEffect(() => {
    if (!jobId) return
    const t = setInterval(() => setNow(performance.now()), 500)
    return () => clearInterval(t)
  }, [jobId])
  const ready = !!backend && !!image && config.methods.length > 0
  const why = backendError ? 'the compute worker did not start' : !backend ? 'waiting for the compute backend…' : !image ? 'loading the image…' : config.methods.length === 0 ? 'pick at least one method' : ''
  const isSweep = jobId?.startsWith('studio-sweep')
  const text = isSweep ? `sweep: ${sweep?.current ?? ''} steps (${sweep?.points.length ?? 0} points so far)` : clockText(clock, now, !!jobId)
  // announce in quarters, not every step
  const quarter = clock ? Math.floor((4 * clock.rounds) / clock.total) : 0
  const announce = !jobId ? (clock ? `Run finished: ${text}.` : '') : isSweep ? text : clock ? `Running: ${quarter * 25} % of the steps done.` : 'Run started.'
  return (
    <div className="studio-runbar" data-testid="studio-runbar">
      <button type="button" className="primary" onClick={() => void run()} disabled={!!jobId || !ready} data-testid="studio-run" aria-describedby="studio-run-why">Run</button>
      {jobId && <button type="button" onClick={() => void cancel()} data-testid="studio-cancel">Cancel</button>}
      <span className="hint" id="studio-run-why" data-testid="studio-clock">{jobId || clock ? text : why}</span>
      <span className="visually-hidden" aria-live="polite" data-testid="studio-live">{announce}</span>
    </div>
  )
}
