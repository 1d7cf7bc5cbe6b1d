// The per-method metric table (sortable); wide, so it scrolls inside its own box on a phone.
import { useState } from 'react'
import type { MethodResult } from '../../workers/studioApi'

export type SortKey = 'label' | 'psnrMean' | 'ssimMean' | 'psnrSample' | 'consistency' | 'vjpPerStep' | 'seconds'

export function MetricTable({ results, samples }: { results: MethodResult[]; samples: number }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'psnrMean', desc: true })
  const value = (r: MethodResult, k: SortKey): number | string => (k === 'label' ? r.label : k === 'vjpPerStep' ? r.vjp / Math.max(1, r.calls) : (r[k] ?? -Infinity))
  const rows = [...results].sort((a, b) => {
    const va = value(a, sort.key), vb = value(b, sort.key)
    const c = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number)
    return sort.desc ? -c : c
  })
  const th = (k: SortKey, label: string) => (
    <th><button type="button" className="link" onClick={() => setSort({ key: k, desc: sort.key === k ? !sort.desc : true })} data-testid={`sort-${k}`}>{label}{sort.key === k ? (sort.desc ? ' ▼' : ' ▲') : ''}</button></th>
  )
  const f = (v: number | undefined, d: number): string => (v === undefined ? '—' : v.toFixed(d))
  return (
    <div className="table-scroll"><table className="table" data-testid="studio-metrics">
      <thead>
        <tr>{th('label', 'method')}<th>status</th>{th('psnrMean', 'PSNR (mean)')}{th('ssimMean', 'SSIM (mean)')}{th('psnrSample', `PSNR (per sample, ${samples})`)}{th('consistency', '‖y − A x̂‖ (RMS)')}<th>forward</th><th>VJPs</th>{th('vjpPerStep', 'VJP/step')}{th('seconds', 'time (s)')}<th>Jacobian</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.method} data-testid="metric-row">
            <td>{r.label}</td>
            <td className={r.status === 'done' ? '' : 'bad'}>{r.status === 'cancelled' ? `cancelled after step ${r.reached - 1}` : r.status}{r.error ? `: ${r.error}` : ''}</td>
            <td className="num">{f(r.psnrMean, 2)}</td><td className="num">{f(r.ssimMean, 3)}</td><td className="num">{f(r.psnrSample, 2)}</td>
            <td className="num">{f(r.consistency, 4)}</td><td className="num">{r.forward}</td><td className="num">{r.vjp}</td>
            <td className="num">{(r.vjp / Math.max(1, r.calls)).toFixed(2)}</td><td className="num">{r.seconds.toFixed(1)}</td><td>{r.jacobian}</td>
          </tr>
        ))}
      </tbody>
    </table></div>
  )
}

