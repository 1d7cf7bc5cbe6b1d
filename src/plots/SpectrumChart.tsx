// d3 bar chart of a spectrum (e.g. posterior-covariance eigenvalues σ²λ_i), one bar per index, the chosen one
// highlighted; clicking a bar picks it.
import { useMemo } from 'react'
import { scaleBand, scaleLinear } from 'd3'

interface Props {
  values: readonly number[]
  selected?: number
  onSelect?: (i: number) => void
  yLabel: string
  width?: number
  height?: number
  testId?: string
}

export function SpectrumChart({ values, selected, onSelect, yLabel, width = 300, height = 180, testId }: Props) {
  const m = { l: 56, r: 8, t: 10, b: 30 }
  const { x, y } = useMemo(() => {
    const xs = scaleBand<number>().domain(values.map((_, i) => i)).range([m.l, width - m.r]).padding(0.25)
    const ys = scaleLinear().domain([0, Math.max(...values, 1e-12)]).range([height - m.b, m.t]).nice()
    return { x: xs, y: ys }
  }, [values, width, height, m.l, m.r, m.t, m.b])
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: '100%', height: 'auto' }} className="spectrum-chart" data-testid={testId} role="img" aria-label={`${yLabel}: ${values.map((v) => v.toPrecision(3)).join(', ')}`}>
      {y.ticks(4).map((t) => (
        <g key={t}>
          <line x1={m.l} x2={width - m.r} y1={y(t)} y2={y(t)} stroke="#eaeef2" />
          <text x={m.l - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={10}>{y.tickFormat(4, '.2~g')(t)}</text>
        </g>
      ))}
      {values.map((v, i) => (
        <g key={i} onClick={onSelect ? () => onSelect(i) : undefined} style={onSelect ? { cursor: 'pointer' } : undefined}>
          <rect x={x(i)} y={y(v)} width={x.bandwidth()} height={Math.max(0, y(0) - y(v))} fill={i === selected ? '#d9480f' : '#1c7ed6'} />
          <text x={(x(i) ?? 0) + x.bandwidth() / 2} y={height - m.b + 14} textAnchor="middle" fontSize={10}>PC {i + 1}</text>
        </g>
      ))}
      <text transform={`translate(12 ${(m.t + height - m.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize={11}>{yLabel}</text>
    </svg>
  )
}
