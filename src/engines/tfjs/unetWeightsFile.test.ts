import { describe, expect, it } from 'vitest'
import { unetWeightsFromFile, unetWeightsToFile } from './unetWeightsFile'
import { parameterShapes, type UnetConfig, type UnetWeights } from './unet'

describe('unetWeightsFile', () => {
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
    expect(() => unetWeightsFromFile({ config: { channels: [1, 2], blocks: 1, embedding: 2 }, names: ['a'], shapes: [[1]], data_base64: ['AAA='] })).toThrow(/data_base64\[0\] has 2 bytes, not a whole number of float32 values/)
  })
})
