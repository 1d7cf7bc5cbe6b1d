import { describe, expect, it } from 'vitest'
import { cholSolve, cholesky, fromRows, inverse, isSPD, logdetSPD, matmul, matvec, solve, symEig, transpose } from './dense'

const a = fromRows([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]])

describe('dense helpers', () => {
  it('Cholesky reproduces A and solves', () => {
    const l = cholesky(a, 3)
    const llt = matmul(l, transpose(l, 3, 3), 3, 3, 3)
    llt.forEach((v, i) => expect(v).toBeCloseTo(a[i], 12))
    const b = Float64Array.from([1, 2, 3])
    const x = cholSolve(a, b, 3)
    matvec(a, x, 3, 3).forEach((v, i) => expect(v).toBeCloseTo(b[i], 12))
    const x2 = solve(a, b, 3)
    x2.forEach((v, i) => expect(v).toBeCloseTo(x[i], 12))
  })
  it('inverse, logdet, SPD test', () => {
    const inv = inverse(a, 3)
    const id = matmul(a, inv, 3, 3, 3)
    id.forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 12))
    const { values } = symEig(a, 3)
    expect(logdetSPD(a, 3)).toBeCloseTo(values.reduce((s, v) => s + Math.log(v), 0), 10)
    expect(isSPD(a, 3)).toBe(true)
    expect(isSPD(fromRows([[1, 2], [2, 1]]), 2)).toBe(false)
  })
  it('symEig: A Q = Q diag(w)', () => {
    const { values, vectors } = symEig(a, 3)
    const aq = matmul(a, vectors, 3, 3, 3)
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(aq[i * 3 + j]).toBeCloseTo(vectors[i * 3 + j] * values[j], 10)
  })
})
