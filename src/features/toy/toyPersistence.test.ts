import { describe, expect, it } from 'vitest'
import { loadToy, saveToy, TOY_DEFAULTS, TOY_HELIX_KEY, TOY_STORAGE_KEY, type StoredToy } from './toyPersistence'

const mem = (init?: string) => {
  const m = new Map<string, string>()
  if (init !== undefined) m.set(TOY_STORAGE_KEY, init)
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) }
}

describe('toy persistence', () => {
  it('round-trips a run and a helix', () => {
    const s = mem()
    const state: StoredToy = {
      preset: 'tiny', seeds: 2, helixSigma: 0.5,
      run: { preset: 'tiny', seeds: 2, priorSamples: 2048, setSize: 64, rows: [{ sigma_t: 0.1, covariance: 'zero', seed: 0, sinkhorn: 0.01 }], complete: true, seconds: 3, startedAt: 'x' },
      helix: { sigmaT: 0.5, samples: 10, prior: [1, 2, 3], truth: [0, 0, 0], approximations: { tweedie: [1, 1, 1], inverse: [], sigma_t: [], zero: [] }, ess: { tweedie: 1, inverse: 2, sigma_t: 3, zero: 4 } },
    }
    expect(saveToy(s, state)).toBeUndefined()
    expect(loadToy(s)).toEqual({ state, problem: undefined })
  })

  it('defaults when empty; drops malformed parts with a notice', () => {
    expect(loadToy(mem()).state).toEqual(TOY_DEFAULTS)
    expect(loadToy(mem('{oops')).problem).toMatch(/could not be read/)
    const s = mem(JSON.stringify({ preset: 'tiny', seeds: 2, helixSigma: 1, run: { rows: 'no' } }))
    s.setItem(TOY_HELIX_KEY, '{"sigmaT": "x"}')
    const bad = loadToy(s)
    expect(bad.state.run).toBeUndefined()
    expect(bad.state.helix).toBeUndefined()
    expect(bad.state.preset).toBe('tiny')
    expect(bad.problem).toMatch(/last run, the helix illustration/)
  })
})

describe('toy persistence when the browser will not keep it', () => {
  it('a full localStorage is reported as full, with what it means', () => {
    const full = { setItem: () => { throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError') } }
    const msg = saveToy(full, { ...TOY_DEFAULTS })
    expect(msg).toMatch(/^This browser's storage for the site is full, so the toy results could not be kept: they are shown here but will not survive a reload\./)
  })
  it('blocked site data is reported as unavailable', () => {
    const blocked = { setItem: () => { throw new DOMException('The operation is insecure.', 'SecurityError') } }
    expect(saveToy(blocked, { ...TOY_DEFAULTS })).toMatch(/does not let the site store data \(SecurityError/)
  })
})
