import { describe, expect, it } from 'vitest'
import { measureBackends, type MeasureHooks } from './measure'
import { HARDWARE_BOUND_MS, MIN_BACKEND_MS, type BackendTiming } from './backendChoice'
import type { TfjsBackend } from '../engines/tfjs/backends'

/** Records the bound each backend got; each "takes" `ms[backend]` (over its bound = abandoned). */
function fake(ms: Partial<Record<TfjsBackend, number>>, clock: { now: number }) {
  const bounds: [TfjsBackend, number | undefined][] = []
  const hooks: MeasureHooks = {
    async timeOne(b, bound) {
      bounds.push([b, bound])
      const t = ms[b] ?? 0
      if (bound !== undefined && t > bound) {
        clock.now += bound
        return { backend: b, status: 'abandoned', atLeastMs: bound }
      }
      clock.now += t
      return { backend: b, status: 'timed', ms: t, firstMs: t * 2 } satisfies BackendTiming
    },
  }
  return { hooks, bounds }
}

describe('measureBackends', () => {
  it('times wasm first without a bound, then shares what is left of the budget among the others', async () => {
    const clock = { now: 0 }
    const real = performance.now
    performance.now = () => clock.now
    try {
      const f = fake({ wasm: 50, webgpu: 5000, webgl: 100 }, clock)
      const timings = await measureBackends(['webgpu', 'webgl', 'wasm', 'cpu'], f.hooks, 2000)
      // (2000 − 50) / 2 for webgpu, then what is left (975) for webgl
      expect(f.bounds).toEqual([['wasm', undefined], ['webgpu', 975], ['webgl', 975]])
      const by = Object.fromEntries(timings.map((t) => [t.backend, t.status]))
      expect(by).toEqual({ cpu: 'skipped', wasm: 'timed', webgpu: 'abandoned', webgl: 'timed' })
    } finally {
      performance.now = real
    }
  })

  it('gives a backend at least twice what the reference took, and a hardware GPU at least HARDWARE_BOUND_MS', async () => {
    const clock = { now: 0 }
    const real = performance.now
    performance.now = () => clock.now
    try {
      // wasm: first 2×3000 + steady 3000 = 9000 ms in all → webgpu may take 18 000 ms before it counts as slower
      const f = fake({ wasm: 3000 }, clock)
      await measureBackends(['webgpu', 'wasm'], f.hooks, 2000)
      expect(f.bounds).toEqual([['wasm', undefined], ['webgpu', 18_000]])
      const g = fake({ wasm: 1 }, clock)
      await measureBackends(['webgpu', 'wasm'], g.hooks, 2000, (b) => b !== 'webgpu')
      expect(g.bounds).toEqual([['wasm', undefined], ['webgpu', HARDWARE_BOUND_MS]])
      const h = fake({ wasm: 1 }, { now: 0 })
      clock.now = 0
      await measureBackends(['webgpu', 'wasm'], { ...h.hooks, timeOne: async (b, bound) => { clock.now += 5000; return h.hooks.timeOne(b, bound) } }, 2000)
      expect(h.bounds[1]).toEqual(['webgpu', MIN_BACKEND_MS])
    } finally {
      performance.now = real
    }
  })

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController()
    ac.abort(new Error('cancelled'))
    const f = fake({ wasm: 1 }, { now: 0 })
    await expect(measureBackends(['wasm'], { ...f.hooks, signal: ac.signal }, 500)).rejects.toThrow('cancelled')
  })
})
