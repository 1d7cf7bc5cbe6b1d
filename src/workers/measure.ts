// Timing the real workload on each tfjs backend (issue 11 item 1), within a budget. Each backend runs one
// workload step twice in a fresh measuring worker (measure.worker.ts): the first call includes shader
// compilation and graph folding, the second is the steady state that is compared. wasm goes first, as the
// reference, and may take as long as it needs; every other backend gets its share of what is left of the
// budget (boundFor: at least twice the reference, more for a hardware GPU) and is stopped past it — its
// worker terminated — and counted as slower. (Work it already queued in the browser's GPU process may still
// run on for a while; on a software adapter that costs CPU once, on the first visit.)
import type { TfjsBackend } from '../engines/tfjs/backends'
import { boundFor, measurementOrder, MEASURE_BUDGET_MS, type BackendTiming } from './backendChoice'
import type { MeasureMessage, MeasureRequest } from './measure.worker'
import type { WorkloadRecipe } from './workloadSteps'

export interface MeasureHooks {
  /** Times one step on `backend`; `boundMs` undefined = no bound (the reference). */
  timeOne(backend: TfjsBackend, boundMs: number | undefined, signal?: AbortSignal): Promise<BackendTiming>
  onProgress?(message: string): void
  signal?: AbortSignal
}

/** The reference backend is not bounded by the budget, only by this (a hung backend must still end). */
export const REFERENCE_LIMIT_MS = 60_000

export async function measureBackends(
  available: readonly TfjsBackend[],
  hooks: MeasureHooks,
  budgetMs = MEASURE_BUDGET_MS,
  software: (b: TfjsBackend) => boolean = () => true,
  prescreened: readonly BackendTiming[] = [],
): Promise<BackendTiming[]> {
  const skip = new Set(prescreened.map((t) => t.backend))
  const { order, skipped } = measurementOrder(available.filter((b) => !skip.has(b)))
  const timings: BackendTiming[] = [...skipped, ...prescreened]
  const t0 = performance.now()
  for (let i = 0; i < order.length; i++) {
    hooks.signal?.throwIfAborted()
    const backend = order[i]!
    const reference = i === 0
    const ref = timings.find((t) => t.backend === order[0])
    const refMs = ref?.status === 'timed' ? ref.totalMs ?? ref.firstMs + ref.ms : 0
    const bound = reference ? undefined : boundFor(budgetMs - (performance.now() - t0), order.length - i, refMs, software(backend))
    hooks.onProgress?.(`timing ${backend}${bound === undefined ? '' : ` (up to ${Math.round(bound)} ms)`}`)
    timings.push(await hooks.timeOne(backend, bound, hooks.signal))
  }
  return timings
}

/** Times one step of `recipe` on `backend` in a fresh measuring worker, terminated past `boundMs`. */
export function timeInWorker(backend: TfjsBackend, recipe: WorkloadRecipe, boundMs: number | undefined, signal?: AbortSignal): Promise<BackendTiming> {
  return new Promise<BackendTiming>((resolve, reject) => {
    const w = new Worker(new URL('./measure.worker.ts', import.meta.url), { type: 'module', name: `measure-${backend}` })
    let timer: ReturnType<typeof setTimeout> | undefined
    const end = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      w.terminate()
    }
    const onAbort = (): void => {
      end()
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    // the bound covers everything from the request: starting the backend (which can wait on a GPU process
    // still busy with an earlier backend's work), building the step, and both calls
    const t0 = performance.now()
    timer = setTimeout(() => {
      end()
      resolve(boundMs === undefined
        ? { backend, status: 'failed', reason: `start, build and two steps did not finish in ${REFERENCE_LIMIT_MS / 1000} s` }
        : { backend, status: 'abandoned', atLeastMs: Math.round(performance.now() - t0) })
    }, boundMs ?? REFERENCE_LIMIT_MS)
    w.onmessage = (e: MessageEvent<MeasureMessage>) => {
      const m = e.data
      if (m.type === 'ready') return
      end()
      if (m.type === 'timed') resolve({ backend, status: 'timed', ms: m.ms, firstMs: m.firstMs, totalMs: performance.now() - t0 })
      else resolve({ backend, status: 'failed', reason: m.message })
    }
    w.onerror = (e) => {
      end()
      resolve({ backend, status: 'failed', reason: e.message || 'the measuring worker failed' })
    }
    const req: MeasureRequest = { backend, recipe }
    w.postMessage(req)
  })
}
