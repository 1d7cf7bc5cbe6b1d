import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64, unetWeightsFromFile, unetWeightsToFile } from './unetWeightsFile'
import { parameterShapes, type UnetConfig, type UnetWeights } from './unet'

describe('unetWeightsFile', () => {
  it('base64 equals Node\'s Buffer encoding for every length mod 3, and decodes back', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 31, 256]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255)
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'))
      expect(Array.from(fromBase64(toBase64(b)))).toEqual(Array.from(b))
    }
  })
  it('round-trips weights exactly and reads models/mnist-unet-style files', () => {
    const config: UnetConfig = { channels: [2, 3], blocks: 1, embedding: 4 }
    const shapes = parameterShapes(config)
    const w: UnetWeights = { config, names: shapes.map(([n]) => n), shapes: shapes.map(([, s]) => s), data: shapes.map(([, s], k) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + k) * 1e3 ** (i % 3 - 1))) }
    const f = JSON.parse(JSON.stringify(unetWeightsToFile(w, { lap: 3 })))
    expect(f.data_base64[0]).toBe(Buffer.from(w.data[0]!.buffer).toString('base64'))
    const back = unetWeightsFromFile(f)
    expect(back.config).toEqual(config)
    expect(back.names).toEqual(w.names)
    back.data.forEach((d, i) => expect(Array.from(d)).toEqual(Array.from(w.data[i]!)))
  })
  it('rejects malformed files with a specific message', () => {
    expect(() => unetWeightsFromFile(null)).toThrow(/not an object/)
    expect(() => unetWeightsFromFile({ config: { channels: [1], blocks: 1, embedding: 2 } })).toThrow(/config must be/)
    expect(() => unetWeightsFromFile({ config: { channels: [1, 2], blocks: 1, embedding: 2 }, names: ['a'], shapes: [[1]], data_base64: [] })).toThrow(/1 names, 1 shapes, 0 arrays/)
    expect(() => unetWeightsFromFile({ config: { channels: [1, 2], blocks: 1, embedding: 2 }, names: ['a'], shapes: [[1]], data_base64: ['AAA='] })).toThrow(/not a multiple of 4/)
  })
})
