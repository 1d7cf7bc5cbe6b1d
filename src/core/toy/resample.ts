// Importance resampling (algorithms.md §6.1): multinomial draws with replacement, probabilities ∝ exp(log w)
// (JAX `choice` normalises p). Computed stably by subtracting the maximum log-weight first.

/** Cumulative normalised weights from log-weights; non-finite log-weights get weight 0. */
export function cumulativeWeights(logw: Float64Array): Float64Array {
  let mx = -Infinity
  for (const v of logw) if (Number.isFinite(v) && v > mx) mx = v
  if (mx === -Infinity) throw new Error('resampling: every weight is zero (all log-weights are −∞ or not finite)')
  const cdf = new Float64Array(logw.length)
  let s = 0
  for (let i = 0; i < logw.length; i++) {
    const v = logw[i]
    s += Number.isFinite(v) ? Math.exp(v - mx) : 0
    cdf[i] = s
  }
  for (let i = 0; i < cdf.length; i++) cdf[i] /= s
  return cdf
}

/** Index drawn by inverting the CDF at u ∈ [0, 1) (binary search). */
export function drawIndex(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid] > u) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** `count` indices drawn with replacement, one per uniform in `us` (so draws can share random numbers). */
export function resampleIndices(logw: Float64Array, us: Float64Array): Int32Array {
  const cdf = cumulativeWeights(logw)
  const out = new Int32Array(us.length)
  for (let i = 0; i < us.length; i++) out[i] = drawIndex(cdf, us[i])
  return out
}

/** Rows idx of a row-major N × d array. */
export function gatherRows(xs: Float64Array, d: number, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length * d)
  for (let i = 0; i < idx.length; i++) for (let k = 0; k < d; k++) out[i * d + k] = xs[idx[i] * d + k]
  return out
}

/** Kish's effective sample size of the normalised weights, (Σw)²/Σw². */
export function effectiveSampleSize(logw: Float64Array): number {
  let mx = -Infinity
  for (const v of logw) if (Number.isFinite(v) && v > mx) mx = v
  if (mx === -Infinity) return 0
  let s = 0, s2 = 0
  for (const v of logw) if (Number.isFinite(v)) {
    const w = Math.exp(v - mx)
    s += w
    s2 += w * w
  }
  return (s * s) / s2
}
