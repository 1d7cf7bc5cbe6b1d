import { describe, expect, it } from 'vitest'
import { gaussianWindow, psnr, ssim, toUnit } from './image'
import { mulberry32 } from '../linalg/random'

describe('PSNR and SSIM (piqa, §7)', () => {
  it('PSNR of a known MSE', () => {
    const x = new Float64Array(100).fill(0.5)
    const y = x.map((v, i) => v + (i % 2 ? 0.1 : -0.1)) // MSE = 0.01
    expect(psnr(x, y)).toBeCloseTo(10 * Math.log10(1 / (0.01 + 1e-8)), 10)
    expect(psnr(x, x)).toBeCloseTo(80, 10) // 1e-8 floor
  })
  it('toUnit maps [−2, 2] to [0, 1] and clips', () => {
    expect(Array.from(toUnit([-2, 0, 2, 3]))).toEqual([0, 0.5, 1, 1])
  })
  it('window: 11 taps, σ = 1.5, normalised, symmetric', () => {
    const w = gaussianWindow()
    expect(w.length).toBe(11)
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(w[5] / w[6]).toBeCloseTo(Math.exp(1 / 4.5), 12)
  })
  it('SSIM(x, x) = 1; constant shift of an 11×11 constant image matches the hand formula', () => {
    const u = mulberry32(1)
    const x = Float64Array.from({ length: 2 * 16 * 16 }, () => u())
    expect(ssim(x, x, 2, 16, 16)).toBeCloseTo(1, 12)
    // constant images a, b (11×11: one window): σ = 0, so SSIM = (2ab + C1)/(a² + b² + C1)
    const a = new Float64Array(121).fill(0.3), b = new Float64Array(121).fill(0.6)
    const c1 = 1e-4
    expect(ssim(a, b, 1, 11, 11)).toBeCloseTo((2 * 0.18 + c1) / (0.09 + 0.36 + c1), 12)
    // contrast only: x and 1 − x with the same mean 0.5 → structure term negative
    const y = x.map((v) => 1 - v)
    expect(ssim(x, y, 2, 16, 16)).toBeLessThan(0)
  })
})
