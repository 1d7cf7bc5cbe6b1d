// Timing the real workload on each tfjs backend (issue 11 item 1), inside the worker, within a budget.
// A step is one unit of the workload (U-Net: one forward + one VJP at the run's batch; manifold MLP: one
// training step + one sampler step; start-up: the tiny conv net and its gradient). Each backend runs the step
// twice: the first call includes shader compilation and graph folding, the second is the steady state that
// is compared. A backend whose first call runs past its bound is abandoned (counted as slower than the bound):
// its pending work is left to finish on its own, and its tensors are freed at once.
import type { TfjsBackend } from '../engines/tfjs/backends'
import { boundFor, measurementOrder, MEASURE_BUDGET_MS, type BackendTiming } from './backendChoice'

/** One unit of the workload on the current backend; `run` frees what it allocates. */
export interface WorkloadStep {
  run(): Promise<void>
  dispose(): void
}

export interface MeasureHooks {
  /** Switches tfjs to the backend (already probed ok). */
  switchTo(b: TfjsBackend): Promise<void>
  /** Builds the step on the current backend. */
  prepare(b: TfjsBackend): Promise<WorkloadStep>
  /** Called when a backend was abandoned or failed, so its cached state can be dropped. */
  discard?(b: TfjsBackend): void
  onProgress?(message: string): void
  signal?: AbortSignal
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Resolves with the call's time, or with 'late' once `boundMs` has passed (the call goes on by itself). */
async function bounded(f: () => Promise<void>, boundMs: number): Promise<number | 'late'> {
  const t0 = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, boundMs))
  })
  const work = f().then(() => performance.now() - t0)
  try {
    const r = await Promise.race([work, late])
    // a synchronous stretch (e.g. WebGL shader compilation) can hold the timer back: judge by the clock
    if (r !== 'late' && r > boundMs) return 'late'
    return r
  } finally {
    clearTimeout(timer)
    work.catch(() => undefined)
  }
}

export async function measureBackends(
  available: readonly TfjsBackend[],
  hooks: MeasureHooks,
  budgetMs = MEASURE_BUDGET_MS,
): Promise<BackendTiming[]> {
  const { order, skipped } = measurementOrder(available)
  const timings: BackendTiming[] = [...skipped]
  const t0 = performance.now()
  for (let i = 0; i < order.length; i++) {
    hooks.signal?.throwIfAborted()
    const backend = order[i]!
    const remaining = budgetMs - (performance.now() - t0)
    const bound = boundFor(remaining, order.length - i)
    hooks.onProgress?.(`timing ${backend} (up to ${Math.round(bound)} ms)`)
    let step: WorkloadStep | undefined
    let keep = false
    try {
      await hooks.switchTo(backend)
      const start = performance.now()
      step = await hooks.prepare(backend)
      const s = step
      const first = await bounded(() => s.run(), bound - (performance.now() - start))
      if (first === 'late') {
        timings.push({ backend, status: 'abandoned', atLeastMs: Math.round(performance.now() - start) })
        // the abandoned call may still be running: free the step only once it has settled
        const pending = step
        step = undefined
        // its tensors can go now: work already queued on the device does not need the handles
        pending.dispose()
        hooks.discard?.(backend)
        continue
      }
      const firstMs = performance.now() - start
      const t1 = performance.now()
      await s.run()
      timings.push({ backend, status: 'timed', ms: performance.now() - t1, firstMs })
      keep = true
    } catch (e) {
      hooks.signal?.throwIfAborted()
      timings.push({ backend, status: 'failed', reason: errText(e) })
    } finally {
      step?.dispose()
      if (!keep && step) hooks.discard?.(backend)
    }
  }
  return timings
}
