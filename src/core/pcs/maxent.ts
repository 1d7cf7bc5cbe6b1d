// Maximum-entropy density with a quartic exponent matching four moments (algorithms.md §12.1; the paper fits
// it by Nelder–Mead then Powell, `max_entropy_utils.py`). Here: Newton's method on the convex dual. In
// standardised units z = (s − μ)/√μ2 the target moments are E[z, z², z³, z⁴] = (0, 1, γ, κ) and
//   p(z) = exp(Σ_j λ_j z^j) / Z(λ),   Γ(λ) = log Z(λ) − Σ_j λ_j m_j  (convex),
//   ∇Γ = E_λ[z^j] − m_j,              ∇²Γ = Cov_λ[z^i, z^j]        (moments up to z⁸).
// Integrals are trapezoid sums on z ∈ [−L, L]. A fit is rejected (ok = false, with the reason) when the moments
// are infeasible (κ < 1 + γ²: no distribution has them), when Newton does not converge, or when the density
// still carries mass at ±L — for a large kurtosis the quartic family has no member on ℝ (λ4 would be > 0).
export interface MaxEntFit {
  ok: boolean
  reason?: string
  /** Coefficients λ1..λ4 of the standardised exponent. */
  lambda: [number, number, number, number]
  /** Moments of the fitted density (original units): mean, variance, skewness, kurtosis. */
  fitted: { mean: number; variance: number; skewness: number; kurtosis: number }
  iterations: number
}

export interface MomentInput { mean: number; variance: number; skewness: number; kurtosis: number }

const L = 10
const GRID = 2001

function gridZ(): Float64Array {
  return Float64Array.from({ length: GRID }, (_, i) => -L + (2 * L * i) / (GRID - 1))
}

/** Normalised p on the z grid and its moments E[z^j], j = 0..8. */
function evaluate(lam: readonly number[], z: Float64Array): { p: Float64Array; m: number[]; logZ: number } {
  const e = Float64Array.from(z, (t) => lam[0]! * t + lam[1]! * t * t + lam[2]! * t ** 3 + lam[3]! * t ** 4)
  let mx = -Infinity
  for (const v of e) mx = Math.max(mx, v)
  const dz = (2 * L) / (GRID - 1)
  const p = Float64Array.from(e, (v) => Math.exp(v - mx))
  let zsum = 0
  for (let i = 0; i < GRID; i++) zsum += p[i]! * (i === 0 || i === GRID - 1 ? 0.5 : 1) * dz
  for (let i = 0; i < GRID; i++) p[i]! /= zsum
  const m = Array<number>(9).fill(0)
  for (let i = 0; i < GRID; i++) {
    const w = p[i]! * (i === 0 || i === GRID - 1 ? 0.5 : 1) * dz
    let t = 1
    for (let j = 0; j <= 8; j++) { m[j]! += w * t; t *= z[i]! }
  }
  return { p, m, logZ: mx + Math.log(zsum) }
}

function solve4(h: number[][], g: number[]): number[] {
  const a = h.map((r, i) => [...r, g[i]!])
  const n = 4
  for (let c = 0; c < n; c++) {
    let p = c
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[p]![c]!)) p = i
    ;[a[c], a[p]] = [a[p]!, a[c]!]
    const d = a[c]![c]!
    if (Math.abs(d) < 1e-300) throw new Error('singular Hessian')
    for (let i = 0; i < n; i++) {
      if (i === c) continue
      const f = a[i]![c]! / d
      for (let j = c; j <= n; j++) a[i]![j]! -= f * a[c]![j]!
    }
  }
  return a.map((r, i) => r[n]! / r[i]!)
}

export function fitMaxEnt(mom: MomentInput): MaxEntFit {
  const nan = { mean: NaN, variance: NaN, skewness: NaN, kurtosis: NaN }
  const fail = (reason: string, lambda: [number, number, number, number] = [0, -0.5, 0, 0], iterations = 0): MaxEntFit => ({ ok: false, reason, lambda, fitted: nan, iterations })
  const { mean, variance, skewness: g, kurtosis: k } = mom
  if (![mean, variance, g, k].every(Number.isFinite)) return fail('the moments are not finite')
  if (!(variance > 0)) return fail(`the variance estimate is ${variance.toPrecision(3)}, not positive`)
  if (k < 1 + g * g) return fail(`kurtosis ${k.toFixed(3)} < 1 + skewness² = ${(1 + g * g).toFixed(3)}: no distribution has these moments (finite-difference noise?)`)
  const target = [0, 1, g, k]
  const z = gridZ()
  let lam = [0, -0.5, 0, 0]
  const dual = (l: readonly number[], ev = evaluate(l, z)): number => ev.logZ - l.reduce((s, v, j) => s + v * target[j]!, 0)
  let ev = evaluate(lam, z)
  let it = 0
  let gradNorm = Infinity
  for (; it < 200; it++) {
    const grad = [1, 2, 3, 4].map((j) => ev.m[j]! - target[j - 1]!)
    gradNorm = Math.max(...grad.map(Math.abs))
    if (gradNorm < 1e-10) break
    const hess = [1, 2, 3, 4].map((i) => [1, 2, 3, 4].map((j) => ev.m[i + j]! - ev.m[i]! * ev.m[j]!))
    let step: number[]
    try { step = solve4(hess, grad) } catch { return fail('the Newton system became singular', lam as [number, number, number, number], it) }
    const f0 = dual(lam, ev)
    let t = 1
    let moved = false
    for (let ls = 0; ls < 40; ls++, t /= 2) {
      const cand = lam.map((v, j) => v - t * step[j]!)
      const ec = evaluate(cand, z)
      if (Number.isFinite(ec.logZ) && dual(cand, ec) <= f0 + 1e-14) { lam = cand; ev = ec; moved = true; break }
    }
    if (!moved) break
  }
  const lambda = lam as [number, number, number, number]
  if (gradNorm > 1e-6) return fail(`Newton did not match the moments (error ${gradNorm.toExponential(1)})`, lambda, it)
  let peak = 0
  for (const v of ev.p) peak = Math.max(peak, v)
  const edge = Math.max(ev.p[0]!, ev.p[GRID - 1]!) / peak
  if (edge > 1e-6) return fail(`the kurtosis ${k.toFixed(2)} is beyond the quartic family on ℝ (the fit keeps ${edge.toExponential(1)} of its peak at ±${L} std)`, lambda, it)
  const sd = Math.sqrt(variance)
  const m1 = ev.m[1]!, c2 = ev.m[2]! - m1 * m1
  const c3 = ev.m[3]! - 3 * m1 * ev.m[2]! + 2 * m1 ** 3
  const c4 = ev.m[4]! - 4 * m1 * ev.m[3]! + 6 * m1 * m1 * ev.m[2]! - 3 * m1 ** 4
  return {
    ok: true, lambda, iterations: it,
    fitted: { mean: mean + sd * m1, variance: variance * c2, skewness: c3 / c2 ** 1.5, kurtosis: c4 / (c2 * c2) },
  }
}

/** Density of a fit at points s (original units). */
export function maxEntDensity(fit: MaxEntFit, mom: Pick<MomentInput, 'mean' | 'variance'>, s: readonly number[]): number[] {
  const sd = Math.sqrt(mom.variance)
  const z = gridZ()
  const { logZ } = evaluate(fit.lambda, z)
  return s.map((x) => {
    const t = (x - mom.mean) / sd
    return Math.exp(fit.lambda[0] * t + fit.lambda[1] * t * t + fit.lambda[2] * t ** 3 + fit.lambda[3] * t ** 4 - logZ) / sd
  })
}

export function gaussianDensity(mean: number, variance: number, s: readonly number[]): number[] {
  return s.map((x) => Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance))
}
