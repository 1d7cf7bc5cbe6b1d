// Entropic optimal transport as the DiEM code computes it (algorithms.md §6.3): POT's `sinkhorn_log` with
// uniform weights, cost M = SQUARED Euclidean distances (`ot.dist`), reg λ = 1e-3, numItermax = 1024,
// stopThr = 1e-3 checked every 10th iteration, and `sinkhorn2`'s return value: the LINEAR cost ⟨γ, M⟩
// (no entropy term). Plus the "divergence" S(u1, u2, v) = max(OT(u1, v) − OT(u1, u2), 1e-6), which is
// not Feydy's symmetric debiasing: it subtracts a truth-vs-truth value on an independent sample u2.
//
// Point sets are flat row-major Float64Array (n rows of dimension d). Everything is float64: with
// λ = 1e-3 the kernel exp(−M/λ) underflows for almost every pair, so the updates must stay in the log
// domain (§9.1).

export interface SinkhornOptions {
  /** Entropic regularisation λ (POT `reg`). */
  reg?: number
  numItermax?: number
  /** Stop when ‖γᵀ1 − b‖₂ < stopThr; checked at iterations 0, 10, 20, … as POT does. */
  stopThr?: number
}

export interface SinkhornResult {
  /** ⟨γ, M⟩, the linear transport cost (what `ot.sinkhorn2` returns). */
  cost: number
  /** Iterations run (POT's loop counter + 1). */
  iterations: number
  /** Last measured column-marginal violation ‖γᵀ1 − b‖₂. */
  err: number
  converged: boolean
}

export const SINKHORN_DEFAULTS = { reg: 1e-3, numItermax: 1024, stopThr: 1e-3 } as const

/** Pairwise squared Euclidean distances, n×m row-major (POT `ot.dist` with the default metric). */
export function squaredDistances(u: Float64Array, v: Float64Array, d: number): Float64Array {
  const n = rows(u, d), m = rows(v, d)
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    const io = i * d
    for (let j = 0; j < m; j++) {
      const jo = j * d
      let s = 0
      for (let k = 0; k < d; k++) {
        const t = u[io + k] - v[jo + k]
        s += t * t
      }
      out[i * m + j] = s
    }
  }
  return out
}

function rows(x: Float64Array, d: number): number {
  if (!(d >= 1) || x.length % d !== 0) throw new Error(`point set of length ${x.length} is not a multiple of d = ${d}`)
  return x.length / d
}

// Terms whose log is more than CUT below the running maximum (or below CUT in absolute value, for γ whose
// entries sum to 1) are < e^-60 ≈ 1e-26 and cannot change a float64 sum of ≤ 1e8 such terms; skipping them
// avoids an exp() call for the vast majority of pairs when λ is small. A pure speed-up, not an approximation
// that shows at float64 precision.
const CUT = -60

/**
 * Where the scaled costs Mr = −M/λ come from: a stored matrix (small sets) or the points themselves (large
 * sets: 16384² float64 entries would be 2 GiB, so the cost is recomputed on the fly).
 */
interface CostSource {
  readonly n: number
  readonly m: number
  /** log Σ_j exp(Mr[i, j] + w[j]) */
  rowLse(i: number, w: Float64Array): number
  /** log Σ_i exp(Mr[i, j] + w[i]) */
  colLse(j: number, w: Float64Array): number
  /** M[i, j] and Mr[i, j] for one row, written into the scratch arrays. */
  row(i: number, M: Float64Array, Mr: Float64Array): void
}

/** Online log-sum-exp over a[off + k] + w[k], k < len (one pass, running maximum). */
function lse(a: Float64Array, off: number, w: Float64Array, len: number): number {
  let mx = -Infinity, s = 0
  for (let k = 0; k < len; k++) {
    const t = a[off + k] + w[k]
    if (t > mx) {
      s = s * Math.exp(mx - t) + 1
      mx = t
    } else if (t - mx > CUT) s += Math.exp(t - mx)
  }
  return mx === -Infinity ? -Infinity : mx + Math.log(s)
}

class DenseCost implements CostSource {
  private readonly Mr: Float64Array
  private readonly MrT: Float64Array
  constructor(private readonly M: Float64Array, readonly n: number, readonly m: number, reg: number) {
    // Stored twice (row-major and transposed) so both half-steps read contiguous memory.
    this.Mr = new Float64Array(n * m)
    this.MrT = new Float64Array(n * m)
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const t = -M[i * m + j] / reg
      this.Mr[i * m + j] = t
      this.MrT[j * n + i] = t
    }
  }
  rowLse(i: number, w: Float64Array): number { return lse(this.Mr, i * this.m, w, this.m) }
  colLse(j: number, w: Float64Array): number { return lse(this.MrT, j * this.n, w, this.n) }
  row(i: number, M: Float64Array, Mr: Float64Array): void {
    M.set(this.M.subarray(i * this.m, (i + 1) * this.m))
    Mr.set(this.Mr.subarray(i * this.m, (i + 1) * this.m))
  }
}

class PointCost implements CostSource {
  readonly n: number
  readonly m: number
  private readonly buf: Float64Array
  constructor(private readonly u: Float64Array, private readonly v: Float64Array, private readonly d: number, private readonly reg: number) {
    this.n = rows(u, d)
    this.m = rows(v, d)
    this.buf = new Float64Array(Math.max(this.n, this.m))
  }
  private fill(x: Float64Array, i: number, y: Float64Array, count: number): void {
    const d = this.d, inv = -1 / this.reg, buf = this.buf
    for (let j = 0; j < count; j++) {
      let s = 0
      for (let k = 0; k < d; k++) {
        const t = x[i * d + k] - y[j * d + k]
        s += t * t
      }
      buf[j] = s * inv
    }
  }
  rowLse(i: number, w: Float64Array): number {
    this.fill(this.u, i, this.v, this.m)
    return lse(this.buf, 0, w, this.m)
  }
  colLse(j: number, w: Float64Array): number {
    this.fill(this.v, j, this.u, this.n)
    return lse(this.buf, 0, w, this.n)
  }
  row(i: number, M: Float64Array, Mr: Float64Array): void {
    this.fill(this.u, i, this.v, this.m)
    for (let j = 0; j < this.m; j++) {
      Mr[j] = this.buf[j]
      M[j] = -this.buf[j] * this.reg
    }
  }
}

/** Sets with more pairs than this recompute costs from the points instead of storing two n×m matrices. */
const DENSE_LIMIT = 1 << 22

/**
 * POT `sinkhorn_log` followed by ⟨γ, M⟩ (algorithms.md §6.3), uniform a = 1/n, b = 1/m, as a generator
 * that yields after every iteration (so async callers can let cancel messages in).
 */
function* sinkhornSteps(src: CostSource, opts: SinkhornOptions): Generator<number, SinkhornResult, void> {
  const numItermax = opts.numItermax ?? SINKHORN_DEFAULTS.numItermax
  const stopThr = opts.stopThr ?? SINKHORN_DEFAULTS.stopThr
  const { n, m } = src
  if (n === 0 || m === 0) throw new Error('sinkhorn: empty point set')
  const loga = Math.log(1 / n), logb = Math.log(1 / m), b = 1 / m
  const u = new Float64Array(n), v = new Float64Array(m)
  const colSum = new Float64Array(m), Mrow = new Float64Array(m), Mrrow = new Float64Array(m)
  let err = Infinity, it = 0, converged = false
  for (let ii = 0; ii < numItermax; ii++) {
    it = ii + 1
    // v = log b − logsumexp_i(Mr + u[:, None])
    for (let j = 0; j < m; j++) v[j] = logb - src.colLse(j, u)
    // u = log a − logsumexp_j(Mr + v[None, :])
    for (let i = 0; i < n; i++) u[i] = loga - src.rowLse(i, v)
    if (ii % 10 === 0) {
      // Column marginal of γ = exp(Mr + u + v); the row marginal is exact right after the u update.
      colSum.fill(0)
      for (let i = 0; i < n; i++) {
        src.row(i, Mrow, Mrrow)
        const ui = u[i]
        for (let j = 0; j < m; j++) {
          const t = Mrrow[j] + ui + v[j]
          if (t > CUT) colSum[j] += Math.exp(t)
        }
      }
      let e2 = 0
      for (let j = 0; j < m; j++) e2 += (colSum[j] - b) ** 2
      err = Math.sqrt(e2)
      if (err < stopThr) {
        converged = true
        break
      }
    }
    yield it
  }
  let cost = 0
  for (let i = 0; i < n; i++) {
    src.row(i, Mrow, Mrrow)
    const ui = u[i]
    for (let j = 0; j < m; j++) {
      const t = Mrrow[j] + ui + v[j]
      if (t > CUT) cost += Math.exp(t) * Mrow[j]
    }
  }
  return { cost, iterations: it, err, converged }
}

function runSync<R>(g: Generator<unknown, R, void>): R {
  for (;;) {
    const r = g.next()
    if (r.done) return r.value
  }
}

async function runAsync<R>(g: Generator<unknown, R, void>, checkpoint: () => Promise<void>): Promise<R> {
  for (;;) {
    const r = g.next()
    if (r.done) return r.value
    await checkpoint()
  }
}

/** POT `sinkhorn_log` + ⟨γ, M⟩ on an explicit n×m cost matrix M (row-major). */
export function sinkhornLog(M: Float64Array, n: number, m: number, opts: SinkhornOptions = {}): SinkhornResult {
  if (M.length !== n * m) throw new Error(`cost matrix has ${M.length} entries, expected ${n}×${m}`)
  return runSync(sinkhornSteps(new DenseCost(M, n, m, opts.reg ?? SINKHORN_DEFAULTS.reg), opts))
}

function source(u: Float64Array, v: Float64Array, d: number, reg: number): CostSource {
  const n = rows(u, d), m = rows(v, d)
  return n * m <= DENSE_LIMIT ? new DenseCost(squaredDistances(u, v, d), n, m, reg) : new PointCost(u, v, d, reg)
}

/** OT(u, v) of §6.3: `ot.sinkhorn2(a=[], b=[], M=ot.dist(u, v), reg, method='sinkhorn_log')`. */
export function sinkhornCost(u: Float64Array, v: Float64Array, d: number, opts: SinkhornOptions = {}): SinkhornResult {
  return runSync(sinkhornSteps(source(u, v, d, opts.reg ?? SINKHORN_DEFAULTS.reg), opts))
}

/** The same, awaiting `checkpoint` after every iteration (it may throw to cancel, or yield to the event loop). */
export function sinkhornCostAsync(
  u: Float64Array,
  v: Float64Array,
  d: number,
  opts: SinkhornOptions,
  checkpoint: () => Promise<void>,
): Promise<SinkhornResult> {
  return runAsync(sinkhornSteps(source(u, v, d, opts.reg ?? SINKHORN_DEFAULTS.reg), opts), checkpoint)
}

/** The floor of S (algorithms.md §9.10): values below it are reported as the floor, for log plots. */
export const DIVERGENCE_FLOOR = 1e-6

/**
 * S(u1, u2, v) = max(OT(u1, v) − OT(u1, u2), 1e-6) (algorithms.md §6.3), u1 and u2 two independent samples
 * of the reference, v the sample under test. Pass `reference` = OT(u1, u2) when it is already known (the toy
 * shares it between the four covariance choices).
 */
export function sinkhornDivergence(
  u1: Float64Array,
  u2: Float64Array,
  v: Float64Array,
  d: number,
  opts: SinkhornOptions & { reference?: number } = {},
): number {
  const ref = opts.reference ?? sinkhornCost(u1, u2, d, opts).cost
  return Math.max(sinkhornCost(u1, v, d, opts).cost - ref, DIVERGENCE_FLOOR)
}
