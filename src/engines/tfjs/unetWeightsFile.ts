// The U-Net weights as one JSON file: the format of models/mnist-unet/tfjs-weights.json (export.py), so that a
// U-Net learned by the image EM lab (`npm run cli -- em-images --weights-out w.json`) and the clean-trained one
// are read the same way. {format, config, names, shapes, data_base64}: data_base64[i] is the float32
// little-endian bytes of the i-th array (parameterShapes order), base64. Model space x = 2p − 1, σ in model units.
// Pure (no tfjs; base64 as the run files, runFile.ts); importUnet (unet.ts) checks the names and sizes against the config.
import type { UnetConfig, UnetWeights } from './unet'
import { fromBase64, toBase64 } from '../../app/persistence/runFile'

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

export function unetWeightsToFile(w: UnetWeights, meta?: Record<string, unknown>): UnetWeightsFile {
  return { format: UNET_WEIGHTS_FORMAT, config: w.config, names: [...w.names], shapes: w.shapes.map((s) => [...s]), data_base64: w.data.map((d) => toBase64(d)), ...(meta ? { meta } : {}) }
}

/** Parses a weights file (the object of JSON.parse); throws a specific message on a malformed one. */
export function unetWeightsFromFile(f: unknown): UnetWeights {
  const o = f as Partial<UnetWeightsFile> | null
  if (!o || typeof o !== 'object') throw new Error('U-Net weights file: not an object')
  const c = o.config
  if (!c || !Array.isArray(c.channels) || c.channels.length !== 2 || typeof c.blocks !== 'number' || typeof c.embedding !== 'number') throw new Error('U-Net weights file: config must be {channels: [c0, c1], blocks, embedding}')
  if (!Array.isArray(o.names) || !Array.isArray(o.shapes) || !Array.isArray(o.data_base64)) throw new Error('U-Net weights file: names, shapes and data_base64 must be arrays')
  if (o.names.length !== o.data_base64.length || o.shapes.length !== o.data_base64.length) throw new Error(`U-Net weights file: ${o.names.length} names, ${o.shapes.length} shapes, ${o.data_base64.length} arrays`)
  const data = o.data_base64.map((b, i) => fromBase64(b, `U-Net weights file: data_base64[${i}]`))
  return { config: { channels: [c.channels[0]!, c.channels[1]!], blocks: c.blocks, embedding: c.embedding }, names: o.names, shapes: o.shapes, data }
}
