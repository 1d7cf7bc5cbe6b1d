import { describe, expect, it } from 'vitest'
import { measureBackends, type WorkloadStep } from './measure'
import type { TfjsBackend } from '../engines/tfjs/backends'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Fake backends whose step takes `ms[backend]` per call (the first call `first[backend]`). */
function hooks(first: Partial<Record<TfjsBackend, number>>, ms: Partial<Record<TfjsBackend, number>>, fail: TfjsBackend[] = []) {
  const log: string[] = []
  let current: TfjsBackend = 'cpu'
  return {
    log,
    hooks: {
      switchTo: async (b: TfjsBackend) => { current = b; log.push(`switch ${b}`) },
      prepare: async (b: TfjsBackend): Promise<WorkloadStep> => {
        let calls = 0
        return {
          run: async () => {
            if (fail.includes(b)) throw new Error(`${b} kernel failed`)
            await sleep(calls++ === 0 ? first[b] ?? 0 : ms[b] ?? 0)
          },
          dispose: () => log.push(`dispose ${b}`),
        }
      },
      discard: (b: TfjsBackend) => log.push(`discard ${b}`),
      current: () => current,
    },
  }
}

describe('measureBackends', () => {
  it('times wasm first, abandons a backend past its bound (counted slower), and frees every step', async () => {
    const h = hooks({ wasm: 5, webgpu: 2000, webgl: 30 }, { wasm: 5, webgpu: 2000, webgl: 20 })
    const t0 = performance.now()
    const timings = await measureBackends(['webgpu', 'webgl', 'wasm', 'cpu'], h.hooks, 600)
    const took = performance.now() - t0
    expect(took, "it did not wait for the 2 s webgpu step").toBeLessThan(1900)
    expect(h.log.filter((l) => l.startsWith('switch'))).toEqual(['switch wasm', 'switch webgpu', 'switch webgl'])
    const by = Object.fromEntries(timings.map((t) => [t.backend, t]))
    expect(by.wasm?.status).toBe('timed')
    expect(by.webgl?.status).toBe('timed')
    expect(by.cpu?.status).toBe('skipped')
    expect(by.webgpu?.status).toBe('abandoned')
    if (by.webgpu?.status === 'abandoned') expect(by.webgpu.atLeastMs).toBeGreaterThanOrEqual(250)
    expect(h.log).toContain('discard webgpu')
    for (const b of ['wasm', 'webgpu', 'webgl']) expect(h.log).toContain(`dispose ${b}`)
  })

  it('records a backend whose step throws as failed, and goes on', async () => {
    const h = hooks({ wasm: 1 }, { wasm: 1 }, ['webgl'])
    const timings = await measureBackends(['webgl', 'wasm'], h.hooks, 500)
    expect(timings.find((t) => t.backend === 'webgl')).toEqual({ backend: 'webgl', status: 'failed', reason: 'webgl kernel failed' })
    expect(timings.find((t) => t.backend === 'wasm')?.status).toBe('timed')
  })

  it('stops when its signal is aborted', async () => {
    const h = hooks({ wasm: 1 }, { wasm: 1 })
    const ac = new AbortController()
    ac.abort(new Error('cancelled'))
    await expect(measureBackends(['wasm'], { ...h.hooks, signal: ac.signal }, 500)).rejects.toThrow('cancelled')
  })
})
