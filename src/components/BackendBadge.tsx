import { useCompute } from '../app/computeStore'

export function BackendBadge() {
  const status = useCompute((s) => s.status)
  const initError = useCompute((s) => s.initError)
  if (initError) return <span className="badge badge-error" data-testid="backend-badge">no backend</span>
  if (!status) return <span className="badge" data-testid="backend-badge">starting…</span>
  const title = status.probes.map((p) => `${p.backend}: ${p.ok ? 'ok' : p.reason} (${p.ms.toFixed(0)} ms)`).join('\n')
  return (
    <span className={`badge badge-${status.backend}`} data-testid="backend-badge" data-backend={status.backend} title={title}>
      tfjs · {status.backend}
    </span>
  )
}
