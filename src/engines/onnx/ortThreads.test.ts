import { describe, expect, it } from 'vitest'
import { ortWasmThreads } from './ortThreads'

describe('ortWasmThreads', () => {
  it('is 1 without cross-origin isolation, whatever the cores', () => {
    expect(ortWasmThreads(false, 16)).toBe(1)
  })
  it('is cores − 1, between 1 and 4', () => {
    expect(ortWasmThreads(true, 2)).toBe(1)
    expect(ortWasmThreads(true, 3)).toBe(2)
    expect(ortWasmThreads(true, 8)).toBe(4)
    expect(ortWasmThreads(true, 1)).toBe(1)
  })
  it('assumes 2 cores when the browser does not say', () => {
    expect(ortWasmThreads(true, undefined)).toBe(1)
    expect(ortWasmThreads(true, Number.NaN)).toBe(1)
  })
})
