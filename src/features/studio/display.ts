// Turns studio arrays into displayable images (values mapped into the canvas range [−2, 2]).
import type { ImageData3 } from '../../app/images'
import type { CorruptionKind } from '../../core/studio/config'

/** y in its natural shape: image-shaped for masks/blur, smaller for SR, log|k| of complex k-space for MRI. */
export function observationImage(y: Float32Array, yShape: readonly number[], kind: CorruptionKind): ImageData3 {
  const [c = 1, h = 1, w = 1] = yShape
  if (kind !== 'mri') return { data: y, c, h, w }
  const n = h * w
  const mag = new Float32Array(n)
  let max = 0
  for (let i = 0; i < n; i++) {
    mag[i] = Math.log1p(Math.hypot(y[i]!, y[n + i]!))
    max = Math.max(max, mag[i]!)
  }
  return { data: mag.map((v) => (4 * v) / (max || 1) - 2), c: 1, h, w }
}

export function imageAt(data: Float32Array | undefined, i: number, c: number, h: number, w: number): ImageData3 | undefined {
  const n = c * h * w
  if (!data || data.length < (i + 1) * n) return undefined
  return { data: data.subarray(i * n, (i + 1) * n), c, h, w }
}
