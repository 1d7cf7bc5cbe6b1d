// d3 chart of 1-D densities over a common x grid (lines, optional dashes), with a legend.
import { useMemo } from 'react'
import { line, scaleLinear } from 'd3'

export interface DensityCurve {
  name: string
  colour: string
  y: readonly number[]
  dashed?: boolean
}

interface Props {
  x: readonly number[]
  curves: DensityCurve[]
  xLabel: string
  width?: number
  height?: number
  testId?: string
}

export function DensityChart({ x, curves, xLabel, width = 360, height = 200, testId }: Props) {
  const m = { l: 44, r: 10, t: 10, b: 34 }
  const { xs, ys, paths } = useMemo(() => {
    const x0 = x[0] ?? 0, x1 = x[x.length - 1] ?? 1
    const ymax = Math.max(1e-12, ...curves.flatMap((c) => c.y.filter(Number.isFinite)))
    const xs = scaleLinear().domain([x0, x1 === x0 ? x0 + 1 : x1]).range([m.l, width - m.r])
    const ys = scaleLinear().domain([0, ymax * 1.05]).range([height - m.b, m.t]).nice()
    const gen = line<number>().defined((v) => Number.isFinite(v)).x((_, i) => xs(x[i] ?? 0)).y((v) => ys(v))
    return { xs, ys, paths: curves.map((c) => gen([...c.y]) ?? '') }
  }, [x, curves, width, height, m.l, m.r, m.t, m.b])
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: '100%', height: 'auto' }} className="density-chart" data-testid={testId} role="img" aria-label={`densities: ${curves.map((c) => c.name).join(', ')}`}>
      {ys.ticks(3).map((t) => (
        <g key={`y${t}`}>
          <line x1={m.l} x2={width - m.r} y1={ys(t)} y2={ys(t)} stroke="#eaeef2" />
          <text x={m.l - 6} y={ys(t)} dy="0.32em" textAnchor="end" fontSize={10}>{ys.tickFormat(3, '.2~g')(t)}</text>
        </g>
      ))}
      {xs.ticks(5).map((t) => (
        <text key={`x${t}`} x={xs(t)} y={height - m.b + 14} textAnchor="middle" fontSize={10}>{xs.tickFormat(5, '.2~g')(t)}</text>
      ))}
      {curves.map((c, i) => <path key={c.name} d={paths[i]} fill="none" stroke={c.colour} strokeWidth={1.8} strokeDasharray={c.dashed ? '4 3' : undefined} />)}
      <text x={(m.l + width - m.r) / 2} y={height - 4} textAnchor="middle" fontSize={11}>{xLabel}</text>
      {curves.map((c, i) => (
        <text key={`l${c.name}`} x={width - m.r - 4} y={m.t + 12 + 13 * i} textAnchor="end" fontSize={11} fill={c.colour}>{c.name}</text>
      ))}
    </svg>
  )
}
