// Draws a C×H×W image (values in [−2, 2]) scaled up without smoothing; optional PNG download.
import { useEffect, useRef } from 'react'
import { toRgba, type ImageData3 } from '../app/images'

interface Props {
  image?: ImageData3
  label: string
  size?: number
  testId?: string
  downloadName?: string
}

export function ImageCanvas({ image, label, size = 128, testId, downloadName }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    if (!image) {
      ctx.clearRect(0, 0, canvas.width, canvas.height)
      return
    }
    canvas.width = image.w
    canvas.height = image.h
    ctx.putImageData(new ImageData(toRgba(image) as Uint8ClampedArray<ArrayBuffer>, image.w, image.h), 0, 0)
  }, [image])
  const download = (): void => {
    const a = document.createElement('a')
    a.href = ref.current?.toDataURL('image/png') ?? ''
    a.download = downloadName ?? `${label}.png`
    a.click()
  }
  return (
    <figure className="image-canvas">
      <canvas ref={ref} width={1} height={1} style={{ width: size, height: size, imageRendering: 'pixelated' }} data-testid={testId} data-drawn={image ? 'true' : 'false'} />
      <figcaption>
        {label}
        {image && downloadName !== undefined && (
          <button type="button" className="link" onClick={download} title="download as PNG"> ⤓</button>
        )}
      </figcaption>
    </figure>
  )
}
