// The measured backend choice (issue 11): for every workload seen, each backend's time for one real step,
// what was chosen and why, and a button to forget the stored verdicts and measure again.
import { useEffect } from 'react'
import { useCompute } from '../../app/computeStore'
import { ProgressBar } from '../../components/ProgressBar'
import type { BackendTiming, TfjsBackend, Verdict } from '../../workers/api'
import { candidateName, executorOf, type Executor } from '../../workers/backendChoice'

/** The table's columns: each tfjs backend, and the ORT VJP executor (on wasm). */
const CANDIDATES: { backend: TfjsBackend; executor: Executor; head: string }[] = [
  ...(['webgpu', 'webgl', 'wasm', 'cpu'] as const).map((b) => ({ backend: b, executor: 'tfjs' as const, head: `${b} (one step)` })),
  { backend: 'wasm', executor: 'ort-vjp', head: 'wasm · ORT executor (one step)' },
]
const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0))

function Cell({ t, chosen }: { t: BackendTiming | undefined; chosen: boolean }) {
  if (!t) return <td className="num">—</td>
  const text =
    t.status === 'timed' ? `${fmt(t.ms)} ms (first ${fmt(t.firstMs)})`
    : t.status === 'abandoned' ? `≥ ${fmt(t.atLeastMs)} ms (stopped: slower)`
    : t.status === 'failed' ? `failed: ${t.reason}`
    : t.slowerBy ? `not timed (${t.slowerBy.atLeast ? '≥ ' : ''}${t.slowerBy.times.toFixed(1)}× slower on ${t.slowerBy.on})`
    : 'not timed'
  return <td className={`num${chosen ? ' chosen' : ''}`} title={t.status === 'skipped' ? t.reason : undefined} data-status={t.status}>{text}</td>
}

function VerdictRow({ v }: { v: Verdict }) {
  const when = new Date(v.measuredAt).toLocaleString()
  return (
    <tr data-testid="verdict-row" data-chosen={v.chosen} data-executor={v.executor ?? 'tfjs'} data-source={v.source} data-workload={v.workload}>
      <td>{v.workload}</td>
      {CANDIDATES.map((c) => <Cell key={c.head} t={v.timings.find((t) => t.backend === c.backend && executorOf(t) === c.executor)} chosen={c.backend === v.chosen && c.executor === (v.executor ?? 'tfjs')} />)}
      <td><strong>{candidateName({ backend: v.chosen, executor: v.executor })}</strong></td>
      <td className="info">{v.reason}{v.cacheNote ? ` · ${v.cacheNote}` : ''}</td>
      <td className="info">{v.source === 'cached' ? `stored, measured ${when}` : v.source === 'forced' ? 'forced by the URL' : `measured ${when}`}</td>
    </tr>
  )
}

export function BackendChoicePanel() {
  const verdicts = useCompute((s) => s.verdicts)
  const load = useCompute((s) => s.loadVerdicts)
  const job = useCompute((s) => s.remeasureJob)
  const progress = useCompute((s) => s.remeasureProgress)
  const error = useCompute((s) => s.remeasureError)
  const remeasure = useCompute((s) => s.remeasure)
  const cancel = useCompute((s) => s.cancelRemeasure)
  const status = useCompute((s) => s.status)
  useEffect(() => {
    if (status) void load()
  }, [status, load])
  return (
    <section data-testid="backend-choice">
      <h3>Backend choice</h3>
      <p>
        Each workload runs on the backend that was fastest for it here: one real step (a U-Net forward and VJP at the
        run's batch, an MLP training step and sampler step, or the start-up check) timed on every backend that passed its
        probe, within about 2 s (4 s for the start-up check); a backend still busy past its share is stopped and counted as slower.
        With ?executor=auto, for a shipped ONNX U-Net the ORT executor (the model's forward and exact VJP as ONNX graphs
        run by onnxruntime on wasm) is timed on the same step once it is prepared (its graphs are cached, so a later
        visit prepares it in seconds). Verdicts are kept
        per browser, adapter, workload and model, so the next visit measures nothing.
      </p>
      {verdicts && verdicts.length > 0 && (
        <table className="table" data-testid="verdict-table">
          <thead>
            <tr>
              <th>workload</th>
              {CANDIDATES.map((c) => <th key={c.head}>{c.head}</th>)}
              <th>chosen</th>
              <th>why</th>
              <th>verdict</th>
            </tr>
          </thead>
          <tbody>
            {verdicts.map((v) => <VerdictRow key={v.key} v={v} />)}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => void remeasure()} disabled={!status || job !== undefined} data-testid="remeasure">
        Re-measure
      </button>
      {job && progress && <ProgressBar progress={progress} onCancel={() => void cancel()} />}
      {error && <p className="error" role="alert" data-testid="remeasure-error">{error}</p>}
    </section>
  )
}
