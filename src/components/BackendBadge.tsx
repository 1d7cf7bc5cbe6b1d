import { useCompute } from '../app/computeStore'

/** The tfjs backend the worker computes on, and why: the measured choice for the last workload. */
export function BackendBadge() {
  const status = useCompute((s) => s.status)
  const initError = useCompute((s) => s.initError)
  if (initError) return <span className="badge badge-error" data-testid="backend-badge">no backend</span>
  if (!status) return <span className="badge" data-testid="backend-badge">starting…</span>
  const probes = status.probes.map((p) => `${p.backend}: ${p.ok ? 'ok' : p.reason} (${p.ms.toFixed(0)} ms)`).join('\n')
  const why = status.verdict?.chosen === status.backend ? status.verdict.reason : undefined
  const title = [why, status.measuring, status.preparing, status.verdict?.cacheNote, probes].filter(Boolean).join('\n')
  // who computes: the ORT VJP executor (onnxruntime-web, on wasm) when the verdict chose it, else tfjs
  const executor = why !== undefined && status.verdict?.executor === 'ort-vjp' ? 'ort-vjp' : 'tfjs'
  // the reason without the leading "wasm — " / "wasm · ORT executor — " (the badge already names them)
  const short = why?.replace(/^.*? — /, '')
  const busy = status.preparing ?? (status.measuring ? 'measuring…' : undefined)
  return (
    <span className={`badge badge-${status.backend}`} data-testid="backend-badge" data-backend={status.backend} data-executor={executor} data-source={status.verdict?.source ?? ''} title={title}>
      {executor === 'ort-vjp' ? 'onnxruntime' : 'tfjs'} · {status.backend}
      {busy ? <span className="badge-why" data-testid="backend-reason" data-busy="true" title={status.preparing ?? status.measuring}> · {busy}</span>
        : short && <span className="badge-why" data-testid="backend-reason"> · {short}</span>}
    </span>
  )
}
