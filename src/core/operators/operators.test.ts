import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import type { LinearOperator } from '../types'
import { DenseOperator } from './dense'
import { boxMask, boxOperator, pixelMaskOperator, randomBoxMask, randomPixelMask } from './mask'
import { BlurOperator, motionBlurKernel } from './blur'
import { BicubicDownsample, resizeMatrix } from './bicubic'
import { MriOperator, columnMask } from './mri'
import { mulberry32, normals } from '../linalg/random'

beforeAll(useCpu)

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/** ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ for random x, y (B = 2), relative to ‖Ax‖‖y‖. */
function checkAdjoint(op: LinearOperator, seed: number): number {
  const B = 2
  const x = tf.randomNormal([B, ...op.inShape], 0, 1, 'float32', seed)
  const y = tf.randomNormal([B, ...op.outShape], 0, 1, 'float32', seed + 1)
  const ax = op.apply(x), aty = op.adjoint(y)
  expect(ax.shape).toEqual([B, ...op.outShape])
  expect(aty.shape).toEqual([B, ...op.inShape])
  const [axv, yv, xv, atyv] = [ax, y, x, aty].map((t) => t.dataSync())
  const lhs = dot(axv, yv), rhs = dot(xv, atyv)
  const scale = Math.sqrt(dot(axv, axv) * dot(yv, yv)) + 1e-12
  tf.dispose([x, y, ax, aty])
  return Math.abs(lhs - rhs) / scale
}

describe('adjoint identity ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ for every operator', () => {
  const u = mulberry32(1)
  const cases: Array<[string, () => LinearOperator]> = [
    ['dense', () => new DenseOperator(normals(5 * 7, u), 5, 7)],
    ['random inpainting', () => pixelMaskOperator(randomPixelMask(8, 8, 0.75, 3), 3, 8, 8)],
    ['box inpainting', () => boxOperator(randomBoxMask(16, 16, 8, 2, 4), 3, 16, 16)],
    ['motion blur 9×9', () => new BlurOperator(motionBlurKernel(9, 0.5, 5), 9, 3, 12, 10)],
    ['bicubic ×2', () => new BicubicDownsample(3, 16, 16, 2)],
    ['bicubic ×4', () => new BicubicDownsample(3, 32, 32, 4)],
    ['MRI', () => new MriOperator(columnMask(16, 4, 6), 12, 16)],
  ]
  for (const [name, make] of cases) {
    it(name, () => {
      const op = make()
      const before = tf.memory().numTensors
      expect(checkAdjoint(op, 10)).toBeLessThan(1e-4)
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})

describe('operator details', () => {
  it('masks: exact deletion count, shared across channels, box placement', () => {
    const m = randomPixelMask(16, 16, 0.75, 1)
    expect(m.reduce((a, b) => a + b, 0)).toBe(256 - 192)
    const op = pixelMaskOperator(m, 3, 16, 16)
    const y = op.apply(tf.ones([1, 3, 16, 16])).dataSync()
    for (let c = 1; c < 3; c++) for (let i = 0; i < 256; i++) expect(y[c * 256 + i]).toBe(y[i])
    const b = boxMask(8, 8, 2, 3, 1, 4)
    expect(b.reduce((a, v) => a + v, 0)).toBe(64 - 6)
    expect(b[1 * 8 + 4]).toBe(0)
    expect(b[0]).toBe(1)
  })
  it('blur kernel: normalised, non-negative, seeded; a delta kernel is the identity', () => {
    const k = motionBlurKernel(15, 0.5, 7)
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    expect(Math.min(...k)).toBeGreaterThanOrEqual(0)
    expect(Array.from(motionBlurKernel(15, 0.5, 7))).toEqual(Array.from(k))
    expect(Array.from(motionBlurKernel(15, 0.5, 8))).not.toEqual(Array.from(k))
    const delta = new Float32Array(9); delta[4] = 1
    const op = new BlurOperator(delta, 3, 1, 5, 5)
    const x = tf.randomNormal([1, 1, 5, 5], 0, 1, 'float32', 1)
    expect(Array.from(op.apply(x).dataSync())).toEqual(Array.from(x.dataSync()).map((v) => expect.closeTo(v, 6)))
  })
  it('bicubic: rows sum to 1; a constant image stays constant', () => {
    const W = resizeMatrix(16, 4)
    for (let o = 0; o < 4; o++) expect(W.slice(o * 16, o * 16 + 16).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
    const op = new BicubicDownsample(1, 16, 16, 4)
    op.apply(tf.fill([1, 1, 16, 16], 0.7)).dataSync().forEach((v) => expect(v).toBeCloseTo(0.7, 5))
  })
  it('MRI: full mask is an isometry (orthonormal); DC term of a constant image; §8.2 mask at W = 320', () => {
    const op = new MriOperator(new Float32Array(8).fill(1), 8, 8)
    const x = tf.randomNormal([1, 1, 8, 8], 0, 1, 'float32', 3)
    const y = op.apply(x)
    expect(dot(y.dataSync(), y.dataSync())).toBeCloseTo(dot(x.dataSync(), x.dataSync()), 3)
    const back = op.adjoint(y).dataSync()
    x.dataSync().forEach((v, i) => expect(back[i]).toBeCloseTo(v, 4))
    const c = op.apply(tf.ones([1, 1, 8, 8])).dataSync() // centred: DC at (4, 4) = 64/8 = 8
    expect(c[4 * 8 + 4]).toBeCloseTo(8, 4)
    const m = columnMask(320, 6, 1)
    for (let j = 150; j < 170; j++) expect(m[j]).toBe(1)
    const kept = m.reduce((a, b) => a + b, 0)
    expect(kept).toBeGreaterThan(30); expect(kept).toBeLessThan(80) // ≈ 53 expected
    const m64 = columnMask(64, 4, 2)
    for (let j = 28; j < 36; j++) expect(m64[j]).toBe(1) // 8 centre columns at R = 4 (§11.1)
  })
})
