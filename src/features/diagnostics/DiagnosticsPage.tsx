import { useCompute } from '../../app/computeStore'
import { ProgressBar } from '../../components/ProgressBar'
import type { DiagnosticRow } from '../../workers/api'
import { ScrollBox } from '../../components/ScrollBox'
import { BackendChoicePanel } from './BackendChoicePanel'

const fmtMs = (ms: number | undefined): string => (ms === undefined ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0))
const fmtDiff = (d: number | undefined): string => (d === undefined ? '—' : d === 0 ? '0' : d.toExponential(1))

function Row({ row }: { row: DiagnosticRow }) {
  const key = `${row.engine}-${row.backend}`
  const verdict = !row.available ? 'unavailable' : row.agrees === undefined ? '—' : row.agrees ? 'agrees' : 'DISAGREES'
  return (
    <tr data-testid={`diag-${key}`} data-available={String(row.available)} data-agrees={String(row.agrees ?? '')}>
      <td>{row.engine}</td>
      <td>{row.backend}</td>
      <td>{row.available ? 'yes' : `no — ${row.reason ?? 'unknown reason'}`}</td>
      <td className="info">{row.info ?? ''}</td>
      <td className="num" data-testid={`diff-${key}`}>{fmtDiff(row.maxAbsDiff)}</td>
      <td className={row.agrees === false ? 'bad' : ''}>{verdict}</td>
      <td className="num">{fmtMs(row.firstMs)}</td>
      <td className="num">{fmtMs(row.ms)}</td>
    </tr>
  )
}

export function DiagnosticsPage() {
  const status = useCompute((s) => s.status)
  const report = useCompute((s) => s.diagnostics)
  const job = useCompute((s) => s.diagnosticsJob)
  const progress = useCompute((s) => s.diagnosticsProgress)
  const error = useCompute((s) => s.diagnosticsError)
  const run = useCompute((s) => s.runDiagnostics)
  const cancel = useCompute((s) => s.cancelDiagnostics)
  return (
    <section>
      <h2>Diagnostics</h2>
      <p>
        Runs, inside the compute worker, a small real computation on every backend: a batch through a tiny conv net
        plus its gradient on each tfjs backend, and a tiny ONNX graph on each onnxruntime-web execution provider. Each
        result is compared with the tfjs cpu backend.
      </p>
      <p>
        Worker backend: <strong data-testid="diag-backend">{status?.backend ?? '…'}</strong>
        {status?.adapter && (
          <>
            {' '}· WebGPU adapter in the worker:{' '}
            <span data-testid="diag-adapter" data-architecture={status.adapter.architecture}>
              {[status.adapter.vendor, status.adapter.architecture].filter(Boolean).join(' / ')}
              {status.adapter.isFallbackAdapter ? ' (software fallback)' : ''}
            </span>
          </>
        )}
      </p>
      <button type="button" onClick={() => void run()} disabled={!status || job !== undefined} data-testid="diag-run">
        Run diagnostics
      </button>
      {job && progress && <ProgressBar progress={progress} onCancel={() => void cancel()} />}
      {error && <p className="error" role="alert" data-testid="diag-error">{error}</p>}
      {report && (
        <ScrollBox label="diagnostics per engine and backend">
        <table className="table" data-testid="diag-table">
          <thead>
            <tr>
              <th>engine</th>
              <th>backend</th>
              <th>available</th>
              <th>adapter / info</th>
              <th>max |Δ| vs cpu</th>
              <th>agreement (≤ {report.tolerance})</th>
              <th>first run (ms)</th>
              <th>run (ms)</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <Row key={`${r.engine}-${r.backend}`} row={r} />
            ))}
          </tbody>
        </table>
        </ScrollBox>
      )}
      <BackendChoicePanel />
    </section>
  )
}
