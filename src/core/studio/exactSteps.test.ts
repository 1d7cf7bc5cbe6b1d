import { describe, expect, it } from 'vitest'
import { ExactSteps } from './exactSteps'

describe('ExactSteps', () => {
  it('keeps a copy of x_t per (method, step) for the chosen methods and says why anything else is missing', () => {
    const st = new ExactSteps('run-1', 'm.onnx', [1, 2, 2], new Set([1]), 8)
    const a = new Float32Array([1, 2, 3, 4])
    st.add(0, 0, 5, a)
    st.add(1, 0, 5, a)
    a[0] = 99
    const got = st.get('run-1', 1, 0)
    expect(typeof got).toBe('object')
    if (typeof got === 'string') return
    expect(Array.from(got.xt)).toEqual([1, 2, 3, 4])
    expect(got.sigma).toBe(5)
    expect(st.size).toBe(4)
    expect(st.get('run-1', 0, 0)).toMatch(/not kept \(only MMPS rows/)
    expect(st.get('run-2', 1, 0)).toMatch(/last run only \(run-1\)/)
    expect(st.get('run-1', 1, 3)).toMatch(/did not reach step 3/)
    // budget 8 floats: the second step fits, the third does not
    st.add(1, 1, 4, new Float32Array(4))
    st.add(1, 2, 3, new Float32Array(4))
    expect(st.size).toBe(8)
    expect(st.get('run-1', 1, 2)).toMatch(/not kept: .* budget/)
  })
})
