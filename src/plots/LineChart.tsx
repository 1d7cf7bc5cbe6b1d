// A small d3 line chart (SVG): several series over x, optional log y axis, an optional highlighted x.
import { useMemo } from 'react'
import { extent, line, scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3'

export interface Series {
  name: string
  colour: string
  points: readonly (readonly [number, number])[]
}

interface Props {
  series: Series[]
  logY?: boolean
  /** Log x axis (cost axes spanning decades). */
  logX?: boolean
  /** Include 0 in a linear y axis (default true). */
  yZero?: boolean
  /** Draw the series names inside the plot (default true); false when the page shows its own legend. */
  legend?: boolean
  xLabel: string
  yLabel: string
  highlightX?: number
  width?: number
  height?: number
  testId?: string
}

export function LineChart({ series, logY = false, logX = false, yZero = true, legend = true, xLabel, yLabel, highlightX, width = 420, height = 220, testId }: Props) {
  const m = { l: 56, r: 12, t: 10, b: 36 }
  const { x, y, paths } = useMemo(() => {
    const all = series.flatMap((s) => s.points).filter(([u, v]) => Number.isFinite(v) && (!logY || v > 0) && (!logX || u > 0))
    const [x0 = 0, x1 = 1] = extent(all, (p) => p[0])
    const [y0 = 1, y1 = 2] = extent(all, (p) => p[1])
    const xs: ScaleContinuousNumeric<number, number> = logX
      ? scaleLog().domain([x0 || 1, x1 === x0 ? (x0 || 1) * 10 : x1]).range([m.l, width - m.r]).nice()
      : scaleLinear().domain([x0, x1 === x0 ? x0 + 1 : x1]).range([m.l, width - m.r])
    const ys: ScaleContinuousNumeric<number, number> = logY
      ? scaleLog().domain([y0, y1 === y0 ? y0 * 10 : y1]).range([height - m.b, m.t]).nice()
      : scaleLinear().domain([yZero ? Math.min(0, y0) : y0, y1 === y0 ? y0 + 1 : y1]).range([height - m.b, m.t]).nice()
    const gen = line<readonly [number, number]>().x((p) => xs(p[0])).y((p) => ys(p[1]))
    return { x: xs, y: ys, paths: series.map((s) => gen(s.points.filter(([, v]) => Number.isFinite(v) && (!logY || v > 0))) ?? '') }
  }, [series, logY, logX, yZero, width, height, m.l, m.r, m.t, m.b])
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="line-chart" data-testid={testId}>
      {y.ticks(4).map((t) => (
        <g key={`y${t}`}>
          <line x1={m.l} x2={width - m.r} y1={y(t)} y2={y(t)} stroke="#eaeef2" />
          <text x={m.l - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={10}>{y.tickFormat(4, logY ? '.0e' : '.3~g')(t)}</text>
        </g>
      ))}
      {x.ticks(logX ? 4 : 6).map((t) => (
        <text key={`x${t}`} x={x(t)} y={height - m.b + 14} textAnchor="middle" fontSize={10}>{logX ? x.tickFormat(4, '~s')(t) : t}</text>
      ))}
      {highlightX !== undefined && <line x1={x(highlightX)} x2={x(highlightX)} y1={m.t} y2={height - m.b} stroke="#f0883e" strokeDasharray="3 3" />}
      {series.map((s, i) => (
        <g key={s.name}>
          <path d={paths[i]} fill="none" stroke={s.colour} strokeWidth={1.8} />
          {s.points.map(([px, py], j) => (Number.isFinite(py) && (!logY || py > 0) && (!logX || px > 0) ? <circle key={`${px}-${j}`} className="pt" cx={x(px)} cy={y(py)} r={2.5} fill={s.colour} /> : null))}
        </g>
      ))}
      <text x={(m.l + width - m.r) / 2} y={height - 4} textAnchor="middle" fontSize={11}>{xLabel}</text>
      <text transform={`translate(12 ${(m.t + height - m.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize={11}>{yLabel}</text>
      {legend && series.map((s, i) => (
        <text key={`l${s.name}`} x={width - m.r - 4} y={m.t + 12 + 13 * i} textAnchor="end" fontSize={11} fill={s.colour}>{s.name}</text>
      ))}
    </svg>
  )
}
