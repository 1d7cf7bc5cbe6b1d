import { describe, expect, it } from 'vitest'
import { classHistogram, frechetDistance, gaussianStats, sqrtPsd, traceSqrtPsd, type GaussianStats } from './fd'
import { matmul } from '../linalg/dense'
import { mulberry32 } from '../linalg/random'

const stats = (mean: number[], cov: number[]): GaussianStats => ({ mean: Float64Array.from(mean), cov: Float64Array.from(cov), dim: mean.length, count: 0 })
const diag = (v: number[]): number[] => v.flatMap((x, i) => v.map((_, j) => (i === j ? x : 0)))

/** A random rotation (Gram–Schmidt of a seeded Gaussian matrix). */
function rotation(n: number, seed: number): Float64Array {
  const u = mulberry32(seed)
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u())
  const q = new Float64Array(n * n)
  for (let c = 0; c < n; c++) {
    const v = Array.from({ length: n }, g)
    for (let p = 0; p < c; p++) {
      let d = 0
      for (let i = 0; i < n; i++) d += v[i]! * q[i * n + p]!
      for (let i = 0; i < n; i++) v[i]! -= d * q[i * n + p]!
    }
    const norm = Math.hypot(...v)
    for (let i = 0; i < n; i++) q[i * n + c] = v[i]! / norm
  }
  return q
}

/** Q diag(w) Qᵀ. */
function conj(q: Float64Array, w: number[]): Float64Array {
  const n = w.length
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0
    for (let k = 0; k < n; k++) s += q[i * n + k]! * w[k]! * q[j * n + k]!
    out[i * n + j] = s
  }
  return out
}

describe('Fréchet distance between Gaussians', () => {
  it('diagonal covariances: ‖Δμ‖² + Σ (√a − √b)²', () => {
    const a = [4, 1, 0.25, 9], b = [1, 1, 1, 0]
    const fd = frechetDistance(stats([1, 2, 0, -1], diag(a)), stats([0, 2, 3, -1], diag(b)))
    const want = 1 + 9 + a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i]!)) ** 2, 0)
    expect(fd).toBeCloseTo(want, 10)
  })

  it('commuting covariances (same eigenvectors, a random rotation in 6-D): Σ (√aᵢ − √bᵢ)²', () => {
    const q = rotation(6, 3)
    const a = [5, 3, 2, 1, 0.5, 0.1], b = [0.2, 4, 2, 7, 0.5, 1e-3]
    const mean = [0.3, -1, 2, 0, 0, 1]
    const fd = frechetDistance(stats(mean, Array.from(conj(q, a))), stats(mean, Array.from(conj(q, b))))
    const want = a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i]!)) ** 2, 0)
    expect(fd).toBeCloseTo(want, 9)
  })

  it('a non-commuting 2×2 case: tr (Σ₁^½Σ₂Σ₁^½)^½ = √(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂))', () => {
    const s1 = [4, 0, 0, 1], s2 = [2, 1, 1, 2]
    // tr Σ₁Σ₂ = 8 + 2 = 10, det Σ₁ det Σ₂ = 4·3 = 12
    const want = 5 + 4 - 2 * Math.sqrt(10 + 2 * Math.sqrt(12))
    expect(frechetDistance(stats([0, 0], s1), stats([0, 0], s2))).toBeCloseTo(want, 12)
    // and with a mean shift, symmetric in its arguments
    const ab = frechetDistance(stats([1, 0], s1), stats([0, 2], s2))
    expect(ab).toBeCloseTo(want + 5, 12)
    expect(frechetDistance(stats([0, 2], s2), stats([1, 0], s1))).toBeCloseTo(ab, 12)
  })

  it('a general 5-D case: zero for identical Gaussians, symmetric, matches the commuting formula when Σ₂ = c²Σ₁', () => {
    const q = rotation(5, 9)
    const s = conj(q, [3, 2, 1, 0.5, 0.01])
    const m = [1, 2, 3, 4, 5]
    expect(frechetDistance(stats(m, Array.from(s)), stats(m, Array.from(s)))).toBeLessThan(1e-9)
    // Σ₂ = 4Σ₁: tr Σ₁ + 4 tr Σ₁ − 2·2 tr Σ₁ = tr Σ₁
    const fd = frechetDistance(stats(m, Array.from(s)), stats(m, Array.from(s, (v) => 4 * v)))
    expect(fd).toBeCloseTo(6.51, 9)
    const s2 = conj(rotation(5, 10), [1, 1, 2, 0.3, 4])
    const x = frechetDistance(stats(m, Array.from(s)), stats([0, 0, 0, 0, 0], Array.from(s2)))
    expect(x).toBeCloseTo(frechetDistance(stats([0, 0, 0, 0, 0], Array.from(s2)), stats(m, Array.from(s))), 9)
  })

  it('sqrtPsd squares back; traceSqrtPsd clamps tiny negative eigenvalues of a rank-deficient PSD matrix', () => {
    const q = rotation(4, 5)
    const a = conj(q, [2, 1, 0, 0])
    const r = sqrtPsd(a, 4)
    const rr = matmul(r, r, 4, 4, 4)
    for (let i = 0; i < 16; i++) expect(rr[i]).toBeCloseTo(a[i]!, 10)
    // the two zero eigenvalues come out as ±1e-16: clamped (no NaN); √(1e-16) = 1e-8 is the attainable accuracy
    expect(traceSqrtPsd(a, 4)).toBeCloseTo(Math.SQRT2 + 1, 6)
  })

  it('rejects bad input with a specific message', () => {
    expect(() => frechetDistance(stats([0, 0], [1, 0, 0, 1]), stats([0], [1]))).toThrow(/dimensions differ/)
    expect(() => frechetDistance(stats([0, 0], [1, 2, 0, 1]), stats([0, 0], [1, 0, 0, 1]))).toThrow(/not symmetric/)
    expect(() => frechetDistance(stats([0, 0], [1, NaN, NaN, 1]), stats([0, 0], [1, 0, 0, 1]))).toThrow(/non-finite/)
    expect(() => gaussianStats([1, 2, 3], 1, 3)).toThrow(/at least 2/)
    expect(() => gaussianStats([1, 2, 3], 2, 2)).toThrow(/4 feature values/)
  })
})

describe('sample statistics and class histogram', () => {
  it('FD of two large samples of the same Gaussian → 0; of shifted samples → ‖Δμ‖²', () => {
    const u = mulberry32(7)
    const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u())
    const n = 20000, d = 3
    const draw = (shift: number) => Float64Array.from({ length: n * d }, (_, i) => (i % d === 0 ? 2 : 1) * g() + shift)
    const a = gaussianStats(draw(0), n, d), b = gaussianStats(draw(0), n, d), c = gaussianStats(draw(1), n, d)
    expect(a.count).toBe(n)
    expect(frechetDistance(a, b)).toBeLessThan(0.01)
    expect(frechetDistance(a, c)).toBeGreaterThan(2.9)
    expect(frechetDistance(a, c)).toBeLessThan(3.1)
  })

  it('counts argmax classes', () => {
    const logits = [
      0, 5, 0, 0, 0, 0, 0, 0, 0, 0,
      9, 5, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
      0, 3, 0, 0, 0, 0, 0, 0, 0, 0,
    ]
    expect(classHistogram(logits, 4)).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 1])
    expect(() => classHistogram(logits, 5)).toThrow(/5 × 10 logits/)
  })
})
