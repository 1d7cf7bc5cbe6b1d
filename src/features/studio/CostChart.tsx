// Accuracy against cost for the run (one point per method) and, after a sweep, each method's frontier over
// step counts: the figure InverseBench draws offline, live.
import { useMemo, useState } from 'react'
import { useStudio, parseSweepSteps } from './studioStore'
import { LineChart, type Series } from '../../plots/LineChart'
import { frontiers, type CostAxis, type CostPoint, type QualityAxis } from './costPoints'
import { METHOD_COLOURS } from './methodNotes'
import { SeriesLegend } from './Scrubber'

export function CostChart({ points, width }: { points: CostPoint[]; width: number }) {
  const [x, setX] = useState<CostAxis>('evaluations')
  const [y, setY] = useState<QualityAxis>('psnr')
  const jobId = useStudio((s) => s.jobId)
  const sweep = useStudio((s) => s.sweep)
  const sweepSteps = useStudio((s) => s.sweepSteps)
  const setSweepSteps = useStudio((s) => s.setSweepSteps)
  const runSweep = useStudio((s) => s.runSweep)
  const series: Series[] = useMemo(() => [...frontiers(points, x)].map(([label, ps]) => ({
    name: label,
    colour: METHOD_COLOURS[(ps[0]?.method ?? 0) % METHOD_COLOURS.length]!,
    points: ps.map((p) => [p[x], p[y]] as const),
  })), [points, x, y])
  const parsed = parseSweepSteps(sweepSteps)
  return (
    <section className="cost" aria-labelledby="cost-heading">
      <h4 id="cost-heading">Accuracy against cost</h4>
      <p className="hint">Each point is one method at one step count (per-sample {y === 'psnr' ? 'PSNR' : 'SSIM'}); a sweep runs the same problem at several step counts (one sample each) and joins each method's points into its frontier.</p>
      <div className="row">
        <label>cost <select value={x} onChange={(e) => setX(e.target.value === 'seconds' ? 'seconds' : 'evaluations')} data-testid="cost-x"><option value="evaluations">network evaluations (forward passes + VJPs)</option><option value="seconds">seconds per sample</option></select></label>
        <label>accuracy <select value={y} onChange={(e) => setY(e.target.value === 'ssim' ? 'ssim' : 'psnr')} data-testid="cost-y"><option value="psnr">PSNR (dB)</option><option value="ssim">SSIM</option></select></label>
      </div>
      <SeriesLegend series={series} />
      <div className="chart-box">
        <LineChart series={series} logX yZero={false} legend={false} xLabel={x === 'evaluations' ? 'forward passes + VJPs (log)' : 'seconds per sample (log)'} yLabel={y === 'psnr' ? 'PSNR (dB)' : 'SSIM'} width={Math.min(520, width)} height={260} testId="chart-cost" />
      </div>
      <div className="row">
        <label>sweep step counts <input type="text" value={sweepSteps} onChange={(e) => setSweepSteps(e.target.value)} data-testid="sweep-steps" aria-invalid={typeof parsed === 'string'} style={{ width: '10rem' }} /></label>
        <button type="button" onClick={() => void runSweep()} disabled={!!jobId || typeof parsed === 'string'} data-testid="sweep-run">Sweep</button>
        <span className="hint" data-testid="sweep-status">
          {typeof parsed === 'string' ? parsed : sweep?.current !== undefined ? `running ${sweep.current} steps…` : sweep?.error ?? (sweep && sweep.points.length ? `sweep done: ${sweep.points.length} points` : '')}
        </span>
      </div>
    </section>
  )
}
