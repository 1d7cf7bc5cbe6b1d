import { useCompute } from '../app/computeStore'

/** The tfjs backend the worker computes on, and why: the measured choice for the last workload. */
export function BackendBadge() {
  const status = useCompute((s) => s.status)
  const initError = useCompute((s) => s.initError)
  if (initError) return <span className="badge badge-error" data-testid="backend-badge">no backend</span>
  if (!status) return <span className="badge" data-testid="backend-badge">starting…</span>
  const probes = status.probes.map((p) => `${p.backend}: ${p.ok ? 'ok' : p.reason} (${p.ms.toFixed(0)} ms)`).join('\n')
  const why = status.verdict?.chosen === status.backend ? status.verdict.reason : undefined
  const title = [why, status.measuring, status.verdict?.cacheNote, probes].filter(Boolean).join('\n')
  // the reason without the leading "wasm — " (the badge already names the backend)
  const short = why?.replace(/^\S+ — /, '')
  return (
    <span className={`badge badge-${status.backend}`} data-testid="backend-badge" data-backend={status.backend} data-source={status.verdict?.source ?? ''} title={title}>
      tfjs · {status.backend}
      {status.measuring ? <span className="badge-why" data-testid="backend-reason" title={status.measuring}> · measuring…</span>
        : short && <span className="badge-why" data-testid="backend-reason"> · {short}</span>}
    </span>
  )
}
