// A principal component as an image: the channel mean of v on a diverging scale (d3 RdBu; red +, blue −,
// white 0), symmetric about 0 and scaled to max |v|.
import { useEffect, useRef } from 'react'
import { interpolateRdBu, rgb } from 'd3'

interface Props {
  v: Float32Array
  shape: readonly [number, number, number]
  label: string
  size?: number
  testId?: string
}

export function divergingRgba(v: Float32Array, shape: readonly [number, number, number]): { rgba: Uint8ClampedArray; max: number } {
  const [c, h, w] = shape
  const n = h * w
  const mean = new Float32Array(n)
  let max = 0
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = 0; k < c; k++) s += v[k * n + i]! / c
    mean[i] = s
    max = Math.max(max, Math.abs(s))
  }
  const rgba = new Uint8ClampedArray(4 * n)
  for (let i = 0; i < n; i++) {
    const col = rgb(interpolateRdBu(0.5 - (0.5 * mean[i]!) / (max || 1)))
    rgba[4 * i] = col.r; rgba[4 * i + 1] = col.g; rgba[4 * i + 2] = col.b; rgba[4 * i + 3] = 255
  }
  return { rgba, max }
}

export function DivergingImage({ v, shape, label, size = 96, testId }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const [, h, w] = shape
    canvas.width = w
    canvas.height = h
    ctx.putImageData(new ImageData(divergingRgba(v, shape).rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0)
  }, [v, shape])
  return (
    <figure className="image-canvas">
      <canvas ref={ref} width={1} height={1} style={{ width: size, height: size, imageRendering: 'pixelated' }} data-testid={testId} data-drawn="true" role="img" aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  )
}
