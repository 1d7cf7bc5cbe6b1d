import { describe, expect, it } from 'vitest'
import {
  boundFor, cacheKey, chosenTiming, explain, prescreen, forcedVerdict, measuredVerdict, measurementOrder, MIN_BACKEND_MS, pickFastest, usableCached,
  type BackendTiming, type MeasureEnvironment, type Workload,
} from './backendChoice'

const swiftshader: MeasureEnvironment = {
  userAgent: 'Mozilla/5.0 Chrome/156.0.0.0',
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
  webglRenderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
}
const unet: Workload = { kind: 'unet', label: 'cifar10-unet', modelHash: 'abc123', shape: [3, 32, 32], batch: 2 }

describe('pickFastest', () => {
  it('picks the lowest steady-state time', () => {
    const t: BackendTiming[] = [
      { backend: 'wasm', status: 'timed', ms: 70, firstMs: 90 },
      { backend: 'webgl', status: 'timed', ms: 40, firstMs: 900 },
      { backend: 'webgpu', status: 'timed', ms: 55, firstMs: 1200 },
    ]
    expect(pickFastest(t).chosen).toBe('webgl')
    expect(pickFastest(t).runnerUp?.backend).toBe('webgpu')
  })
  it('ranks a backend abandoned past its bound after every timed one, even a slow timed one', () => {
    const t: BackendTiming[] = [
      { backend: 'webgpu', status: 'abandoned', atLeastMs: 800 },
      { backend: 'wasm', status: 'timed', ms: 1500, firstMs: 1600 },
    ]
    expect(pickFastest(t).chosen).toBe('wasm')
  })
  it('ignores failed and skipped backends, and says why when nothing could run', () => {
    const t: BackendTiming[] = [
      { backend: 'webgpu', status: 'failed', reason: 'mapAsync failed' },
      { backend: 'cpu', status: 'skipped', reason: 'wasm works' },
      { backend: 'wasm', status: 'timed', ms: 9, firstMs: 10 },
    ]
    expect(pickFastest(t).chosen).toBe('wasm')
    expect(() => pickFastest([{ backend: 'webgpu', status: 'failed', reason: 'mapAsync failed' }])).toThrow(/webgpu: mapAsync failed/)
    expect(() => pickFastest([{ backend: 'webgpu', status: 'abandoned', atLeastMs: 500 }])).toThrow(/no backend could run/)
  })
})

describe('explain', () => {
  it('names the choice, the ratio to the runner-up and a software adapter', () => {
    const t: BackendTiming[] = [
      { backend: 'wasm', status: 'timed', ms: 50, firstMs: 60 },
      { backend: 'webgpu', status: 'timed', ms: 700, firstMs: 2000 },
      { backend: 'webgl', status: 'timed', ms: 900, firstMs: 1500 },
    ]
    expect(explain('wasm', t, swiftshader, 'cifar10-unet')).toBe('wasm — 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet')
  })
  it('gives a lower bound for an abandoned runner-up and one decimal below 10×', () => {
    const t: BackendTiming[] = [
      { backend: 'wasm', status: 'timed', ms: 100, firstMs: 120 },
      { backend: 'webgl', status: 'abandoned', atLeastMs: 250 },
    ]
    expect(explain('wasm', t, swiftshader, 'manifold MLP')).toBe('wasm — ≥ 2.5× faster than webgl (SwiftShader, software renderer) for manifold MLP')
  })
  it('says when only one backend could run it', () => {
    expect(explain('cpu', [{ backend: 'cpu', status: 'timed', ms: 5, firstMs: 5 }], { userAgent: 'x' }, 'toy')).toBe('cpu — the only backend that can run toy here')
  })
  it('names a hardware adapter by vendor and architecture', () => {
    const env: MeasureEnvironment = { userAgent: 'x', adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: '', isFallbackAdapter: false } }
    const t: BackendTiming[] = [{ backend: 'webgpu', status: 'timed', ms: 2, firstMs: 300 }, { backend: 'wasm', status: 'timed', ms: 60, firstMs: 70 }]
    expect(explain('webgpu', t, env, 'cifar10-unet')).toBe('webgpu — 30× faster than wasm for cifar10-unet')
    const back: BackendTiming[] = [{ backend: 'wasm', status: 'timed', ms: 2, firstMs: 3 }, { backend: 'webgpu', status: 'timed', ms: 6, firstMs: 300 }]
    expect(explain('wasm', back, env, 'x')).toBe('wasm — 3.0× faster than webgpu (nvidia hopper) for x')
  })
})

describe('cacheKey', () => {
  it('separates browsers, adapters (fallback or not), workloads, models and batch sizes', () => {
    const k = cacheKey(swiftshader, unet)
    expect(cacheKey(swiftshader, unet)).toBe(k)
    expect(cacheKey({ ...swiftshader, userAgent: 'Firefox/140' }, unet)).not.toBe(k)
    expect(cacheKey({ ...swiftshader, adapter: { ...swiftshader.adapter!, isFallbackAdapter: false } }, unet)).not.toBe(k)
    expect(cacheKey({ ...swiftshader, adapter: undefined }, unet)).not.toBe(k)
    expect(cacheKey({ ...swiftshader, webglRenderer: 'ANGLE (NVIDIA)' }, unet)).not.toBe(k)
    expect(cacheKey(swiftshader, { ...unet, modelHash: 'def456' })).not.toBe(k)
    expect(cacheKey(swiftshader, { ...unet, batch: 4 })).not.toBe(k)
    expect(cacheKey(swiftshader, { kind: 'mlp', label: 'manifold MLP', hidden: 256, trainBatch: 256, chunk: 1024 })).not.toBe(k)
    expect(k).toContain('fallback=true')
  })
})

describe('verdicts', () => {
  const timings: BackendTiming[] = [{ backend: 'wasm', status: 'timed', ms: 50, firstMs: 60 }, { backend: 'webgpu', status: 'abandoned', atLeastMs: 900 }]
  it('a measured verdict carries its key, choice and reason', () => {
    const v = measuredVerdict(swiftshader, unet, timings, 1)
    expect(v).toMatchObject({ chosen: 'wasm', source: 'measured', key: cacheKey(swiftshader, unet), workload: 'cifar10-unet' })
    expect(v.reason).toBe('wasm — ≥ 18× faster than webgpu (SwiftShader, software adapter) for cifar10-unet')
  })
  it('a forced backend wins without timings', () => {
    const v = forcedVerdict(swiftshader, unet, 'webgpu', 1)
    expect(v).toMatchObject({ chosen: 'webgpu', source: 'forced', timings: [] })
    expect(v.reason).toBe('webgpu — forced by ?backend=webgpu')
  })
  it('a cached verdict is used only for its own key and while its backend is still available', () => {
    const v = measuredVerdict(swiftshader, unet, timings, 1)
    expect(usableCached(v, v.key, ['wasm', 'cpu'])?.source).toBe('cached')
    expect(usableCached(v, 'another key', ['wasm'])).toBeUndefined()
    expect(usableCached(v, v.key, ['webgl', 'cpu'])).toBeUndefined()
    expect(usableCached(undefined, v.key, ['wasm'])).toBeUndefined()
  })
})

describe('measurement plan', () => {
  it('times wasm first, skips cpu when wasm works, and times cpu when wasm is missing', () => {
    expect(measurementOrder(['webgpu', 'webgl', 'wasm', 'cpu']).order).toEqual(['wasm', 'webgpu', 'webgl'])
    expect(measurementOrder(['webgpu', 'webgl', 'wasm', 'cpu']).skipped.map((s) => s.backend)).toEqual(['cpu'])
    expect(measurementOrder(['webgl', 'cpu']).order).toEqual(['webgl', 'cpu'])
  })
  it('shares what is left of the budget, with a floor', () => {
    expect(boundFor(1800, 2)).toBe(900)
    expect(boundFor(100, 2)).toBe(MIN_BACKEND_MS)
    expect(boundFor(-50, 0)).toBe(MIN_BACKEND_MS)
  })
})

describe('prescreen', () => {
  const startup = measuredVerdict(swiftshader, { kind: 'general', label: 'the start-up check' }, [
    { backend: 'wasm', status: 'timed', ms: 1.5, firstMs: 5, totalMs: 200 },
    { backend: 'webgpu', status: 'abandoned', atLeastMs: 940 },
    { backend: 'webgl', status: 'timed', ms: 2, firstMs: 300, totalMs: 400 },
  ], 1)
  it('skips a software GPU that was much slower on the start-up check, and says so in the badge line', () => {
    const skipped = prescreen(startup, swiftshader, ['webgpu', 'webgl', 'wasm', 'cpu'])
    expect(skipped.map((s) => s.backend)).toEqual(['webgpu'])
    const timings: BackendTiming[] = [{ backend: 'wasm', status: 'timed', ms: 80, firstMs: 700 }, ...skipped]
    expect(explain('wasm', timings, swiftshader, 'cifar10-unet')).toBe('wasm — ≥ 4.7× faster than webgpu (SwiftShader, software adapter) on the start-up check; not worth timing for cifar10-unet')
  })
  it('never skips a hardware GPU, nor without a start-up verdict', () => {
    const hw: MeasureEnvironment = { userAgent: 'x', adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: '', isFallbackAdapter: false } }
    expect(prescreen(startup, hw, ['webgpu', 'wasm'])).toEqual([])
    expect(prescreen(undefined, swiftshader, ['webgpu', 'wasm'])).toEqual([])
  })
})

describe('prescreen of a stopped backend', () => {
  it('skips a software GPU stopped at its bound even when the bound was only twice the reference', () => {
    const startup = measuredVerdict(swiftshader, { kind: 'general', label: 'the start-up check' }, [
      { backend: 'wasm', status: 'timed', ms: 1.5, firstMs: 5, totalMs: 400 },
      { backend: 'webgl', status: 'abandoned', atLeastMs: 800 },
      { backend: 'webgpu', status: 'timed', ms: 3, firstMs: 500, totalMs: 900 },
    ], 1)
    // webgl: stopped (2×) → skipped; webgpu: timed at 2× → still timed on the heavy workload
    expect(prescreen(startup, swiftshader, ['webgpu', 'webgl', 'wasm']).map((t) => t.backend)).toEqual(['webgl'])
  })
})

describe('the ORT executor as a second candidate on wasm', () => {
  const ortUnet: Workload = { ...unet, executors: ['tfjs', 'ort-vjp'] }
  const timings: BackendTiming[] = [
    { backend: 'wasm', status: 'timed', ms: 210, firstMs: 400 },
    { backend: 'webgpu', status: 'timed', ms: 1400, firstMs: 5000 },
    { backend: 'wasm', executor: 'ort-vjp', status: 'timed', ms: 100, firstMs: 150, totalMs: 250 },
  ]
  it('is chosen when its step is the fastest, and the reason compares it with tfjs-wasm and the next backend', () => {
    expect(pickFastest(timings)).toMatchObject({ chosen: 'wasm', executor: 'ort-vjp' })
    const v = measuredVerdict(swiftshader, ortUnet, timings, 1)
    expect(v).toMatchObject({ chosen: 'wasm', executor: 'ort-vjp' })
    expect(chosenTiming(v)).toBe(timings[2])
    expect(v.reason).toBe('wasm · ORT executor — 2.1× faster than tfjs-wasm, 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet')
  })
  it('loses to a faster tfjs-wasm, which then names it', () => {
    const slow: BackendTiming[] = [timings[0]!, timings[1]!, { backend: 'wasm', executor: 'ort-vjp', status: 'timed', ms: 315, firstMs: 400 }]
    const v = measuredVerdict(swiftshader, ortUnet, slow, 1)
    expect(v.chosen).toBe('wasm')
    expect(v.executor).toBeUndefined()
    expect(chosenTiming(v)).toBe(slow[0])
    expect(v.reason).toBe('wasm — 1.5× faster than the ORT executor, 6.7× faster than webgpu (SwiftShader, software adapter) for cifar10-unet')
  })
  it('a failed ORT executor (an op without a rule, an init error) falls back to tfjs-wasm and the reason says why', () => {
    const failed: BackendTiming[] = [timings[0]!, timings[1]!, { backend: 'wasm', executor: 'ort-vjp', status: 'failed', reason: 'no backward rule for GridSample' }]
    const v = measuredVerdict(swiftshader, ortUnet, failed, 1)
    expect(v).toMatchObject({ chosen: 'wasm' })
    expect(v.executor).toBeUndefined()
    expect(v.reason).toBe('wasm — 6.7× faster than webgpu (SwiftShader, software adapter) for cifar10-unet (the ORT executor was not used: no backward rule for GridSample)')
  })
  it('with a prescreened software GPU and no other backend timed', () => {
    const pre: BackendTiming[] = [
      { backend: 'wasm', status: 'timed', ms: 200, firstMs: 300 },
      { backend: 'webgpu', status: 'skipped', reason: 'not timed', slowerBy: { times: 19, on: 'the start-up check' } },
      { backend: 'wasm', executor: 'ort-vjp', status: 'timed', ms: 100, firstMs: 120 },
    ]
    expect(explain('wasm', pre, swiftshader, 'cifar10-unet', 'ort-vjp')).toBe('wasm · ORT executor — 2.0× faster than tfjs-wasm for cifar10-unet; 19× faster than webgpu (SwiftShader, software adapter) on the start-up check; not worth timing')
  })
  it('the cache key includes the executors timed: a verdict reached with the ORT executor is not reused without it', () => {
    expect(cacheKey(swiftshader, ortUnet)).not.toBe(cacheKey(swiftshader, unet))
    expect(cacheKey(swiftshader, ortUnet)).toContain('exec=tfjs+ort-vjp')
    expect(cacheKey(swiftshader, unet)).toContain('exec=tfjs')
    const v = measuredVerdict(swiftshader, ortUnet, timings, 1)
    expect(usableCached(v, cacheKey(swiftshader, unet), ['wasm'])).toBeUndefined()
    expect(usableCached(v, cacheKey(swiftshader, ortUnet), ['wasm'])).toMatchObject({ source: 'cached', executor: 'ort-vjp' })
  })
})
