// The .npy reader behind `npm run bench:studio -- --dataset=mri` against hand-built files with known bytes.
import { describe, expect, it } from 'vitest'
import { readNpyUint8 } from '../../bench/mriTest'

/** A version-1 .npy file: magic, header padded with spaces to a 64-byte boundary and ended by '\n', then data. */
function npy(header: string, data: number[], major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12
  let h = header
  while ((pre + h.length + 1) % 64 !== 0) h += ' '
  h += '\n'
  const out = new Uint8Array(pre + h.length + data.length)
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), major, 0])
  const dv = new DataView(out.buffer)
  if (major === 1) dv.setUint16(8, h.length, true)
  else dv.setUint32(8, h.length, true)
  out.set(Array.from(h, (c) => c.charCodeAt(0)), pre)
  out.set(data, pre + h.length)
  return out
}

describe('readNpyUint8', () => {
  it('reads the shape and the bytes of a uint8 array (format 1.0 and 2.0)', () => {
    for (const major of [1, 2]) {
      const r = readNpyUint8(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 3), }", [0, 1, 2, 253, 254, 255], major))
      expect(r.shape).toEqual([2, 1, 3])
      expect(Array.from(r.data)).toEqual([0, 1, 2, 253, 254, 255])
    }
  })
  it('names what is wrong with other files', () => {
    expect(() => readNpyUint8(new Uint8Array(16))).toThrow(/bad magic/)
    expect(() => readNpyUint8(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]))).toThrow(/dtype <f4/)
    expect(() => readNpyUint8(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (1,), }", [0]))).toThrow(/Fortran/)
    expect(() => readNpyUint8(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", [0, 1]))).toThrow(/2 bytes; the shape needs 4/)
  })
})
