// A lab's stored runs: open, delete, export the shown run to one file, import one (the store validates it
// before anything is written): the manifold lab and the image EM lab.
import type { ChangeEvent } from 'react'

export interface StoredRunItem {
  id: string
  name: string
  createdAt: number
  status: string
}

interface Props {
  runs: StoredRunItem[]
  shownId?: string
  busy: boolean
  /** Extra words after a run's status ("not stored (this tab only)"). */
  note?: (id: string) => string
  onOpen(id: string): void
  onRemove(id: string): void
  onExport(): Promise<{ name: string; text: string } | undefined>
  onImport(text: string): void
  /** data-testid prefix: <prefix>-runs, -export, -import. */
  testPrefix: string
}

/** Saves text as a JSON file through the browser's download. */
export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  URL.revokeObjectURL(url)
}

export function StoredRuns({ runs, shownId, busy, note, onOpen, onRemove, onExport, onImport, testPrefix }: Props) {
  const imported = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const f = e.target.files?.[0]
    e.target.value = ''
    if (f) onImport(await f.text())
  }
  const exported = async (): Promise<void> => {
    const f = await onExport()
    if (f) downloadText(f.name, f.text)
  }
  return (
    <details className="panel" open={runs.length > 1}>
      <summary>Stored runs ({runs.length})</summary>
      <ul className="runs" data-testid={`${testPrefix}-runs`}>
        {runs.map((r) => (
          <li key={r.id}>
            <button type="button" className="link" onClick={() => onOpen(r.id)} disabled={busy}>{r.name}</button>{' '}
            <span className="hint">{new Date(r.createdAt).toLocaleString()} · {r.status}{r.id === shownId ? ' · shown' : ''}{note?.(r.id) ?? ''}</span>{' '}
            <button type="button" onClick={() => onRemove(r.id)} disabled={busy && r.id === shownId}>Delete</button>
          </li>
        ))}
      </ul>
      <button type="button" disabled={!shownId} onClick={() => void exported()} data-testid={`${testPrefix}-export`}>Export shown run</button>{' '}
      <label className="file">Import a run file <input type="file" accept=".json,application/json" onChange={(e) => void imported(e)} data-testid={`${testPrefix}-import`} /></label>
    </details>
  )
}
