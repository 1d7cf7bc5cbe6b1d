// A log–log chart of a median line with a shaded lower–upper band per series (the paper's Fig. 2 style).
// d3 does the scales and path strings; React renders the SVG. Values ≤ 0 or non-finite are skipped.
import { memo, useMemo } from 'react'
import { area, line, scaleLog } from 'd3'

export interface BandSeries {
  id: string
  label: string
  colour: string
  points: readonly { x: number; median: number; lower: number; upper: number }[]
}

interface Props {
  series: readonly BandSeries[]
  xLabel: string
  yLabel: string
  width?: number
  height?: number
  testId?: string
  /** A vertical marker (e.g. the σ_t of the illustration). */
  markerX?: number
  /** x range while there is no data. */
  emptyX?: readonly [number, number]
}

const ok = (v: number): boolean => Number.isFinite(v) && v > 0

function decades(lo: number, hi: number): number[] {
  const out: number[] = []
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = 10 ** e
    if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v)
  }
  return out
}

const fmtPow = (v: number): string => {
  const e = Math.round(Math.log10(v))
  return e >= -2 && e <= 2 ? String(v) : `1e${e}`
}

export function LogLogBandChart({ series, xLabel, yLabel, width = 640, height = 380, testId, markerX, emptyX }: Props) {
  const m = { l: 62, r: 150, t: 14, b: 42 }
  const geom = useMemo(() => {
    const pts = series.flatMap((s) => s.points)
    const xs = pts.map((p) => p.x).filter(ok)
    const ys = pts.flatMap((p) => [p.median, p.lower, p.upper]).filter(ok)
    const x0 = xs.length ? Math.min(...xs) : (emptyX?.[0] ?? 0.01), x1 = xs.length ? Math.max(...xs) : (emptyX?.[1] ?? 10)
    const y0 = ys.length ? Math.min(...ys) : 1e-6, y1 = ys.length ? Math.max(...ys) : 1
    const x = scaleLog().domain([x0, x1 > x0 ? x1 : x0 * 10]).range([m.l, width - m.r])
    const y = scaleLog().domain([y0, y1 > y0 ? y1 : y0 * 10]).range([height - m.b, m.t]).nice()
    const lineGen = line<{ x: number; median: number }>().x((p) => x(p.x)).y((p) => y(p.median))
    const areaGen = area<{ x: number; lower: number; upper: number }>()
      .x((p) => x(p.x))
      .y0((p) => y(p.lower))
      .y1((p) => y(p.upper))
    const paths = series.map((s) => {
      const med = s.points.filter((p) => ok(p.x) && ok(p.median))
      const band = s.points.filter((p) => ok(p.x) && ok(p.lower) && ok(p.upper))
      return { line: lineGen(med) ?? '', area: areaGen(band) ?? '', med }
    })
    const [yd0, yd1] = y.domain() as [number, number]
    return { x, y, paths, xTicks: decades(x0, x1 > x0 ? x1 : x0 * 10), yTicks: decades(yd0, yd1) }
  }, [series, width, height, m.l, m.r, m.t, m.b, emptyX])
  const { x, y, paths, xTicks, yTicks } = geom
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="loglog-band-chart" data-testid={testId} role="img" aria-label={`${yLabel} against ${xLabel}`}>
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={m.l} x2={width - m.r} y1={y(t)} y2={y(t)} stroke="#eaeef2" />
          <text x={m.l - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={10}>{fmtPow(t)}</text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={x(t)} x2={x(t)} y1={m.t} y2={height - m.b} stroke="#eaeef2" />
          <text x={x(t)} y={height - m.b + 14} textAnchor="middle" fontSize={10}>{fmtPow(t)}</text>
        </g>
      ))}
      <rect x={m.l} y={m.t} width={width - m.l - m.r} height={height - m.t - m.b} fill="none" stroke="#8c959f" />
      {markerX !== undefined && ok(markerX) && (
        <line x1={x(markerX)} x2={x(markerX)} y1={m.t} y2={height - m.b} stroke="#f0883e" strokeDasharray="3 3" />
      )}
      {series.map((s, i) => (
        <SeriesGroup key={s.id} s={s} testId={testId} line={paths[i].line} area={paths[i].area} dots={paths[i].med.map((p) => [x(p.x), y(p.median), p.x, p.median] as const)} xLabel={xLabel} />
      ))}
      <text x={(m.l + width - m.r) / 2} y={height - 6} textAnchor="middle" fontSize={12}>{xLabel}</text>
      <text transform={`translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12}>{yLabel}</text>
      <g data-testid={testId ? `${testId}-legend` : undefined}>
        {series.map((s, i) => (
          <g key={`l${s.id}`} transform={`translate(${width - m.r + 12} ${m.t + 10 + 20 * i})`}>
            <rect x={0} y={-6} width={16} height={10} fill={s.colour} fillOpacity={0.25} stroke={s.colour} />
            <text x={22} y={0} dy="0.3em" fontSize={12}>{s.label}</text>
          </g>
        ))}
      </g>
    </svg>
  )
}

/** One series (band, line, dots) as its own memoised component, so React can render series in separate slices. */
const SeriesGroup = memo(function SeriesGroup({ s, testId, line: d, area: a, dots, xLabel }: {
  s: BandSeries
  testId?: string
  line: string
  area: string
  dots: readonly (readonly [number, number, number, number])[]
  xLabel: string
}) {
  return (
    <g data-testid={testId ? `${testId}-series-${s.id}` : undefined} data-points={dots.length}>
      <path d={a} fill={s.colour} fillOpacity={0.18} stroke="none" />
      <path d={d} fill="none" stroke={s.colour} strokeWidth={1.8} />
      {dots.map(([cx, cy, px, py]) => (
        <circle key={px} cx={cx} cy={cy} r={2.6} fill={s.colour}>
          <title>{`${s.label} — ${xLabel} = ${px}: median ${py.toExponential(2)}`}</title>
        </circle>
      ))}
    </g>
  )
})
