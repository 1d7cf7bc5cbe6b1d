// Long jobs in the worker: each has an id, reports progress through a callback and can be cancelled.
// A job body receives an AbortSignal and must call signal.throwIfAborted() between steps; whatever it
// allocated is freed by its own tf.tidy / try-finally, and the registry checks that no tensor leaked.
import type * as tfType from '@tensorflow/tfjs-core'

export interface Progress {
  /** 0..1 */
  fraction: number
  message: string
}

export type ProgressCallback = (p: Progress) => void

export class JobCancelled extends Error {
  constructor(id: string) {
    super(`job ${id} was cancelled`)
    this.name = 'JobCancelled'
  }
}

/** A job stopped by the worker itself (its GPU device was lost), with the message the user should read. */
export class JobStopped extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JobStopped'
  }
}

export interface JobHooks {
  /** Runs under the job's signal (so a cancel reaches it) but before the tensor count is taken: waiting for
   *  the backend, measuring it, building cached graphs. */
  setup?(signal: AbortSignal, controller: AbortController): Promise<void>
  /** Always runs after the body (e.g. releases the backend lease). */
  cleanup?(): void
}

export class JobRegistry {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly tf: typeof tfType) {}

  /** Runs `body` as job `id`; rejects with JobCancelled when cancelled. Tensor count is checked afterwards. */
  async run<T>(id: string, body: (signal: AbortSignal) => Promise<T>, hooks: JobHooks = {}): Promise<T> {
    if (this.running.has(id)) throw new Error(`a job with id ${id} is already running`)
    const controller = new AbortController()
    const { signal } = controller
    this.running.set(id, controller)
    const stopped = (): never => {
      throw signal.reason instanceof JobStopped ? signal.reason : new JobCancelled(id)
    }
    try {
      if (hooks.setup) await hooks.setup(signal, controller)
      if (signal.aborted) stopped()
      const before = this.tf.engine().state.numTensors
      try {
        const r = await body(signal)
        // a body may end normally on abort (the studio keeps its partial results): a stop still says why
        if (signal.reason instanceof JobStopped) throw signal.reason
        return r
      } finally {
        const leaked = this.tf.engine().state.numTensors - before
        if (leaked > 0) console.warn(`job ${id} leaked ${leaked} tensors`)
      }
    } catch (e) {
      if (signal.aborted) stopped()
      throw e
    } finally {
      this.running.delete(id)
      hooks.cleanup?.()
    }
  }

  cancel(id: string): boolean {
    const c = this.running.get(id)
    if (!c) return false
    c.abort()
    return true
  }

  get size(): number {
    return this.running.size
  }
}

/** Lets the event loop breathe so that a cancel message can arrive between steps. */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))
