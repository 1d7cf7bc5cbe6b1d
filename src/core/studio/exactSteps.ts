// The exact float x_t of the first sample of chosen methods at every step of ONE run, kept in the worker so
// that a later request can reference (runId, method, step) — the page only has 8-bit display frames. Bounded:
// at most `budgetFloats` floats in all (steps × pixels per method); a step past the budget is not kept and a
// request for it says so. A new run replaces the whole store (the old arrays are dropped).
export interface ExactStep {
  sigma: number
  xt: Float32Array
}

export class ExactSteps {
  private readonly kept = new Map<number, Map<number, ExactStep>>()
  private floats = 0
  private dropped = 0

  constructor(
    readonly runId: string,
    readonly onnxUrl: string,
    readonly shape: [number, number, number],
    /** Methods (indices) whose x_t is kept. */
    readonly methods: ReadonlySet<number>,
    readonly budgetFloats = 16 * 1024 * 1024,
  ) {}

  add(method: number, step: number, sigma: number, xt: Float32Array): void {
    if (!this.methods.has(method)) return
    if (this.floats + xt.length > this.budgetFloats) { this.dropped++; return }
    let m = this.kept.get(method)
    if (!m) { m = new Map(); this.kept.set(method, m) }
    if (!m.has(step)) this.floats += xt.length
    m.set(step, { sigma, xt: xt.slice() })
  }

  /** Floats held now. */
  get size(): number { return this.floats }

  /** The kept x_t of `method` at `step`, or a sentence saying why there is none. */
  get(runId: string, method: number, step: number): ExactStep | string {
    if (runId !== this.runId) return `the worker keeps the exact x_t of the last run only (${this.runId}), not of ${runId}; run it again`
    if (!this.methods.has(method)) return `the exact x_t of method ${method + 1} is not kept (only MMPS rows keep theirs)`
    const s = this.kept.get(method)?.get(step)
    if (s) return s
    return this.dropped > 0
      ? `x_t at step ${step} was not kept: the run's exact trajectories exceed the worker's ${(this.budgetFloats * 4 / 1e6).toFixed(0)} MB budget`
      : `this run did not reach step ${step}`
  }
}
