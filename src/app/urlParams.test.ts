import { describe, expect, it } from 'vitest'
import { parseShellParams } from './urlParams'

describe('parseShellParams', () => {
  it('accepts each tfjs backend', () => {
    expect(parseShellParams('?backend=wasm')).toEqual({ backend: 'wasm', problems: [] })
    expect(parseShellParams('?backend=webgpu').backend).toBe('webgpu')
  })
  it('treats auto and absence as the ladder', () => {
    expect(parseShellParams('').backend).toBeUndefined()
    expect(parseShellParams('?backend=auto').backend).toBeUndefined()
  })
  it('rejects an unknown backend with a message naming it', () => {
    const p = parseShellParams('?backend=cuda')
    expect(p.backend).toBeUndefined()
    expect(p.problems[0]).toContain('"cuda"')
  })
})
