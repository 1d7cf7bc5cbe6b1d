// Corner plot of d-dimensional samples (§5 "Evaluation"): 1-D histograms on the diagonal (truth as a line,
// samples filled), 2-D densities below the diagonal (samples) and above it (truth, mirrored), 64 bins over a
// fixed range. Canvas + d3 scales and colour map; drawing only — no maths beyond binning.
import { useEffect, useMemo, useRef } from 'react'
import { color, scaleLinear, interpolateViridis, interpolateGreys } from 'd3'

interface Props {
  samples?: Float32Array
  truth?: Float32Array
  d: number
  range?: readonly [number, number]
  bins?: number
  cell?: number
  labels?: string[]
}

function hist1d(x: Float32Array, d: number, k: number, lo: number, hi: number, bins: number): Float64Array {
  const h = new Float64Array(bins)
  const n = x.length / d
  for (let i = 0; i < n; i++) {
    const b = Math.floor(((x[i * d + k]! - lo) / (hi - lo)) * bins)
    if (b >= 0 && b < bins) h[b]!++
  }
  return h
}

function hist2d(x: Float32Array, d: number, a: number, b: number, lo: number, hi: number, bins: number): Float64Array {
  const h = new Float64Array(bins * bins)
  const n = x.length / d
  const s = bins / (hi - lo)
  for (let i = 0; i < n; i++) {
    const u = Math.floor((x[i * d + a]! - lo) * s)
    const v = Math.floor((x[i * d + b]! - lo) * s)
    if (u >= 0 && u < bins && v >= 0 && v < bins) h[v * bins + u]!++
  }
  return h
}

/** 256-entry RGB lookup tables of the two colour maps (d3 scale-chromatic), built once. */
function lookup(f: (t: number) => string, lo: number): Uint8Array {
  const t = new Uint8Array(256 * 3)
  for (let i = 0; i < 256; i++) {
    const c = color(f(lo + ((1 - lo) * i) / 255))?.rgb()
    t[3 * i] = c?.r ?? 0
    t[3 * i + 1] = c?.g ?? 0
    t[3 * i + 2] = c?.b ?? 0
  }
  return t
}
const LUT_SAMPLES = lookup(interpolateViridis, 0.15)
const LUT_TRUTH = lookup(interpolateGreys, 0.25)

const DEFAULT_RANGE = [-3, 3] as const

export function CornerPlot({ samples, truth, d, range = DEFAULT_RANGE, bins = 64, cell = 120, labels }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  const pad = 4
  const size = d * cell
  // the truth never changes during a run: bin it once, not on every lap
  const truthHists = useMemo(() => {
    if (!truth || !truth.length) return undefined
    const [lo, hi] = range
    const one = Array.from({ length: d }, (_, k) => hist1d(truth, d, k, lo, hi, bins))
    const two = new Map<string, Float64Array>()
    for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) two.set(`${c},${r}`, hist2d(truth, d, c, r, lo, hi, bins))
    return { one, two }
  }, [truth, d, range, bins])
  useEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const [lo, hi] = range
    ctx.clearRect(0, 0, size, size)
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, size, size)
    const scratchCanvas = document.createElement('canvas')
    scratchCanvas.width = bins
    scratchCanvas.height = bins
    const scratch = scratchCanvas.getContext('2d')
    if (!scratch) return
    const binW = (cell - 2 * pad) / bins
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) {
        const ox = c * cell, oy = r * cell
        ctx.strokeStyle = '#d0d7de'
        ctx.strokeRect(ox + 0.5, oy + 0.5, cell - 1, cell - 1)
        if (r === c) {
          const series: [Float32Array | undefined, string, boolean][] = [[samples, 'rgba(33, 102, 172, 0.55)', true], [truth, '#111', false]]
          const hs = [samples && samples.length ? hist1d(samples, d, c, lo, hi, bins) : undefined, truthHists?.one[c]]
          const norm = hs.map((h, i) => (h ? (series[i]![0]!.length / d) * (1 / bins) : 1))
          const max = Math.max(1e-12, ...hs.map((h, i) => (h ? Math.max(...h) / norm[i]! : 0)))
          const py = scaleLinear().domain([0, max]).range([oy + cell - pad, oy + pad])
          series.forEach(([, colour, fill], i) => {
            const h = hs[i]
            if (!h) return
            ctx.beginPath()
            ctx.moveTo(ox + pad, oy + cell - pad)
            for (let b = 0; b < bins; b++) {
              const y = py(h[b]! / norm[i]!)
              ctx.lineTo(ox + pad + b * binW, y)
              ctx.lineTo(ox + pad + (b + 1) * binW, y)
            }
            ctx.lineTo(ox + cell - pad, oy + cell - pad)
            if (fill) { ctx.fillStyle = colour; ctx.fill() } else { ctx.strokeStyle = colour; ctx.lineWidth = 1; ctx.stroke() }
          })
        } else {
          const x = r > c ? samples : truth
          if (!x || !x.length) continue
          const h = r > c ? hist2d(x, d, c, r, lo, hi, bins) : truthHists?.two.get(`${c},${r}`)
          if (!h) continue
          const max = Math.max(...h)
          if (max === 0) continue
          const lut = r > c ? LUT_SAMPLES : LUT_TRUTH
          // one pixel per bin in a scratch canvas, then scaled into the cell (fast: no per-bin fillRect)
          const img = scratch.createImageData(bins, bins)
          for (let v = 0; v < bins; v++) for (let u = 0; u < bins; u++) {
            const val = h[v * bins + u]!
            const o = ((bins - 1 - v) * bins + u) * 4
            if (val === 0) { img.data[o + 3] = 0; continue }
            const k = Math.min(255, Math.floor(256 * Math.sqrt(val / max))) * 3
            img.data[o] = lut[k]!
            img.data[o + 1] = lut[k + 1]!
            img.data[o + 2] = lut[k + 2]!
            img.data[o + 3] = 255
          }
          scratch.putImageData(img, 0, 0)
          ctx.imageSmoothingEnabled = false
          ctx.drawImage(scratch.canvas, ox + pad, oy + pad, cell - 2 * pad, cell - 2 * pad)
        }
      }
    }
    ctx.fillStyle = '#57606a'
    ctx.font = '11px system-ui'
    for (let k = 0; k < d; k++) ctx.fillText(labels?.[k] ?? `x${k + 1}`, k * cell + 6, k * cell + 14)
  }, [samples, truth, truthHists, d, range, bins, cell, size, labels])
  return (
    <figure className="corner-plot">
      <canvas ref={ref} width={size} height={size} data-testid="corner-plot" data-points={samples ? samples.length / d : 0} />
      <figcaption>
        Below the diagonal: the current lap&apos;s samples (colour); above: the ground truth (grey); diagonal: 1-D
        histograms (samples filled, truth as a line). Range ({range[0]}, {range[1]}).
      </figcaption>
    </figure>
  )
}
