// A 3-D point cloud drawn on a canvas with an orthographic oblique projection: rotate by `azimuth` about the
// vertical (third) axis, then tilt by `elevation`. Dragging rotates (reported through onRotate, so several
// panels can share one view). d3 supplies the scales; the points are plain row-major n×3 arrays.
import { useEffect, useRef } from 'react'
import { scaleLinear } from 'd3'

export interface ScatterSet {
  id: string
  label: string
  colour: string
  /** Row-major n × 3. */
  points: ArrayLike<number>
  /** Square size in CSS pixels. */
  size?: number
  alpha?: number
}

interface Props {
  sets: readonly ScatterSet[]
  azimuth: number
  elevation: number
  onRotate?: (azimuth: number, elevation: number) => void
  /** The cube [lo, hi]³ that frames the view. */
  range?: readonly [number, number]
  axisLabels?: readonly [string, string, string]
  width?: number
  height?: number
  title?: string
  testId?: string
}

/** Screen coordinates (before scaling) and depth of a point under the view. */
export function project(x: number, y: number, z: number, azimuth: number, elevation: number): [number, number, number] {
  const ca = Math.cos(azimuth), sa = Math.sin(azimuth), ce = Math.cos(elevation), se = Math.sin(elevation)
  const xr = x * ca - y * sa
  const yr = x * sa + y * ca
  return [xr, z * ce - yr * se, yr * ce + z * se]
}

export function Scatter3D({ sets, azimuth, elevation, onRotate, range = [-3, 3], axisLabels = ['x₁', 'x₂', 'x₃'], width = 280, height = 280, title, testId }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  const drag = useRef<{ x: number; y: number; az: number; el: number } | undefined>(undefined)

  useEffect(() => {
    // Drawn in a task of its own, so that several panels mounting together never add up to one long task.
    const timer = setTimeout(draw, 0)
    return () => clearTimeout(timer)
    function draw(): void {
      const canvas = ref.current
      const ctx = canvas?.getContext('2d')
      if (!canvas || !ctx) return
      const dpr = globalThis.devicePixelRatio || 1
      canvas.width = Math.round(width * dpr)
      canvas.height = Math.round(height * dpr)
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, width, height)
      const [lo, hi] = range
      const half = ((hi - lo) / 2) * Math.sqrt(3)
      const mid = (lo + hi) / 2
      const sx = scaleLinear().domain([-half, half]).range([8, width - 8])
      const sy = scaleLinear().domain([-half, half]).range([height - 8, 8])
      const toScreen = (x: number, y: number, z: number): [number, number] => {
        const [px, py] = project(x - mid, y - mid, z - mid, azimuth, elevation)
        return [sx(px), sy(py)]
      }
      // the framing cube
      ctx.strokeStyle = '#d0d7de'
      ctx.lineWidth = 1
      const c = [lo, hi]
      for (let a = 0; a < 3; a++) for (const u of c) for (const v of c) {
        const p0 = [0, 0, 0], p1 = [0, 0, 0]
        const others = [0, 1, 2].filter((k) => k !== a)
        p0[a] = lo; p1[a] = hi
        p0[others[0]] = u; p1[others[0]] = u
        p0[others[1]] = v; p1[others[1]] = v
        const [x0, y0] = toScreen(p0[0], p0[1], p0[2]), [x1, y1] = toScreen(p1[0], p1[1], p1[2])
        ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke()
      }
      ctx.fillStyle = '#57606a'
      ctx.font = '11px system-ui, sans-serif'
      const ends: [number, number, number][] = [[hi, lo, lo], [lo, hi, lo], [lo, lo, hi]]
      ends.forEach((e, k) => {
        const [x, y] = toScreen(e[0] + (k === 0 ? 0.3 : 0), e[1] + (k === 1 ? 0.3 : 0), e[2] + (k === 2 ? 0.3 : 0))
        ctx.fillText(axisLabels[k], x - 4, y + 4)
      })
      for (const set of sets) {
        const s = set.size ?? 2
        ctx.globalAlpha = set.alpha ?? 0.6
        ctx.fillStyle = set.colour
        const p = set.points
        for (let i = 0; i + 2 < p.length; i += 3) {
          const [x, y] = toScreen(p[i], p[i + 1], p[i + 2])
          ctx.fillRect(x - s / 2, y - s / 2, s, s)
        }
      }
      ctx.globalAlpha = 1
    }
  }, [sets, azimuth, elevation, range, axisLabels, width, height])

  return (
    <figure className="scatter3d" style={{ margin: 0, width }} data-testid={testId} data-sets={sets.length} data-points={sets.reduce((n, s) => n + Math.floor(s.points.length / 3), 0)}>
      <canvas
        ref={ref}
        style={{ width, height, cursor: onRotate ? 'grab' : 'default', touchAction: 'none' }}
        onPointerDown={(e) => {
          if (!onRotate) return
          e.currentTarget.setPointerCapture(e.pointerId)
          drag.current = { x: e.clientX, y: e.clientY, az: azimuth, el: elevation }
        }}
        onPointerMove={(e) => {
          const d = drag.current
          if (!d || !onRotate) return
          const el = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, d.el + (e.clientY - d.y) * 0.01))
          onRotate(d.az + (e.clientX - d.x) * 0.01, el)
        }}
        onPointerUp={() => { drag.current = undefined }}
        onPointerCancel={() => { drag.current = undefined }}
      />
      {(title || sets.length > 0) && (
        <figcaption style={{ fontSize: '0.85rem' }}>
          {title && <strong style={{ display: 'block' }}>{title}</strong>}
          {sets.map((s) => (
            <span key={s.id} style={{ marginLeft: '0.6rem', fontSize: '0.85rem' }}>
              <span style={{ display: 'inline-block', width: 9, height: 9, background: s.colour, marginRight: 3 }} />
              {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  )
}
