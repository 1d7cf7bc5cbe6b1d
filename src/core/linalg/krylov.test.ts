import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { fillNormal, mulberry32, normals } from './random'
import { matvec, solve } from './dense'
import { cg, gmres, type KrylovOperator } from './krylov'

beforeAll(useCpu)

const n = 8, B = 3
function systems(seed: number, spd: boolean): Float64Array[] {
  const u = mulberry32(seed)
  return Array.from({ length: B }, (_, b) => {
    const g = normals(n * n, u)
    const c = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (spd) { let s = 0; for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k]; c[i * n + j] = s / n + (i === j ? 0.5 + b : 0) }
      else c[i * n + j] = 0.3 * g[i * n + j] / Math.sqrt(n) + (i === j ? 2 + b : 0)
    }
    return c
  })
}
function opFor(cs: Float64Array[], aux = true): { op: KrylovOperator; mats: tf.Tensor } {
  const mats = tf.tensor3d(cs.flatMap((c) => Array.from(c)), [B, n, n])
  const op: KrylovOperator = (v) => tf.tidy(() => {
    const cv = tf.squeeze(tf.matMul(mats, tf.expandDims(v, 2)), [2])
    return aux ? [cv, tf.mul(v, 2)] : [cv]
  })
  return { op, mats }
}

describe('seeded normals', () => {
  it('fillNormal: mean 0, variance 1, reproducible', () => {
    const a = fillNormal(new Float32Array(20001), mulberry32(3))
    const m = a.reduce((s, v) => s + v, 0) / a.length
    const v = a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length
    expect(Math.abs(m)).toBeLessThan(0.03)
    expect(Math.abs(v - 1)).toBeLessThan(0.04)
    expect(Array.from(fillNormal(new Float32Array(5), mulberry32(3)))).toEqual(Array.from(a.slice(0, 5)))
  })
})

describe('batched CG and GMRES', () => {
  it('CG with n iterations matches a direct solve per sample, and aux = the same combination', () => {
    const cs = systems(1, true)
    const rhs = normals(B * n, mulberry32(2))
    const { op, mats } = opFor(cs)
    const b = tf.tensor2d(Array.from(rhs), [B, n])
    const before = tf.memory().numTensors
    const res = cg(op, b, 2 * n)
    const x = res.x.arraySync() as number[][]
    const aux = res.aux[0].arraySync() as number[][]
    for (let s = 0; s < B; s++) {
      const ref = solve(cs[s], rhs.slice(s * n, s * n + n), n)
      ref.forEach((v, i) => { expect(x[s][i]).toBeCloseTo(v, 3); expect(aux[s][i]).toBeCloseTo(2 * x[s][i], 3) })
    }
    tf.dispose([res.x, ...res.aux])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([b, mats])
  })
  it('GMRES with n iterations matches a direct solve on non-symmetric systems', () => {
    const cs = systems(3, false)
    const rhs = normals(B * n, mulberry32(4))
    const { op, mats } = opFor(cs)
    const b = tf.tensor2d(Array.from(rhs), [B, n])
    const before = tf.memory().numTensors
    const res = gmres(op, b, n)
    const x = res.x.arraySync() as number[][]
    const aux = res.aux[0].arraySync() as number[][]
    for (let s = 0; s < B; s++) {
      const ref = solve(cs[s], rhs.slice(s * n, s * n + n), n)
      ref.forEach((v, i) => { expect(x[s][i]).toBeCloseTo(v, 3); expect(aux[s][i]).toBeCloseTo(2 * x[s][i], 3) })
    }
    tf.dispose([res.x, ...res.aux])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([b, mats])
  })
  it('one iteration: CG = steepest descent (rᵀr/rᵀCr) r, GMRES = minimal residual (rᵀCr/‖Cr‖²) r (§3.1)', () => {
    const cs = systems(5, true)
    const rhs = normals(B * n, mulberry32(6))
    const { op, mats } = opFor(cs, false)
    const b = tf.tensor2d(Array.from(rhs), [B, n])
    const xc = cg(op, b, 1).x.arraySync() as number[][]
    const xg = gmres(op, b, 1).x.arraySync() as number[][]
    for (let s = 0; s < B; s++) {
      const r = rhs.slice(s * n, s * n + n)
      const cr = matvec(cs[s], r, n, n)
      const rr = r.reduce((a, v) => a + v * v, 0), rcr = r.reduce((a, v, i) => a + v * cr[i], 0), crcr = cr.reduce((a, v) => a + v * v, 0)
      r.forEach((v, i) => { expect(xc[s][i]).toBeCloseTo((rr / rcr) * v, 4); expect(xg[s][i]).toBeCloseTo((rcr / crcr) * v, 3) })
    }
    tf.dispose([b, mats])
  })
  it('per-sample: a batch solves each system as if alone', () => {
    const cs = systems(7, true)
    const rhs = normals(B * n, mulberry32(8))
    const { op, mats } = opFor(cs, false)
    const xb = cg(op, tf.tensor2d(Array.from(rhs), [B, n]), 3).x.arraySync() as number[][]
    const single = opFor([cs[1], cs[1], cs[1]], false)
    const r1 = Array.from(rhs.slice(n, 2 * n))
    const xs = cg(single.op, tf.tensor2d([r1, r1.map(() => 100), r1.map(() => -3)]), 3).x.arraySync() as number[][]
    xs[0].forEach((v, i) => expect(xb[1][i]).toBeCloseTo(v, 4))
    tf.dispose([mats, single.mats])
  })
  it('CG run past convergence (iters ≫ n, r = 0) stays finite, aux too', () => {
    const C = tf.tensor3d([[[2, 0], [0, 1]], [[1, 0], [0, 1]], [[3, 1], [1, 2]]])
    const op: KrylovOperator = (v) => { const cv = tf.squeeze(tf.matMul(C, tf.expandDims(v, 2)), [2]); return [cv, tf.mul(cv, 1)] }
    const res = cg(op, tf.tensor2d([[1, 1], [0, 0], [1, -1]]), 12)
    const x = res.x.arraySync() as number[][]
    expect(x[0]).toEqual([0.5, 1].map((v) => expect.closeTo(v, 5)))
    expect(x[1]).toEqual([0, 0])
    expect([...res.x.dataSync(), ...res.aux[0].dataSync()].every(Number.isFinite)).toBe(true)
    // aux = C x = b
    expect(Array.from(res.aux[0].dataSync())).toEqual([1, 1, 0, 0, 1, -1].map((v) => expect.closeTo(v, 4)))
  })
  it('CG guard: an indefinite system never makes the residual larger than after the first step', () => {
    const C = tf.tensor3d([[[1, 0], [0, -1]]].flatMap((m) => [m, m, m]))
    const op: KrylovOperator = (v) => [tf.squeeze(tf.matMul(C, tf.expandDims(v, 2)), [2])]
    const b = tf.tensor2d([[1, 1], [1, 0.5], [0, 1]])
    const x = cg(op, b, 5).x
    const arr = x.arraySync() as number[][]
    arr.flat().forEach((v) => expect(Number.isFinite(v)).toBe(true))
    // sample 0 has rᵀCr = 0 → no step at all
    expect(arr[0]).toEqual([0, 0])
  })
})
