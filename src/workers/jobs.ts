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

export class JobRegistry {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly tf: typeof tfType) {}

  /** Runs `body` as job `id`; rejects with JobCancelled when cancelled. Tensor count is checked afterwards. */
  async run<T>(id: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running.has(id)) throw new Error(`a job with id ${id} is already running`)
    const controller = new AbortController()
    this.running.set(id, controller)
    const before = this.tf.memory().numTensors
    try {
      return await body(controller.signal)
    } catch (e) {
      if (controller.signal.aborted) throw new JobCancelled(id)
      throw e
    } finally {
      this.running.delete(id)
      const leaked = this.tf.memory().numTensors - before
      if (leaked > 0) console.warn(`job ${id} leaked ${leaked} tensors`)
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
