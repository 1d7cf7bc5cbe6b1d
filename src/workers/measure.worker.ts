// A throw-away worker that times one workload step on one tfjs backend (issue 11 item 1). It runs apart from
// the compute worker so that a backend past its time bound can be stopped for real: the compute worker
// terminates this worker, and with it any shader compilation or GPU work still going (on a software adapter
// one U-Net step can take tens of seconds, much of it in blocking calls that no timer could interrupt).
// Protocol: {backend, recipe} in → 'ready' (backend up, step built) → {firstMs, ms} or {error}.
import { tf } from '../engines/tfjs/registerBrowser'
import type { TfjsBackend } from '../engines/tfjs/backends'
import { buildStep, type WorkloadRecipe } from './workloadSteps'

export interface MeasureRequest {
  backend: TfjsBackend
  recipe: WorkloadRecipe
}

export type MeasureMessage = { type: 'ready' } | { type: 'timed'; firstMs: number; ms: number } | { type: 'error'; message: string }

const post = (m: MeasureMessage): void => (self as unknown as Worker).postMessage(m)

self.onmessage = async (e: MessageEvent<MeasureRequest>) => {
  try {
    const { backend, recipe } = e.data
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start ${backend} in the measuring worker`)
    await tf.ready()
    const step = buildStep(recipe)
    post({ type: 'ready' })
    const t0 = performance.now()
    await step.run()
    const firstMs = performance.now() - t0
    const t1 = performance.now()
    await step.run()
    const ms = performance.now() - t1
    step.dispose()
    post({ type: 'timed', firstMs, ms })
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  }
}
