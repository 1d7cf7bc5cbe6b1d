// Reads held-out MRI TEST-subject slices straight from ../shared/data/mri (IXI, CC BY-SA 3.0; never committed):
// t1_axial_64.npy (uint8 [1932, 64, 64]) and t1_axial_64.json (per-row subject and slice index, and the
// train/test split by subject — the split models/mri-unet/data.py trains and evaluates on).
// Picks `n` test slices by a seeded shuffle of their rows; returns N×1×64×64 in [−2, 2] (x = 4·u8/255 − 2).
import { existsSync, readFileSync } from 'node:fs'
import { mulberry32 } from '../src/core/linalg/random'

export const DEFAULT_MRI_ROOT = '../shared/data/mri'

interface MriMeta {
  slices: { subject: string; index: number }[]
  split: { train: string[]; test: string[] }
}

/** A C-order uint8 .npy array (format 1.x / 2.x): its shape and data. */
export function readNpyUint8(buf: Uint8Array): { shape: number[]; data: Uint8Array } {
  const magic = String.fromCharCode(...buf.subarray(0, 6))
  if (magic !== '\x93NUMPY') throw new Error('not a .npy file (bad magic)')
  const major = buf[6]!
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true)
  const hstart = major === 1 ? 10 : 12
  const header = new TextDecoder('latin1').decode(buf.subarray(hstart, hstart + hlen))
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  if (descr !== '|u1' && descr !== '<u1') throw new Error(`.npy dtype ${descr ?? '?'}; expected uint8 (|u1)`)
  if (/'fortran_order':\s*True/.test(header)) throw new Error('.npy in Fortran order is not supported')
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (shapeText === undefined) throw new Error('.npy header has no shape')
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number)
  const count = shape.reduce((a, b) => a * b, 1)
  const data = buf.subarray(hstart + hlen, hstart + hlen + count)
  if (data.length !== count) throw new Error(`.npy data has ${data.length} bytes; the shape needs ${count}`)
  return { shape, data }
}

export function loadMriTest(root: string, n: number, seed: number): { images: Float32Array; names: string[]; pool: number; subjects: string[] } {
  const npy = `${root}/t1_axial_64.npy`, json = `${root}/t1_axial_64.json`
  if (!existsSync(npy) || !existsSync(json)) throw new Error(`MRI slices not found at ${root} (see ../shared/data/mri/README.md)`)
  const { shape, data } = readNpyUint8(new Uint8Array(readFileSync(npy)))
  const meta = JSON.parse(readFileSync(json, 'utf8')) as MriMeta
  const [rows, h, w] = shape as [number, number, number]
  if (shape.length !== 3 || h !== 64 || w !== 64) throw new Error(`MRI slices have shape [${shape.join(', ')}], expected [N, 64, 64]`)
  if (meta.slices.length !== rows) throw new Error(`t1_axial_64.json lists ${meta.slices.length} slices, the array has ${rows}`)
  const test = new Set(meta.split.test)
  const idx = meta.slices.flatMap((s, i) => (test.has(s.subject) ? [i] : []))
  if (n > idx.length) throw new Error(`--n=${n} but the test subjects have only ${idx.length} slices`)
  const u = mulberry32(seed)
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1))
    ;[idx[i], idx[j]] = [idx[j]!, idx[i]!]
  }
  const pick = idx.slice(0, n)
  const px = h * w
  const images = new Float32Array(n * px)
  pick.forEach((row, k) => {
    for (let p = 0; p < px; p++) images[k * px + p] = (4 * data[row * px + p]!) / 255 - 2
  })
  return { images, names: pick.map((r) => `${meta.slices[r]!.subject} z${meta.slices[r]!.index}`), pool: idx.length, subjects: [...test].sort() }
}
