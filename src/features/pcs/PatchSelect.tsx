// An image on which the user drags a rectangle (the patch); the patch is drawn as an outline. Pointer drag
// (mouse, pen, touch); the number inputs in the run panel are the keyboard way to the same setting.
import { useRef, useState, type PointerEvent } from 'react'
import { ImageCanvas } from '../../components/ImageCanvas'
import type { ImageData3 } from '../../app/images'
import type { PcRectConfig } from '../../core/pcs/config'

interface Props {
  image?: ImageData3
  label: string
  rect: PcRectConfig | null
  onChange: (r: PcRectConfig | null) => void
  disabled?: boolean
  size?: number
}

export function PatchSelect({ image, label, rect, onChange, disabled, size = 160 }: Props) {
  const box = useRef<HTMLDivElement>(null)
  const [drag, setDrag] = useState<{ a: [number, number]; b: [number, number] } | null>(null)
  const h = image?.h ?? 1, w = image?.w ?? 1
  const pixel = (e: PointerEvent): [number, number] => {
    const r = box.current?.getBoundingClientRect()
    if (!r) return [0, 0]
    return [Math.max(0, Math.min(w - 1, Math.floor(((e.clientX - r.left) / r.width) * w))), Math.max(0, Math.min(h - 1, Math.floor(((e.clientY - r.top) / r.height) * h)))]
  }
  const toRect = (d: { a: [number, number]; b: [number, number] }): PcRectConfig => ({
    x0: Math.min(d.a[0], d.b[0]), y0: Math.min(d.a[1], d.b[1]), x1: Math.max(d.a[0], d.b[0]) + 1, y1: Math.max(d.a[1], d.b[1]) + 1,
  })
  const shown = drag ? toRect(drag) : rect
  return (
    <div className="patch-select">
      <div
        ref={box}
        className="patch-box"
        style={{ width: size, height: size, touchAction: 'none', cursor: disabled ? 'default' : 'crosshair' }}
        data-testid="pcs-patch"
        onPointerDown={(e) => {
          if (disabled || !image) return
          e.currentTarget.setPointerCapture(e.pointerId)
          const p = pixel(e)
          setDrag({ a: p, b: p })
        }}
        onPointerMove={(e) => { if (drag) setDrag({ a: drag.a, b: pixel(e) }) }}
        onPointerUp={() => {
          if (!drag) return
          const r = toRect(drag)
          setDrag(null)
          onChange(r.x0 === 0 && r.y0 === 0 && r.x1 === w && r.y1 === h ? null : r)
        }}
      >
        <ImageCanvas image={image} label="" size={size} testId="pcs-patch-image" />
        {shown && (
          <div
            className="patch-outline"
            data-testid="pcs-patch-outline"
            style={{ left: (shown.x0 / w) * size, top: (shown.y0 / h) * size, width: ((shown.x1 - shown.x0) / w) * size, height: ((shown.y1 - shown.y0) / h) * size }}
          />
        )}
      </div>
      <p className="hint">{label}</p>
    </div>
  )
}
