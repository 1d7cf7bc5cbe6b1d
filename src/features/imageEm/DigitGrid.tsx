// A grid of 28×28 grey digits on one canvas (model space [−1, 1] → black..white), drawn pixelated. With
// `masks`, a deleted pixel (mask 0) is drawn blue so an observation shows what is missing.
import { useEffect, useRef } from 'react'
import { DIGIT_PIXELS, DIGIT_SIZE } from '../../core/emImages/digits'

interface Props {
  /** k × 784 values in [−1, 1]; k images, drawn row-major in `cols` columns. */
  images: Float32Array
  cols: number
  masks?: Float32Array
  /** CSS pixels per digit pixel. */
  scale?: number
  label: string
  testId?: string
}

const GAP = 1

export function DigitGrid({ images, cols, masks, scale = 2, label, testId }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  const count = Math.floor(images.length / DIGIT_PIXELS)
  const rows = Math.max(1, Math.ceil(count / cols))
  const w = cols * (DIGIT_SIZE + GAP) - GAP
  const h = rows * (DIGIT_SIZE + GAP) - GAP
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    const rgba = new Uint8ClampedArray(4 * w * h).fill(255)
    for (let k = 0; k < count; k++) {
      const ox = (k % cols) * (DIGIT_SIZE + GAP)
      const oy = Math.floor(k / cols) * (DIGIT_SIZE + GAP)
      for (let p = 0; p < DIGIT_PIXELS; p++) {
        const i = 4 * ((oy + Math.floor(p / DIGIT_SIZE)) * w + ox + (p % DIGIT_SIZE))
        const missing = masks !== undefined && masks[k * DIGIT_PIXELS + p] === 0
        const v = Math.round(127.5 * (Math.max(-1, Math.min(1, images[k * DIGIT_PIXELS + p]!)) + 1))
        rgba[i] = missing ? 40 : v
        rgba[i + 1] = missing ? 90 : v
        rgba[i + 2] = missing ? 200 : v
      }
    }
    ctx.putImageData(new ImageData(rgba, w, h), 0, 0)
  }, [images, masks, cols, count, w, h])
  return (
    <canvas ref={ref} width={w} height={h} role="img" aria-label={label} data-testid={testId} data-count={count}
      style={{ width: w * scale, maxWidth: '100%', imageRendering: 'pixelated', background: '#fff' }} />
  )
}
