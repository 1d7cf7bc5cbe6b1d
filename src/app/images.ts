// Image ↔ tensor-data conversions at the page edge: PNG/JPEG decoding is the browser's (createImageBitmap),
// values map to the models' range [−2, 2] (x = 4·u8/255 − 2) in planar NCHW order.

export interface ImageData3 {
  /** C×H×W, values in [−2, 2]. */
  data: Float32Array
  c: number
  h: number
  w: number
  /** Where it was decoded from a file: that file's own size (before the centre crop and resize). */
  source?: { w: number; h: number }
}

export class ImageInputError extends Error {}

/** Decodes a Blob and resizes/centre-crops it to h×w with c channels (1 = luminance). */
export async function decodeImage(blob: Blob, c: number, h: number, w: number): Promise<ImageData3> {
  let bmp: ImageBitmap
  try {
    bmp = await createImageBitmap(blob)
  } catch {
    throw new ImageInputError(`This file is not an image the browser can decode (${blob.type || 'unknown type'}). Use PNG or JPEG.`)
  }
  const side = Math.min(bmp.width, bmp.height)
  if (side < 8) throw new ImageInputError(`The image is ${bmp.width}×${bmp.height}; it needs at least 8 pixels on its short side.`)
  const source = { w: bmp.width, h: bmp.height }
  // crop and resize inside createImageBitmap (asynchronous, off the main thread): a 4000×3000 photo drawn
  // down to 32×32 on a canvas took 100–170 ms of main-thread time
  let small: ImageBitmap
  try {
    small = await createImageBitmap(bmp, Math.floor((bmp.width - side) / 2), Math.floor((bmp.height - side) / 2), side, side, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' })
  } finally {
    bmp.close()
  }
  const canvas = new OffscreenCanvas(w, h)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new ImageInputError('no 2-D canvas available')
  ctx.drawImage(small, 0, 0)
  small.close()
  const rgba = ctx.getImageData(0, 0, w, h).data
  const data = new Float32Array(c * h * w)
  for (let i = 0; i < h * w; i++) {
    if (c === 1) {
      const y = 0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!
      data[i] = (4 * y) / 255 - 2
    } else {
      for (let k = 0; k < c; k++) data[k * h * w + i] = (4 * rgba[4 * i + k]!) / 255 - 2
    }
  }
  return { data, c, h, w, source }
}

/** What decoding did to a file's size, for the page ("4000×3000 centre-cropped to 3000×3000 and resized to 32×32"); undefined when nothing changed. */
export function resizeNote(img: ImageData3): string | undefined {
  const s = img.source
  if (!s || (s.w === img.w && s.h === img.h)) return undefined
  const side = Math.min(s.w, s.h)
  const crop = s.w !== s.h ? `centre-cropped to ${side}×${side} and ` : ''
  return `${s.w}×${s.h} ${crop}resized to ${img.w}×${img.h}`
}

/** RGBA bytes of a C×H×W image in [lo, hi] (clipped), for a canvas. */
export function toRgba(img: ImageData3, lo = -2, hi = 2): Uint8ClampedArray {
  const { data, c, h, w } = img
  const out = new Uint8ClampedArray(4 * h * w)
  const s = 255 / (hi - lo)
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) out[4 * i + k] = (data[(c === 1 ? 0 : k) * h * w + i]! - lo) * s
    out[4 * i + 3] = 255
  }
  return out
}
