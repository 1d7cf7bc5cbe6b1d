import { useCompute } from '../app/computeStore'

/** Visible, specific messages: bad URL parameters, a forced backend that is missing, a lost GPU. */
export function Notices() {
  const urlProblems = useCompute((s) => s.urlProblems)
  const notice = useCompute((s) => s.status?.notice)
  const initError = useCompute((s) => s.initError)
  const items = [...urlProblems, ...(notice ? [notice] : []), ...(initError ? [initError] : [])]
  if (items.length === 0) return null
  return (
    <div className="notices" role="alert" data-testid="notices">
      {items.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  )
}
