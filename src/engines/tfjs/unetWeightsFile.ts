// The U-Net weights as one JSON file: the format of models/mnist-unet/tfjs-weights.json (export.py), so that a
// U-Net learned by the image EM lab (`npm run cli -- em-images --weights-out w.json`) and the clean-trained one
// are read the same way. {format, config, names, shapes, data_base64}: data_base64[i] is the float32
// little-endian bytes of the i-th array (parameterShapes order), base64. Model space x = 2p − 1, σ in model units.
// Pure (no tfjs); importUnet (unet.ts) checks the names and sizes against the config.
import type { UnetConfig, UnetWeights } from './unet'

export const UNET_WEIGHTS_FORMAT = 'UnetWeights of src/engines/tfjs/unet.ts (importUnet), model space x = 2p − 1, σ in model units; data_base64: float32 little-endian, one array per name in parameterShapes order'

export interface UnetWeightsFile {
  format: string
  config: UnetConfig
  names: string[]
  shapes: number[][]
  data_base64: string[]
  /** Free-form provenance (preset, lap, covariance, …); ignored by the reader. */
  meta?: Record<string, unknown>
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (b === undefined ? '=' : B64[(n >> 6) & 63]!) + (c === undefined ? '=' : B64[n & 63]!)
  }
  return s
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let o = 0
  for (let i = 0; i < clean.length; i += 4) {
    let n = 0
    for (let k = 0; k < 4; k++) {
      const ch = clean[i + k]
      const v = ch === undefined ? 0 : B64.indexOf(ch)
      if (v < 0) throw new Error(`U-Net weights file: invalid base64 character "${ch}"`)
      n = (n << 6) | v
    }
    if (o < out.length) out[o++] = (n >> 16) & 255
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}

function f32Bytes(a: Float32Array): Uint8Array {
  const le = new Float32Array(a) // copy: own, aligned buffer (the host is little-endian on every target)
  return new Uint8Array(le.buffer)
}

export function unetWeightsToFile(w: UnetWeights, meta?: Record<string, unknown>): UnetWeightsFile {
  return { format: UNET_WEIGHTS_FORMAT, config: w.config, names: [...w.names], shapes: w.shapes.map((s) => [...s]), data_base64: w.data.map((d) => toBase64(f32Bytes(d))), ...(meta ? { meta } : {}) }
}

/** Parses a weights file (the object of JSON.parse); throws a specific message on a malformed one. */
export function unetWeightsFromFile(f: unknown): UnetWeights {
  const o = f as Partial<UnetWeightsFile> | null
  if (!o || typeof o !== 'object') throw new Error('U-Net weights file: not an object')
  const c = o.config
  if (!c || !Array.isArray(c.channels) || c.channels.length !== 2 || typeof c.blocks !== 'number' || typeof c.embedding !== 'number') throw new Error('U-Net weights file: config must be {channels: [c0, c1], blocks, embedding}')
  if (!Array.isArray(o.names) || !Array.isArray(o.shapes) || !Array.isArray(o.data_base64)) throw new Error('U-Net weights file: names, shapes and data_base64 must be arrays')
  if (o.names.length !== o.data_base64.length || o.shapes.length !== o.data_base64.length) throw new Error(`U-Net weights file: ${o.names.length} names, ${o.shapes.length} shapes, ${o.data_base64.length} arrays`)
  const data = o.data_base64.map((b, i) => {
    const bytes = fromBase64(b)
    if (bytes.length % 4 !== 0) throw new Error(`U-Net weights file: array ${i} has ${bytes.length} bytes, not a multiple of 4`)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
  })
  return { config: { channels: [c.channels[0]!, c.channels[1]!], blocks: c.blocks, embedding: c.embedding }, names: o.names, shapes: o.shapes, data }
}
