import { describe, expect, it } from 'vitest'
import { clearRunActive, markRunActive, takeInterruptedRun } from './activeRun'

class MemoryStore {
  items = new Map<string, string>()
  getItem(k: string): string | null { return this.items.get(k) ?? null }
  setItem(k: string, v: string): void { this.items.set(k, v) }
  removeItem(k: string): void { this.items.delete(k) }
}

const mark = { page: 'manifold', runId: 'run-1', name: 'tiny · seed 0', startedAt: 1000 } as const

describe('active-run flag', () => {
  it('a run that was still marked when the page loaded comes back once, with its progress', () => {
    const s = new MemoryStore()
    markRunActive(mark, s)
    markRunActive({ ...mark, progress: 'lap 2 finished', done: 3 }, s)
    expect(takeInterruptedRun('manifold', s)).toEqual({ ...mark, progress: 'lap 2 finished', done: 3 })
    expect(takeInterruptedRun('manifold', s)).toBeUndefined()
  })
  it('a run that ended on its own is not reported; pages do not see each other', () => {
    const s = new MemoryStore()
    markRunActive(mark, s)
    markRunActive({ ...mark, page: 'studio', runId: 'studio-1' }, s)
    clearRunActive('manifold', s)
    expect(takeInterruptedRun('manifold', s)).toBeUndefined()
    expect(takeInterruptedRun('studio', s)?.runId).toBe('studio-1')
  })
  it('a malformed flag is dropped, and storage that throws costs only the notice', () => {
    const s = new MemoryStore()
    s.setItem('tweedie-playground.active-run.manifold', '{"page":"manifold","runId":3}')
    expect(takeInterruptedRun('manifold', s)).toBeUndefined()
    s.setItem('tweedie-playground.active-run.manifold', 'not json')
    expect(takeInterruptedRun('manifold', s)).toBeUndefined()
    const full = { getItem: () => { throw new DOMException('blocked', 'SecurityError') }, setItem: () => { throw new DOMException('full', 'QuotaExceededError') }, removeItem: () => undefined }
    expect(() => markRunActive(mark, full)).not.toThrow()
    expect(takeInterruptedRun('manifold', full)).toBeUndefined()
    expect(() => markRunActive(mark, undefined)).not.toThrow()
  })
})
