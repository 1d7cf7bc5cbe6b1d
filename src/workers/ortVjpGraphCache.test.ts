import { describe, expect, it } from 'vitest'
import { graphCacheKey, loadGraphs, saveGraphs, sha256Hex } from './ortVjpGraphCache'
import { TRANSFORM_VERSION } from '../engines/onnx/ortvjp/transform'

const opts = { x: 'x', sigma: 'sigma', sampleShape: [3, 32, 32] }

describe('the ORT executor graph cache', () => {
  it('keys by transform version, model hash, sample shape and input names', () => {
    const k = graphCacheKey('ab12', opts)
    expect(k).toBe(`t${TRANSFORM_VERSION}|ab12|3x32x32|x|sigma`)
    expect(graphCacheKey('ab13', opts)).not.toBe(k)
    expect(graphCacheKey('ab12', opts, TRANSFORM_VERSION + 1)).not.toBe(k)
    expect(graphCacheKey('ab12', { ...opts, sampleShape: [1, 64, 64] })).not.toBe(k)
    expect(graphCacheKey('ab12', { ...opts, x: 'input' })).not.toBe(k)
  })
  it('hashes the model bytes with SHA-256', async () => {
    // SHA-256("abc")
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
  it('without IndexedDB (Node, a blocked browser context) it misses and says why it could not keep the graphs', async () => {
    expect(await loadGraphs('t1|ab12|3x32x32|x|sigma')).toBeUndefined()
    const models = { forward: new Uint8Array(1), backward: new Uint8Array(1), saved: [], cotangent: 'v', gradient: 'g', output: 'y', stats: { nodes: 0, active: 0, backwardNodes: 0, savedValues: 0 } }
    expect(await saveGraphs('k', models)).toMatch(/not cached \(IndexedDB is not available/)
  })
})
